// fjord-streams: the node behind tumbling/hopping count, reduce and aggregate.
//
// Input record<K, V>; output record<windowed<K>, change<R>> with windowed.end exclusive.
// State: a window store (key, window start) -> R named by the user's store spec.
// For each record, every window [start, start + size) holding its timestamp (start =
// k * advance >= 0) that is still open is updated; closed windows are skipped; a record
// with no open window is late (window/emit.hpp). Emission:
//   every_update: change{new, old} per updated window, timestamp = the record's;
//   final:        change{result, nullopt} once per window when it closes, timestamp =
//                 window end - 1 (the last millisecond it covers); the entry is then
//                 removed from the store.
// Open means stream time < end + grace (and, with close_on::wall_clock, not yet closed
// by the wall clock). Stream time is the task's (the max record timestamp seen).
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/window/emit.hpp"
#include "fjord/streams/window/window_closer.hpp"
#include "fjord/streams/window/windowed.hpp"
#include "fjord/streams/window/windows.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS, class RS, class A>
class time_window_node final
    : public transform_node<K, V, windowed<K>, change<typename A::result_type>> {
 public:
  using R = typename A::result_type;
  struct config {
    std::string store;
    time_windows windows;
    emit_config emit;
    late_config<K, V> late;
    A agg;
  };

  explicit time_window_node(config cfg)
      : cfg_(std::move(cfg)), late_(cfg_.late), closer_(cfg_.emit.close) {}

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    store_.emplace(ctx.state().template window<K, R, KS, RS>(cfg_.store));
    late_.init(ctx);
    if (!cfg_.emit.is_final()) return;
    store_->fetch_all(kNoTime, std::numeric_limits<timestamp_ms>::max(), [&](const K& k, timestamp_ms start, R&&) {
      closer_.track(open_window{close_time(start), encode_to_string<KS>(k), start, cfg_.windows.end_of(start)});
    });
    closer_.init(ctx, [this] { emit_due(); });
  }

  void process(record<K, V>&& r) override {
    const timestamp_ms now = std::max(ctx_->stream_time(), r.timestamp);
    if (cfg_.emit.is_final()) emit_due();
    if (now != expired_at_) {
      store_->expire(now);
      expired_at_ = now;
    }
    const timestamp_ms advance = cfg_.windows.advance.count();
    const timestamp_ms last = cfg_.windows.last_start(r.timestamp);
    bool updated = false;
    if (cfg_.emit.is_final()) {
      key_bytes_.clear();
      KS::encode(r.key, key_bytes_);
    }
    for (timestamp_ms start = std::max<timestamp_ms>(0, cfg_.windows.first_start(r.timestamp)); start <= last;
         start += advance) {
      if (closer_.closed(close_time(start), now)) continue;
      update(r, start, start == last);
      updated = true;
    }
    if (!updated) late_.drop(r, now);
  }

 private:
  timestamp_ms close_time(timestamp_ms start) const {
    return cfg_.windows.end_of(start) + cfg_.windows.grace.count();
  }

  void update(record<K, V>& r, timestamp_ms start, bool last) {
    const timestamp_ms end = cfg_.windows.end_of(start);
    if (cfg_.emit.is_final()) {
      // The index holds exactly the open windows in the store: a new one needs no read.
      std::optional<R> old;
      if (!closer_.track(open_window{close_time(start), key_bytes_, start, end})) old = store_->get(r.key, start);
      store_->put(r.key, start, cfg_.agg.add(r.key, std::as_const(r.value), std::move(old)));
      return;
    }
    std::optional<R> old = store_->get(r.key, start);
    R value = cfg_.agg.add(r.key, std::as_const(r.value), std::optional<R>(old));
    store_->put(r.key, start, value);
    this->forward(record<windowed<K>, change<R>>{windowed<K>{r.key, start, end},
                                                 change<R>{std::move(value), std::move(old)}, r.timestamp,
                                                 last ? std::move(r.headers) : r.headers});
  }

  void emit_due() {
    closer_.due(ctx_->stream_time(), [&](const open_window& w) {
      K key = detail::decode_stored<KS, K>(w.key, cfg_.store, "key");
      std::optional<R> value = store_->get(key, w.start);
      if (!value) return;
      store_->remove(key, w.start);
      this->forward(record<windowed<K>, change<R>>{windowed<K>{std::move(key), w.start, w.end},
                                                   change<R>{std::move(value), std::nullopt}, w.end - 1, {}});
    });
  }

  config cfg_;
  late_records<K, V, KS, VS> late_;
  window_closer closer_;
  task_context* ctx_ = nullptr;
  std::optional<window_store<K, R, KS, RS>> store_;
  timestamp_ms expired_at_ = kNoTime;
  std::string key_bytes_;  // final mode: the record's key bytes (reused buffer)
};

}  // namespace fjord::streams
