// cli/parse.h: key=value, --acks, --compression, --timestamp, the produce key split.
#include "cli/parse.h"

#include <gtest/gtest.h>

namespace fjord::cli {
namespace {

TEST(ParseKeyValue, SplitsAtTheFirstEquals) {
    auto kv = parse_key_value("retention.ms=a=b", "--config");
    ASSERT_TRUE(kv);
    EXPECT_EQ(kv->key, "retention.ms");
    EXPECT_EQ(kv->value, "a=b");
}

TEST(ParseKeyValue, EmptyValueIsAllowed) {
    auto kv = parse_key_value("k=", "--header");
    ASSERT_TRUE(kv);
    EXPECT_EQ(kv->value, "");
}

TEST(ParseKeyValue, MissingEqualsOrEmptyKeyIsAUsageErrorNamingTheOption) {
    for (const char* text : {"novalue", "=v", ""}) {
        auto kv = parse_key_value(text, "--config");
        ASSERT_FALSE(kv) << text;
        EXPECT_EQ(kv.error().exit_code, exit_usage_error);
        EXPECT_NE(kv.error().message.find("--config"), std::string::npos);
    }
}

TEST(ParseAcks, AllAndMinusOneMeanMinusOne) {
    EXPECT_EQ(*parse_acks("all"), "-1");
    EXPECT_EQ(*parse_acks("-1"), "-1");
    EXPECT_EQ(*parse_acks("0"), "0");
    EXPECT_EQ(*parse_acks("1"), "1");
    EXPECT_FALSE(parse_acks("2"));
    EXPECT_FALSE(parse_acks("ALL"));
}

TEST(ParseCompression, KnownCodecsOnly) {
    for (const char* c : {"none", "gzip", "snappy", "lz4", "zstd"}) {
        EXPECT_EQ(*parse_compression(c), c);
    }
    auto bad = parse_compression("brotli");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("zstd"), std::string::npos);
}

TEST(ProducerProperties, NothingGivenMeansLibrdkafkaDefaults) {
    auto p = producer_properties("", "", false);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->empty());
}

TEST(ProducerProperties, FlagsMapToLibrdkafkaKeys) {
    auto p = producer_properties("all", "zstd", true);
    ASSERT_TRUE(p);
    const std::vector<key_value> want{{"acks", "-1"}, {"compression.codec", "zstd"}, {"enable.idempotence", "true"}};
    EXPECT_EQ(*p, want);
}

TEST(ProducerProperties, IdempotenceNeedsAcksAll) {
    auto p = producer_properties("1", "", true);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().exit_code, exit_usage_error);
    EXPECT_NE(p.error().message.find("--idempotent"), std::string::npos);
}

TEST(ProducerProperties, BadValuesAreUsageErrors) {
    EXPECT_FALSE(producer_properties("2", "", false));
    EXPECT_FALSE(producer_properties("", "brotli", false));
}

TEST(ParseTimestamp, EpochMilliseconds) { EXPECT_EQ(*parse_timestamp_ms("1700000000123"), 1700000000123); }

TEST(ParseTimestamp, DateOnlyIsMidnightUtc) {
    EXPECT_EQ(*parse_timestamp_ms("1970-01-01"), 0);
    EXPECT_EQ(*parse_timestamp_ms("2024-02-29"), 1709164800000);
}

TEST(ParseTimestamp, DateTimeWithoutZoneIsUtc) {
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14T22:13:20"), 1700000000000);
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14 22:13:20"), 1700000000000);
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14T22:13"), 1699999980000);
}

TEST(ParseTimestamp, FractionAndZones) {
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14T22:13:20.123Z"), 1700000000123);
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14T22:13:20.5Z"), 1700000000500);
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14T22:13:20.123456Z"), 1700000000123);
    EXPECT_EQ(*parse_timestamp_ms("2023-11-15T00:13:20+02:00"), 1700000000000);
    EXPECT_EQ(*parse_timestamp_ms("2023-11-14T17:13:20-0500"), 1700000000000);
}

TEST(ParseTimestamp, RejectsMalformedAndImpossibleDates) {
    for (const char* t : {"", "yesterday", "2023-13-01", "2023-02-29", "2023-11-14T25:00", "2023-11-14T22:13:20.Z",
                          "2023-11-14X22:13", "2023-11-14T22:13:20+2", "1969-12-31", "12abc", "-5"}) {
        auto r = parse_timestamp_ms(t);
        EXPECT_FALSE(r) << t;
        if (!r) {
            EXPECT_EQ(r.error().exit_code, exit_usage_error) << t;
        }
    }
}

TEST(DaysFromCivil, KnownDates) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(SplitAtSeparator, FirstOccurrenceOnly) {
    auto s = split_at_separator("k:v:w", ":");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->first, "k");
    EXPECT_EQ(s->second, "v:w");
}

TEST(SplitAtSeparator, MultiCharacterSeparatorAndEmptyParts) {
    auto s = split_at_separator("::=>", "::");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->first, "");
    EXPECT_EQ(s->second, "=>");
}

TEST(SplitAtSeparator, MissingSeparatorIsNullopt) {
    EXPECT_FALSE(split_at_separator("no separator", ":"));
    EXPECT_FALSE(split_at_separator("", ":"));
    EXPECT_FALSE(split_at_separator("a:b", ""));
}

}  // namespace
}  // namespace fjord::cli
