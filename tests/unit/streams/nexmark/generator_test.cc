// Tests for streams/examples/nexmark/generator.hpp: the 1:3:46 mix, determinism (same seed,
// at(n) vs next()), referential integrity of ids, time invariants, hot-item skew, config
// knobs (extra sizes, max_events, out-of-order groups) and config validation.
#include "nexmark/generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace fjord::streams::nexmark {
namespace {

std::vector<event> take(generator& g, int n) {
  std::vector<event> out;
  for (int i = 0; i < n; ++i) {
    auto e = g.next();
    if (!e) break;
    out.push_back(std::move(*e));
  }
  return out;
}

TEST(NexmarkGenerator, MixIsExactly1To3To46) {
  for (std::int64_t first_id : {0, 7, 1'000'003}) {
    generator g(generator_config{.seed = 11, .first_event_id = first_id});
    int counts[3] = {0, 0, 0};
    for (const event& e : take(g, 5000)) ++counts[e.index()];
    EXPECT_EQ(counts[0], 100) << "first_event_id " << first_id;
    EXPECT_EQ(counts[1], 300) << "first_event_id " << first_id;
    EXPECT_EQ(counts[2], 4600) << "first_event_id " << first_id;
  }
}

TEST(NexmarkGenerator, EveryFiftyEventsArePersonThenAuctionsThenBids) {
  generator g(generator_config{.seed = 1});
  const auto events = take(g, 100);
  for (int i = 0; i < 100; ++i) {
    const int k = i % 50;
    const auto want = k == 0 ? event_type::person : k < 4 ? event_type::auction : event_type::bid;
    EXPECT_EQ(type_of(events[i]), want) << i;
  }
}

TEST(NexmarkGenerator, SameSeedSameEvents) {
  generator a(generator_config{.seed = 42});
  generator b(generator_config{.seed = 42});
  generator c(generator_config{.seed = 43});
  const auto ea = take(a, 5000);
  EXPECT_EQ(ea, take(b, 5000));
  const auto ec = take(c, 5000);
  int different = 0;
  for (int i = 0; i < 5000; ++i) different += ea[i] != ec[i];
  EXPECT_GT(different, 4000);
}

TEST(NexmarkGenerator, AtMatchesNextAndNextInto) {
  generator g(generator_config{.seed = 9, .avg_bid_byte_size = 100});
  generator h(g.config());
  const generator reference(g.config());
  event reused;
  for (std::int64_t n = 0; n < 5000; ++n) {
    const event e = *g.next();
    ASSERT_EQ(e, reference.at(n)) << n;
    ASSERT_TRUE(h.next_into(reused));
    ASSERT_EQ(reused, e) << n;
  }
  EXPECT_EQ(g.events_so_far(), 5000u);
  // Random access far ahead, then seek there.
  const event far = reference.at(123'456'789);
  g.seek(123'456'789);
  EXPECT_EQ(*g.next(), far);
}

TEST(NexmarkGenerator, IdsAreDenseFromOneThousand) {
  generator g(generator_config{.seed = 2});
  std::int64_t next_person = 1000, next_auction = 1000;
  for (const event& e : take(g, 5000)) {
    if (const person* p = as_person(e)) {
      EXPECT_EQ(p->id, next_person++);
    }
    if (const auction* a = as_auction(e)) {
      EXPECT_EQ(a->id, next_auction++);
    }
  }
  EXPECT_EQ(next_person, 1100);
  EXPECT_EQ(next_auction, 1300);
}

// Checks every bid/auction refers to ids created so far (+ lead), and returns
// the fraction of bids on a not-yet-created auction or by a not-yet-created person.
double check_references(const generator_config& cfg, int n) {
  generator g(cfg);
  std::int64_t max_person = -1, max_auction = -1;
  int bids = 0, ahead = 0;
  for (const event& e : take(g, n)) {
    if (const person* p = as_person(e)) max_person = std::max(max_person, p->id);
    if (const auction* a = as_auction(e)) {
      max_auction = std::max(max_auction, a->id);
      EXPECT_GE(a->seller, 1000);
      EXPECT_LE(a->seller, max_person + cfg.person_id_lead);
    }
    if (const bid* b = as_bid(e)) {
      ++bids;
      EXPECT_GE(b->auction, 1000);
      EXPECT_GE(b->bidder, 1000);
      EXPECT_LE(b->auction, max_auction + cfg.auction_id_lead);
      EXPECT_LE(b->bidder, max_person + cfg.person_id_lead);
      ahead += b->auction > max_auction || b->bidder > max_person;
    }
  }
  return bids == 0 ? 0.0 : double(ahead) / bids;
}

TEST(NexmarkGenerator, BidsReferenceExistingAuctionsAndPeople) {
  generator_config strict{.seed = 4};
  strict.person_id_lead = 0;
  strict.auction_id_lead = 0;
  EXPECT_EQ(check_references(strict, 50'000), 0.0);
  strict.num_active_people = 10;
  strict.num_in_flight_auctions = 5;
  EXPECT_EQ(check_references(strict, 20'000), 0.0);
}

TEST(NexmarkGenerator, DefaultLeadsReferenceAtMostTenAhead) {
  const double ahead = check_references(generator_config{.seed = 4}, 50'000);
  // The Java's "lead": a few bids precede their auction/person. Expected share: random
  // auction (1/2 of bids) 10 of 111 ahead, random bidder (1/4) 10 of 1010 ahead: ~5 %.
  EXPECT_GT(ahead, 0.02);
  EXPECT_LT(ahead, 0.08);
}

TEST(NexmarkGenerator, TimeInvariants) {
  generator_config cfg{.seed = 8, .base_time = 1'000'000, .inter_event_delay_us = 10};
  generator g(cfg);
  timestamp_ms last = cfg.base_time;
  std::int64_t n = 0;
  for (const event& e : take(g, 20'000)) {
    const timestamp_ms t = event_time(e);
    EXPECT_GE(t, last);
    EXPECT_EQ(t, cfg.base_time + n * 10 / 1000);
    last = t;
    if (const auction* a = as_auction(e)) {
      EXPECT_GT(a->expires, a->date_time);
    }
    ++n;
  }
  EXPECT_EQ(last, 1'000'000 + 199);
}

TEST(NexmarkGenerator, AuctionLengthFollowsInFlightHorizon) {
  // 1 ms per event; 100 in-flight auctions take 100 * 50 / 3 = 1666 events = 1666 ms, so
  // lengths are uniform in [1, 3332] ms with mean ~1666.
  generator g(generator_config{.seed = 6, .inter_event_delay_us = 1000});
  double sum = 0;
  int count = 0;
  for (const event& e : take(g, 50'000)) {
    if (const auction* a = as_auction(e)) {
      const std::int64_t len = a->expires - a->date_time;
      EXPECT_GE(len, 1);
      EXPECT_LE(len, 3332);
      sum += double(len);
      ++count;
    }
  }
  EXPECT_NEAR(sum / count, 1666, 100);
}

TEST(NexmarkGenerator, HotAuctionsAndBiddersDominate) {
  generator g(generator_config{.seed = 12});
  std::map<std::int64_t, int> per_auction, per_bidder;
  int bids = 0;
  for (const event& e : take(g, 100'000)) {
    if (const bid* b = as_bid(e)) {
      ++bids;
      ++per_auction[b->auction];
      ++per_bidder[b->bidder];
    }
  }
  // hot_auction_ratio 2: about half of all bids go to hot auctions (one per 100 auctions).
  int hot_auction_bids = 0;
  for (auto [id, c] : per_auction)
    if ((id - 1000) % 100 == 0) hot_auction_bids += c;
  EXPECT_NEAR(double(hot_auction_bids) / bids, 0.5, 0.03);
  // hot_bidders_ratio 4: about 3/4 of bids by hot bidders (second person of a batch).
  int hot_bidder_bids = 0;
  for (auto [id, c] : per_bidder)
    if ((id - 1000) % 100 == 1) hot_bidder_bids += c;
  EXPECT_NEAR(double(hot_bidder_bids) / bids, 0.75, 0.03);
}

TEST(NexmarkGenerator, FieldsLookLikeNexmark) {
  generator g(generator_config{.seed = 21});
  std::set<std::string> states, channels;
  std::vector<std::int64_t> prices;
  for (const event& e : take(g, 20'000)) {
    if (const person* p = as_person(e)) {
      states.insert(p->state);
      EXPECT_EQ(p->credit_card.size(), 19u);
      EXPECT_NE(p->email_address.find('@'), std::string::npos);
      EXPECT_TRUE(p->email_address.ends_with(".com"));
      EXPECT_NE(p->name.find(' '), std::string::npos);
      EXPECT_TRUE(p->extra.empty());
    }
    if (const auction* a = as_auction(e)) {
      EXPECT_GE(a->category, 10);
      EXPECT_LT(a->category, 15);
      EXPECT_GT(a->reserve, a->initial_bid);
      EXPECT_FALSE(a->item_name.empty());
      EXPECT_LT(a->item_name.size(), 20u);
      EXPECT_LT(a->description.size(), 100u);
    }
    if (const bid* b = as_bid(e)) {
      channels.insert(b->channel);
      prices.push_back(b->price);
      EXPECT_TRUE(b->url.starts_with("https://www.nexmark.com/")) << b->url;
      EXPECT_NE(b->url.find("item.htm?query=1"), std::string::npos);
      EXPECT_TRUE(b->extra.empty());
    }
  }
  EXPECT_LE(states.size(), 6u);
  EXPECT_GE(states.size(), 5u);
  EXPECT_TRUE(channels.count("Google") && channels.count("Apple"));
  EXPECT_GT(channels.size(), 1000u);
  // round(10^(6u) * 100): in [100, 10^8], median 10^5.
  std::sort(prices.begin(), prices.end());
  EXPECT_GE(prices.front(), 100);
  EXPECT_LE(prices.back(), 100'000'000);
  const double median = double(prices[prices.size() / 2]);
  EXPECT_GT(median, 60'000);
  EXPECT_LT(median, 160'000);
}

TEST(NexmarkGenerator, ChannelUrlIsAFunctionOfTheChannel) {
  generator g(generator_config{.seed = 30});
  std::map<std::string, std::string> url_of;
  for (const event& e : take(g, 50'000))
    if (const bid* b = as_bid(e)) {
      auto [it, fresh] = url_of.emplace(b->channel, b->url);
      EXPECT_EQ(it->second, b->url) << b->channel;
    }
  int with_id = 0, plain = 0;
  for (const auto& [channel, url] : url_of) {
    if (!channel.starts_with("channel-")) {
      EXPECT_EQ(url.find("channel_id"), std::string::npos) << channel;
      continue;
    }
    ++plain;
    with_id += url.find("&channel_id=") != std::string::npos;
  }
  EXPECT_NEAR(double(with_id) / plain, 0.9, 0.03);
  // A copy of the generator (sharing the url table) and a fresh one agree.
  const generator copy = g;
  EXPECT_EQ(copy.at(77), generator(generator_config{.seed = 30}).at(77));
}

TEST(NexmarkGenerator, ExtraSizeKnob) {
  generator g(generator_config{.seed = 5, .avg_person_byte_size = 200,
                               .avg_auction_byte_size = 500, .avg_bid_byte_size = 100});
  double bid_extra = 0;
  int bids = 0;
  for (const event& e : take(g, 10'000)) {
    if (const bid* b = as_bid(e)) {
      bid_extra += double(b->extra.size());
      ++bids;
      EXPECT_GE(b->extra.size(), 54u);  // 68 +- 20 %
      EXPECT_LE(b->extra.size(), 82u);
    }
    if (const auction* a = as_auction(e)) {
      EXPECT_GT(a->extra.size(), 200u);
    }
    if (const person* p = as_person(e)) {
      EXPECT_GT(p->extra.size(), 80u);
    }
  }
  EXPECT_NEAR(bid_extra / bids, 68, 2);
}

TEST(NexmarkGenerator, MaxEventsEndsTheStream) {
  generator g(generator_config{.seed = 1, .max_events = 120});
  EXPECT_EQ(take(g, 1000).size(), 120u);
  EXPECT_FALSE(g.has_next());
  EXPECT_FALSE(g.next().has_value());
  event e;
  EXPECT_FALSE(g.next_into(e));
}

TEST(NexmarkGenerator, OutOfOrderGroupsShuffleWithinTheGroup) {
  generator_config cfg{.seed = 3, .inter_event_delay_us = 1000};
  cfg.out_of_order_group_size = 10;
  generator g(cfg);
  generator in_order(generator_config{.seed = 3, .inter_event_delay_us = 1000});
  const auto shuffled = take(g, 1000);
  const auto ordered = take(in_order, 1000);
  EXPECT_NE(shuffled, ordered);
  generator w(cfg);
  for (int group = 0; group < 100; ++group) {
    std::multiset<timestamp_ms> a, b;
    for (int i = group * 10; i < group * 10 + 10; ++i) {
      a.insert(event_time(shuffled[i]));
      b.insert(event_time(ordered[i]));
      EXPECT_LE(w.watermark(), event_time(shuffled[i]));
      w.next();
    }
    EXPECT_EQ(a, b) << "group " << group;
  }
}

TEST(NexmarkGenerator, RejectsBadConfig) {
  EXPECT_THROW(generator(generator_config{.hot_auction_ratio = 0}), streams_error);
  EXPECT_THROW(generator(generator_config{.num_active_people = 0}), streams_error);
  EXPECT_THROW(generator(generator_config{.first_event_id = -1}), streams_error);
  generator_config bad;
  bad.out_of_order_group_size = 0;
  EXPECT_THROW(generator{bad}, streams_error);
}

}  // namespace
}  // namespace fjord::streams::nexmark
