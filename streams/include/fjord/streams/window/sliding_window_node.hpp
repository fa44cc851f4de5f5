// fjord-streams: the node behind sliding-window count, reduce and aggregate.
//
// A port of Kafka Streams' KStreamSlidingWindowAggregate (KIP-450, forward-iterator
// variant, including the early-record path), so in-order and out-of-order records within
// grace give Kafka's windows and results. Windows are [start, start + diff], both ends
// inclusive: each record at t gets its left window [t - diff, t] (created from the
// previous record's window aggregate when that record is within diff) and, when later
// records exist within diff, its right window [t + 1, t + 1 + diff]; records at t < diff
// share the window [0, diff] (Kafka's workaround for negative starts).
// A window is open while stream time < end + 1 + grace; a record is late when its last
// possible window is closed (t + diff + 1 + grace <= stream time) or when it updated no
// open window — either way it is dropped (window/emit.hpp) and counted once.
// Emission:
//   every_update: change{new, old} per updated or created window (old nullopt for a new
//                 window), timestamp = the largest record timestamp in the window (Kafka);
//   final:        change{result, nullopt} once per window when it closes, timestamp =
//                 window end. Closed windows stay in the store (later windows are built
//                 from them) flagged as emitted, until retention drops them.
// State: a window store (key, start) -> sliding_value<R> (window/sliding_value.hpp).
#pragma once

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/window/emit.hpp"
#include "fjord/streams/window/sliding_value.hpp"
#include "fjord/streams/window/window_closer.hpp"
#include "fjord/streams/window/windowed.hpp"
#include "fjord/streams/window/windows.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS, class RS, class A>
class sliding_window_node final
    : public transform_node<K, V, windowed<K>, change<typename A::result_type>> {
 public:
  using R = typename A::result_type;
  using SV = sliding_value<R>;
  struct config {
    std::string store;
    sliding_windows windows;
    emit_config emit;
    late_config<K, V> late;
    A agg;
  };

  explicit sliding_window_node(config cfg)
      : cfg_(std::move(cfg)), diff_(cfg_.windows.time_difference.count()), late_(cfg_.late), closer_(cfg_.emit.close) {}

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    store_.emplace(ctx.state().template window<K, SV, KS, sliding_value_serde<RS>>(cfg_.store));
    late_.init(ctx);
    if (!cfg_.emit.is_final()) return;
    store_->fetch_all(kNoTime, std::numeric_limits<timestamp_ms>::max(), [&](const K& k, timestamp_ms start, SV&& v) {
      if (!v.emitted) closer_.track(open_window{close_time(start), encode_to_string<KS>(k), start, start + diff_});
    });
    closer_.init(ctx, [this] { emit_due(); });
  }

  void process(record<K, V>&& r) override {
    now_ = std::max(ctx_->stream_time(), r.timestamp);
    if (cfg_.emit.is_final()) emit_due();
    if (now_ != expired_at_) {
      store_->expire(now_);
      expired_at_ = now_;
    }
    touched_ = false;
    if (!closer_.closed(close_time(r.timestamp), now_)) {
      if (r.timestamp < diff_) {
        process_early(r);
      } else {
        process_in_order(r);
      }
    }
    if (!touched_) late_.drop(r, now_);
  }

 private:
  // An aggregate on its way into a window: value nullopt = reduce's empty initial.
  struct agg_ts {
    std::optional<R> value;
    timestamp_ms ts;
  };
  struct found {
    timestamp_ms start;
    SV v;
  };

  timestamp_ms close_time(timestamp_ms start) const { return start + diff_ + 1 + cfg_.windows.grace.count(); }

  bool fetched_start(timestamp_ms start) const {
    return std::any_of(found_.begin(), found_.end(), [&](const found& f) { return f.start == start; });
  }

  void fetch(const K& key, timestamp_ms from, timestamp_ms to) {
    found_.clear();
    store_->fetch(key, from, to, [&](timestamp_ms start, SV&& v) { found_.push_back({start, std::move(v)}); });
  }

  void process_in_order(const record<K, V>& r) {
    const timestamp_ms t = r.timestamp;
    fetch(r.key, std::max<timestamp_ms>(0, t - 2 * diff_), t + 1);
    std::optional<agg_ts> left_agg, right_agg;
    bool left_created = false, right_created = false;
    std::optional<timestamp_ms> previous;
    for (auto& w : found_) {
      const timestamp_ms end = w.start + diff_;
      const timestamp_ms max_ts = w.v.max_timestamp;
      if (end < t) {
        left_agg = agg_ts{w.v.value, max_ts};
        previous = max_ts;
      } else if (end == t) {
        left_created = true;
        if (max_ts < t) previous = max_ts;
        update(r, w.start, agg_ts{std::move(w.v.value), max_ts}, true);
      } else if (w.start <= t) {
        right_agg = agg_ts{w.v.value, max_ts};
        update(r, w.start, agg_ts{std::move(w.v.value), max_ts}, true);
      } else if (w.start == t + 1) {
        right_created = true;
      } else {
        throw streams_error("sliding windows: unexpected window in store '" + cfg_.store + "'");
      }
    }
    if (previous) {
      const timestamp_ms prev_right = *previous + 1;
      if (!fetched_start(prev_right) && prev_right + diff_ >= t) update(r, prev_right, agg_ts{cfg_.agg.initial(), t}, false);
    }
    if (!left_created) {
      if (previous && t - diff_ <= *previous && left_agg) {
        update(r, t - diff_, agg_ts{std::move(left_agg->value), t}, false);
      } else {
        update(r, t - diff_, agg_ts{cfg_.agg.initial(), t}, false);
      }
    }
    if (!right_created && right_agg && right_agg->ts > t) create_right_window(r, std::move(*right_agg));
  }

  // 0 <= t < diff: the record's left window would start before 0.
  void process_early(const record<K, V>& r) {
    const timestamp_ms t = r.timestamp;
    fetch(r.key, 0, t + 1);
    found* combined = nullptr;
    std::optional<agg_ts> right_agg;
    bool right_created = false;
    std::optional<timestamp_ms> previous;
    for (auto& w : found_) {
      if (w.start == 0) {
        combined = &w;
        if (w.v.max_timestamp < t) previous = w.v.max_timestamp;
      } else if (w.start <= t) {
        right_agg = agg_ts{w.v.value, w.v.max_timestamp};
        update(r, w.start, agg_ts{std::move(w.v.value), w.v.max_timestamp}, true);
      } else if (w.start == t + 1) {
        right_created = true;
      } else {
        throw streams_error("sliding windows: unexpected window in store '" + cfg_.store + "'");
      }
    }
    if (!right_agg && combined != nullptr && combined->v.max_timestamp > t) {
      right_agg = agg_ts{combined->v.value, combined->v.max_timestamp};
    }
    if (!right_created && right_agg && right_agg->ts > t) create_right_window(r, std::move(*right_agg));
    if (previous && !fetched_start(*previous + 1)) update(r, *previous + 1, agg_ts{cfg_.agg.initial(), t}, false);
    if (combined == nullptr) {
      update(r, 0, agg_ts{cfg_.agg.initial(), t}, false);
    } else {
      update(r, 0, agg_ts{std::move(combined->v.value), combined->v.max_timestamp}, true);
    }
  }

  // Adds the record to the window at `start` (unless it is closed) and emits.
  void update(const record<K, V>& r, timestamp_ms start, agg_ts a, bool existed) {
    if (closer_.closed(close_time(start), now_)) return;
    touched_ = true;
    const timestamp_ms ts = a.value ? std::max(r.timestamp, a.ts) : r.timestamp;
    const bool final = cfg_.emit.is_final();
    std::optional<R> old;
    if (existed && !final) old = a.value;
    R value = cfg_.agg.add(r.key, r.value, std::move(a.value));
    if (final) {
      store_->put(r.key, start, SV{std::move(value), ts, false});
      if (!existed) closer_.track(open_window{close_time(start), encode_to_string<KS>(r.key), start, start + diff_});
      return;
    }
    store_->put(r.key, start, SV{value, ts, false});
    this->forward(record<windowed<K>, change<R>>{windowed<K>{r.key, start, start + diff_},
                                                 change<R>{std::move(value), std::move(old)}, ts, r.headers});
  }

  // The record's right window [t + 1, t + 1 + diff] holds what `right` holds after t.
  void create_right_window(const record<K, V>& r, agg_ts right) {
    const timestamp_ms start = r.timestamp + 1;
    if (!right.value) return;  // cannot happen: stored windows hold a value
    if (cfg_.emit.is_final()) {
      store_->put(r.key, start, SV{std::move(*right.value), right.ts, false});
      closer_.track(open_window{close_time(start), encode_to_string<KS>(r.key), start, start + diff_});
      return;
    }
    store_->put(r.key, start, SV{*right.value, right.ts, false});
    this->forward(record<windowed<K>, change<R>>{windowed<K>{r.key, start, start + diff_},
                                                 change<R>{std::move(right.value), std::nullopt}, right.ts, r.headers});
  }

  void emit_due() {
    closer_.due(ctx_->stream_time(), [&](const open_window& w) {
      K key = detail::decode_stored<KS, K>(w.key, cfg_.store, "key");
      std::optional<SV> v = store_->get(key, w.start);
      if (!v || v->emitted) return;
      v->emitted = true;
      store_->put(key, w.start, *v);
      this->forward(record<windowed<K>, change<R>>{windowed<K>{std::move(key), w.start, w.end},
                                                   change<R>{std::move(v->value), std::nullopt}, w.end, {}});
    });
  }

  config cfg_;
  timestamp_ms diff_;
  late_records<K, V, KS, VS> late_;
  window_closer closer_;
  task_context* ctx_ = nullptr;
  std::optional<window_store<K, SV, KS, sliding_value_serde<RS>>> store_;
  std::vector<found> found_;  // reused per record
  timestamp_ms now_ = kNoTime;
  timestamp_ms expired_at_ = kNoTime;
  bool touched_ = false;
};

}  // namespace fjord::streams
