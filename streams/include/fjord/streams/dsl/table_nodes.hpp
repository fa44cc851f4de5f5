// fjord-streams: where tables come from — topology::table(topic, store) and
// stream::to_table(store).
//
// Owns `table_materializer` (applies one upsert or delete to a table's key-value store and
// forwards change{new, old}), the table source node (reads a topic keeping null values as
// tombstones) and the to_table node. Invariants: the store always holds the latest value
// per key; a change is forwarded only when the store changed (a tombstone for an absent
// key forwards nothing); old_value is the store's value before this record.
// Decode errors follow the task's decode-error policy exactly as dsl/source_node.hpp does
// (the same handle_decode_error / decode_field); negative timestamps are skipped and
// counted in invalid-timestamps-skipped; stream time advances before the store is written.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fjord/streams/dsl/source_node.hpp"
#include "fjord/streams/dsl/table.hpp"
#include "fjord/streams/dsl/topology.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/serde/optional.hpp"

namespace fjord::streams {

// Upserts (value) or deletes (nullopt) `key` in a table's store and forwards the change.
template <class K, class V, class KS, class VS>
class table_materializer {
 public:
  explicit table_materializer(std::string store) : name_(std::move(store)) {}

  void init(task_context& ctx) { store_.emplace(ctx.state().template kv<K, V, KS, VS>(name_)); }

  void apply(K&& key, std::optional<V>&& value, timestamp_ms ts, header_list&& headers,
             output<K, change<V>>& out) {
    std::optional<V> old = store_->get(key);
    if (value) {
      store_->put(key, *value);
    } else {
      if (!old) return;  // deleting an absent key changes nothing
      store_->remove(key);
    }
    out.forward(record<K, change<V>>{std::move(key), change<V>{std::move(value), std::move(old)}, ts,
                                     std::move(headers)});
  }

 private:
  std::string name_;
  std::optional<kv_store<K, V, KS, VS>> store_;
};

// Source of topology::table(): decodes a topic's records, a null value being a tombstone.
template <class K, class V, class KS, class VS>
class table_source_node final : public node_base, public raw_input, public output<K, change<V>> {
 public:
  explicit table_source_node(std::string store) : table_(std::move(store)) {}

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    table_.init(ctx);
    records_in_ = &ctx.metrics().counter(metric_names::records_in, ctx.metric_tags());
    bad_ts_ = &ctx.metrics().counter("invalid-timestamps-skipped", ctx.metric_tags());
  }

  void process_raw(const raw_record& r) override {
    records_in_->inc();
    auto key = decode_field<KS>(*ctx_, r, r.key);
    if (!key) return;
    std::optional<V> value;
    if (r.value) {  // a null value is a tombstone, whatever the serde
      value = decode_field<VS>(*ctx_, r, r.value);
      if (!value) return;
    }
    if (r.timestamp < 0) {
      bad_ts_->inc();
      return;
    }
    ctx_->observe(r.timestamp);
    ctx_->set_current_timestamp(r.timestamp);
    table_.apply(std::move(*key), std::move(value), r.timestamp, header_list(r.headers), *this);
  }

 private:
  table_materializer<K, V, KS, VS> table_;
  task_context* ctx_ = nullptr;
  counter* records_in_ = nullptr;
  counter* bad_ts_ = nullptr;
};

// stream::to_table(): every record is an upsert.
template <class K, class V, class KS, class VS>
class to_table_node final : public transform_node<K, V, K, change<V>> {
 public:
  explicit to_table_node(std::string store) : table_(std::move(store)) {}
  void init(task_context& ctx) override { table_.init(ctx); }
  void process(record<K, V>&& r) override {
    table_.apply(std::move(r.key), std::optional<V>(std::move(r.value)), r.timestamp, std::move(r.headers), *this);
  }

 private:
  table_materializer<K, V, KS, VS> table_;
};

template <class K, class V, class KS, class VS, store_spec S>
streams::table<K, V, KS, VS> topology::table(const topic<K, V, KS, VS>& t, S store) {
  if (t.name.empty()) throw streams_error("table: the topic needs a name");
  graph_->add_store(make_store_def(store, store_kind::key_value));
  node_spec spec;
  spec.name = "table(" + t.name + ")";
  spec.source_topic = t.name;
  spec.stores = {store.name};
  spec.create = [name = store.name](task_context&) { return std::make_unique<table_source_node<K, V, KS, VS>>(name); };
  const int id = graph_->add(std::move(spec));
  return streams::table<K, V, KS, VS>(graph_.get(), id, store.name);
}

template <class K, class V>
template <store_spec S, class KS, class VS>
table<K, V, KS, VS> stream<K, V>::to_table(S store, serdes<KS, VS>) const {
  static_assert(serde_for<KS, K>, "to_table: KS is not a serde for the stream's key type");
  static_assert(serde_for<VS, V>, "to_table: VS is not a serde for the stream's value type");
  require_partitioned_by_key("to_table");
  g_->add_store(make_store_def(store, store_kind::key_value));
  node_spec spec;
  spec.name = "to_table(" + store.name + ")";
  spec.parents = {node_};
  spec.stores = {store.name};
  spec.create = [name = store.name](task_context&) { return std::make_unique<to_table_node<K, V, KS, VS>>(name); };
  spec.connect = connect_to<K, V>(node_);
  return table<K, V, KS, VS>(g_, g_->add(std::move(spec)), store.name);
}

}  // namespace fjord::streams
