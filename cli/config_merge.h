// `fjord topic alter`'s config arithmetic. The broker implements AlterConfigs, which
// REPLACES a topic's whole override set (keys left out go back to their default), not
// IncrementalAlterConfigs. So alter reads the current overrides (DescribeConfigs), merges
// the user's --config / --delete-config into them here, and sends the full result.
// Pure; unit-tested in tests/unit/cli/config_merge_test.cc.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <string>
#include <vector>

#include "cli/outcome.h"
#include "cli/parse.h"

namespace fjord::cli {

using config_map = std::map<std::string, std::string>;

// Is a DescribeConfigs entry a per-topic override? Source DYNAMIC_TOPIC_CONFIG, or, for a
// v0 answer that carries no source (UNKNOWN_CONFIG), is_default == false.
bool is_topic_override(rd_kafka_ConfigSource_t source, bool is_default);

// current ∪ set \ remove. Fails (exit 2) when a key is both set and removed; fails (exit 1)
// when a removed key has no override on `topic`. Later --config of the same key wins.
outcome<config_map> merge_overrides(const std::string& topic, config_map current, const std::vector<key_value>& set,
                                    const std::vector<std::string>& remove);

}  // namespace fjord::cli
