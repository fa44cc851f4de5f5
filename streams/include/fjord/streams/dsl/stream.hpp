// fjord-streams: stream<K, V>, the record stream of the DSL.
//
// A stream is a cheap handle (graph pointer + node id) to one operator's output inside a
// topology; every operator appends a node and returns a new handle. Handles must not
// outlive their topology. Stateless operators are defined here; grouping and windowed
// aggregation in dsl/grouped_stream.hpp and window/, tables and joins in dsl/table.hpp and
// dsl/join.hpp.
//
// Keys and partitioning: map, flat_map, select_key-free transformations and process() may
// change keys, after which records are no longer partitioned by key. Operators that need
// co-partitioned records (group_by_key, joins, to_table) then refuse to build, naming the
// operator, until the stream passes through a named repartition topic (rekey/repartition):
// no topic is ever created behind the user's back (anchors pain point 5).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "fjord/streams/dsl/callable.hpp"
#include "fjord/streams/dsl/serdes_for.hpp"
#include "fjord/streams/dsl/sink_node.hpp"
#include "fjord/streams/dsl/source_node.hpp"
#include "fjord/streams/dsl/stateless_nodes.hpp"
#include "fjord/streams/dsl/topic.hpp"
#include "fjord/streams/processor/graph.hpp"
#include "fjord/streams/processor/processor.hpp"
#include "fjord/streams/window/join_windows.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS>
class grouped_stream;  // dsl/grouped_stream.hpp
template <class K, class V, class KS, class VS>
class table;  // dsl/table.hpp

// The name (and optionally the partition count) of a repartition topic:
// `<application.id>-<name>-repartition`. Partitions default to the largest partition
// count among the upstream sub-topology's source topics.
struct named {
  std::string name;
  std::optional<std::int32_t> partitions{};
};

// Serdes of both sides of a stream-stream join, when the defaults do not fit.
template <class KS, class VS, class V2S>
struct join_serdes {};

// Wires `self`'s input<K, V> to the output<K, V> of node `parent`.
template <class K, class V>
auto connect_to(int parent) {
  return [parent](node_base& self, const std::vector<node_base*>& nodes) {
    auto* out = dynamic_cast<output<K, V>*>(nodes.at(static_cast<std::size_t>(parent)));
    auto* in = dynamic_cast<input<K, V>*>(&self);
    if (out == nullptr || in == nullptr) throw streams_error("topology wiring: port types differ");
    out->add_child(in);
  };
}

template <class K, class V>
class stream {
 public:
  using key_type = K;
  using value_type = V;

  stream(graph* g, int node) : g_(g), node_(node) {}

  graph& topology_graph() const { return *g_; }
  int node() const { return node_; }
  // True when an upstream operator may have changed keys since the last repartition.
  bool key_changed() const { return g_->node(node_).key_changed; }

  // ---- stateless -----------------------------------------------------------------
  template <class P>
  stream filter(P pred) const {
    static_assert(kv_predicate<P, K, V>, "filter: the predicate must take (const V&) or (const K&, const V&) and return bool");
    return then<K, V>("filter", false, [pred](record<K, V>&& r, output<K, V>& out) mutable {
      if (call_kv(pred, r.key, std::as_const(r.value))) out.forward(std::move(r));
    });
  }
  template <class P>
  stream filter_not(P pred) const {
    static_assert(kv_predicate<P, K, V>, "filter_not: the predicate must take (const V&) or (const K&, const V&) and return bool");
    return then<K, V>("filter_not", false, [pred](record<K, V>&& r, output<K, V>& out) mutable {
      if (!call_kv(pred, r.key, std::as_const(r.value))) out.forward(std::move(r));
    });
  }

  // f(const K&, V) -> std::pair<K2, V2>. Keys may change: repartition before grouping.
  template <class F>
  auto map(F f) const {
    static_assert(std::is_invocable_v<F&, const K&, V&&>, "map: the function must take (const K&, V)");
    using P = std::invoke_result_t<F&, const K&, V&&>;
    static_assert(is_pair<P>::value, "map: the function must return std::pair<NewKey, NewValue>");
    using K2 = typename P::first_type;
    using V2 = typename P::second_type;
    return then<K2, V2>("map", true, [f](record<K, V>&& r, output<K2, V2>& out) mutable {
      auto [k, v] = f(r.key, std::move(r.value));
      out.forward(record<K2, V2>{std::move(k), std::move(v), r.timestamp, std::move(r.headers)});
    });
  }

  // f(V) or f(const K&, V) -> V2. Keys are unchanged.
  template <class F>
  auto map_values(F f) const {
    static_assert(kv_invocable<F, K, V&&>, "map_values: the function must take (V) or (const K&, V)");
    using V2 = std::decay_t<kv_result_t<F, K, V&&>>;
    return then<K, V2>("map_values", false, [f](record<K, V>&& r, output<K, V2>& out) mutable {
      V2 v = call_kv(f, r.key, std::move(r.value));
      out.forward(record<K, V2>{std::move(r.key), std::move(v), r.timestamp, std::move(r.headers)});
    });
  }

  // f(const K&, V) -> a range of std::pair<K2, V2>. Keys may change.
  template <class F>
  auto flat_map(F f) const {
    static_assert(std::is_invocable_v<F&, const K&, V&&>, "flat_map: the function must take (const K&, V)");
    using R = std::invoke_result_t<F&, const K&, V&&>;
    static_assert(std::ranges::range<R>, "flat_map: the function must return a range of std::pair<K2, V2>");
    using P = std::ranges::range_value_t<R>;
    static_assert(is_pair<P>::value, "flat_map: the range's elements must be std::pair<K2, V2>");
    using K2 = typename P::first_type;
    using V2 = typename P::second_type;
    return then<K2, V2>("flat_map", true, [f](record<K, V>&& r, output<K2, V2>& out) mutable {
      for (auto&& [k, v] : f(r.key, std::move(r.value))) {
        out.forward(record<K2, V2>{std::move(k), std::move(v), r.timestamp, r.headers});
      }
    });
  }

  // f(V) or f(const K&, V) -> a range of V2. Keys are unchanged.
  template <class F>
  auto flat_map_values(F f) const {
    static_assert(kv_invocable<F, K, V&&>, "flat_map_values: the function must take (V) or (const K&, V)");
    using R = std::decay_t<kv_result_t<F, K, V&&>>;
    static_assert(std::ranges::range<R>, "flat_map_values: the function must return a range");
    using V2 = std::ranges::range_value_t<R>;
    return then<K, V2>("flat_map_values", false, [f](record<K, V>&& r, output<K, V2>& out) mutable {
      for (auto&& v : call_kv(f, r.key, std::move(r.value))) {
        out.forward(record<K, V2>{r.key, std::move(v), r.timestamp, r.headers});
      }
    });
  }

  // f(const K&, const V&) or f(const V&), for side effects; records pass unchanged.
  template <class F>
  stream peek(F f) const {
    static_assert(kv_invocable<F, K, const V&>, "peek: the function must take (const V&) or (const K&, const V&)");
    return then<K, V>("peek", false, [f](record<K, V>&& r, output<K, V>& out) mutable {
      call_kv(f, r.key, std::as_const(r.value));
      out.forward(std::move(r));
    });
  }

  // Each record goes to the first branch whose predicate holds; the last element of the
  // result takes the records no predicate accepted.
  template <class... P>
  std::array<stream, sizeof...(P) + 1> branch(P... preds) const {
    static_assert(sizeof...(P) > 0, "branch: give at least one predicate");
    static_assert((kv_predicate<P, K, V> && ...), "branch: every predicate must take (const V&) or (const K&, const V&) and return bool");
    node_spec spec;
    spec.name = "branch";
    spec.parents = {node_};
    spec.key_changed = key_changed();
    spec.create = [preds = std::make_tuple(preds...)](task_context&) {
      return std::make_unique<branch_node<K, V, P...>>(preds);
    };
    spec.connect = connect_to<K, V>(node_);
    const int b = g_->add(std::move(spec));
    std::array<stream, sizeof...(P) + 1> out{make_branch_outputs(b, std::make_index_sequence<sizeof...(P) + 1>{})};
    return out;
  }

  // Records of both streams, interleaved as they arrive.
  stream merge(const stream& other) const {
    if (other.g_ != g_) throw streams_error("merge: the streams belong to different topologies");
    node_spec spec;
    spec.name = "merge";
    spec.parents = {node_, other.node_};
    spec.key_changed = key_changed() || other.key_changed();
    spec.create = [](task_context&) { return std::make_unique<identity_node<K, V>>(); };
    spec.connect = [a = node_, b = other.node_](node_base& self, const std::vector<node_base*>& nodes) {
      connect_to<K, V>(a)(self, nodes);
      connect_to<K, V>(b)(self, nodes);
    };
    return stream(g_, g_->add(std::move(spec)));
  }

  // Writes every record to `t`. A stream of std::optional<V> may write to a topic of V
  // (nullopt = a tombstone).
  template <class TK, class TV, class KS, class VS>
  void to(const topic<TK, TV, KS, VS>& t) const {
    static_assert(std::is_same_v<TK, K>, "to: the topic's key type differs from the stream's key type");
    static_assert(std::is_same_v<TV, V> || std::is_same_v<std::optional<TV>, V>,
                  "to: the topic's value type differs from the stream's value type");
    add_sink<KS, VS>(t.name, "to(" + t.name + ")");
  }

  // ---- repartitioning (the only places a topic hop happens) ------------------------
  // New key f(const K&, const V&) -> K2, through `<application.id>-<n.name>-repartition`.
  template <class F, class K2 = std::decay_t<std::invoke_result_t<F&, const K&, const V&>>,
            class KS = default_serde_t<K2>, class VS = default_serde_t<V>>
  stream<K2, V> rekey(F f, named n, serdes<KS, VS> = {}) const {
    static_assert(std::is_invocable_v<F&, const K&, const V&>, "rekey: the key function must take (const K&, const V&)");
    auto keyed = then<K2, V>("rekey", true, [f](record<K, V>&& r, output<K2, V>& out) mutable {
      K2 k = f(std::as_const(r.key), std::as_const(r.value));
      out.forward(record<K2, V>{std::move(k), std::move(r.value), r.timestamp, std::move(r.headers)});
    });
    return keyed.template through_topic<KS, VS>(n);
  }
  // Kafka Streams' name for rekey.
  template <class F, class K2 = std::decay_t<std::invoke_result_t<F&, const K&, const V&>>,
            class KS = default_serde_t<K2>, class VS = default_serde_t<V>>
  stream<K2, V> select_key(F f, named n, serdes<KS, VS> s = {}) const {
    return rekey<F, K2, KS, VS>(std::move(f), std::move(n), s);
  }
  // Same keys, through a named repartition topic (after map/flat_map/process).
  template <class KS = default_serde_t<K>, class VS = default_serde_t<V>>
  stream repartition(named n, serdes<KS, VS> = {}) const {
    return through_topic<KS, VS>(n);
  }

  // ---- the Processor API -----------------------------------------------------------
  // One processor per task from `factory`; `stores` are created for it and reachable
  // through its processor_context. Keys may change afterwards.
  template <class KOut, class VOut>
  stream<KOut, VOut> process(processor_factory<K, V, KOut, VOut> factory,
                             std::vector<store_def> stores = {}) const {
    node_spec spec;
    spec.name = "process";
    spec.parents = {node_};
    spec.key_changed = true;
    for (auto& s : stores) {
      spec.stores.push_back(s.name);
      g_->add_store(std::move(s));
    }
    spec.create = [factory](task_context&) {
      return std::make_unique<processor_node<K, V, KOut, VOut>>(factory());
    };
    spec.connect = connect_to<K, V>(node_);
    return stream<KOut, VOut>(g_, g_->add(std::move(spec)));
  }

  // ---- grouping (dsl/grouped_stream.hpp) -------------------------------------------
  template <class KS = default_serde_t<K>, class VS = default_serde_t<V>>
  grouped_stream<K, V, KS, VS> group_by_key(serdes<KS, VS> = {}) const;

  // = rekey(f, n).group_by_key()
  template <class F, class K2 = std::decay_t<std::invoke_result_t<F&, const K&, const V&>>,
            class KS = default_serde_t<K2>, class VS = default_serde_t<V>>
  grouped_stream<K2, V, KS, VS> group_by(F f, named n, serdes<KS, VS> s = {}) const {
    return rekey<F, K2, KS, VS>(std::move(f), std::move(n), s).group_by_key(s);
  }

  // ---- tables and joins (dsl/table.hpp, dsl/join.hpp) ------------------------------
  // The latest value per key, materialised in `store`.
  template <store_spec S, class KS = default_serde_t<K>, class VS = default_serde_t<V>>
  table<K, V, KS, VS> to_table(S store, serdes<KS, VS> = {}) const;

  // stream–table: joiner(const V&, const VT&) for each record whose key is in the table.
  template <class VT, class KS, class VTS, class J>
  stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const VT&>>> join(const table<K, VT, KS, VTS>& t,
                                                                            J joiner) const;
  // stream–table: joiner(const V&, const VT*) for every record (nullptr: no match).
  template <class VT, class KS, class VTS, class J>
  stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const VT*>>> left_join(const table<K, VT, KS, VTS>& t,
                                                                                 J joiner) const;

  // stream–stream within a join window: joiner(const V&, const V2&) for each pair whose
  // timestamps are within `w`. Both sides are buffered in window stores named
  // `<store.name>-this` and `<store.name>-other`.
  template <class V2, class J, store_spec S, class KS = default_serde_t<K>, class VS = default_serde_t<V>,
            class V2S = default_serde_t<V2>>
  stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2&>>> join(
      const stream<K, V2>& other, J joiner, join_windows w, S store, join_serdes<KS, VS, V2S> = {}) const;
  // Left: also joiner(v, nullptr) for a left record that found no partner by the time its
  // window closed (stream time >= its timestamp + after + grace).
  template <class V2, class J, store_spec S, class KS = default_serde_t<K>, class VS = default_serde_t<V>,
            class V2S = default_serde_t<V2>>
  stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2*>>> left_join(
      const stream<K, V2>& other, J joiner, join_windows w, S store, join_serdes<KS, VS, V2S> = {}) const;
  // Outer: joiner(const V*, const V2*), unmatched records of either side at window close.
  template <class V2, class J, store_spec S, class KS = default_serde_t<K>, class VS = default_serde_t<V>,
            class V2S = default_serde_t<V2>>
  stream<K, std::decay_t<std::invoke_result_t<J&, const V*, const V2*>>> outer_join(
      const stream<K, V2>& other, J joiner, join_windows w, S store, join_serdes<KS, VS, V2S> = {}) const;

  // ---- building blocks for operator implementations ---------------------------------
  // Appends a step_node running `step(record&&, output<K2, V2>&)`.
  template <class K2, class V2, class Step>
  stream<K2, V2> then(std::string name, bool changes_key, Step step) const {
    node_spec spec;
    spec.name = std::move(name);
    spec.parents = {node_};
    spec.key_changed = key_changed() || changes_key;
    spec.create = [step](task_context&) { return std::make_unique<step_node<K, V, K2, V2, Step>>(step); };
    spec.connect = connect_to<K, V>(node_);
    return stream<K2, V2>(g_, g_->add(std::move(spec)));
  }

  // Appends a sink to `topic_name`.
  template <class KS, class VS>
  void add_sink(const std::string& topic_name, std::string name) const {
    node_spec spec;
    spec.name = std::move(name);
    spec.parents = {node_};
    spec.sink_topic = topic_name;
    spec.create = [topic_name](task_context&) { return std::make_unique<sink_node<K, V, KS, VS>>(topic_name); };
    spec.connect = connect_to<K, V>(node_);
    g_->add(std::move(spec));
  }

  // Throws streams_error when keys may have changed since the last repartition.
  void require_partitioned_by_key(std::string_view op) const {
    if (!key_changed()) return;
    throw streams_error(std::string(op) +
                        " after an operator that may change keys (map, flat_map, process): call "
                        "rekey(...) or repartition(named{...}) first so records are partitioned by key");
  }

  // Sink to `<application.id>-<n.name>-repartition` and a new source reading it.
  template <class KS, class VS>
  stream through_topic(const named& n) const {
    if (n.name.empty()) throw streams_error("a repartition topic needs a name");
    if (n.partitions && *n.partitions <= 0) throw streams_error("repartition " + n.name + ": partitions must be positive");
    const std::string topic_name = g_->application_id() + "-" + n.name + "-repartition";
    g_->add_internal_topic({topic_name, internal_topic::kind::repartition, n.partitions, -1, {}});
    add_sink<KS, VS>(topic_name, "repartition(" + n.name + ")");
    return from_topic<KS, VS>(g_, topic_name, {});
  }

  // A source node reading `topic_name`.
  template <class KS, class VS>
  static stream from_topic(graph* g, const std::string& topic_name, timestamp_extractor<K, V> extract) {
    node_spec spec;
    spec.name = "source(" + topic_name + ")";
    spec.source_topic = topic_name;
    spec.create = [extract](task_context&) { return std::make_unique<source_node<K, V, KS, VS>>(extract); };
    return stream(g, g->add(std::move(spec)));
  }

 private:
  template <std::size_t... I>
  std::array<stream, sizeof...(I)> make_branch_outputs(int b, std::index_sequence<I...>) const {
    return {branch_output(b, I)...};
  }
  stream branch_output(int b, std::size_t i) const {
    node_spec spec;
    spec.name = "branch-" + std::to_string(i);
    spec.parents = {b};
    spec.key_changed = key_changed();
    spec.create = [](task_context&) { return std::make_unique<identity_node<K, V>>(); };
    spec.connect = [b, i](node_base& self, const std::vector<node_base*>& nodes) {
      auto* br = nodes.at(static_cast<std::size_t>(b));
      // The branch node's concrete type depends on the predicates; reach its outputs
      // through the branch_outputs interface.
      auto* outs = dynamic_cast<branch_outputs<K, V>*>(br);
      if (outs == nullptr) throw streams_error("topology wiring: branch node expected");
      outs->out(i).add_child(dynamic_cast<input<K, V>*>(&self));
    };
    return stream(g_, g_->add(std::move(spec)));
  }

  graph* g_;
  int node_;
};

}  // namespace fjord::streams
