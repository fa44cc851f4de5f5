// The Java-properties parser: every syntax case of java.util.Properties.load we accept.
#include <gtest/gtest.h>

#include "app/properties.h"

namespace fjord::app {
namespace {

std::vector<std::pair<std::string, std::string>> kv(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& p : parse_properties(text)) {
        out.emplace_back(p.key, p.value);
    }
    return out;
}
using pairs = std::vector<std::pair<std::string, std::string>>;

TEST(Properties, SeparatorsEqualsColonAndBlank) {
    EXPECT_EQ(kv("a=1\nb:2\nc 3\nd = 4\ne\t:\t5\n"),
              (pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}}));
}

TEST(Properties, CommentsAndBlankLinesAreSkipped) {
    EXPECT_EQ(kv("# comment\n! also\n   # indented\n\n  \na=1\n"), (pairs{{"a", "1"}}));
}

TEST(Properties, HashInsideValueIsNotAComment) {
    EXPECT_EQ(kv("a=x # y\n"), (pairs{{"a", "x # y"}}));
}

TEST(Properties, WhitespaceTrimmedAroundKeyAndValue) {
    EXPECT_EQ(kv("   key   =   value   \n"), (pairs{{"key", "value"}}));
}

TEST(Properties, KeyWithoutValueIsEmpty) {
    EXPECT_EQ(kv("lonely\nx=\n"), (pairs{{"lonely", ""}, {"x", ""}}));
}

TEST(Properties, SecondSeparatorBelongsToValue) {
    EXPECT_EQ(kv("a==b\nc=d:e\n"), (pairs{{"a", "=b"}, {"c", "d:e"}}));
}

TEST(Properties, BackslashContinuesLineAndDropsLeadingBlanks) {
    EXPECT_EQ(kv("log.dirs=/a,\\\n    /b,\\\n\t/c\nnext=1\n"), (pairs{{"log.dirs", "/a,/b,/c"}, {"next", "1"}}));
}

TEST(Properties, EvenBackslashesDoNotContinue) {
    EXPECT_EQ(kv("a=x\\\\\nb=y\n"), (pairs{{"a", "x\\"}, {"b", "y"}}));
}

TEST(Properties, ContinuationAtEndOfFile) {
    EXPECT_EQ(kv("a=x\\"), (pairs{{"a", "x"}}));
}

TEST(Properties, EscapesInKeysAndValues) {
    EXPECT_EQ(kv("a\\=b=c\\td\nsp\\ ace=\\u0041\\u00e9\nq=\\z\n"),
              (pairs{{"a=b", "c\td"}, {"sp ace", "A\xc3\xa9"}, {"q", "z"}}));
}

TEST(Properties, MalformedUnicodeEscapeKeptLiterally) {
    EXPECT_EQ(kv("a=\\u12G4\n"), (pairs{{"a", "\\u12G4"}}));
}

TEST(Properties, CrLfAndCrLineEnds) {
    EXPECT_EQ(kv("a=1\r\nb=2\rc=3"), (pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(Properties, LineNumbersPointAtEntryStart) {
    auto p = parse_properties("# c\n\na=1\\\n  2\nb=3\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].line, 3);
    EXPECT_EQ(p[0].value, "12");
    EXPECT_EQ(p[1].line, 5);
}

}  // namespace
}  // namespace fjord::app
