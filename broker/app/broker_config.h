// The broker's configuration: properties from --config FILE, overridden by --set key=value,
// validated against the key table (config_keys.h) and turned into typed settings.
//
// Every failure is a message for a human: an unknown key names the closest known one, a
// bad value names the key, the value, and what was expected.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/properties.h"
#include "cluster/local_cluster.h"
#include "group/coordinator.h"

namespace fjord::app {

struct listen_address {
    std::string host;  // "" = every interface
    uint16_t port = 9092;
};

struct broker_config {
    cluster::cluster_config cluster;
    group::coordinator_config groups;
    listen_address listener;
    uint64_t socket_request_max_bytes = 104857600;
    size_t shards = 0;  // 0 = one per core
    // Background pass period: log.retention.check.interval.ms, or log.flush.interval.ms
    // when that is set and shorter.
    std::chrono::milliseconds housekeeping_interval{300'000};
};

template<typename T>
struct config_outcome {
    std::optional<T> value;
    std::string error;  // set iff !value
};

using key_value = std::pair<std::string, std::string>;

// Validates file entries and overrides (overrides win) and builds the typed configuration.
// `file_name` names the file in messages about its lines.
config_outcome<broker_config> build_config(const std::vector<property>& file, const std::vector<key_value>& overrides,
                                           const std::string& file_name = "config file");

// Reads and parses FILE, then build_config.
config_outcome<broker_config> load_config(const std::string& path, const std::vector<key_value>& overrides);

// Parses "PLAINTEXT://host:port" (also "[v6addr]:port").
config_outcome<listen_address> parse_listener(const std::string& key, const std::string& value);

}  // namespace fjord::app
