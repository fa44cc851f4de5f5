// fjord-streams: the typed session store handle (session-windowed aggregations).
//
// session_store<K, V, KS, VS> maps (key, session start, session end) to a value,
// time-segmented by session END (a session grows at its end; expiry is by end).
// Key layout: [u32 key len][key][ts end][ts start] (key_layout.hpp), which is also the
// changelog record key. Within one key sessions are ordered by end, then start.
// expire(stream_time) drops the segments whose every session end is
// < stream_time - retention; puts aimed at an expired segment are dropped (not logged).
// Handles are cheap views; they are valid until state_manager::close().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/state/key_layout.hpp"
#include "fjord/streams/state/segment_math.hpp"
#include "fjord/streams/state/store_backend.hpp"
#include "fjord/streams/state/store_codec.hpp"
#include "fjord/streams/state/store_spec.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS>
  requires serde_for<KS, K> && serde_for<VS, V>
class session_store {
 public:
  using key_type = K;
  using value_type = V;

  // REQUIRES: def.segment_interval > 0 (state_manager::open fills in a default).
  session_store(store_backend& backend, const store_def& def, changelog_writer* writer = nullptr)
      : backend_(&backend),
        name_(def.name),
        retention_(def.retention.count()),
        interval_(def.segment_interval.count()),
        writer_(writer) {}

  const std::string& name() const noexcept { return name_; }

  // The value of exactly this session, if stored.
  std::optional<V> get(const K& key, timestamp_ms start, timestamp_ms end) {
    bytes_store* seg = backend_->find_segment(detail::segment_id(end, interval_));
    if (seg == nullptr) return std::nullopt;
    auto bytes = seg->get(key_layout::session_key(encode_to_string<KS>(key), start, end));
    if (!bytes) return std::nullopt;
    return detail::decode_stored<VS, V>(*bytes, name_, "value");
  }

  // REQUIRES: start <= end. Returns false when the put was dropped (expired segment).
  bool put(const K& key, timestamp_ms start, timestamp_ms end, const V& value) {
    bytes_store* seg = backend_->get_or_create_segment(detail::segment_id(end, interval_));
    if (seg == nullptr) return false;  // expired segment: dropped
    const std::string k = key_layout::session_key(encode_to_string<KS>(key), start, end);
    const std::string v = encode_to_string<VS>(value);
    seg->put(k, v);
    if (writer_) writer_->log(name_, k, std::string_view(v));
    return true;
  }

  void remove(const K& key, timestamp_ms start, timestamp_ms end) {
    bytes_store* seg = backend_->find_segment(detail::segment_id(end, interval_));
    if (seg == nullptr) return;
    const std::string k = key_layout::session_key(encode_to_string<KS>(key), start, end);
    seg->remove(k);
    if (writer_) writer_->log(name_, k, std::nullopt);
  }

  // Every session of `key` with end >= earliest_end && start <= latest_start (the sessions
  // a record at time t merges with: earliest_end = t - gap, latest_start = t + gap).
  // f(timestamp_ms start, timestamp_ms end, V&&) -> bool (false stops) or void;
  // ascending end, then start.
  template <class F>
  void find_sessions(const K& key, timestamp_ms earliest_end, timestamp_ms latest_start, F&& f) {
    std::string prefix;
    key_layout::append_key_prefix(prefix, encode_to_string<KS>(key));
    std::string lo = prefix;
    key_layout::append_ts(lo, earliest_end);
    const std::string hi = key_layout::prefix_successor(prefix);
    const std::int64_t first = detail::segment_id(earliest_end, interval_);
    bool go_on = true;
    for (std::int64_t id : backend_->segment_ids()) {
      if (id < first) continue;
      bytes_store* seg = backend_->find_segment(id);
      if (seg == nullptr) continue;
      seg->range(lo, hi, [&](std::string_view stored, std::string_view vb) {
        const auto parsed = key_layout::parse_session_key(stored);
        if (!parsed || parsed->start > latest_start) return true;
        go_on = detail::visit_result(f, parsed->start, parsed->end, detail::decode_stored<VS, V>(vb, name_, "value"));
        return go_on;
      });
      if (!go_on) return;
    }
  }

  // Every session of every key with from_end <= end <= to_end.
  // f(const K&, timestamp_ms start, timestamp_ms end, V&&) -> bool or void. Order: by
  // segment, then stored key prefix (key length, then key bytes), then end, then start.
  template <class F>
  void fetch_all_ending(timestamp_ms from_end, timestamp_ms to_end, F&& f) {
    if (from_end > to_end) return;
    const std::int64_t first = detail::segment_id(from_end, interval_);
    const std::int64_t last = detail::segment_id(to_end, interval_);
    bool go_on = true;
    for (std::int64_t id : backend_->segment_ids()) {
      if (id < first || id > last) continue;
      bytes_store* seg = backend_->find_segment(id);
      if (seg == nullptr) continue;
      seg->range({}, {}, [&](std::string_view stored, std::string_view vb) {
        const auto parsed = key_layout::parse_session_key(stored);
        if (!parsed || parsed->end < from_end || parsed->end > to_end) return true;
        const K key = detail::decode_stored<KS, K>(parsed->key, name_, "key");
        go_on = detail::visit_result(f, key, parsed->start, parsed->end,
                                     detail::decode_stored<VS, V>(vb, name_, "value"));
        return go_on;
      });
      if (!go_on) return;
    }
  }

  // Drops every segment whose sessions all end before stream_time - retention, i.e. every
  // segment with id < first_live_segment(stream_time).
  void expire(timestamp_ms stream_time) {
    if (auto first = first_live_segment(stream_time)) backend_->drop_segments_before(*first);
  }

  // The segment a session ending at `end` is stored in.
  std::int64_t segment_of(timestamp_ms end) const { return detail::segment_id(end, interval_); }
  // The first segment expire(stream_time) keeps; nullopt when it drops nothing.
  std::optional<std::int64_t> first_live_segment(timestamp_ms stream_time) const {
    return detail::first_live_segment(stream_time, retention_, interval_);
  }
  std::int64_t segment_interval() const noexcept { return interval_; }

  std::uint64_t approximate_entries() { return approximate_segment_entries(*backend_); }

 private:
  store_backend* backend_;
  std::string name_;
  std::int64_t retention_;
  std::int64_t interval_;
  changelog_writer* writer_;
};

}  // namespace fjord::streams
