// fjord-streams: table–table joins (table::join / left_join / outer_join).
//
// One node with two inputs, one per side's change stream. A change on either side looks
// the key up in the other side's store (both tables are materialised, and a side's store
// is written before its change arrives here), computes the new result —
//   inner: joiner(l, r) while both sides have the key;
//   left:  joiner(l, r-or-nullptr) while the left side has it;
//   outer: joiner(l-or-nullptr, r-or-nullptr) while either side has it —
// and materialises it in the result store: put, or remove when there is no result (a
// deletion on one side deletes the inner result, re-joins with nullptr for left/outer).
// It forwards change{new result, previous result from the store}; nothing is forwarded
// when both are absent. The result record carries the updating record's timestamp (no
// per-key timestamps are stored, so Kafka's max(left ts, right ts) is not available).
//
// Invariant: the node lists both input stores and the result store, so both tables and the
// result live in one sub-topology (co-partitioned inputs).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fjord/streams/dsl/join_common.hpp"
#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

template <join_mode M, class K, class V1, class V2, class KS, class VS1, class VS2, class R, class RS, class J>
class table_table_join_node final : public node_base, public output<K, change<R>> {
  using self = table_table_join_node;

 public:
  struct stores {
    std::string left, right, result;
  };
  table_table_join_node(J joiner, stores names) : joiner_(std::move(joiner)), names_(std::move(names)) {}

  void init(task_context& ctx) override {
    left_.emplace(ctx.state().template kv<K, V1, KS, VS1>(names_.left));
    right_.emplace(ctx.state().template kv<K, V2, KS, VS2>(names_.right));
    result_.emplace(ctx.state().template kv<K, R, KS, RS>(names_.result));
  }

  input<K, change<V1>>& left_port() { return left_port_; }
  input<K, change<V2>>& right_port() { return right_port_; }

  void on_left(record<K, change<V1>>&& r) {
    const std::optional<V2> other = right_->get(r.key);
    update(std::move(r), opt_ptr(r.value.new_value), opt_ptr(other));
  }
  void on_right(record<K, change<V2>>&& r) {
    const std::optional<V1> other = left_->get(r.key);
    update(std::move(r), opt_ptr(other), opt_ptr(r.value.new_value));
  }

 private:
  template <class T>
  static const T* opt_ptr(const std::optional<T>& o) {
    return o ? &*o : nullptr;
  }

  // `r` is only read for its key, timestamp and headers; l / r_value may point into it.
  template <class Change>
  void update(record<K, Change>&& r, const V1* l, const V2* rv) {
    std::optional<R> now;
    if (join_has_result<M>(l != nullptr, rv != nullptr)) now.emplace(call_joiner<M, R>(joiner_, l, rv));
    std::optional<R> before = result_->get(r.key);
    if (!now && !before) return;
    if (now) {
      result_->put(r.key, *now);
    } else {
      result_->remove(r.key);
    }
    this->forward(record<K, change<R>>{std::move(r.key), change<R>{std::move(now), std::move(before)}, r.timestamp,
                                       std::move(r.headers)});
  }

  J joiner_;
  stores names_;
  std::optional<kv_store<K, V1, KS, VS1>> left_;
  std::optional<kv_store<K, V2, KS, VS2>> right_;
  std::optional<kv_store<K, R, KS, RS>> result_;
  join_port<self, K, change<V1>, true> left_port_{*this};
  join_port<self, K, change<V2>, false> right_port_{*this};
};

namespace detail {

template <join_mode M, class K, class V1, class KS, class VS1, class V2, class VS2, class J, class RS, store_spec S>
table<K, joiner_result_t<M, J, V1, V2>, KS, RS> table_table_join(const table<K, V1, KS, VS1>& l,
                                                                 const table<K, V2, KS, VS2>& r, J joiner, S store,
                                                                 const char* op) {
  using R = joiner_result_t<M, J, V1, V2>;
  static_assert(!std::is_void_v<R>, "table-table join: the joiner must return the joined value");
  static_assert(serde_for<RS, R>,
                "table-table join: no serde for the result type; pass serdes<KeySerde, ResultSerde>{}");
  if (&l.topology_graph() != &r.topology_graph()) {
    throw streams_error(std::string(op) + ": the tables belong to different topologies");
  }
  l.changes().require_partitioned_by_key(op);
  r.changes().require_partitioned_by_key(op);
  l.require_key_value_store(op);
  r.require_key_value_store(op);
  graph& g = l.topology_graph();
  g.add_store(make_store_def(store, store_kind::key_value));
  using node_t = table_table_join_node<M, K, V1, V2, KS, VS1, VS2, R, RS, J>;
  node_spec spec;
  spec.name = std::string(op) + "(" + l.store_name() + ", " + r.store_name() + ")";
  spec.parents = {l.node(), r.node()};
  spec.stores = {l.store_name(), r.store_name(), store.name};
  spec.create = [joiner, names = typename node_t::stores{l.store_name(), r.store_name(), store.name}](task_context&) {
    return std::make_unique<node_t>(joiner, names);
  };
  spec.connect = connect_two<node_t, K, change<V1>, change<V2>>(l.node(), r.node());
  return table<K, R, KS, RS>(&g, g.add(std::move(spec)), store.name);
}

}  // namespace detail

template <class K, class V, class KS, class VS>
template <class V2, class VS2, class J, store_spec S, class RS>
table<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2&>>, KS, RS> table<K, V, KS, VS>::join(
    const table<K, V2, KS, VS2>& other, J joiner, S store, serdes<KS, RS>) const {
  return detail::table_table_join<join_mode::inner, K, V, KS, VS, V2, VS2, J, RS>(*this, other, std::move(joiner),
                                                                                  std::move(store), "join");
}

template <class K, class V, class KS, class VS>
template <class V2, class VS2, class J, store_spec S, class RS>
table<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2*>>, KS, RS> table<K, V, KS, VS>::left_join(
    const table<K, V2, KS, VS2>& other, J joiner, S store, serdes<KS, RS>) const {
  return detail::table_table_join<join_mode::left, K, V, KS, VS, V2, VS2, J, RS>(*this, other, std::move(joiner),
                                                                                 std::move(store), "left_join");
}

template <class K, class V, class KS, class VS>
template <class V2, class VS2, class J, store_spec S, class RS>
table<K, std::decay_t<std::invoke_result_t<J&, const V*, const V2*>>, KS, RS> table<K, V, KS, VS>::outer_join(
    const table<K, V2, KS, VS2>& other, J joiner, S store, serdes<KS, RS>) const {
  return detail::table_table_join<join_mode::outer, K, V, KS, VS, V2, VS2, J, RS>(*this, other, std::move(joiner),
                                                                                  std::move(store), "outer_join");
}

}  // namespace fjord::streams
