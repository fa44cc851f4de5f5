// Tests for optional<S> (nullable values) and windowed_serde<S> (windowed keys).
#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "fjord/streams/serde/serdes.hpp"

namespace fjord::streams {
namespace {

using namespace std::string_literals;
using opt_i32 = optional<be_i32>;

TEST(SerdeOptionalTest, NullIsATraitNotBytes) {
  EXPECT_TRUE(opt_i32::is_null(opt_i32::null_value()));
  EXPECT_FALSE(opt_i32::is_null(std::optional<std::int32_t>(0)));
  std::string out;
  opt_i32::encode(std::nullopt, out);
  EXPECT_TRUE(out.empty());
}

TEST(SerdeOptionalTest, PresentValuesDelegate) {
  EXPECT_EQ(encode_to_string<opt_i32>(std::optional<std::int32_t>(1)), "\x00\x00\x00\x01"s);
  auto r = opt_i32::decode("\x00\x00\x00\x02"s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), std::optional<std::int32_t>(2));
}

TEST(SerdeOptionalTest, ErrorsOfTheInnerSerdePassThrough) {
  auto r = opt_i32::decode("\x01"s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("expected 4 bytes, got 1"), std::string::npos);
  // Zero bytes are not null: for utf8 they are the empty string.
  EXPECT_EQ(optional<utf8>::decode("").value(), std::optional<std::string>(""));
}

TEST(SerdeWindowedTest, LayoutIsKeyThenStartThenEnd) {
  const windowed<std::string> w{"card", 0x0102, -1};
  EXPECT_EQ(encode_to_string<windowed_serde<utf8>>(w),
            "card"
            "\x00\x00\x00\x00\x00\x00\x01\x02"
            "\xff\xff\xff\xff\xff\xff\xff\xff"s);
}

TEST(SerdeWindowedTest, RoundTrips) {
  const windowed<std::string> w{"k\x00y"s, 1'700'000'000'000, 1'700'000'060'000};
  EXPECT_EQ(windowed_serde<utf8>::decode(encode_to_string<windowed_serde<utf8>>(w)).value(), w);
  const windowed<std::string> empty_key{"", 5, 5};
  EXPECT_EQ(windowed_serde<utf8>::decode(encode_to_string<windowed_serde<utf8>>(empty_key)).value(),
            empty_key);
  const windowed<std::int64_t> n{-9, 10, 20};
  EXPECT_EQ(windowed_serde<be_i64>::decode(encode_to_string<windowed_serde<be_i64>>(n)).value(), n);
}

TEST(SerdeWindowedTest, ShortInputAndBadKeysAreErrors) {
  auto r = windowed_serde<utf8>::decode("123456789012345");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("at least 16 bytes, got 15"), std::string::npos) << r.err().message;
  // 3 key bytes for a be_i32 key: the key serde's error comes through.
  auto bad_key = windowed_serde<be_i32>::decode("abc" + std::string(16, '\0'));
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.err().message.find("expected 4 bytes, got 3"), std::string::npos);
}

}  // namespace
}  // namespace fjord::streams
