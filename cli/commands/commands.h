// The subcommands of `fjord`. Each add_* function registers its subcommand(s) and options
// on `app`; when the user picks one, its parse callback stores the work to do in `chosen`,
// which main() runs after parsing (so a usage error never half-runs a command).
// Options structs live in shared_ptrs captured by the callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>

#include <CLI/CLI.hpp>

#include "cli/kafka_handle.h"
#include "cli/outcome.h"

namespace fjord::cli {

using action = std::function<outcome<void>()>;

// Validator for integer options: `min` or more ("--partitions: Value 0 not in range 1 to …").
inline CLI::Range at_least(int64_t min) { return CLI::Range(min, std::numeric_limits<int64_t>::max()); }

void add_topic_commands(CLI::App& app, const global_options& g, action& chosen);    // topic.cc
void add_topic_describe(CLI::App& topic, const global_options& g, action& chosen);  // topic_describe.cc
void add_topic_alter(CLI::App& topic, const global_options& g, action& chosen);     // topic_alter.cc
void add_produce_command(CLI::App& app, const global_options& g, action& chosen);   // produce.cc
void add_consume_command(CLI::App& app, const global_options& g, action& chosen);   // consume.cc
void add_cluster_commands(CLI::App& app, const global_options& g, action& chosen);  // cluster.cc
void add_perf_commands(CLI::App& app, const global_options& g, action& chosen);     // perf_produce.cc
void add_perf_consume(CLI::App& perf, const global_options& g, action& chosen);     // perf_consume.cc
void add_group_commands(CLI::App& app, const global_options& g, action& chosen);    // group.cc
void add_group_describe(CLI::App& group, const global_options& g, action& chosen);  // group_describe.cc
void add_group_reset(CLI::App& group, const global_options& g, action& chosen);     // group_reset.cc

}  // namespace fjord::cli
