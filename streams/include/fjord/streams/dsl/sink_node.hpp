// fjord-streams: the node that writes typed records to a topic.
//
// Keys and values are encoded with the topic's serdes; the partition is chosen by key the
// way Kafka's Java client does (processor/record_collector.hpp). A stream whose values
// are std::optional<V> may write to a topic of V: std::nullopt becomes a null value
// (a tombstone), which is how a table's deletions reach a compacted topic.
#pragma once

#include <optional>
#include <string>

#include "fjord/streams/dsl/topic.hpp"
#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Encodes `v` with VS into `buf` (cleared first) and returns the bytes, or nullopt for a
// Kafka null: std::nullopt of a std::optional<V> written with V's serde, or a value a
// nullable serde calls null.
template <class VS, class V>
std::optional<std::string_view> encode_value(const V& v, std::string& buf) {
  buf.clear();
  if constexpr (is_optional<V>::value && !serde_is_nullable_v<VS>) {
    if (!v) return std::nullopt;
    VS::encode(*v, buf);
  } else if constexpr (serde_is_nullable_v<VS>) {
    if (VS::is_null(v)) return std::nullopt;
    VS::encode(v, buf);
  } else {
    VS::encode(v, buf);
  }
  return std::string_view(buf);
}

template <class K, class V, class KS, class VS>
class sink_node final : public node_base, public input<K, V> {
 public:
  explicit sink_node(std::string topic) : topic_(std::move(topic)) {}

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    records_out_ = &ctx.metrics().counter(metric_names::records_out, ctx.metric_tags());
  }

  void process(record<K, V>&& r) override {
    key_.clear();
    KS::encode(r.key, key_);
    const std::optional<std::string_view> value = encode_value<VS>(r.value, value_);
    ctx_->collector().send(topic_, std::nullopt, key_, value, r.timestamp, r.headers);
    records_out_->inc();
  }

 private:
  std::string topic_;
  task_context* ctx_ = nullptr;
  counter* records_out_ = nullptr;
  std::string key_, value_;  // reused buffers
};

}  // namespace fjord::streams
