// fjord-streams runtime: the application's configuration and its validation.
//
// Owns `config` (what an app needs besides its topology) and `validate(config)`, which
// throws streams_error naming the first bad field (or the first librdkafka override of a
// setting the runtime owns). Kafka Streams' names and defaults where
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
#include <string_view>

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
  // Kafka Streams' max.task.idle.ms. A task with several input partitions (a join, a
  // merge) waits while one of them has nothing buffered, so records are processed in
  // timestamp order across partitions (runtime/partition_group.hpp, "Idling"):
  //   0 (default): wait only for records already on the broker (until the partition's end
  //                is reached), never for records not yet produced;
  //   > 0:         also wait that long for new records at the end of an empty partition;
  //   -1:          never wait (process whatever was fetched).
  millis max_task_idle{0};
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
  // Extra librdkafka properties, applied last (they win over the runtime's choices), except
  // the ones the runtime's contract rests on, which validate() refuses:
  //   both:      bootstrap.servers (use the field), group.id (application.id is the group),
  //              enable.auto.commit
  //   consumer:  partition.assignment.strategy (one task per partition needs "range"),
  //              enable.auto.offset.store (offsets are committed explicitly, after the
  //              output is delivered), enable.partition.eof (task idling needs it)
  // The restore consumer takes consumer_overrides too (connection and security settings),
  // but the restorer forces its own group.id, auto.offset.reset, enable.partition.eof and
  // offset-commit settings over them (runtime/restorer.hpp).
  std::map<std::string, std::string> consumer_overrides;
  std::map<std::string, std::string> producer_overrides;
};

// The override keys validate() refuses, with why (runtime-owned settings).
inline const char* reserved_override_reason(std::string_view key, bool consumer) {
  if (key == "bootstrap.servers") return "set config.bootstrap_servers instead";
  if (key == "group.id") return "the consumer group is the topology's application.id";
  if (key == "enable.auto.commit") return "offsets are committed by the runtime after the output is delivered";
  if (!consumer) return nullptr;
  if (key == "partition.assignment.strategy") {
    return "the runtime needs the \"range\" assignor so every co-partitioned partition of a task goes to one member";
  }
  if (key == "enable.auto.offset.store") return "the runtime commits explicit offsets (last processed + 1)";
  if (key == "enable.partition.eof") return "tasks wait for their partitions' ends (max_task_idle) through these events";
  return nullptr;
}

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
  if (c.max_task_idle.count() < -1) {
    throw streams_error("config: max_task_idle must be -1 (never wait), 0 or positive, got " +
                        std::to_string(c.max_task_idle.count()) + " ms");
  }
  if (c.memory_budget_bytes < (std::size_t{1} << 20)) {
    throw streams_error("config: memory_budget_bytes must be at least 1 MiB, got " +
                        std::to_string(c.memory_budget_bytes));
  }
  if (c.replication_factor < 1) throw streams_error("config: replication_factor must be at least 1");
  if (c.startup_timeout.count() <= 0) throw streams_error("config: startup_timeout must be positive");
  for (const bool consumer : {true, false}) {
    for (const auto& [k, v] : consumer ? c.consumer_overrides : c.producer_overrides) {
      if (const char* why = reserved_override_reason(k, consumer)) {
        throw streams_error(std::string("config: ") + (consumer ? "consumer_overrides" : "producer_overrides") +
                            ": '" + k + "' is owned by the runtime and cannot be overridden (" + why + ")");
      }
      (void)v;
    }
  }
}

}  // namespace fjord::streams
