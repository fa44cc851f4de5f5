// fjord-streams: the typed window store handle (windowed aggregations, join buffers).
//
// window_store<K, V, KS, VS> maps (key, window start) to a value, time-segmented by
// window start (see store_backend.hpp, key_layout.hpp, docs/formats/streams-state.md).
// With store_def::retain_duplicates every put appends (a u32 sequence number ends the
// key: one more than the largest already stored for that key and start, so the order of
// puts is kept, also across restarts); otherwise put overwrites.
//
// Expiry is by whole segment: expire(stream_time) drops the segments whose every window
// start is < stream_time - retention; windows in a live segment stay readable even when
// individually older. Puts aimed at an already-expired segment are dropped (and not
// logged), as in Kafka Streams. The changelog key is the store key (layout above).
// Handles are cheap views; they are valid until state_manager::close().
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/state/key_layout.hpp"
#include "fjord/streams/state/segment_math.hpp"
#include "fjord/streams/state/store_backend.hpp"
#include "fjord/streams/state/store_codec.hpp"
#include "fjord/streams/state/store_spec.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS>
  requires serde_for<KS, K> && serde_for<VS, V>
class window_store {
 public:
  using key_type = K;
  using value_type = V;

  // REQUIRES: def.segment_interval > 0 (state_manager::open fills in a default).
  window_store(store_backend& backend, const store_def& def, changelog_writer* writer = nullptr)
      : backend_(&backend),
        name_(def.name),
        retention_(def.retention.count()),
        interval_(def.segment_interval.count()),
        dups_(def.retain_duplicates),
        writer_(writer) {}

  const std::string& name() const noexcept { return name_; }

  // The value for (key, window_start); with duplicates the first one put.
  std::optional<V> get(const K& key, timestamp_ms window_start) {
    bytes_store* seg = backend_->find_segment(detail::segment_id(window_start, interval_));
    if (seg == nullptr) return std::nullopt;
    const std::string kb = encode_to_string<KS>(key);
    if (!dups_) {
      auto bytes = seg->get(key_layout::window_key(kb, window_start));
      if (!bytes) return std::nullopt;
      return detail::decode_stored<VS, V>(*bytes, name_, "value");
    }
    std::optional<V> out;
    const std::string lo = key_layout::window_key(kb, window_start);
    seg->range(lo, key_layout::prefix_successor(lo), [&](std::string_view, std::string_view vb) {
      out = detail::decode_stored<VS, V>(vb, name_, "value");
      return false;
    });
    return out;
  }

  void put(const K& key, timestamp_ms window_start, const V& value) {
    bytes_store* seg = backend_->get_or_create_segment(detail::segment_id(window_start, interval_));
    if (seg == nullptr) return;  // expired segment: dropped
    const std::string kb = encode_to_string<KS>(key);
    std::string k;
    if (!dups_) {
      k = key_layout::window_key(kb, window_start);
    } else {
      const std::string lo = key_layout::window_key(kb, window_start);
      std::uint64_t next = 0;
      seg->range(lo, key_layout::prefix_successor(lo), [&](std::string_view stored, std::string_view) {
        next = std::uint64_t{key_layout::read_u32(stored.substr(stored.size() - 4))} + 1;
        return true;
      });
      if (next > std::numeric_limits<std::uint32_t>::max()) {
        throw streams_error("window store '" + name_ + "': 2^32 duplicates for one key and window start");
      }
      k = key_layout::window_key(kb, window_start, static_cast<std::uint32_t>(next));
    }
    const std::string v = encode_to_string<VS>(value);
    seg->put(k, v);
    if (writer_) writer_->log(name_, k, std::string_view(v));
  }

  // Removes the value for (key, window_start); with duplicates all of them.
  void remove(const K& key, timestamp_ms window_start) {
    bytes_store* seg = backend_->find_segment(detail::segment_id(window_start, interval_));
    if (seg == nullptr) return;
    const std::string kb = encode_to_string<KS>(key);
    if (!dups_) {
      const std::string k = key_layout::window_key(kb, window_start);
      seg->remove(k);
      if (writer_) writer_->log(name_, k, std::nullopt);
      return;
    }
    const std::string lo = key_layout::window_key(kb, window_start);
    std::vector<std::string> keys;
    seg->range(lo, key_layout::prefix_successor(lo), [&](std::string_view stored, std::string_view) {
      keys.emplace_back(stored);
      return true;
    });
    for (const auto& k : keys) {
      seg->remove(k);
      if (writer_) writer_->log(name_, k, std::nullopt);
    }
  }

  // f(timestamp_ms start, V&&) -> bool (false stops) or void, for every window of `key`
  // with from_start <= start <= to_start, ascending start (then put order for duplicates).
  template <class F>
  void fetch(const K& key, timestamp_ms from_start, timestamp_ms to_start, F&& f) {
    if (from_start > to_start) return;
    const std::string kb = encode_to_string<KS>(key);
    const std::string lo = key_layout::window_key(kb, from_start);
    // Every key for `to_start` is <= prefix + ts(to_start) + 4 seq bytes < ... + 5 x 0xff.
    const std::string hi = key_layout::window_key(kb, to_start) + std::string(5, '\xff');
    const std::int64_t first = detail::segment_id(from_start, interval_);
    const std::int64_t last = detail::segment_id(to_start, interval_);
    bool go_on = true;
    for (std::int64_t id : backend_->segment_ids()) {
      if (id < first || id > last) continue;
      bytes_store* seg = backend_->find_segment(id);
      if (seg == nullptr) continue;
      seg->range(lo, hi, [&](std::string_view stored, std::string_view vb) {
        const auto parsed = key_layout::parse_window_key(stored, dups_);
        if (!parsed) return true;
        go_on = detail::visit_result(f, parsed->start, detail::decode_stored<VS, V>(vb, name_, "value"));
        return go_on;
      });
      if (!go_on) return;
    }
  }

  // f(const K&, timestamp_ms start, V&&) -> bool or void, for every window of every key
  // with from_start <= start <= to_start. Order: by segment (ascending), then by stored
  // key prefix (key length, then key bytes), then start, then put order.
  template <class F>
  void fetch_all(timestamp_ms from_start, timestamp_ms to_start, F&& f) {
    if (from_start > to_start) return;
    const std::int64_t first = detail::segment_id(from_start, interval_);
    const std::int64_t last = detail::segment_id(to_start, interval_);
    bool go_on = true;
    for (std::int64_t id : backend_->segment_ids()) {
      if (id < first || id > last) continue;
      bytes_store* seg = backend_->find_segment(id);
      if (seg == nullptr) continue;
      seg->range({}, {}, [&](std::string_view stored, std::string_view vb) {
        const auto parsed = key_layout::parse_window_key(stored, dups_);
        if (!parsed || parsed->start < from_start || parsed->start > to_start) return true;
        const K key = detail::decode_stored<KS, K>(parsed->key, name_, "key");
        go_on = detail::visit_result(f, key, parsed->start, detail::decode_stored<VS, V>(vb, name_, "value"));
        return go_on;
      });
      if (!go_on) return;
    }
  }

  // Drops every segment whose windows all start before stream_time - retention.
  void expire(timestamp_ms stream_time) {
    if (auto first = detail::first_live_segment(stream_time, retention_, interval_)) {
      backend_->drop_segments_before(*first);
    }
  }

  std::uint64_t approximate_entries() { return approximate_segment_entries(*backend_); }

 private:
  store_backend* backend_;
  std::string name_;
  std::int64_t retention_;
  std::int64_t interval_;
  bool dups_;
  changelog_writer* writer_;
};

}  // namespace fjord::streams
