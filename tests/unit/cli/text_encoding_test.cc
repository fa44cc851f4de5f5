// cli/text_encoding.h: strict UTF-8 validation and base64.
#include "cli/text_encoding.h"

#include <gtest/gtest.h>

namespace fjord::cli {
namespace {

using namespace std::string_view_literals;

TEST(Utf8, AcceptsAsciiMultibyteAndEmpty) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii\n\t"));
    EXPECT_TRUE(is_valid_utf8("\0embedded nul"sv));
    EXPECT_TRUE(is_valid_utf8("gr\xC3\xBC\xC3\x9F"));          // grüß
    EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));                // €
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));            // U+1F600
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));            // U+10FFFF
}

TEST(Utf8, RejectsOverlongSurrogatesOutOfRangeAndTruncation) {
    EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong NUL
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800 surrogate
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
    EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated at the end
    EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
    EXPECT_FALSE(is_valid_utf8("\xFF"));
    EXPECT_FALSE(is_valid_utf8("a\xC3(b"));           // bad continuation
}

TEST(Base64, Rfc4648TestVectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, HighBytes) { EXPECT_EQ(base64_encode("\xFF\xFE\x00\x80"sv), "//4AgA=="); }

}  // namespace
}  // namespace fjord::cli
