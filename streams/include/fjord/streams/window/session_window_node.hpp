// fjord-streams: the node behind session-windowed count, reduce and aggregate.
//
// Follows Kafka's KStreamSessionWindowAggregate. A record at t of key k merges with every
// stored session of k with end >= t - gap and start <= t + gap (so a late-arriving record
// can bridge two sessions into one); the merged session is [min start, max end], both
// inclusive, its aggregate = merge(...merge(initial, s1), ...sn) then add(record).
// A session closes when stream time >= end + 1 + gap + grace (only then can no on-time
// record extend it; current Kafka's `end < stream time - grace - gap`). A record is late
// when its merged session is closed; it is then dropped (window/emit.hpp).
// Emission:
//   every_update: when the merged session differs from [t, t], a deletion
//                 change{nullopt, old} for each merged-away session (timestamp = its end),
//                 then change{new, nullopt} for the new session (timestamp = its end);
//   final:        change{result, nullopt} once per session when it closes, timestamp =
//                 session end; the session is then removed from the store.
// State: a session store (key, start, end) -> R.
//
// The node owns its session store (no other writer after init: stores are restored
// before init) and, in memory, `index_`: key serde bytes -> the (end, start) bounds of
// that key's sessions, ascending (the store's own order within a key). Which sessions a
// record merges with is answered from the index, each match's value read with a point
// lookup; the store is never range-scanned after init (a RocksDB prefix seek there walks
// every tombstone the key's earlier extend = remove + put left behind: quadratic for hot
// keys). Invariant, between calls:
//   (I1) every session in the store is in the index (with its key bytes and bounds);
//   (I2) every index entry is in the store, or its segment has been dropped by expiry
//        (get() then reports it absent; such stale entries are erased when a lookup
//        meets them, or by sweep()); no duplicates, each key's bounds sorted.
// So (I1) keeps the merge set complete, (I2) lets a miss be dropped without changing
// what is merged. Maintained by: init() (rebuilt from a full store scan, both emit
// modes); every put/remove of process() and emit_due(); sweep(), at most once per
// segment interval of stream time, erasing the entries of every segment below the
// store's first live one, so keys never seen again do not leak.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/window/emit.hpp"
#include "fjord/streams/window/window_closer.hpp"
#include "fjord/streams/window/windowed.hpp"
#include "fjord/streams/window/windows.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS, class RS, class A>
class session_window_node final
    : public transform_node<K, V, windowed<K>, change<typename A::result_type>> {
 public:
  using R = typename A::result_type;
  struct config {
    std::string store;
    session_windows windows;
    emit_config emit;
    late_config<K, V> late;
    A agg;
  };

  explicit session_window_node(config cfg)
      : cfg_(std::move(cfg)), late_(cfg_.late), closer_(cfg_.emit.close) {}

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    store_.emplace(ctx.state().template session<K, R, KS, RS>(cfg_.store));
    late_.init(ctx);
    const bool final = cfg_.emit.is_final();
    index_.clear();
    next_sweep_ = kNoTime;
    store_->fetch_all_ending(kNoTime, std::numeric_limits<timestamp_ms>::max(),
                             [&](const K& k, timestamp_ms start, timestamp_ms end, R&&) {
                               std::string key_bytes = encode_to_string<KS>(k);
                               if (final) closer_.track(open_window{final_close(end), key_bytes, start, end});
                               index_[std::move(key_bytes)].push_back(bounds{end, start});
                             });
    // The scan yields a key's sessions by segment, then (end, start): already sorted.
    for (auto& entry : index_) {
      std::vector<bounds>& sessions = entry.second;
      if (!std::is_sorted(sessions.begin(), sessions.end())) std::sort(sessions.begin(), sessions.end());
      assert(std::adjacent_find(sessions.begin(), sessions.end()) == sessions.end());
    }
    if (final) closer_.init(ctx, [this] { emit_due(); });
  }

  void process(record<K, V>&& r) override {
    const timestamp_ms now = std::max(ctx_->stream_time(), r.timestamp);
    const bool final = cfg_.emit.is_final();
    if (final) emit_due();
    if (now != expired_at_) {
      store_->expire(now);
      expired_at_ = now;
      if (now >= next_sweep_) sweep();
    }
    const timestamp_ms t = r.timestamp;
    const timestamp_ms gap = cfg_.windows.gap.count();
    std::string key_bytes = encode_to_string<KS>(r.key);
    // Stable across index_ inserts/rehashes (node-based map); nothing erases keys below.
    std::vector<bounds>* sessions = nullptr;
    if (auto it = index_.find(key_bytes); it != index_.end()) sessions = &it->second;
    merged_.clear();
    if (sessions != nullptr) collect_merged(*sessions, r.key, t - gap, t + gap);
    std::optional<R> agg = cfg_.agg.initial();
    timestamp_ms start = t, end = t;
    for (auto& m : merged_) {
      R v = final ? std::move(m.value) : m.value;
      agg = agg ? cfg_.agg.merge(r.key, std::move(*agg), std::move(v)) : std::move(v);
      start = std::min(start, m.start);
      end = std::max(end, m.end);
    }
    if (closer_.closed(final_close(end), now)) {
      late_.drop(r, now);
      return;
    }
    // A merged session whose bounds do not change (the record fell inside it) is
    // overwritten in place and reported as an update; the others were merged away and
    // are deleted.
    std::optional<R> same_bounds_old;
    for (auto& m : merged_) {
      if (m.start == start && m.end == end) {
        if (!final) same_bounds_old = std::move(m.value);
        continue;
      }
      store_->remove(r.key, m.start, m.end);
      forget(*sessions, m.start, m.end);
      if (final) {
        closer_.untrack(open_window{final_close(m.end), key_bytes, m.start, m.end});
      } else {
        this->forward(record<windowed<K>, change<R>>{windowed<K>{r.key, m.start, m.end},
                                                     change<R>{std::nullopt, std::move(m.value)}, m.end, r.headers});
      }
    }
    R value = cfg_.agg.add(r.key, std::as_const(r.value), std::move(agg));
    if (store_->put(r.key, start, end, value)) {
      if (sessions == nullptr) sessions = &index_[key_bytes];
      remember(*sessions, start, end);
    } else if (sessions != nullptr) {
      forget(*sessions, start, end);  // dropped (expired segment): not in the store
    }
    if (final) {
      closer_.track(open_window{final_close(end), std::move(key_bytes), start, end});
      return;
    }
    this->forward(record<windowed<K>, change<R>>{windowed<K>{std::move(r.key), start, end},
                                                 change<R>{std::move(value), std::move(same_bounds_old)}, end,
                                                 std::move(r.headers)});
  }

 private:
  struct session_value {
    timestamp_ms start;
    timestamp_ms end;
    R value;
  };
  // A session's bounds in the index, ordered as the store orders one key's sessions.
  struct bounds {
    timestamp_ms end;
    timestamp_ms start;
    friend auto operator<=>(const bounds&, const bounds&) = default;
  };

  timestamp_ms final_close(timestamp_ms end) const {
    return end + 1 + cfg_.windows.gap.count() + cfg_.windows.grace.count();
  }

  // merged_ = the stored sessions of `key` with end >= earliest_end and start <=
  // latest_start, ascending (end, start) (what session_store::find_sessions returns),
  // values by point lookup. Entries whose lookup misses (segment expired) are erased.
  void collect_merged(std::vector<bounds>& sessions, const K& key, timestamp_ms earliest_end,
                      timestamp_ms latest_start) {
    auto it = std::partition_point(sessions.begin(), sessions.end(),
                                   [&](const bounds& b) { return b.end < earliest_end; });
    while (it != sessions.end()) {
      if (it->start > latest_start) {
        ++it;
        continue;
      }
      std::optional<R> v = store_->get(key, it->start, it->end);
      if (!v) {
        it = sessions.erase(it);
        continue;
      }
      merged_.push_back({it->start, it->end, std::move(*v)});
      ++it;
    }
  }

  static void remember(std::vector<bounds>& sessions, timestamp_ms start, timestamp_ms end) {
    const bounds b{end, start};
    auto it = std::lower_bound(sessions.begin(), sessions.end(), b);
    if (it == sessions.end() || *it != b) sessions.insert(it, b);
  }

  static void forget(std::vector<bounds>& sessions, timestamp_ms start, timestamp_ms end) {
    const bounds b{end, start};
    auto it = std::lower_bound(sessions.begin(), sessions.end(), b);
    if (it != sessions.end() && *it == b) sessions.erase(it);
  }

  // Erases the index entries of the segments expire(expired_at_) dropped (they cannot be
  // in the store any more), and keys left without sessions. O(index); runs at most once
  // per segment interval of stream time.
  void sweep() {
    if (__builtin_add_overflow(expired_at_, store_->segment_interval(), &next_sweep_)) {
      next_sweep_ = std::numeric_limits<timestamp_ms>::max();
    }
    const std::optional<std::int64_t> first_live = store_->first_live_segment(expired_at_);
    for (auto it = index_.begin(); it != index_.end();) {
      std::vector<bounds>& sessions = it->second;
      if (first_live) {
        sessions.erase(sessions.begin(),
                       std::partition_point(sessions.begin(), sessions.end(), [&](const bounds& b) {
                         return store_->segment_of(b.end) < *first_live;
                       }));
      }
      it = sessions.empty() ? index_.erase(it) : std::next(it);
    }
  }

  void emit_due() {
    closer_.due(ctx_->stream_time(), [&](const open_window& w) {
      K key = detail::decode_stored<KS, K>(w.key, cfg_.store, "key");
      std::optional<R> value = store_->get(key, w.start, w.end);
      // Closed sessions leave the store below (or already left it by expiry).
      if (auto it = index_.find(w.key); it != index_.end()) {
        forget(it->second, w.start, w.end);
        if (it->second.empty()) index_.erase(it);
      }
      if (!value) return;
      store_->remove(key, w.start, w.end);
      this->forward(record<windowed<K>, change<R>>{windowed<K>{std::move(key), w.start, w.end},
                                                   change<R>{std::move(value), std::nullopt}, w.end, {}});
    });
  }

  config cfg_;
  late_records<K, V, KS, VS> late_;
  window_closer closer_;
  task_context* ctx_ = nullptr;
  std::optional<session_store<K, R, KS, RS>> store_;
  std::vector<session_value> merged_;  // reused per record
  // key serde bytes -> bounds of that key's stored sessions, ascending; see (I1), (I2).
  std::unordered_map<std::string, std::vector<bounds>> index_;
  timestamp_ms expired_at_ = kNoTime;
  timestamp_ms next_sweep_ = kNoTime;  // stream time of the next sweep()
};

}  // namespace fjord::streams
