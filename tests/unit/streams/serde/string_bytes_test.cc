// Tests for the utf8 and bytes serdes: bytes pass through unchanged, decode never fails.
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fjord/streams/serde/bytes.hpp"
#include "fjord/streams/serde/utf8.hpp"

namespace fjord::streams {
namespace {

using namespace std::string_literals;

TEST(SerdeUtf8Test, BytesAreTheStringUnchanged) {
  EXPECT_EQ(encode_to_string<utf8>(std::string("h\xc3\xa9llo")), "h\xc3\xa9llo");
  EXPECT_EQ(utf8::decode("abc").value(), "abc");
  EXPECT_EQ(utf8::decode("").value(), "");
}

TEST(SerdeUtf8Test, DoesNotValidate) {
  const std::string invalid = "\xff\x00\xc3"s;  // not UTF-8, embedded NUL
  auto r = utf8::decode(invalid);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), invalid);
  EXPECT_EQ(encode_to_string<utf8>(invalid), invalid);
}

TEST(SerdeBytesTest, RoundTrip) {
  const std::vector<std::byte> v{std::byte{0}, std::byte{0xff}, std::byte{0x7f}};
  const std::string wire = encode_to_string<bytes>(v);
  EXPECT_EQ(wire, "\x00\xff\x7f"s);
  EXPECT_EQ(bytes::decode(wire).value(), v);
  EXPECT_TRUE(bytes::decode("").value().empty());
}

}  // namespace
}  // namespace fjord::streams
