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
#pragma once

#include <limits>
#include <optional>
#include <string>
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
    if (!cfg_.emit.is_final()) return;
    store_->fetch_all_ending(kNoTime, std::numeric_limits<timestamp_ms>::max(),
                             [&](const K& k, timestamp_ms start, timestamp_ms end, R&&) {
                               closer_.track(open_window{final_close(end), encode_to_string<KS>(k), start, end});
                             });
    closer_.init(ctx, [this] { emit_due(); });
  }

  void process(record<K, V>&& r) override {
    const timestamp_ms now = std::max(ctx_->stream_time(), r.timestamp);
    const bool final = cfg_.emit.is_final();
    if (final) emit_due();
    if (now != expired_at_) {
      store_->expire(now);
      expired_at_ = now;
    }
    const timestamp_ms t = r.timestamp;
    const timestamp_ms gap = cfg_.windows.gap.count();
    merged_.clear();
    store_->find_sessions(r.key, t - gap, t + gap, [&](timestamp_ms s, timestamp_ms e, R&& v) {
      merged_.push_back({s, e, std::move(v)});
    });
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
    std::string key_bytes;
    if (final) key_bytes = encode_to_string<KS>(r.key);
    if (start != t || end != t) {
      for (auto& m : merged_) {
        store_->remove(r.key, m.start, m.end);
        if (final) {
          closer_.untrack(open_window{final_close(m.end), key_bytes, m.start, m.end});
        } else {
          this->forward(record<windowed<K>, change<R>>{windowed<K>{r.key, m.start, m.end},
                                                       change<R>{std::nullopt, std::move(m.value)}, m.end, r.headers});
        }
      }
    }
    R value = cfg_.agg.add(r.key, std::as_const(r.value), std::move(agg));
    store_->put(r.key, start, end, value);
    if (final) {
      closer_.track(open_window{final_close(end), std::move(key_bytes), start, end});
      return;
    }
    this->forward(record<windowed<K>, change<R>>{windowed<K>{std::move(r.key), start, end},
                                                 change<R>{std::move(value), std::nullopt}, end, std::move(r.headers)});
  }

 private:
  struct session_value {
    timestamp_ms start;
    timestamp_ms end;
    R value;
  };

  timestamp_ms final_close(timestamp_ms end) const {
    return end + 1 + cfg_.windows.gap.count() + cfg_.windows.grace.count();
  }

  void emit_due() {
    closer_.due(ctx_->stream_time(), [&](const open_window& w) {
      K key = detail::decode_stored<KS, K>(w.key, cfg_.store, "key");
      std::optional<R> value = store_->get(key, w.start, w.end);
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
  timestamp_ms expired_at_ = kNoTime;
};

}  // namespace fjord::streams
