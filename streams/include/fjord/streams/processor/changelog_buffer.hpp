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
// Invariants: bytes() is the sum of key and value sizes of the pending writes; drain()
// empties the buffer. Order between keys is not kept (restore does not depend on it).
// Threading: owned by one task_context.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fjord/streams/record.hpp"

namespace fjord::streams {

class changelog_buffer {
 public:
  // Records the write; true when the buffer is now over `bound` bytes (drain it).
  bool add(std::string_view store, std::string_view key, std::optional<std::string_view> value, timestamp_ms ts,
           std::size_t bound) {
    auto s = pending_.find(store);
    if (s == pending_.end()) s = pending_.emplace(std::string(store), writes_t{}).first;
    auto& writes = s->second;
    auto [it, fresh] = writes.try_emplace(std::string(key));
    if (fresh) {
      bytes_ += key.size();
    } else if (it->second.value) {
      bytes_ -= it->second.value->size();
    }
    if (value) {
      it->second.value.emplace(*value);
      bytes_ += value->size();
    } else {
      it->second.value.reset();
    }
    it->second.timestamp = ts;
    return bytes_ > bound;
  }

  // f(store, key, value or nullopt, timestamp) for every pending write; then empty.
  template <class F>
  void drain(F&& f) {
    for (auto& [store, writes] : pending_) {
      for (auto& [key, w] : writes) {
        f(std::string_view(store), std::string_view(key),
          w.value ? std::optional<std::string_view>(*w.value) : std::nullopt, w.timestamp);
      }
    }
    pending_.clear();
    bytes_ = 0;
  }

  std::size_t bytes() const { return bytes_; }
  bool empty() const { return pending_.empty(); }

 private:
  struct write {
    std::optional<std::string> value;
    timestamp_ms timestamp = 0;
  };
  using writes_t = std::unordered_map<std::string, write>;
  std::map<std::string, writes_t, std::less<>> pending_;  // store -> key -> latest write
  std::size_t bytes_ = 0;
};

}  // namespace fjord::streams
