// Topic configs: Kafka's topic-level keys as strings (what CreateTopics, AlterConfigs and
// DescribeConfigs carry) mapped onto storage::log_config plus the few settings that are
// not the log's (min.insync.replicas).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/config.h"

namespace fjord::cluster {

// Overrides as the client sent them: key -> value.
using config_overrides = std::map<std::string, std::string>;

// Every topic key we support, in describe order.
const std::vector<std::string>& supported_topic_config_keys();

// Applies `overrides` over `defaults`. errc::invalid_config for an unknown key, an
// unparsable value, or a log_config storage cannot work with.
result<storage::log_config> apply_topic_config(const storage::log_config& defaults,
                                               const config_overrides& overrides);

// The effective value of `key` in Kafka's string form.
std::string topic_config_value(const storage::log_config& cfg, int16_t min_insync_replicas, const std::string& key);

// min.insync.replicas from the overrides, else `fallback`. REQUIRES: overrides validated.
int16_t min_insync_replicas_of(const config_overrides& overrides, int16_t fallback);

}  // namespace fjord::cluster
