// DescribeConfigs for one topic, shared by `topic describe` (prints them) and `topic alter`
// (merges into the current overrides).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/kafka_handle.h"
#include "cli/outcome.h"

namespace fjord::cli {

struct config_entry {
    std::string name;
    std::optional<std::string> value;  // nullopt: null (e.g. sensitive)
    rd_kafka_ConfigSource_t source = RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG;
    bool is_default = true;
    bool read_only = false;
    bool sensitive = false;
};

// Every config entry of `topic`, as the broker reports it; unknown topic → unknown_topic().
outcome<std::vector<config_entry>> describe_topic_configs(const client& c, const global_options& g,
                                                          const std::string& topic);

// "topic 'x': <what> failed: BROKER_ERROR_NAME: message", or unknown_topic() for error 3.
failure topic_error(const std::string& topic, std::string_view what, rd_kafka_resp_err_t err, const char* message);

}  // namespace fjord::cli
