// Pure parsers for the values people type on the fjord command line: key=value pairs,
// --acks, --compression, --timestamp (epoch milliseconds or ISO 8601), and the key
// separator split of `fjord produce`. No I/O, no librdkafka; unit-tested in
// tests/unit/cli/parse_test.cc. Every failure message names the option and the accepted
// forms, so main can print it as is (exit code 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/outcome.h"

namespace fjord::cli {

struct key_value {
    std::string key;
    std::string value;
    bool operator==(const key_value&) const = default;
};

// "k=v" → {k, v}, split at the first '='; the value may be empty or contain '=', the key
// may not be empty. `option` names the flag in the error ("--config").
outcome<key_value> parse_key_value(std::string_view text, std::string_view option);

// --acks: "0", "1", "all" or "-1" → the librdkafka `acks` value ("0", "1", "-1").
outcome<std::string> parse_acks(std::string_view text);

// --compression: none|gzip|snappy|lz4|zstd → the librdkafka `compression.codec` value.
outcome<std::string> parse_compression(std::string_view text);

// The librdkafka properties of the producer flags --acks, --compression (each empty when
// not given) and --idempotent. Usage errors for bad values and for --idempotent with
// acks other than all.
outcome<std::vector<key_value>> producer_properties(std::string_view acks, std::string_view compression,
                                                   bool idempotent);

// --timestamp: milliseconds since the Unix epoch ("1700000000000"), or ISO 8601:
// "2024-01-31", "2024-01-31T12:00:00", "2024-01-31T12:00:00.250Z",
// "2024-01-31 12:00:00+02:00". Without a zone the time is UTC. Returns epoch ms.
// `option` names the flag in the error (`group reset-offsets` passes "--to-datetime").
outcome<int64_t> parse_timestamp_ms(std::string_view text, std::string_view option = "--timestamp");

// Splits a produce input line at the first occurrence of `separator` (non-empty):
// {key, value}, or nullopt when the line does not contain it.
std::optional<std::pair<std::string_view, std::string_view>> split_at_separator(std::string_view line,
                                                                                std::string_view separator);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace fjord::cli
