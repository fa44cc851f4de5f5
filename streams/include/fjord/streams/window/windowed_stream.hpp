// fjord-streams: the DSL handle of a grouped stream with windows, and its aggregations.
//
//   auto counts = s.group_by_key()
//                     .windowed_by(tumbling{1h}.grace(2min))
//                     .emit_final()                    // or emit_final(close_on::wall_clock(30s))
//                     .on_late([](const record<K, V>& r) { ... })
//                     .late_records_to("late-payments")
//                     .count(store::rocksdb{"tx-per-card-1h"});
//   counts.to_stream().to(topic<windowed<std::string>, std::int64_t, windowed_serde<utf8>, be_i64>{"out"});
//
// `windowed_stream<K, V, KS, VS, W>` with W = time_windows / sliding_windows /
// session_windows (aliases time_windowed_stream, sliding_windowed_stream,
// session_windowed_stream). Options return a modified copy; count/reduce/aggregate append
// one node and return table<windowed<K>, R, windowed_serde<KS>, RS>, materialised in a
// window store (time, sliding) or session store named by the store spec, whose changelog
// is `<application.id>-<store>-changelog`. Retention (see window_traits below) covers
// everything an on-time record can still touch; the segment interval is the state
// manager's default, max(retention / 2, 60 s) (Kafka's). Semantics per window kind are in
// time_window_node.hpp, sliding_window_node.hpp and session_window_node.hpp; emit modes
// and late records in emit.hpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "fjord/streams/dsl/serdes_for.hpp"
#include "fjord/streams/dsl/stream.hpp"
#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/serde/windowed.hpp"
#include "fjord/streams/state/store_spec.hpp"
#include "fjord/streams/window/aggregators.hpp"
#include "fjord/streams/window/emit.hpp"
#include "fjord/streams/window/session_window_node.hpp"
#include "fjord/streams/window/sliding_window_node.hpp"
#include "fjord/streams/window/time_window_node.hpp"
#include "fjord/streams/window/windows.hpp"

namespace fjord::streams {

namespace detail {
// The aggregate type of an initializer, or bad_initializer when it is not callable with
// no arguments (so the operator's static_assert, not a substitution failure, reports it).
struct bad_initializer {};
template <class I>
struct init_result {
  using type = bad_initializer;
};
template <class I>
  requires std::is_invocable_v<I&>
struct init_result<I> {
  using type = std::decay_t<std::invoke_result_t<I&>>;
};
template <class I>
using init_result_t = typename init_result<I>::type;
}  // namespace detail

template <>
struct default_serde<detail::bad_initializer> {
  using type = void;
};

// Per window kind: the node, the store kind and the store retention.
template <class W>
struct window_traits;
template <>
struct window_traits<time_windows> {
  template <class K, class V, class KS, class VS, class RS, class A>
  using node = time_window_node<K, V, KS, VS, RS, A>;
  static constexpr store_kind kind = store_kind::window;
  // A window's start is >= stream time - size - grace while it is open.
  static millis retention(const time_windows& w) { return w.size + w.grace; }
};
template <>
struct window_traits<sliding_windows> {
  template <class K, class V, class KS, class VS, class RS, class A>
  using node = sliding_window_node<K, V, KS, VS, RS, A>;
  static constexpr store_kind kind = store_kind::window;
  // An on-time record at t >= stream time - grace - diff reads windows from t - 2 * diff.
  static millis retention(const sliding_windows& w) { return 3 * w.time_difference + w.grace + millis{1}; }
};
template <>
struct window_traits<session_windows> {
  template <class K, class V, class KS, class VS, class RS, class A>
  using node = session_window_node<K, V, KS, VS, RS, A>;
  static constexpr store_kind kind = store_kind::session;
  // A session can be extended (and, in final mode, is kept) until end + 1 + gap + grace.
  static millis retention(const session_windows& w) { return w.gap + w.grace + millis{1}; }
};

template <class K, class V, class KS, class VS, class W>
class windowed_stream {
 public:
  windowed_stream(graph* g, int node, W windows) : g_(g), node_(node), windows_(windows) {}

  const W& windows() const { return windows_; }

  // ---- options -------------------------------------------------------------------
  // Emit each window's result once, when it closes (instead of every update).
  windowed_stream emit_final(close_on c = close_on::stream_time()) const {
    windowed_stream s = *this;
    s.emit_ = {emit_mode::final_result, c};
    return s;
  }
  // Called with each late (dropped) record.
  windowed_stream on_late(std::function<void(const record<K, V>&)> f) const {
    windowed_stream s = *this;
    s.late_.on_late = std::move(f);
    return s;
  }
  // Writes each late record to `topic` (key/value with KS/VS, header fjord.late.window-close).
  windowed_stream late_records_to(std::string topic) const {
    if (topic.empty()) throw streams_error("late_records_to: the topic needs a name");
    windowed_stream s = *this;
    s.late_.topic = std::move(topic);
    return s;
  }

  // ---- aggregations ----------------------------------------------------------------
  template <store_spec S>
  table<windowed<K>, std::int64_t, windowed_serde<KS>, be_i64> count(S store) const {
    return build<be_i64>("count", store, count_aggregator{});
  }

  // f(V agg, const V& v) -> V or f(const K&, V agg, const V& v) -> V; for sessions also
  // merges two sessions' aggregates.
  template <class F, store_spec S>
  table<windowed<K>, V, windowed_serde<KS>, VS> reduce(F f, S store) const {
    static_assert(std::is_invocable_r_v<V, F&, V&&, const V&> || std::is_invocable_r_v<V, F&, const K&, V&&, const V&>,
                  "reduce: the reducer must take (V agg, const V& v) or (const K&, V agg, const V& v) and return V");
    return build<VS>("reduce", store, reduce_aggregator<V, F>{std::move(f)});
  }

  // init() -> R, adder(const K&, const V&, R agg) -> R. Time and sliding windows. The
  // serdes may name the grouping's key serde KS or the result's windowed_serde<KS>.
  template <class I, class F, store_spec S, class R = detail::init_result_t<I>, class RS = default_serde_t<R>,
            class KS2 = KS>
  table<windowed<K>, R, windowed_serde<KS>, RS> aggregate(I init, F adder, S store, serdes<KS2, RS> = {}) const {
    static_assert(std::is_same_v<KS2, KS> || std::is_same_v<KS2, windowed_serde<KS>>,
                  "aggregate: the key serde must be the grouping's (KS) or windowed_serde<KS>");
    static_assert(!std::is_same_v<W, session_windows>,
                  "aggregate on session windows also needs a merger: aggregate(init, adder, merger, store)");
    static_assert(std::is_invocable_v<I&>, "aggregate: the initializer must take no arguments and return the initial aggregate");
    static_assert(std::is_invocable_r_v<R, F&, const K&, const V&, R&&>,
                  "aggregate: the adder must take (const K&, const V&, R agg) and return R");
    return build<RS>("aggregate", store, aggregate_aggregator<R, I, F>{std::move(init), std::move(adder)});
  }

  // Sessions: also merger(const K&, R a, R b) -> R, combining two merged sessions.
  template <class I, class F, class M, store_spec S, class R = detail::init_result_t<I>,
            class RS = default_serde_t<R>, class KS2 = KS>
  table<windowed<K>, R, windowed_serde<KS>, RS> aggregate(I init, F adder, M merger, S store,
                                                          serdes<KS2, RS> = {}) const {
    static_assert(std::is_same_v<KS2, KS> || std::is_same_v<KS2, windowed_serde<KS>>,
                  "aggregate: the key serde must be the grouping's (KS) or windowed_serde<KS>");
    static_assert(std::is_same_v<W, session_windows>, "aggregate: a merger is only for session windows");
    static_assert(std::is_invocable_v<I&>, "aggregate: the initializer must take no arguments and return the initial aggregate");
    static_assert(std::is_invocable_r_v<R, F&, const K&, const V&, R&&>,
                  "aggregate: the adder must take (const K&, const V&, R agg) and return R");
    static_assert(std::is_invocable_r_v<R, M&, const K&, R&&, R&&>,
                  "aggregate: the session merger must take (const K&, R a, R b) and return R");
    return build<RS>("aggregate", store,
                     aggregate_aggregator<R, I, F, M>{std::move(init), std::move(adder), std::move(merger)});
  }

 private:
  template <class RS, store_spec S, class A>
  table<windowed<K>, typename A::result_type, windowed_serde<KS>, RS> build(const char* op, const S& store,
                                                                          A agg) const {
    using R = typename A::result_type;
    static_assert(serde_for<RS, R>, "windowed aggregation: the result serde does not fit the result type");
    using traits = window_traits<W>;
    using node_t = typename traits::template node<K, V, KS, VS, RS, A>;
    store_def def = make_store_def(store, traits::kind);
    def.retention = traits::retention(windows_);
    g_->add_store(std::move(def));
    node_spec spec;
    spec.name = std::string(op) + "(" + store.name + ")";
    spec.parents = {node_};
    spec.stores = {store.name};
    typename node_t::config cfg{store.name, windows_, emit_, late_, std::move(agg)};
    spec.create = [cfg](task_context&) { return std::make_unique<node_t>(cfg); };
    spec.connect = connect_to<K, V>(node_);
    return table<windowed<K>, R, windowed_serde<KS>, RS>(g_, g_->add(std::move(spec)), store.name);
  }

  graph* g_;
  int node_;
  W windows_;
  emit_config emit_{};
  late_config<K, V> late_{};
};

template <class K, class V, class KS, class VS>
using time_windowed_stream = windowed_stream<K, V, KS, VS, time_windows>;
template <class K, class V, class KS, class VS>
using sliding_windowed_stream = windowed_stream<K, V, KS, VS, sliding_windows>;
template <class K, class V, class KS, class VS>
using session_windowed_stream = windowed_stream<K, V, KS, VS, session_windows>;

}  // namespace fjord::streams
