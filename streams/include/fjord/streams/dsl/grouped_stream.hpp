// fjord-streams: grouped_stream<K, V, KS, VS>, a stream grouped by its key, and its
// aggregations (count, reduce, aggregate) and windowing (windowed_by).
//
// Obtained from stream::group_by_key(serdes) (defined here; it refuses to build after a
// key-changing operator, see stream::require_partitioned_by_key) or stream::group_by.
// KS/VS are the serdes of the grouped records (stores, late-record topics).
//
// Unwindowed aggregations materialise the aggregate per key in a key-value store named by
// the store spec (changelog `<application.id>-<store>-changelog`) and return a table that
// forwards change{new, old} for every update (old nullopt for a key's first record), with
// the input record's timestamp and headers. All three share one node
// (kv_aggregate_node) parameterised by the aggregator (window/aggregators.hpp).
//
// windowed_by takes a finished window spec (window/windows.hpp); a spec without a grace
// period (tumbling{..}, hopping{..}, sliding{..}, session{..}) is rejected at compile time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "fjord/streams/dsl/serdes_for.hpp"
#include "fjord/streams/dsl/stream.hpp"
#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/state/store_spec.hpp"
#include "fjord/streams/window/aggregators.hpp"
#include "fjord/streams/window/windowed_stream.hpp"
#include "fjord/streams/window/windows.hpp"

namespace fjord::streams {

// The node behind unwindowed count/reduce/aggregate: one kv-store read and write per record.
template <class K, class V, class KS, class RS, class A>
class kv_aggregate_node final : public transform_node<K, V, K, change<typename A::result_type>> {
 public:
  using R = typename A::result_type;
  kv_aggregate_node(std::string store, A agg) : store_name_(std::move(store)), agg_(std::move(agg)) {}

  void init(task_context& ctx) override { store_.emplace(ctx.state().template kv<K, R, KS, RS>(store_name_)); }

  void process(record<K, V>&& r) override {
    std::optional<R> old = store_->get(r.key);
    R value = agg_.add(r.key, std::as_const(r.value), std::optional<R>(old));
    store_->put(r.key, value);
    this->forward(record<K, change<R>>{std::move(r.key), change<R>{std::move(value), std::move(old)}, r.timestamp,
                                       std::move(r.headers)});
  }

 private:
  std::string store_name_;
  A agg_;
  std::optional<kv_store<K, R, KS, RS>> store_;
};

template <class K, class V, class KS, class VS>
class grouped_stream {
 public:
  grouped_stream(graph* g, int node) : g_(g), node_(node) {}

  graph& topology_graph() const { return *g_; }
  int node() const { return node_; }

  // The number of records per key.
  template <store_spec S>
  table<K, std::int64_t, KS, be_i64> count(S store) const {
    return build<be_i64>("count", store, count_aggregator{});
  }

  // f(V agg, const V& v) -> V or f(const K&, V agg, const V& v) -> V; the first value of a
  // key is its initial aggregate.
  template <class F, store_spec S>
  table<K, V, KS, VS> reduce(F f, S store) const {
    static_assert(std::is_invocable_r_v<V, F&, V&&, const V&> || std::is_invocable_r_v<V, F&, const K&, V&&, const V&>,
                  "reduce: the reducer must take (V agg, const V& v) or (const K&, V agg, const V& v) and return V");
    return build<VS>("reduce", store, reduce_aggregator<V, F>{std::move(f)});
  }

  // init() -> R once per key, then adder(const K&, const V&, R agg) -> R per record.
  template <class I, class F, store_spec S, class R = detail::init_result_t<I>, class RS = default_serde_t<R>>
  table<K, R, KS, RS> aggregate(I init, F adder, S store, serdes<KS, RS> = {}) const {
    static_assert(std::is_invocable_v<I&>, "aggregate: the initializer must take no arguments and return the initial aggregate");
    static_assert(std::is_invocable_r_v<R, F&, const K&, const V&, R&&>,
                  "aggregate: the adder must take (const K&, const V&, R agg) and return R");
    return build<RS>("aggregate", store, aggregate_aggregator<R, I, F>{std::move(init), std::move(adder)});
  }

  // ---- windows ---------------------------------------------------------------------
  time_windowed_stream<K, V, KS, VS> windowed_by(time_windows w) const { return {g_, node_, w}; }
  sliding_windowed_stream<K, V, KS, VS> windowed_by(sliding_windows w) const { return {g_, node_, w}; }
  session_windowed_stream<K, V, KS, VS> windowed_by(session_windows w) const { return {g_, node_, w}; }
  template <graceless_window W>
  void windowed_by(W) const = delete;  // windows need a grace period: call .grace(d) or .no_grace()

 private:
  template <class RS, store_spec S, class A>
  table<K, typename A::result_type, KS, RS> build(const char* op, const S& store, A agg) const {
    using R = typename A::result_type;
    static_assert(serde_for<RS, R>, "aggregation: the result serde does not fit the result type");
    g_->add_store(make_store_def(store, store_kind::key_value));
    node_spec spec;
    spec.name = std::string(op) + "(" + store.name + ")";
    spec.parents = {node_};
    spec.stores = {store.name};
    spec.create = [name = store.name, agg = std::move(agg)](task_context&) {
      return std::make_unique<kv_aggregate_node<K, V, KS, RS, A>>(name, agg);
    };
    spec.connect = connect_to<K, V>(node_);
    return table<K, R, KS, RS>(g_, g_->add(std::move(spec)), store.name);
  }

  graph* g_;
  int node_;
};

template <class K, class V>
template <class KS, class VS>
grouped_stream<K, V, KS, VS> stream<K, V>::group_by_key(serdes<KS, VS>) const {
  static_assert(serde_for<KS, K>, "group_by_key: KS is not a serde for the key type");
  static_assert(serde_for<VS, V>, "group_by_key: VS is not a serde for the value type");
  require_partitioned_by_key("group_by_key");
  return grouped_stream<K, V, KS, VS>(g_, node_);
}

}  // namespace fjord::streams
