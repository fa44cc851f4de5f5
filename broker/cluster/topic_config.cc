#include "cluster/topic_config.h"

#include <charconv>
#include <limits>

#include "cluster/errc.h"

namespace fjord::cluster {
namespace {

result<int64_t> parse_int(const std::string& s) {
    int64_t v = 0;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || s.empty()) {
        return errc::invalid_config;
    }
    return v;
}

result<void> apply_one(storage::log_config& c, const std::string& key, const std::string& value) {
    if (key == "cleanup.policy") {
        auto parsed = storage::parse_cleanup_policy(value);
        if (!parsed) {
            return errc::invalid_config;
        }
        c.cleanup = *parsed;
        return ok();
    }
    if (key == "message.timestamp.type") {
        if (value == "CreateTime") {
            c.log_append_time = false;
        } else if (value == "LogAppendTime") {
            c.log_append_time = true;
        } else {
            return errc::invalid_config;
        }
        return ok();
    }
    auto n = parse_int(value);
    if (!n) {
        return n.error();
    }
    const int64_t v = *n;
    if (key == "retention.ms") {
        c.retention_ms = std::chrono::milliseconds(v);
    } else if (key == "retention.bytes") {
        c.retention_bytes = v;
    } else if (key == "segment.bytes") {
        if (v < 64) {
            return errc::invalid_config;
        }
        c.segment_bytes = static_cast<uint64_t>(v);
    } else if (key == "segment.ms") {
        if (v < 1) {
            return errc::invalid_config;
        }
        c.segment_ms = std::chrono::milliseconds(v);
    } else if (key == "max.message.bytes") {
        if (v < 0) {
            return errc::invalid_config;
        }
        c.max_message_bytes = static_cast<uint64_t>(v);
    } else if (key == "delete.retention.ms") {
        if (v < 0) {
            return errc::invalid_config;
        }
        c.delete_retention_ms = std::chrono::milliseconds(v);
    } else if (key == "index.interval.bytes") {
        if (v < 1 || v > std::numeric_limits<uint32_t>::max()) {
            return errc::invalid_config;
        }
        c.index_interval_bytes = static_cast<uint32_t>(v);
    } else if (key == "min.insync.replicas") {
        if (v < 1 || v > std::numeric_limits<int16_t>::max()) {
            return errc::invalid_config;
        }
    } else {
        return errc::invalid_config;
    }
    return ok();
}

}  // namespace

const std::vector<std::string>& supported_topic_config_keys() {
    static const std::vector<std::string> keys{
        "cleanup.policy",      "delete.retention.ms", "index.interval.bytes",
        "max.message.bytes",   "message.timestamp.type", "min.insync.replicas",
        "retention.bytes",     "retention.ms",        "segment.bytes",
        "segment.ms",
    };
    return keys;
}

result<storage::log_config> apply_topic_config(const storage::log_config& defaults,
                                               const config_overrides& overrides) {
    storage::log_config c = defaults;
    for (const auto& [k, v] : overrides) {
        FJORD_TRY(apply_one(c, k, v));
    }
    if (!storage::validate_log_config(c)) {
        return errc::invalid_config;
    }
    return c;
}

std::string topic_config_value(const storage::log_config& c, int16_t min_insync_replicas, const std::string& key) {
    if (key == "cleanup.policy") {
        return std::string(storage::to_string(c.cleanup));
    }
    if (key == "message.timestamp.type") {
        return c.log_append_time ? "LogAppendTime" : "CreateTime";
    }
    if (key == "retention.ms") return std::to_string(c.retention_ms.count());
    if (key == "retention.bytes") return std::to_string(c.retention_bytes);
    if (key == "segment.bytes") return std::to_string(c.segment_bytes);
    if (key == "segment.ms") return std::to_string(c.segment_ms.count());
    if (key == "max.message.bytes") return std::to_string(c.max_message_bytes);
    if (key == "delete.retention.ms") return std::to_string(c.delete_retention_ms.count());
    if (key == "index.interval.bytes") return std::to_string(c.index_interval_bytes);
    if (key == "min.insync.replicas") return std::to_string(min_insync_replicas);
    return {};
}

int16_t min_insync_replicas_of(const config_overrides& overrides, int16_t fallback) {
    auto it = overrides.find("min.insync.replicas");
    if (it == overrides.end()) {
        return fallback;
    }
    auto v = parse_int(it->second);
    return v ? static_cast<int16_t>(*v) : fallback;
}

}  // namespace fjord::cluster
