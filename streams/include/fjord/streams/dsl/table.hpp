// fjord-streams: table<K, V, KS, VS>, the changelog view of a keyed state.
//
// A table is a handle to a node that forwards record<K, change<V>> — the new and the old
// value of a key whenever it changes (new_value nullopt: the key was deleted) — and to
// the key-value store that materialises it (`store_name()`), which joins look up.
// Tables come from topology::table(topic, store) (a null value in the topic deletes the
// key: a tombstone), stream::to_table(store), aggregations (dsl/grouped_stream.hpp) and
// table–table joins (dsl/join.hpp).
#pragma once

#include <optional>
#include <string>

#include "fjord/streams/dsl/stream.hpp"

namespace fjord::streams {

template <class V>
struct change {
  std::optional<V> new_value;
  std::optional<V> old_value;
  friend bool operator==(const change&, const change&) = default;
};

template <class K, class V, class KS, class VS>
class table {
 public:
  using key_type = K;
  using value_type = V;
  using key_serde = KS;
  using value_serde = VS;

  table(graph* g, int node, std::string store) : g_(g), node_(node), store_(std::move(store)) {}

  graph& topology_graph() const { return *g_; }
  int node() const { return node_; }
  const std::string& store_name() const { return store_; }
  // Throws streams_error unless the table is materialised in a key-value store (joins
  // look keys up; a windowed or session table's store is keyed by window too).
  void require_key_value_store(std::string_view op) const {
    if (g_->store(store_).kind == store_kind::key_value) return;
    throw streams_error(std::string(op) + ": table '" + store_ +
                        "' is a windowed aggregation; join its to_stream() (re-keyed) instead");
  }

  // The changes as a stream (record<K, change<V>>), for operators built on tables.
  stream<K, change<V>> changes() const { return stream<K, change<V>>(g_, node_); }

  // Every update as a record; deletions are left out.
  stream<K, V> to_stream() const {
    return changes().template then<K, V>("to_stream", false, [](record<K, change<V>>&& r, output<K, V>& out) {
      if (r.value.new_value) {
        out.forward(record<K, V>{std::move(r.key), std::move(*r.value.new_value), r.timestamp, std::move(r.headers)});
      }
    });
  }
  // Every update and deletion (std::nullopt); written to a topic of V, deletions become
  // tombstones.
  stream<K, std::optional<V>> to_changelog_stream() const {
    return changes().template then<K, std::optional<V>>(
        "to_changelog_stream", false, [](record<K, change<V>>&& r, output<K, std::optional<V>>& out) {
          out.forward(record<K, std::optional<V>>{std::move(r.key), std::move(r.value.new_value), r.timestamp,
                                                  std::move(r.headers)});
        });
  }

  // ---- table–table joins (dsl/join.hpp); the result is materialised in `store` ------
  // joiner(const V&, const V2&) while both sides have the key.
  template <class V2, class VS2, class J, store_spec S,
            class RS = default_serde_t<std::decay_t<std::invoke_result_t<J&, const V&, const V2&>>>>
  table<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2&>>, KS, RS> join(
      const table<K, V2, KS, VS2>& other, J joiner, S store, serdes<KS, RS> = {}) const;
  // joiner(const V&, const V2*) while this side has the key.
  template <class V2, class VS2, class J, store_spec S,
            class RS = default_serde_t<std::decay_t<std::invoke_result_t<J&, const V&, const V2*>>>>
  table<K, std::decay_t<std::invoke_result_t<J&, const V&, const V2*>>, KS, RS> left_join(
      const table<K, V2, KS, VS2>& other, J joiner, S store, serdes<KS, RS> = {}) const;
  // joiner(const V*, const V2*) while either side has the key.
  template <class V2, class VS2, class J, store_spec S,
            class RS = default_serde_t<std::decay_t<std::invoke_result_t<J&, const V*, const V2*>>>>
  table<K, std::decay_t<std::invoke_result_t<J&, const V*, const V2*>>, KS, RS> outer_join(
      const table<K, V2, KS, VS2>& other, J joiner, S store, serdes<KS, RS> = {}) const;

 private:
  graph* g_;
  int node_;
  std::string store_;
};

}  // namespace fjord::streams
