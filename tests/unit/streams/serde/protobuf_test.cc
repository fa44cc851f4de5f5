// Tests for protobuf<M> with a real generated message (test_message.proto).
#include <string>

#include <gtest/gtest.h>

#include "fjord/streams/serde/protobuf.hpp"
#include "test_message.pb.h"

namespace fjord::streams {
namespace {

using bid = fjord::streams::test::Bid;
static_assert(protobuf_message<bid>);
static_assert(serde_for<protobuf<bid>, bid>);

bid sample() {
  bid b;
  b.set_auction(1001);
  b.set_bidder(7);
  b.set_price(-42);
  b.set_channel("Google");
  b.add_tags("a");
  b.add_tags("b");
  return b;
}

TEST(SerdeProtobufTest, RoundTrip) {
  const bid b = sample();
  const std::string wire = encode_to_string<protobuf<bid>>(b);
  EXPECT_EQ(wire, b.SerializeAsString());
  auto r = protobuf<bid>::decode(wire);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value().SerializeAsString(), wire);
  EXPECT_EQ(r.value().channel(), "Google");
  EXPECT_EQ(r.value().tags_size(), 2);
}

TEST(SerdeProtobufTest, EncodeAppends) {
  std::string out = "prefix";
  protobuf<bid>::encode(sample(), out);
  EXPECT_EQ(out, "prefix" + sample().SerializeAsString());
}

TEST(SerdeProtobufTest, EmptyInputIsTheDefaultMessage) {
  auto r = protobuf<bid>::decode("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().auction(), 0);
}

TEST(SerdeProtobufTest, GarbageIsADecodeErrorNamingTheType) {
  using namespace std::string_literals;
  for (const std::string& bad : {"\xff\xff\xff"s, "\x22\x10short"s, "\x08"s}) {
    auto r = protobuf<bid>::decode(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().kind, error_kind::decode);
    EXPECT_NE(r.err().message.find("fjord.streams.test.Bid"), std::string::npos) << r.err().message;
  }
}

}  // namespace
}  // namespace fjord::streams
