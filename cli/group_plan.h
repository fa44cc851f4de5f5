// The arithmetic of `fjord group`: what the user typed (--topic T:p,p, the one --to-*
// option, --state), the reset plan (the new committed offset of every partition), the
// rows of `group describe` (committed offset, owner, lag) and the aligned text tables.
// No I/O, no librdkafka; unit-tested in tests/unit/cli/group_plan_test.cc. The commands
// that fetch the inputs from the broker are in cli/commands/group*.cc; the rules are in
// docs/cli.md "Consumer groups".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/outcome.h"

namespace fjord::cli {

// One partition of one topic.
struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const topic_partition&) const = default;
};

// `--topic T` (every partition of T: `partitions` empty) or `--topic T:0,2` (those,
// sorted, without duplicates). Usage error for an empty topic name, an empty or
// non-numeric partition, or a negative one.
struct topic_spec {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const topic_spec&) const = default;
};
outcome<topic_spec> parse_topic_spec(std::string_view text);

// Where `group reset-offsets` moves each partition's committed offset.
enum class reset_kind { earliest, latest, datetime, offset, shift_by };
struct reset_target {
    reset_kind kind = reset_kind::earliest;
    int64_t value = 0;  // datetime: epoch ms; offset: the offset; shift_by: the signed shift
    bool operator==(const reset_target&) const = default;
};

// The --to-* options as given on the command line.
struct reset_flags {
    bool to_earliest = false;
    bool to_latest = false;
    std::optional<std::string> to_datetime;  // epoch ms or ISO 8601 (parse_timestamp_ms)
    std::optional<int64_t> to_offset;
    std::optional<int64_t> shift_by;
};
// Exactly one of the five, else a usage error naming them; a bad --to-datetime or a
// negative --to-offset is a usage error too.
outcome<reset_target> choose_reset_target(const reset_flags& f);

// What the broker said about one partition, the input of plan_reset.
struct partition_position {
    topic_partition tp;
    std::optional<int64_t> committed;    // nullopt: the group has no committed offset here
    int64_t log_start = 0;               // ListOffsets earliest
    int64_t log_end = 0;                 // ListOffsets latest (the high watermark)
    std::optional<int64_t> time_offset;  // --to-datetime: first offset with timestamp >= t; nullopt: none
};

struct planned_reset {
    topic_partition tp;
    std::optional<int64_t> current;  // the committed offset now, nullopt if none
    int64_t target = 0;              // the offset to commit
    bool clamped = false;            // the asked-for offset was outside [log start, log end]
    bool operator==(const planned_reset&) const = default;
};

// The new committed offset of one partition, always within [log_start, log_end], as
// Kafka's kafka-consumer-groups computes it:
//   earliest: log_start;  latest: log_end;
//   datetime: time_offset, or log_end when no record has a timestamp >= t;
//   offset:   value, clamped;  shift_by: committed + value, clamped (saturating).
// Fails (exit 1) for shift_by on a partition without a committed offset.
// REQUIRES: 0 <= log_start <= log_end.
outcome<planned_reset> plan_reset(const reset_target& t, const partition_position& p);

// Lag of a partition: log_end − committed, or nullopt when nothing is committed.
std::optional<int64_t> lag_of(std::optional<int64_t> committed, int64_t log_end);

// A member's id and the partitions it was assigned.
struct member_partitions {
    std::string member_id;
    std::vector<topic_partition> assigned;
};

// One row of `group describe`'s partition table, before watermarks are added.
struct offset_row {
    topic_partition tp;
    std::optional<int64_t> committed;
    std::optional<std::string> member_id;  // the member assigned this partition, if any
};

// Every partition that has a committed offset or is assigned to a member, sorted by
// topic and partition, each with its committed offset and owner.
std::vector<offset_row> merge_offset_rows(const std::map<topic_partition, int64_t>& committed,
                                          const std::vector<member_partitions>& members);

// `--state NAME`: Stable, Empty, PreparingRebalance, CompletingRebalance or Dead, in any
// letter case → the name as Kafka spells it. Usage error for anything else.
outcome<std::string> parse_group_state(std::string_view text);

// "orders:0,1,2 audit:3" — assignment shorthand: partitions of each topic, topics sorted.
std::string format_assignment(const std::vector<topic_partition>& parts);

// An aligned text table: rows[0] is the header; every column but the last is padded to
// its widest cell, columns are separated by two spaces, each row ends in '\n'.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace fjord::cli
