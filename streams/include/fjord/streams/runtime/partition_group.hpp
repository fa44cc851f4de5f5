// fjord-streams runtime: a task's records fetched but not yet processed, one FIFO per
// source partition, handed out smallest timestamp first (Kafka Streams' PartitionGroup,
// with its max.task.idle.ms rule for empty partitions).
//
// Owns, per partition: the buffered records (each with its timestamp, offset, size and an
// opaque `Item` — the stream thread stores the librdkafka message handle, tests anything
// movable), the highest offset ever pushed, whether the partition is paused, whether it
// is known to be at its end (everything on the broker has been pushed: librdkafka's
// partition-EOF event or the consumer's position at the cached high watermark,
// set_at_end(); a push clears it), and the idling clocks below.
//
// Idling (ready), Kafka Streams' rule: timestamp order across partitions only means
// something if every partition's next record is known. While a partition of the task
// (expect() registers them up front) is empty, its next record may be older than every
// buffered one, so the task waits until each empty partition either
//   - is at its end and has been idle (empty and at its end, as first seen by ready()
//     while the task had records to process) for `max_idle` — 0: at its end is enough,
//     the task waits for records already on the broker, never for records not yet
//     produced (Kafka Streams' default max.task.idle.ms = 0); a positive value makes the
//     start of each quiet spell wait that long for records produced a little later — or
//   - has been empty for `fetch_bound` without reaching its end (an unreachable leader
//     must not stall the task for ever; ready() says so: ready_by_bound).
// The clocks run from the first ready() call that sees the partition empty and stop at the
// next push: a partition that stays quiet costs the task one wait, not one per record.
// max_idle < 0 turns idling off (process whatever is buffered; max.task.idle.ms = -1).
//
// Ordering rule (pop_next): among the *heads* of the non-empty partitions, the record with
// the smallest timestamp; ties go to the head pushed first (the partition that has waited
// longest). Within one partition records leave in offset (push) order even if their
// timestamps go backwards — exactly like Kafka Streams, which also compares heads only.
//
// Bound: a partition holding more than `max_records` records or more than `max_bytes`
// key+value bytes is over its bound; push() reports that once (push_result::pause) and
// the caller pauses the partition's fetching. Records pushed while paused are still
// buffered (librdkafka may hand over what it had already fetched). Once the buffer is
// back at or below half of both bounds, take_resumable() returns the partition (once) and
// the caller resumes it. The hysteresis keeps a partition from flapping (every pause
// throws librdkafka's prefetched data away).
//
// Invariants: offsets pushed per partition strictly increase — a push at or below the
// highest offset already pushed is refused (push_result::stale: a re-delivery after a
// pause/resume) and its item dropped, so a record is never processed twice by one task
// and positions never go backwards. size()/bytes() are the sums over the partitions.
//
// Threading: none; owned and used by one stream thread. No librdkafka types here (unit-
// tested in tests/unit/streams/runtime/partition_group_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "fjord/streams/runtime/planning.hpp"

namespace fjord::streams {

struct partition_group_limits {
  std::size_t max_records = 1000;            // per partition (Kafka Streams' buffered.records.per.partition)
  std::size_t max_bytes = std::size_t{16} << 20;  // per partition, key + value bytes
};

template <class Item>
class partition_group {
 public:
  struct record {
    topic_partition tp;
    std::int64_t timestamp = 0;
    std::int64_t offset = -1;
    std::size_t bytes = 0;
    Item item;
  };

  enum class readiness {
    empty,           // nothing buffered
    wait,            // hold the next record back (idling)
    ready,           // process
    ready_by_bound,  // process, though an empty partition never showed its end (fetch_bound)
  };

  enum class push_result {
    buffered,  // appended
    pause,     // appended, and the partition just went over its bound: pause its fetching
    stale,     // refused: offset not above the highest one pushed for this partition
  };

  explicit partition_group(partition_group_limits limits = {}) : limits_(limits) {}

  // Registers one of the task's partitions before anything was fetched from it, so that
  // ready() waits for it.
  void expect(const topic_partition& tp) { parts_.try_emplace(tp); }

  // Whether everything on the broker up to now has been pushed for `tp` (a later push
  // clears it). Leaving the end restarts the partition's idle clock. Ignored for
  // partitions the group does not know.
  void set_at_end(const topic_partition& tp, bool at_end = true) {
    auto it = parts_.find(tp);
    if (it == parts_.end()) return;
    if (!at_end) it->second.idle_since.reset();
    it->second.at_end = at_end;
  }

  // Whether the next record may be processed at `now` (any monotonic clock, ms, the same
  // on every call); see "Idling" above. Starts the clocks of the empty partitions.
  readiness ready(std::int64_t now, std::int64_t max_idle, std::int64_t fetch_bound) {
    if (size_ == 0) return readiness::empty;
    if (max_idle < 0) return readiness::ready;
    readiness r = readiness::ready;
    for (auto& [tp, p] : parts_) {  // one pass: every empty partition's clocks start now
      if (!p.records.empty()) continue;
      if (!p.empty_since) p.empty_since = now;
      if (p.at_end) {
        if (!p.idle_since) p.idle_since = now;
        if (now - *p.idle_since < max_idle) r = readiness::wait;
      } else if (now - *p.empty_since < fetch_bound) {
        r = readiness::wait;
      } else if (r == readiness::ready) {
        r = readiness::ready_by_bound;
      }
    }
    return r;
  }

  // The empty partitions that are not at their end (what a waiting task waits for).
  std::vector<topic_partition> waiting_for_fetch() const {
    std::vector<topic_partition> out;
    for (const auto& [tp, p] : parts_) {
      if (p.records.empty() && !p.at_end) out.push_back(tp);
    }
    return out;
  }

  // The registered partitions with nothing buffered.
  std::vector<topic_partition> empty_partitions() const {
    std::vector<topic_partition> out;
    for (const auto& [tp, p] : parts_) {
      if (p.records.empty()) out.push_back(tp);
    }
    return out;
  }

  // Appends a fetched record to its partition's FIFO.
  push_result push(const topic_partition& tp, std::int64_t timestamp, std::int64_t offset, std::size_t bytes,
                   Item item) {
    partition& p = parts_[tp];
    if (p.last_pushed && offset <= *p.last_pushed) return push_result::stale;
    p.last_pushed = offset;
    p.at_end = false;
    p.empty_since.reset();
    p.idle_since.reset();
    p.records.push_back(entry{timestamp, offset, bytes, next_seq_++, std::move(item)});
    p.bytes += bytes;
    ++size_;
    bytes_ += bytes;
    if (!p.paused && (p.records.size() > limits_.max_records || p.bytes > limits_.max_bytes)) {
      p.paused = true;
      return push_result::pause;
    }
    return push_result::buffered;
  }

  // The buffered record to process next (see the ordering rule above), removed from its
  // buffer; nullopt when nothing is buffered.
  std::optional<record> pop_next() {
    const auto next = next_partition();
    if (next == parts_.end()) return std::nullopt;
    partition* best = &next->second;
    entry e = std::move(best->records.front());
    best->records.pop_front();
    best->bytes -= e.bytes;
    --size_;
    bytes_ -= e.bytes;
    return record{next->first, e.timestamp, e.offset, e.bytes, std::move(e.item)};
  }

  // Paused partitions whose buffer is back at or below half of both bounds; they count as
  // not paused from now on (the caller resumes them).
  std::vector<topic_partition> take_resumable() {
    std::vector<topic_partition> out;
    for (auto& [tp, p] : parts_) {
      if (p.paused && p.records.size() <= limits_.max_records / 2 && p.bytes <= limits_.max_bytes / 2) {
        p.paused = false;
        out.push_back(tp);
      }
    }
    return out;
  }

  // Drops every buffered record (revoke). Returns the partitions that were paused; they
  // count as not paused from now on (the caller resumes them). The highest offsets pushed
  // and the registered partitions are forgotten too: the group starts over.
  std::vector<topic_partition> clear() {
    std::vector<topic_partition> paused;
    for (const auto& [tp, p] : parts_) {
      if (p.paused) paused.push_back(tp);
    }
    parts_.clear();
    size_ = 0;
    bytes_ = 0;
    return paused;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t size(const topic_partition& tp) const {
    auto it = parts_.find(tp);
    return it == parts_.end() ? 0 : it->second.records.size();
  }
  bool paused(const topic_partition& tp) const {
    auto it = parts_.find(tp);
    return it != parts_.end() && it->second.paused;
  }
  const partition_group_limits& limits() const { return limits_; }

 private:
  struct entry {
    std::int64_t timestamp;
    std::int64_t offset;
    std::size_t bytes;
    std::uint64_t seq;  // push order across the whole group: the tie-breaker
    Item item;
  };
  struct partition {
    std::deque<entry> records;
    std::size_t bytes = 0;
    std::optional<std::int64_t> last_pushed;
    bool paused = false;
    bool at_end = false;
    std::optional<std::int64_t> empty_since;  // idling clocks (see "Idling")
    std::optional<std::int64_t> idle_since;
  };
  using partitions = std::map<topic_partition, partition>;

  // The partition whose head pop_next() hands out (the ordering rule), or end().
  typename partitions::iterator next_partition() {
    auto best = parts_.end();
    for (auto it = parts_.begin(); it != parts_.end(); ++it) {
      if (it->second.records.empty()) continue;
      const entry& h = it->second.records.front();
      if (best == parts_.end() || h.timestamp < best->second.records.front().timestamp ||
          (h.timestamp == best->second.records.front().timestamp && h.seq < best->second.records.front().seq)) {
        best = it;
      }
    }
    return best;
  }

  partition_group_limits limits_;
  partitions parts_;
  std::uint64_t next_seq_ = 0;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace fjord::streams
