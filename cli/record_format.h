// How `fjord consume` prints one record: --format value | kv | json (docs/cli.md).
//
// A record_view borrows the bytes of a consumed message (librdkafka's or a test's); the
// formatter is pure and unit-tested (tests/unit/cli/record_format_test.cc).
//
// json: one object per line, keys in this order:
//   {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,
//    "timestamp_type":"create_time","key":"k","value":"v",
//    "headers":[{"key":"h","value":"x"}]}
// timestamp_type is "create_time", "log_append_time" or "none" (then timestamp is null).
// A null key, value or header value is JSON null. Bytes that are not valid UTF-8 are
// printed as base64 and marked by a sibling "<field>_encoding":"base64" (key_encoding,
// value_encoding; inside a header object key_encoding / value_encoding); valid UTF-8 has
// no marker. Headers are an array so that order and repeated keys survive.
// value: the value bytes as they are (null → empty). kv: key, separator, value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/outcome.h"

namespace fjord::cli {

enum class output_format { value, kv, json };

outcome<output_format> parse_output_format(std::string_view text);

enum class timestamp_kind { none, create_time, log_append_time };

struct header_view {
    std::string_view key;
    std::optional<std::string_view> value;  // nullopt: a null header value
};

struct record_view {
    std::string_view topic;
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t timestamp_ms = -1;
    timestamp_kind timestamp_type = timestamp_kind::none;
    std::optional<std::string_view> key;    // nullopt: null key
    std::optional<std::string_view> value;  // nullopt: null value (tombstone)
    std::vector<header_view> headers;
};

// One record as one line of output, without the trailing newline.
std::string format_record(const record_view& r, output_format format, std::string_view key_separator);

}  // namespace fjord::cli
