// fjord-streams runtime: the pure decisions of start-up, assignment and restore.
//
// Owns, as functions of a graph and numbers only (no broker, unit-tested):
//   - which topics an application reads/writes that it does not own, and the start-up
//     errors for missing ones ("input topic 'x' does not exist");
//   - the partition count and configs of every internal topic (repartition: explicit, or
//     the largest partition count of its upstream sub-topology's sources; changelog: the
//     partition count of its store's sub-topology);
//   - the co-partitioning check (all sources of one sub-topology have one partition count);
//   - which tasks an assignment makes (task = sub-topology x partition) and whether each
//     task got every one of its source partitions;
//   - where a store's restore starts given its checkpoint and the changelog's bounds.
//
// Invariants: functions here never block and never touch the network or the disk.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/processor/graph.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

using partition_counts = std::map<std::string, std::int32_t>;

struct planned_topic {
  std::string name;
  internal_topic::kind type = internal_topic::kind::repartition;
  std::int32_t partitions = 0;
  std::map<std::string, std::string> configs;  // topic configs for CreateTopics
  friend bool operator==(const planned_topic&, const planned_topic&) = default;
};

// Source topics the application does not own (user input topics), sorted, unique.
inline std::vector<std::string> input_topics(const graph& g) {
  std::set<std::string> out;
  for (const auto& s : g.subtopologies()) {
    for (const auto& t : s.source_topics) {
      if (!g.is_internal(t)) out.insert(t);
    }
  }
  return {out.begin(), out.end()};
}

// Sink topics the application does not own (user output topics), sorted, unique.
inline std::vector<std::string> output_topics(const graph& g) {
  std::set<std::string> out;
  for (const auto& s : g.subtopologies()) {
    for (const auto& t : s.sink_topics) {
      if (!g.is_internal(t)) out.insert(t);
    }
  }
  return {out.begin(), out.end()};
}

// Throws streams_error for the first input (then output) topic missing from `existing`.
inline void check_user_topics_exist(const graph& g, const partition_counts& existing) {
  for (const auto& t : input_topics(g)) {
    if (!existing.contains(t)) throw streams_error("input topic '" + t + "' does not exist");
  }
  for (const auto& t : output_topics(g)) {
    if (!existing.contains(t)) {
      throw streams_error("output topic '" + t + "' does not exist (the application creates only its internal topics)");
    }
  }
}

// A key-value store's changelog is compacted. A window or session store drops expired
// segments without writing tombstones, so its changelog is also deleted by time: kept for
// the store's retention plus one day, as Kafka Streams does
// (windowstore.changelog.additional.retention.ms).
inline std::map<std::string, std::string> changelog_configs(const store_def& store) {
  if (store.kind == store_kind::key_value) return {{"cleanup.policy", "compact"}};
  constexpr std::int64_t one_day_ms = 24 * 3600 * 1000;
  return {{"cleanup.policy", "compact,delete"}, {"retention.ms", std::to_string(store.retention.count() + one_day_ms)}};
}

// Partition count and configs of every internal topic. `existing` must hold every input
// topic (check_user_topics_exist first). Throws streams_error when a repartition topic's
// count cannot be derived (its upstream reads nothing with a known count).
inline std::vector<planned_topic> plan_internal_topics(const graph& g, const partition_counts& existing) {
  const auto subs = g.subtopologies();
  const auto internal = g.internal_topics();
  partition_counts counts;
  for (const auto& t : input_topics(g)) {
    auto it = existing.find(t);
    if (it == existing.end()) throw streams_error("input topic '" + t + "' does not exist");
    counts[t] = it->second;
  }
  auto sub_count = [&](int sub) -> std::optional<std::int32_t> {
    if (sub < 0 || static_cast<std::size_t>(sub) >= subs.size()) return std::nullopt;
    std::int32_t best = 0;
    for (const auto& t : subs[static_cast<std::size_t>(sub)].source_topics) {
      auto it = counts.find(t);
      if (it == counts.end()) return std::nullopt;
      best = std::max(best, it->second);
    }
    if (best == 0) return std::nullopt;
    return best;
  };
  // Repartition topics may feed each other: resolve to a fixpoint.
  for (std::size_t round = 0; round <= internal.size(); ++round) {
    bool progress = false;
    for (const auto& t : internal) {
      if (t.type != internal_topic::kind::repartition || counts.contains(t.name)) continue;
      std::optional<std::int32_t> n = t.partitions ? t.partitions : sub_count(t.upstream_subtopology);
      if (n) counts[t.name] = *n, progress = true;
    }
    if (!progress) break;
  }
  std::vector<planned_topic> out;
  for (const auto& t : internal) {
    planned_topic p;
    p.name = t.name;
    p.type = t.type;
    if (t.type == internal_topic::kind::repartition) {
      auto it = counts.find(t.name);
      if (it == counts.end()) {
        throw streams_error("cannot derive the partition count of repartition topic '" + t.name +
                            "': give it one with named{name, partitions}");
      }
      p.partitions = it->second;
      p.configs = {{"cleanup.policy", "delete"}};
    } else {
      auto n = sub_count(t.upstream_subtopology);
      if (!n) throw streams_error("cannot derive the partition count of changelog topic '" + t.name + "'");
      p.partitions = *n;
      p.configs = changelog_configs(g.store(t.store));
    }
    out.push_back(std::move(p));
  }
  return out;
}

// nullopt when every sub-topology's source topics share one partition count; else a
// message naming each topic of the first offending sub-topology and its count.
// REQUIRES: `counts` holds every source topic (user and internal).
inline std::optional<std::string> copartition_error(const graph& g, const partition_counts& counts) {
  for (const auto& s : g.subtopologies()) {
    std::set<std::int32_t> distinct;
    for (const auto& t : s.source_topics) {
      auto it = counts.find(t);
      if (it != counts.end()) distinct.insert(it->second);
    }
    if (distinct.size() <= 1) continue;
    std::string msg = "sub-topology " + std::to_string(s.id) +
                      " reads topics that must be co-partitioned (same partition count) but are not:";
    for (std::size_t i = 0; i < s.source_topics.size(); ++i) {
      const auto& t = s.source_topics[i];
      auto it = counts.find(t);
      msg += (i ? ", '" : " '") + t + "' has " + (it == counts.end() ? std::string("?") : std::to_string(it->second)) +
             " partitions";
    }
    return msg;
  }
  return std::nullopt;
}

// ---- assignment ----------------------------------------------------------------------

struct topic_partition {
  std::string topic;
  std::int32_t partition = 0;
  friend auto operator<=>(const topic_partition&, const topic_partition&) = default;
};

struct task_assignment {
  std::set<task_id> tasks;             // one per (sub-topology, partition) seen
  std::vector<std::string> problems;   // a task missing some of its source partitions, unknown topics
};

// Groups assigned partitions into tasks and checks each task got all its sources.
inline task_assignment tasks_for(const graph& g, const std::vector<topic_partition>& assigned) {
  const auto subs = g.subtopologies();
  std::map<std::string, int> sub_of;
  for (const auto& s : subs) {
    for (const auto& t : s.source_topics) sub_of[t] = s.id;
  }
  task_assignment out;
  std::set<topic_partition> have(assigned.begin(), assigned.end());
  for (const auto& tp : assigned) {
    auto it = sub_of.find(tp.topic);
    if (it == sub_of.end()) {
      out.problems.push_back("assigned partition " + tp.topic + "-" + std::to_string(tp.partition) +
                             " of a topic no sub-topology reads");
      continue;
    }
    out.tasks.insert(task_id{it->second, tp.partition});
  }
  for (const auto& id : out.tasks) {
    for (const auto& t : subs[static_cast<std::size_t>(id.subtopology)].source_topics) {
      if (!have.contains({t, id.partition})) {
        out.problems.push_back("task " + id.str() + " was assigned without its source partition " + t + "-" +
                               std::to_string(id.partition) + " (are its topics co-partitioned, and is the "
                               "assignor 'range'?)");
      }
    }
  }
  return out;
}

// ---- restore -------------------------------------------------------------------------

struct restore_start {
  std::int64_t offset = 0;  // first changelog offset to read
  bool wipe = false;        // the local store must be emptied first
  friend bool operator==(const restore_start&, const restore_start&) = default;
};

// Where to restore a store from. A checkpoint inside [log_start, log_end] is reused (the
// local state holds exactly the changelog before it); one outside (the changelog was
// truncated, deleted or recreated) means the local state is of unknown relation to the
// changelog: wipe and restore from the log start. No checkpoint: from the log start (the
// state manager already opened the store empty).
inline restore_start plan_restore(std::optional<std::int64_t> checkpoint, std::int64_t log_start,
                                  std::int64_t log_end) {
  if (!checkpoint) return {log_start, false};
  if (*checkpoint >= log_start && *checkpoint <= log_end) return {*checkpoint, false};
  return {log_start, true};
}

}  // namespace fjord::streams
