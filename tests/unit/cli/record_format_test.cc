// cli/record_format.h: the value / kv / json lines of `fjord consume`.
#include "cli/record_format.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fjord::cli {
namespace {

using namespace std::string_view_literals;

record_view sample() {
    record_view r;
    r.topic = "orders";
    r.partition = 2;
    r.offset = 41;
    r.timestamp_ms = 1700000000123;
    r.timestamp_type = timestamp_kind::create_time;
    r.key = "k1";
    r.value = "hello";
    r.headers = {{"trace", "abc"}, {"trace", std::nullopt}};
    return r;
}

TEST(ParseOutputFormat, ThreeNames) {
    EXPECT_EQ(*parse_output_format("value"), output_format::value);
    EXPECT_EQ(*parse_output_format("kv"), output_format::kv);
    EXPECT_EQ(*parse_output_format("json"), output_format::json);
    EXPECT_FALSE(parse_output_format("xml"));
}

TEST(FormatRecord, ValueIsTheBytesAsTheyAre) {
    EXPECT_EQ(format_record(sample(), output_format::value, "\t"), "hello");
    auto r = sample();
    r.value.reset();
    EXPECT_EQ(format_record(r, output_format::value, "\t"), "");
}

TEST(FormatRecord, KvJoinsWithTheSeparatorAndPrintsNullKeyAsEmpty) {
    EXPECT_EQ(format_record(sample(), output_format::kv, ":"), "k1:hello");
    auto r = sample();
    r.key.reset();
    EXPECT_EQ(format_record(r, output_format::kv, "\t"), "\thello");
}

TEST(FormatRecord, JsonHasEveryFieldInOrder) {
    EXPECT_EQ(format_record(sample(), output_format::json, ""),
              R"({"topic":"orders","partition":2,"offset":41,"timestamp":1700000000123,)"
              R"("timestamp_type":"create_time","key":"k1","value":"hello",)"
              R"("headers":[{"key":"trace","value":"abc"},{"key":"trace","value":null}]})");
}

TEST(FormatRecord, JsonNullsAndNoTimestamp) {
    auto r = sample();
    r.key.reset();
    r.value.reset();
    r.headers.clear();
    r.timestamp_type = timestamp_kind::none;
    const auto j = nlohmann::json::parse(format_record(r, output_format::json, ""));
    EXPECT_TRUE(j["key"].is_null());
    EXPECT_TRUE(j["value"].is_null());
    EXPECT_TRUE(j["timestamp"].is_null());
    EXPECT_EQ(j["timestamp_type"], "none");
    EXPECT_TRUE(j["headers"].empty());
    EXPECT_FALSE(j.contains("key_encoding"));
}

TEST(FormatRecord, JsonLogAppendTime) {
    auto r = sample();
    r.timestamp_type = timestamp_kind::log_append_time;
    const auto j = nlohmann::json::parse(format_record(r, output_format::json, ""));
    EXPECT_EQ(j["timestamp_type"], "log_append_time");
}

TEST(FormatRecord, JsonBinaryBytesBecomeBase64WithAMarker) {
    auto r = sample();
    r.key = "\xFF\x00"sv;
    r.value = "ok \xC3\xBC";  // valid UTF-8 stays a string
    r.headers = {{"bin\xFE"sv, "\x80"sv}};
    const auto j = nlohmann::json::parse(format_record(r, output_format::json, ""));
    EXPECT_EQ(j["key"], "/wA=");
    EXPECT_EQ(j["key_encoding"], "base64");
    EXPECT_EQ(j["value"], "ok \xC3\xBC");
    EXPECT_FALSE(j.contains("value_encoding"));
    EXPECT_EQ(j["headers"][0]["key"], "Ymlu/g==");
    EXPECT_EQ(j["headers"][0]["key_encoding"], "base64");
    EXPECT_EQ(j["headers"][0]["value"], "gA==");
    EXPECT_EQ(j["headers"][0]["value_encoding"], "base64");
}

TEST(FormatRecord, JsonEscapesControlCharactersAndStaysOneLine) {
    auto r = sample();
    r.value = "line1\nline2\t\"q\"\0"sv;
    const auto line = format_record(r, output_format::json, "");
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["value"].get<std::string>(), "line1\nline2\t\"q\"\0"sv);
}

}  // namespace
}  // namespace fjord::cli
