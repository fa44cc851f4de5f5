// fjord-streams: a task's store writes on their way to the changelog topics, combined per
// key between commits.
//
// Owns, per (store, key), the latest value written since the last drain (nullopt: a
// delete, sent as a tombstone) and its timestamp. A changelog is compacted and restored by
// replaying it, so only the last write of a key before a commit matters: a key updated a
// thousand times between two commits costs one changelog record, not a thousand (Kafka
// Streams gets the same effect from its record cache). The runtime drains the buffer into
// the producer when the task flushes (before every commit, so a commit never covers a
// write that was not sent), and early once the buffered key+value bytes exceed the bound.
// A buffer dropped without a drain (a crash, a lost assignment) loses nothing committed:
// the offsets are not committed either, and the records are processed again.
//
// Invariants: bytes() is the sum over the pending writes of key and value sizes plus
// kEntryOverhead each; drain() sends in first-write order and empties the buffer.
// Threading: owned by one task_context.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fjord/streams/record.hpp"

namespace fjord::streams {

class changelog_buffer {
 public:
  // What one pending write costs besides its key and value bytes (hash node, strings,
  // bookkeeping), counted in bytes() so the bound limits memory, not just payload.
  static constexpr std::size_t kEntryOverhead = 128;

  // Records the write; true when the buffer is now over `bound` bytes (drain it).
  bool add(std::string_view store, std::string_view key, std::optional<std::string_view> value, timestamp_ms ts,
           std::size_t bound) {
    auto s = pending_.find(store);
    if (s == pending_.end()) s = pending_.emplace(std::string(store), writes_t{}).first;
    auto& writes = s->second;
    auto it = writes.find(key);
    if (it == writes.end()) {
      it = writes.emplace(std::string(key), write{}).first;
      it->second.seq = next_seq_++;
      bytes_ += kEntryOverhead + key.size();
    } else if (it->second.value) {
      bytes_ -= it->second.value->size();
    }
    if (value) {
      if (it->second.value) {
        it->second.value->assign(*value);  // keeps its capacity
      } else {
        it->second.value.emplace(*value);
      }
      bytes_ += value->size();
    } else {
      it->second.value.reset();
    }
    it->second.timestamp = ts;
    return bytes_ > bound;
  }

  // f(store, key, value or nullopt, timestamp) for every pending write, in the order the
  // keys were first written (a crash part-way through the sends leaves a prefix of the
  // task's writes, as without the buffer); then empty.
  template <class F>
  void drain(F&& f) {
    struct ref {
      std::uint64_t seq;
      const std::string* store;
      const std::string* key;
      const write* w;
    };
    std::vector<ref> order;
    for (const auto& [store, writes] : pending_) {
      for (const auto& [key, w] : writes) order.push_back(ref{w.seq, &store, &key, &w});
    }
    std::sort(order.begin(), order.end(), [](const ref& a, const ref& b) { return a.seq < b.seq; });
    for (const ref& r : order) {
      f(std::string_view(*r.store), std::string_view(*r.key),
        r.w->value ? std::optional<std::string_view>(*r.w->value) : std::nullopt, r.w->timestamp);
    }
    for (auto& [store, writes] : pending_) writes.clear();  // keeps the buckets for the next interval
    bytes_ = 0;
  }

  std::size_t bytes() const { return bytes_; }
  bool empty() const { return bytes_ == 0; }

 private:
  struct write {
    std::optional<std::string> value;
    timestamp_ms timestamp = 0;
    std::uint64_t seq = 0;  // first-write order
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using writes_t = std::unordered_map<std::string, write, string_hash, std::equal_to<>>;
  std::map<std::string, writes_t, std::less<>> pending_;  // store -> key -> latest write
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace fjord::streams
