// Tests for big_endian<T>: exact byte layouts (Kafka's Java serializers), round trips
// at the limits, and wrong sizes reported as decode errors.
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "fjord/streams/serde/big_endian.hpp"

namespace fjord::streams {
namespace {

using namespace std::string_literals;

TEST(SerdeBigEndianTest, IntegerLayouts) {
  EXPECT_EQ(encode_to_string<be_i32>(1), "\x00\x00\x00\x01"s);
  EXPECT_EQ(encode_to_string<be_i32>(-1), "\xff\xff\xff\xff"s);
  EXPECT_EQ(encode_to_string<be_i32>(0x01020304), "\x01\x02\x03\x04"s);
  EXPECT_EQ(encode_to_string<be_i16>(std::int16_t{-2}), "\xff\xfe"s);
  EXPECT_EQ(encode_to_string<be_i64>(std::int64_t{0x0102030405060708}),
            "\x01\x02\x03\x04\x05\x06\x07\x08"s);
  EXPECT_EQ(encode_to_string<be_u32>(0xdeadbeefu), "\xde\xad\xbe\xef"s);
  EXPECT_EQ(encode_to_string<be_u64>(std::uint64_t{1}), "\x00\x00\x00\x00\x00\x00\x00\x01"s);
}

TEST(SerdeBigEndianTest, FloatingPointLayoutsAreIeeeBits) {
  EXPECT_EQ(encode_to_string<be_double>(1.0), "\x3f\xf0\x00\x00\x00\x00\x00\x00"s);
  EXPECT_EQ(encode_to_string<be_double>(-2.5), "\xc0\x04\x00\x00\x00\x00\x00\x00"s);
  EXPECT_EQ(encode_to_string<be_float>(1.0f), "\x3f\x80\x00\x00"s);
  EXPECT_EQ(be_double::decode("\x40\x09\x21\xfb\x54\x44\x2d\x18"s).value(), 3.141592653589793);
}

TEST(SerdeBigEndianTest, EncodeAppends) {
  std::string out = "k";
  be_i16::encode(std::int16_t{0x0102}, out);
  EXPECT_EQ(out, "k\x01\x02"s);
}

template <class S, class T>
void expect_round_trip(T v) {
  auto r = S::decode(encode_to_string<S>(v));
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value(), v);
}

TEST(SerdeBigEndianTest, RoundTripsLimits) {
  for (auto v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
                 std::numeric_limits<std::int64_t>::max()}) {
    expect_round_trip<be_i64>(v);
  }
  for (auto v : {std::numeric_limits<std::int32_t>::min(), 0, std::numeric_limits<std::int32_t>::max()}) {
    expect_round_trip<be_i32>(v);
  }
  expect_round_trip<be_i16>(std::numeric_limits<std::int16_t>::min());
  expect_round_trip<be_u32>(std::numeric_limits<std::uint32_t>::max());
  expect_round_trip<be_u64>(std::numeric_limits<std::uint64_t>::max());
  expect_round_trip<be_double>(-0.0);
  expect_round_trip<be_double>(std::numeric_limits<double>::infinity());
  expect_round_trip<be_float>(std::numeric_limits<float>::lowest());
}

TEST(SerdeBigEndianTest, WrongSizeIsAnErrorNamingBothSizes) {
  auto r = be_i32::decode("\x00\x01\x02"s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().kind, error_kind::decode);
  EXPECT_NE(r.err().message.find("expected 4 bytes, got 3"), std::string::npos) << r.err().message;
  EXPECT_FALSE(be_i64::decode("").ok());
  EXPECT_FALSE(be_double::decode("123456789").ok());
  EXPECT_FALSE(be_i16::decode("\x01"s).ok());
}

}  // namespace
}  // namespace fjord::streams
