// fjord-streams: stream–table joins (stream::join(table), stream::left_join(table)).
//
// Each stream record looks its key up in the table's store and, when the mode says so,
// forwards joiner(value, table value) — left: joiner(value, nullptr) on a miss — with the
// stream record's key, timestamp and headers. Table updates never produce output (Kafka
// Streams semantics). The lookup is of the table as of processing time: the latest value
// the task has applied, not a versioned "as of the record's timestamp" lookup, so the
// result depends on the order the task processes the two topics.
//
// Invariant: the join node lists the table's store in node_spec::stores, so it runs in the
// table's sub-topology (the stream's source topic and the table's are co-partitioned); the
// stream must be partitioned by key (checked at build: a join after map() without a
// repartition throws streams_error).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fjord/streams/dsl/join_common.hpp"
#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

template <join_mode M, class K, class V, class VT, class KS, class VTS, class J, class R>
class stream_table_join_node final : public transform_node<K, V, K, R> {
  static_assert(M != join_mode::outer, "stream-table joins are inner or left");

 public:
  stream_table_join_node(J joiner, std::string store) : joiner_(std::move(joiner)), store_name_(std::move(store)) {}

  void init(task_context& ctx) override { table_.emplace(ctx.state().template kv<K, VT, KS, VTS>(store_name_)); }

  void process(record<K, V>&& r) override {
    const std::optional<VT> found = table_->get(r.key);
    if (!join_has_result<M>(true, found.has_value())) return;
    R joined = call_joiner<M, R>(joiner_, &r.value, found ? &*found : nullptr);
    this->forward(record<K, R>{std::move(r.key), std::move(joined), r.timestamp, std::move(r.headers)});
  }

 private:
  J joiner_;
  std::string store_name_;
  std::optional<kv_store<K, VT, KS, VTS>> table_;
};

namespace detail {

template <join_mode M, class K, class V, class VT, class KS, class VTS, class J>
stream<K, joiner_result_t<M, J, V, VT>> stream_table_join(const stream<K, V>& s, const table<K, VT, KS, VTS>& t,
                                                          J joiner, const char* op) {
  using R = joiner_result_t<M, J, V, VT>;
  static_assert(!std::is_void_v<R>, "stream-table join: the joiner must return the joined value");
  static_assert(serde_for<KS, K>, "stream-table join: the table's key serde does not fit the stream's key type");
  if (&s.topology_graph() != &t.topology_graph()) {
    throw streams_error(std::string(op) + ": the stream and the table belong to different topologies");
  }
  s.require_partitioned_by_key(op);
  t.changes().require_partitioned_by_key(op);
  t.require_key_value_store(op);
  node_spec spec;
  spec.name = std::string(op) + "(" + t.store_name() + ")";
  spec.parents = {s.node()};
  spec.stores = {t.store_name()};
  spec.create = [joiner, store = t.store_name()](task_context&) {
    return std::make_unique<stream_table_join_node<M, K, V, VT, KS, VTS, J, R>>(joiner, store);
  };
  spec.connect = connect_to<K, V>(s.node());
  return stream<K, R>(&s.topology_graph(), s.topology_graph().add(std::move(spec)));
}

}  // namespace detail

template <class K, class V>
template <class VT, class KS, class VTS, class J>
stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const VT&>>> stream<K, V>::join(
    const table<K, VT, KS, VTS>& t, J joiner) const {
  return detail::stream_table_join<join_mode::inner>(*this, t, std::move(joiner), "join");
}

template <class K, class V>
template <class VT, class KS, class VTS, class J>
stream<K, std::decay_t<std::invoke_result_t<J&, const V&, const VT*>>> stream<K, V>::left_join(
    const table<K, VT, KS, VTS>& t, J joiner) const {
  return detail::stream_table_join<join_mode::left>(*this, t, std::move(joiner), "left_join");
}

}  // namespace fjord::streams
