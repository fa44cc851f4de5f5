// Per-log settings, with Kafka's topic-config meanings and defaults (key names in comments).
// Values come in through constructors; storage never reads global configuration.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/errc.h"
#include "base/result.h"
#include "base/units.h"

namespace fjord::storage {

enum class cleanup_policy { remove, compact, compact_and_remove };  // "delete", "compact", "compact,delete"

enum class flush_policy {
    every_append,  // fdatasync before append() returns
    interval,      // fdatasync at most flush_interval after the first unflushed append
    never,         // only on flush(), segment roll and close
};

struct log_config {
    uint64_t segment_bytes = 1 * gib;                                // segment.bytes
    std::chrono::milliseconds segment_ms{7 * 24 * 3600 * 1000LL};  // segment.ms
    uint32_t index_interval_bytes = 4096;                            // index.interval.bytes
    std::chrono::milliseconds retention_ms{7 * 24 * 3600 * 1000LL}; // retention.ms (< 0: no limit)
    int64_t retention_bytes = -1;                                    // retention.bytes (< 0: no limit)
    cleanup_policy cleanup = cleanup_policy::remove;                 // cleanup.policy
    std::chrono::milliseconds delete_retention_ms{24 * 3600 * 1000LL};  // delete.retention.ms
    flush_policy flush = flush_policy::never;
    std::chrono::milliseconds flush_interval{1000};                  // flush.ms (interval policy)
    uint64_t max_message_bytes = 1 * mib + 12;                       // max.message.bytes
    bool log_append_time = false;  // message.timestamp.type=LogAppendTime (default CreateTime)
    // Upper bound on decompressed bytes when storage must look inside a batch
    // (compaction, timestamp lookup in compressed batches).
    uint64_t decompress_limit_bytes = 64 * mib;
};

// Kafka's spelling of cleanup.policy: "delete", "compact", "compact,delete" (either order).
inline std::optional<cleanup_policy> parse_cleanup_policy(std::string_view s) {
    if (s == "delete") {
        return cleanup_policy::remove;
    }
    if (s == "compact") {
        return cleanup_policy::compact;
    }
    if (s == "compact,delete" || s == "delete,compact") {
        return cleanup_policy::compact_and_remove;
    }
    return std::nullopt;
}

inline std::string_view to_string(cleanup_policy p) {
    switch (p) {
        case cleanup_policy::remove: return "delete";
        case cleanup_policy::compact: return "compact";
        case cleanup_policy::compact_and_remove: return "compact,delete";
    }
    return "delete";
}

// Checks what a log cannot work with: segment.bytes outside [64, 2^31 - 1] (positions in a
// segment are 32-bit), a zero index interval. errc::invalid_argument.
inline result<void> validate_log_config(const log_config& c) {
    if (c.segment_bytes < 64 || c.segment_bytes > 2147483647ULL || c.index_interval_bytes == 0) {
        return errc::invalid_argument;
    }
    return {};
}

}  // namespace fjord::storage
