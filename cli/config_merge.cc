// Implementation of cli/config_merge.h.
#include "cli/config_merge.h"

#include <algorithm>

namespace fjord::cli {

bool is_topic_override(rd_kafka_ConfigSource_t source, bool is_default) {
    if (source == RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG) {
        return !is_default;
    }
    return source == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG;
}

outcome<config_map> merge_overrides(const std::string& topic, config_map current, const std::vector<key_value>& set,
                                    const std::vector<std::string>& remove) {
    for (const auto& key : remove) {
        const bool also_set =
            std::any_of(set.begin(), set.end(), [&](const key_value& kv) { return kv.key == key; });
        if (also_set) {
            return usage_failure("'{}' is given to both --config and --delete-config", key);
        }
        if (current.erase(key) == 0) {
            return runtime_failure("topic '{}' has no override for '{}' to delete (see `fjord topic describe {}`)",
                                   topic, key, topic);
        }
    }
    for (const auto& kv : set) {
        current[kv.key] = kv.value;
    }
    return current;
}

}  // namespace fjord::cli
