// Tests for streams/examples/nexmark/model.hpp: the binary serdes (round trip, every kind of
// malformed input is an error and never a throw) and the JSON mapping (NEXMark field names,
// round trip, bad input).
#include "nexmark/model.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "fjord/streams/serde/serde.hpp"
#include "nexmark/generator.hpp"

namespace fjord::streams::nexmark {
namespace {

static_assert(serde_for<event_serde, event>);
static_assert(serde_for<bid_serde, bid>);
static_assert(serde_for<person_serde, person>);
static_assert(serde_for<auction_serde, auction>);
static_assert(serde_for<event_json_serde, event>);

person sample_person() {
  return {1001, "Peter Smith", "abc@def.com", "0001 2345 6789 0000", "Boise", "ID",
          1'700'000'000'123, "xyz"};
}
auction sample_auction() {
  return {1002, "item", "a longer description of the item that does not fit SSO", 150, 300,
          1'700'000'000'000, 1'700'000'010'000, 1001, 10, ""};
}
bid sample_bid() {
  return {1002, 1001, 12345, "Google", "https://www.nexmark.com/a/b/c/item.htm?query=1",
          1'700'000'000'500, ""};
}

event round_trip(const event& e) {
  const std::string bytes = encode_to_string<event_serde>(e);
  auto r = event_serde::decode(bytes);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
  return r.ok() ? r.value() : event{};
}

TEST(NexmarkSerde, RoundTripsEachType) {
  EXPECT_EQ(round_trip(sample_person()), event(sample_person()));
  EXPECT_EQ(round_trip(sample_auction()), event(sample_auction()));
  EXPECT_EQ(round_trip(sample_bid()), event(sample_bid()));
}

TEST(NexmarkSerde, RoundTripsExtremeValues) {
  bid b;
  b.auction = std::numeric_limits<std::int64_t>::min();
  b.bidder = std::numeric_limits<std::int64_t>::max();
  b.price = -1;
  b.channel = std::string("\0\xff\x80 binary", 10);
  b.url = std::string(100'000, 'u');
  b.date_time = 0;
  EXPECT_EQ(round_trip(b), event(b));
  EXPECT_EQ(round_trip(person{}), event(person{}));
  EXPECT_EQ(round_trip(auction{}), event(auction{}));
}

TEST(NexmarkSerde, RoundTripsGeneratedEvents) {
  generator_config cfg;
  cfg.seed = 3;
  cfg.avg_person_byte_size = 200;
  cfg.avg_auction_byte_size = 500;
  cfg.avg_bid_byte_size = 100;
  generator g(cfg);
  std::string buf;
  for (int i = 0; i < 2000; ++i) {
    const event e = *g.next();
    buf.clear();
    event_serde::encode(e, buf);
    auto r = event_serde::decode(buf);
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r.value(), e) << "event " << i;
  }
}

TEST(NexmarkSerde, EntitySerdesShareTheEventFormat) {
  const std::string as_bid = encode_to_string<bid_serde>(sample_bid());
  EXPECT_EQ(as_bid, encode_to_string<event_serde>(event(sample_bid())));
  auto e = event_serde::decode(as_bid);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(std::get<bid>(e.value()), sample_bid());
  auto b = bid_serde::decode(as_bid);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value(), sample_bid());
  auto p = person_serde::decode(encode_to_string<person_serde>(sample_person()));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value(), sample_person());
  auto a = auction_serde::decode(encode_to_string<auction_serde>(sample_auction()));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value(), sample_auction());
}

TEST(NexmarkSerde, WrongTagIsAnError) {
  const std::string person_bytes = encode_to_string<person_serde>(sample_person());
  EXPECT_FALSE(bid_serde::decode(person_bytes).ok());
  EXPECT_FALSE(auction_serde::decode(person_bytes).ok());
  for (unsigned char tag : {3, 4, 0x7f, 0x80, 0xff}) {
    std::string bytes = encode_to_string<bid_serde>(sample_bid());
    bytes[0] = static_cast<char>(tag);
    auto r = event_serde::decode(bytes);
    ASSERT_FALSE(r.ok()) << "tag " << int(tag);
    EXPECT_EQ(r.err().kind, error_kind::decode);
    EXPECT_FALSE(bid_serde::decode(bytes).ok());
  }
}

TEST(NexmarkSerde, EveryTruncationIsAnError) {
  for (const event& e : {event(sample_person()), event(sample_auction()), event(sample_bid())}) {
    const std::string bytes = encode_to_string<event_serde>(e);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      auto r = event_serde::decode(std::string_view(bytes).substr(0, n));
      EXPECT_FALSE(r.ok()) << "prefix " << n << " of " << bytes.size();
    }
  }
}

TEST(NexmarkSerde, MalformedInputIsAnError) {
  EXPECT_FALSE(event_serde::decode("").ok());
  EXPECT_FALSE(bid_serde::decode("").ok());
  // Trailing bytes.
  EXPECT_FALSE(event_serde::decode(encode_to_string<bid_serde>(sample_bid()) + "x").ok());
  // Varint longer than 64 bits.
  EXPECT_FALSE(event_serde::decode(std::string("\x02") + std::string(11, '\xff')).ok());
  EXPECT_FALSE(event_serde::decode(std::string("\x02") + std::string(9, '\xff') + "\x02").ok());
  // String length far past the end of the input.
  std::string huge_len("\x02\x02\x04\x06", 4);  // tag, auction=1, bidder=2, price=3
  huge_len += std::string(9, '\xff') + "\x01";   // channel length 2^64-1
  auto r = event_serde::decode(huge_len);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("nexmark"), std::string::npos);
}

TEST(NexmarkSerde, SurvivesRandomGarbage) {
  detail::rng r(99);
  for (int i = 0; i < 20000; ++i) {
    std::string s(r.below(64), '\0');
    for (char& c : s) c = static_cast<char>(r.below(256));
    if (!s.empty()) s[0] = static_cast<char>(r.below(4));
    auto d = event_serde::decode(s);
    if (!d.ok()) continue;  // valid by chance: must survive a re-encode
    auto again = event_serde::decode(encode_to_string<event_serde>(d.value()));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), d.value());
  }
}

TEST(NexmarkJson, UsesNexmarkFieldNames) {
  const nlohmann::json b = sample_bid();
  for (const char* k : {"auction", "bidder", "price", "channel", "url", "dateTime", "extra"})
    EXPECT_TRUE(b.contains(k)) << k;
  EXPECT_EQ(b.size(), 7u);
  const nlohmann::json p = sample_person();
  for (const char* k :
       {"id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"})
    EXPECT_TRUE(p.contains(k)) << k;
  const nlohmann::json a = sample_auction();
  for (const char* k : {"id", "itemName", "description", "initialBid", "reserve", "dateTime",
                        "expires", "seller", "category", "extra"})
    EXPECT_TRUE(a.contains(k)) << k;
  const nlohmann::json e = event(sample_bid());
  EXPECT_EQ(e.at("event_type"), 2);
  EXPECT_EQ(e.at("bid"), b);
}

TEST(NexmarkJson, RoundTrips) {
  EXPECT_EQ(nlohmann::json(sample_person()).get<person>(), sample_person());
  EXPECT_EQ(nlohmann::json(sample_auction()).get<auction>(), sample_auction());
  EXPECT_EQ(nlohmann::json(sample_bid()).get<bid>(), sample_bid());
  generator g(generator_config{.seed = 5, .max_events = 500});
  while (auto e = g.next()) {
    EXPECT_EQ(nlohmann::json(*e).get<event>(), *e);
    const std::string text = encode_to_string<event_json_serde>(*e);
    auto d = event_json_serde::decode(text);
    ASSERT_TRUE(d.ok()) << d.err().message;
    EXPECT_EQ(d.value(), *e);
  }
}

TEST(NexmarkJson, BadInputIsAnError) {
  EXPECT_FALSE(event_json_serde::decode("").ok());
  EXPECT_FALSE(event_json_serde::decode("{not json").ok());
  EXPECT_FALSE(event_json_serde::decode(R"({"event_type": 7, "bid": {}})").ok());
  EXPECT_FALSE(event_json_serde::decode(R"({"event_type": 2})").ok());
  EXPECT_FALSE(event_json_serde::decode(R"({"event_type": 2, "bid": {"auction": 1}})").ok());
  EXPECT_FALSE(event_json_serde::decode(R"({"event_type": "bid"})").ok());
  EXPECT_FALSE(event_json_serde::decode("[1,2,3]").ok());
  EXPECT_THROW((void)nlohmann::json::parse(R"({"event_type": 9})").get<event>(),
               nlohmann::json::exception);
}

TEST(NexmarkModel, Helpers) {
  const event e = sample_auction();
  EXPECT_EQ(type_of(e), event_type::auction);
  EXPECT_TRUE(is_auction(e));
  EXPECT_FALSE(is_bid(e));
  EXPECT_FALSE(is_person(e));
  EXPECT_EQ(as_bid(e), nullptr);
  ASSERT_NE(as_auction(e), nullptr);
  EXPECT_EQ(as_auction(e)->id, 1002);
  EXPECT_EQ(event_time(e), 1'700'000'000'000);
  EXPECT_EQ(event_time(event(sample_person())), 1'700'000'000'123);
  EXPECT_STREQ(type_name(event_type::bid), "bid");
}

}  // namespace
}  // namespace fjord::streams::nexmark
