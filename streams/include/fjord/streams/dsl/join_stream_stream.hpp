// fjord-streams: windowed stream–stream joins (stream::join / left_join / outer_join with
// join_windows), Kafka Streams' KStreamKStreamJoin semantics with the spurious-result fix.
//
// One node with two inputs. A left record L and a right record R join when
//   L.ts - before <= R.ts <= L.ts + after.
// Every arriving record is first buffered in its side's window store (`<store>-this` for
// the left stream, `<store>-other` for the right; duplicates kept, retention = before +
// after + grace, so a buffered record lives as long as any partner can still arrive), then
// joined with every buffered partner of the other side within those bounds; a pair is
// forwarded with the record's key and timestamp max(L.ts, R.ts).
//
// Time is the task's stream time. A record's window closes once stream time passes
// ts + after + grace (left records) / ts + before + grace (right records), i.e. at stream
// time >= ts + after + grace + 1 — the same instant at which a record of that timestamp
// becomes late. Records whose own window has already closed on arrival are dropped as late
// (counted in late-records-dropped).
//
// Left / outer: a record that found no partner waits in `<store>-outer` (join_pending.hpp;
// left join: left records only; outer: both sides) and is forwarded as joiner(v, nullptr)
// / joiner(nullptr, v2), with its own timestamp and no headers, once its window has closed
// and only if it is still unmatched (no spurious "no partner" results for records that find
// one later within their window). Emission runs after each record that advances stream
// time (a 1 ms stream-time punctuator, so test_driver::advance_stream_time also closes
// windows), in timestamp order. An emitted entry is not deleted but overwritten by an
// "emitted" marker (no values) that lives until no partner can arrive any more (stream
// time > ts + before + after + grace; pruned by the same punctuator, or deleted at once if
// that is already the case on emission). A buffered partner whose own window has closed
// (possible for a record arriving out of order within its grace, or when before != after)
// is still joined, as in Kafka, unless its pending entry is such a marker: that pair would
// contradict the "no partner" result already sent. A closed partner that was matched (no
// entry) or still awaits emission (entry with values: matched now, removed) is joined.
// Inner joins join every buffered partner within bounds.
//
// Invariants: both inputs are partitioned by key (checked at build) and run in one task;
// the pending store holds exactly the unmatched records whose windows are open (plus those
// closed since the last emission), and a marker for every (timestamp, side, key) emitted as
// unmatched for which a partner may still arrive (plus those obsolete since the last
// prune); min_pending_ is a lower bound of the timestamps of the entries with values,
// min_emitted_ of the markers' (each also `unknown` or `none`).
#pragma once

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fjord/streams/dsl/join_common.hpp"
#include "fjord/streams/dsl/join_pending.hpp"
#include "fjord/streams/dsl/stream.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/state/key_layout.hpp"
#include "fjord/streams/state/store_codec.hpp"
#include "fjord/streams/window/join_windows.hpp"

namespace fjord::streams {

template <join_mode M, class K, class V1, class V2, class KS, class VS1, class VS2, class R, class J>
class stream_stream_join_node final : public node_base, public output<K, R> {
  using self = stream_stream_join_node;
  using pending_store = kv_store<pending_key<K>, pending_values<V1, V2>, pending_key_serde<KS>,
                                 pending_values_serde<VS1, VS2>>;
  static constexpr bool track_left = M != join_mode::inner;
  static constexpr bool track_right = M == join_mode::outer;
  static constexpr timestamp_ms unknown = std::numeric_limits<timestamp_ms>::min();
  static constexpr timestamp_ms none = std::numeric_limits<timestamp_ms>::max();

 public:
  struct config {
    join_windows windows;
    std::string left_store, right_store, pending_store;
  };

  stream_stream_join_node(J joiner, config cfg)
      : joiner_(std::move(joiner)),
        cfg_(std::move(cfg)),
        before_(cfg_.windows.before.count()),
        after_(cfg_.windows.after.count()),
        grace_(cfg_.windows.grace.count()) {}

  input<K, V1>& left_port() { return left_port_; }
  input<K, V2>& right_port() { return right_port_; }

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    left_buf_.emplace(ctx.state().template window<K, V1, KS, VS1>(cfg_.left_store));
    right_buf_.emplace(ctx.state().template window<K, V2, KS, VS2>(cfg_.right_store));
    late_ = &ctx.metrics().counter(metric_names::late_records_dropped, ctx.metric_tags());
    if constexpr (track_left) {
      pending_.emplace(ctx.state().template kv<pending_key<K>, pending_values<V1, V2>, pending_key_serde<KS>,
                                               pending_values_serde<VS1, VS2>>(cfg_.pending_store));
      // Read-only range scans start at min_pending_ / min_emitted_: a full scan would walk
      // over the deletes of every record emitted so far (RocksDB tombstones) each time.
      pending_bytes_ = &ctx.state().backend(cfg_.pending_store).main();
      punctuator_ = ctx.schedule(punctuation_type::stream_time, millis{1}, [this](timestamp_ms now) { emit_closed(now); });
    }
  }

  void close() override {
    if (punctuator_ >= 0) ctx_->cancel(punctuator_);
    punctuator_ = -1;
  }

  void on_left(record<K, V1>&& r) { on_record<true>(std::move(r), *left_buf_, *right_buf_); }
  void on_right(record<K, V2>&& r) { on_record<false>(std::move(r), *right_buf_, *left_buf_); }

 private:
  // How far past a record's timestamp its partners may lie, by side.
  timestamp_ms ahead(bool left) const { return left ? after_ : before_; }
  // Window of a record of `left` side at `ts` closed at stream time `now`.
  bool closed(bool left, timestamp_ms ts, timestamp_ms now) const { return ts + ahead(left) + grace_ < now; }
  timestamp_ms min_ahead() const { return track_right ? std::min(before_, after_) : after_; }

  template <bool Left, class VT, class Mine, class Theirs>
  void on_record(record<K, VT>&& r, Mine& mine, Theirs& theirs) {
    const timestamp_ms now = ctx_->stream_time();
    const timestamp_ms ts = r.timestamp;
    if (closed(Left, ts, now)) {
      late_->inc();
      return;
    }
    if (now > expired_at_) {
      left_buf_->expire(now);
      right_buf_->expire(now);
      expired_at_ = now;
    }
    mine.put(r.key, ts, r.value);
    constexpr bool other_tracked = Left ? track_right : track_left;
    bool matched = false;
    // Duplicates of one timestamp share their pending entry: look it up once per timestamp.
    std::optional<timestamp_ms> settled_ts;
    bool skip = false;
    theirs.fetch(r.key, ts - ahead(!Left), ts + ahead(Left), [&](timestamp_ms other_ts, auto&& other) {
      if constexpr (other_tracked) {
        if (settled_ts != other_ts) {
          settled_ts = other_ts;
          skip = settle_partner(r.key, other_ts, !Left);
        }
        if (skip) return;  // emitted as unmatched already: its result is final
      }
      matched = true;
      this->forward(record<K, R>{r.key, join_pair<Left>(r.value, other), std::max(ts, other_ts), r.headers});
    });
    if constexpr (Left ? track_left : track_right) {
      if (!matched) remember_pending<Left>(std::move(r.key), ts, std::move(r.value));
    }
  }

  template <bool Left, class VT, class VO>
  R join_pair(const VT& mine, const VO& theirs) {
    if constexpr (Left) {
      return call_joiner<M, R>(joiner_, &mine, &theirs);
    } else {
      return call_joiner<M, R>(joiner_, &theirs, &mine);
    }
  }

  template <bool Left, class VT>
  void remember_pending(K&& key, timestamp_ms ts, VT&& value) {
    const pending_key<K> pk{ts, Left, std::move(key)};
    pending_values<V1, V2> values;
    if (min_pending_ == unknown || ts >= min_pending_) {  // otherwise nothing is stored at ts
      if (auto existing = pending_->get(pk)) values = std::move(*existing);
    }
    if constexpr (Left) {
      values.left.push_back(std::move(value));
    } else {
      values.right.push_back(std::move(value));
    }
    pending_->put(pk, values);
    if (min_pending_ != unknown) min_pending_ = std::min(min_pending_, ts);
  }

  // A buffered partner (of side `left`) is about to be joined: true if it was emitted as
  // unmatched (skip it), else its pending entry, if any, is removed (it is matched now).
  bool settle_partner(const K& key, timestamp_ms ts, bool left) {
    if (below(min_pending_, ts) && below(min_emitted_, ts)) return false;  // no entry that old
    const pending_key<K> pk{ts, left, key};
    auto existing = pending_->get(pk);
    if (!existing) return false;
    if (existing->emitted()) return true;
    pending_->remove(pk);
    return false;
  }

  // `ts` is below the lower bound `bound` (so nothing of that kind is stored at ts).
  static bool below(timestamp_ms bound, timestamp_ms ts) { return bound != unknown && ts < bound; }
  // Stream time after which no partner of a record at ts can arrive: ts + before + after + grace.
  timestamp_ms span() const { return before_ + after_ + grace_; }

  void emit_closed(timestamp_ms now) {
    emit_unmatched(now);
    prune_emitted(now);
  }

  // Forwards the unmatched records whose windows have closed, oldest first.
  void emit_unmatched(timestamp_ms now) {
    if (min_pending_ == none) return;
    if (min_pending_ != unknown && min_pending_ + min_ahead() + grace_ >= now) return;
    std::vector<std::pair<pending_key<K>, pending_values<V1, V2>>> due;
    timestamp_ms next_min = none;
    scan_pending_from(min_pending_, [&](timestamp_ms ts, std::string_view kb, std::string_view vb) {
      if (ts + min_ahead() + grace_ >= now) {  // this one and all later ones are open
        next_min = std::min(next_min, ts);
        return false;
      }
      if (pending_emitted_marker(vb)) return true;  // emitted already
      if (!closed(kb[8] == '\0', ts, now)) {
        next_min = std::min(next_min, ts);
        return true;
      }
      due.emplace_back(
          detail::decode_stored<pending_key_serde<KS>, pending_key<K>>(kb, cfg_.pending_store, "key"),
          detail::decode_stored<pending_values_serde<VS1, VS2>, pending_values<V1, V2>>(vb, cfg_.pending_store,
                                                                                         "value"));
      return true;
    });
    min_pending_ = next_min;
    for (auto& [k, v] : due) {
      if (k.timestamp + span() < now) {
        pending_->remove(k);  // no partner can arrive any more: no marker needed
      } else {
        pending_->put(k, pending_values<V1, V2>{});
        if (min_emitted_ != unknown) min_emitted_ = std::min(min_emitted_, k.timestamp);
      }
      for (auto& l : v.left) {
        R joined = call_joiner<M, R>(joiner_, &l, static_cast<const V2*>(nullptr));
        this->forward(record<K, R>{k.key, std::move(joined), k.timestamp, {}});
      }
      if constexpr (track_right) {
        for (auto& rv : v.right) {
          R joined = call_joiner<M, R>(joiner_, static_cast<const V1*>(nullptr), &rv);
          this->forward(record<K, R>{k.key, std::move(joined), k.timestamp, {}});
        }
      }
    }
  }

  // f(ts, key bytes, value bytes) for the pending entries in timestamp order, from `min`
  // (every entry's timestamp is >= it when it is known) until f returns false.
  template <class F>
  void scan_pending_from(timestamp_ms min, F&& f) {
    std::string from;
    if (min != unknown) key_layout::append_ts(from, min);
    pending_bytes_->range(from, {}, [&](std::string_view kb, std::string_view vb) {
      if (kb.size() < 9) throw streams_error("state store '" + cfg_.pending_store + "': malformed key");
      return f(key_layout::read_ts(kb), kb, vb);
    });
  }

  // Deletes the "emitted" markers no partner can reach any more (ts + span() < now).
  void prune_emitted(timestamp_ms now) {
    if (min_emitted_ == none) return;
    if (min_emitted_ != unknown && min_emitted_ + span() >= now) return;
    std::vector<pending_key<K>> obsolete;
    timestamp_ms next_min = none;
    scan_pending_from(min_emitted_, [&](timestamp_ms ts, std::string_view kb, std::string_view vb) {
      if (ts + span() >= now) {  // this one and all later ones are still needed
        next_min = ts;
        return false;
      }
      // Entries with values here are closed, so emit_unmatched just emitted them.
      if (pending_emitted_marker(vb)) {
        obsolete.push_back(detail::decode_stored<pending_key_serde<KS>, pending_key<K>>(kb, cfg_.pending_store, "key"));
      }
      return true;
    });
    min_emitted_ = next_min;
    for (const auto& k : obsolete) pending_->remove(k);
  }

  J joiner_;
  config cfg_;
  timestamp_ms before_, after_, grace_;
  task_context* ctx_ = nullptr;
  std::optional<window_store<K, V1, KS, VS1>> left_buf_;
  std::optional<window_store<K, V2, KS, VS2>> right_buf_;
  std::optional<pending_store> pending_;
  bytes_store* pending_bytes_ = nullptr;  // pending_'s bytes, for range scans only
  counter* late_ = nullptr;
  int punctuator_ = -1;
  timestamp_ms expired_at_ = std::numeric_limits<timestamp_ms>::min();
  // Lower bounds of the timestamps of the pending entries with values / of the "emitted"
  // markers: `unknown` until the first scan (e.g. after a restart restored the store),
  // `none` when there is known to be none.
  timestamp_ms min_pending_ = unknown;
  timestamp_ms min_emitted_ = unknown;
  join_port<self, K, V1, true> left_port_{*this};
  join_port<self, K, V2, false> right_port_{*this};
};

namespace detail {

template <join_mode M, class KS, class VS, class V2S, class K, class V, class V2, class J, store_spec S>
stream<K, joiner_result_t<M, J, V, V2>> stream_stream_join(const stream<K, V>& s, const stream<K, V2>& other, J joiner,
                                                           join_windows w, S store, const char* op) {
  using R = joiner_result_t<M, J, V, V2>;
  static_assert(!std::is_void_v<R>, "stream-stream join: the joiner must return the joined value");
  static_assert(serde_for<KS, K>, "stream-stream join: KS is not a serde for the key type");
  static_assert(serde_for<VS, V>, "stream-stream join: VS is not a serde for this stream's value type");
  static_assert(serde_for<V2S, V2>, "stream-stream join: V2S is not a serde for the other stream's value type");
  if (&s.topology_graph() != &other.topology_graph()) {
    throw streams_error(std::string(op) + ": the streams belong to different topologies");
  }
  if (store.name.empty()) throw streams_error(std::string(op) + ": the join store needs a name");
  s.require_partitioned_by_key(op);
  other.require_partitioned_by_key(op);
  graph& g = s.topology_graph();
  const millis retention = w.before + w.after + w.grace;
  auto def = [&](const char* suffix, store_kind kind) {
    S named_spec = store;
    named_spec.name = store.name + suffix;
    store_def d = make_store_def(named_spec, kind);
    if (kind == store_kind::window) {
      d.retention = retention;
      d.retain_duplicates = true;
    }
    return d;
  };
  using node_t = stream_stream_join_node<M, K, V, V2, KS, VS, V2S, R, J>;
  typename node_t::config cfg{w, store.name + "-this", store.name + "-other", store.name + "-outer"};
  node_spec spec;
  spec.name = std::string(op) + "(" + store.name + ")";
  spec.parents = {s.node(), other.node()};
  spec.stores = {cfg.left_store, cfg.right_store};
  g.add_store(def("-this", store_kind::window));
  g.add_store(def("-other", store_kind::window));
  if constexpr (M != join_mode::inner) {
    g.add_store(def("-outer", store_kind::key_value));
    spec.stores.push_back(cfg.pending_store);
  }
  spec.create = [joiner, cfg](task_context&) { return std::make_unique<node_t>(joiner, cfg); };
  spec.connect = connect_two<node_t, K, V, V2>(s.node(), other.node());
  return stream<K, R>(&g, g.add(std::move(spec)));
}

}  // namespace detail

template <class K, class V>
template <class V2, class J, store_spec S, class KS, class VS, class V2S>
stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2&>>> stream<K, V>::join(
    const stream<K, V2>& other, J joiner, join_windows w, S store, join_serdes<KS, VS, V2S>) const {
  return detail::stream_stream_join<join_mode::inner, KS, VS, V2S>(*this, other, std::move(joiner), w,
                                                                   std::move(store), "join");
}

template <class K, class V>
template <class V2, class J, store_spec S, class KS, class VS, class V2S>
stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2*>>> stream<K, V>::left_join(
    const stream<K, V2>& other, J joiner, join_windows w, S store, join_serdes<KS, VS, V2S>) const {
  return detail::stream_stream_join<join_mode::left, KS, VS, V2S>(*this, other, std::move(joiner), w,
                                                                  std::move(store), "left_join");
}

template <class K, class V>
template <class V2, class J, store_spec S, class KS, class VS, class V2S>
stream<K, std::decay_t<std::invoke_result_t<J&, const V*, const V2*>>> stream<K, V>::outer_join(
    const stream<K, V2>& other, J joiner, join_windows w, S store, join_serdes<KS, VS, V2S>) const {
  return detail::stream_stream_join<join_mode::outer, KS, VS, V2S>(*this, other, std::move(joiner), w,
                                                                   std::move(store), "outer_join");
}

}  // namespace fjord::streams
