// fjord-streams runtime: the application's configuration and its validation.
//
// Owns `config` (what an app needs besides its topology) and `validate(config)`, which
// throws streams_error naming the first bad field. Kafka Streams' names and defaults where
// it has one (commit.interval.ms = 30000, num.stream.threads = 1, replication.factor = 1
// for internal topics). Only at-least-once is implemented: exactly_once is accepted by the
// type (the seam for the later transactions issue) and refused by validate().
//
// Threading: a config is copied into the app at construction; nothing here is shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "fjord/streams/error.hpp"
#include "fjord/streams/error_handling.hpp"
#include "fjord/streams/record.hpp"
#include "fjord/streams/state/rocksdb/rocksdb_budget.hpp"

namespace fjord::streams {

enum class processing_guarantee {
  at_least_once,
  exactly_once,  // transactions: a later issue. validate() refuses it.
};

struct config {
  std::string bootstrap_servers;
  int threads = 1;                              // stream threads (one consumer + producer each)
  std::filesystem::path state_dir;              // RocksDB stores and checkpoints live below it
  millis commit_interval{30'000};               // Kafka Streams' default; tests lower it
  millis poll_timeout{100};                     // longest a thread blocks in poll
  std::size_t memory_budget_bytes = rocksdb_budget::default_memory_budget_bytes;
  decode_error_policy on_decode_error = decode_errors::fail();
  std::int16_t replication_factor = 1;          // of the internal topics the app creates
  processing_guarantee guarantee = processing_guarantee::at_least_once;
  millis startup_timeout{30'000};               // metadata and topic creation at start-up
  // Static membership (KIP-345, anchors pain point 1): non-empty → thread i joins with
  // group.instance.id "<group_instance_id>-<i>", so an instance restarted within the
  // session timeout gets its tasks back without a rebalance of the others. Must be unique
  // per instance (e.g. the host name). Empty: dynamic members.
  std::string group_instance_id;
  // Extra librdkafka properties, applied last (they win over the runtime's choices).
  std::map<std::string, std::string> consumer_overrides;
  std::map<std::string, std::string> producer_overrides;
};

// Throws streams_error naming the first invalid field.
inline void validate(const config& c) {
  if (c.guarantee == processing_guarantee::exactly_once) {
    throw streams_error(
        "processing guarantee exactly_once is not implemented yet (transactions are a later "
        "issue); use at_least_once");
  }
  if (c.bootstrap_servers.empty()) throw streams_error("config: bootstrap_servers must not be empty");
  if (c.threads < 1) throw streams_error("config: threads must be at least 1, got " + std::to_string(c.threads));
  if (c.state_dir.empty()) throw streams_error("config: state_dir must not be empty");
  if (c.commit_interval.count() <= 0) {
    throw streams_error("config: commit_interval must be positive, got " +
                        std::to_string(c.commit_interval.count()) + " ms");
  }
  if (c.poll_timeout.count() <= 0) throw streams_error("config: poll_timeout must be positive");
  if (c.memory_budget_bytes < (std::size_t{1} << 20)) {
    throw streams_error("config: memory_budget_bytes must be at least 1 MiB, got " +
                        std::to_string(c.memory_budget_bytes));
  }
  if (c.replication_factor < 1) throw streams_error("config: replication_factor must be at least 1");
  if (c.startup_timeout.count() <= 0) throw streams_error("config: startup_timeout must be positive");
  for (const auto* overrides : {&c.consumer_overrides, &c.producer_overrides}) {
    for (const auto& [k, v] : *overrides) {
      if (k == "group.id" || k == "enable.auto.commit" || k == "bootstrap.servers") {
        throw streams_error("config: '" + k + "' is owned by the runtime and cannot be overridden");
      }
      (void)v;
    }
  }
}

}  // namespace fjord::streams
