// fjord-streams: the node that turns a topic's bytes into typed records.
//
// Decoding follows serde/serde.hpp's null rules: a null key decodes as zero bytes; a null
// value is skipped (counted in null-values-skipped) unless the value serde is nullable.
// A record that does not decode goes to the task's decode-error policy: fail (throws
// streams_error, which stops the application with the record's coordinates), skip
// (counted in deserialization-errors) or dead-letter (the original bytes and headers plus
// fjord.error.* headers go to the dead-letter topic; also counted). Records with a
// negative timestamp (after the extractor) are skipped like Kafka Streams does and
// counted in invalid-timestamps-skipped. Stream time advances before forwarding.
#pragma once

#include <functional>
#include <string>

#include "fjord/streams/dsl/topic.hpp"
#include "fjord/streams/processor/graph.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

// Event time from a record's key, value and Kafka timestamp.
template <class K, class V>
using timestamp_extractor = std::function<timestamp_ms(const K&, const V&, timestamp_ms record_ts)>;

// Applies the decode-error policy to a record that did not decode.
inline void handle_decode_error(task_context& ctx, const raw_record& r, const error& why) {
  const auto& policy = ctx.on_decode_error();
  const record_metadata where{r.topic, r.partition, r.offset};
  if (policy.act == decode_error_policy::action::fail) {
    throw streams_error("cannot decode record at " + std::string(r.topic) + "-" +
                        std::to_string(r.partition) + "@" + std::to_string(r.offset) + ": " +
                        why.message);
  }
  ctx.metrics().counter(metric_names::deserialization_errors, ctx.metric_tags()).inc();
  if (policy.act == decode_error_policy::action::dead_letter) {
    header_list headers = r.headers;
    add_dead_letter_headers(headers, why, where);
    ctx.collector().send(policy.dead_letter_topic, std::nullopt, r.key, r.value, r.timestamp, headers);
  }
}

// Decodes one side (key or value) of a raw record with serde S, honouring nullability.
// Returns nullopt after handling an error (the record must be dropped).
template <class S>
std::optional<serde_value_t<S>> decode_field(task_context& ctx, const raw_record& r,
                                             std::optional<std::string_view> bytes) {
  if constexpr (serde_is_nullable_v<S>) {
    if (!bytes) return S::null_value();
  }
  auto decoded = S::decode(bytes.value_or(std::string_view{}));
  if (!decoded.ok()) {
    handle_decode_error(ctx, r, decoded.err());
    return std::nullopt;
  }
  return std::move(decoded).value();
}

template <class K, class V, class KS, class VS>
class source_node final : public node_base, public raw_input, public output<K, V> {
 public:
  explicit source_node(timestamp_extractor<K, V> extract) : extract_(std::move(extract)) {}

  void init(task_context& ctx) override {
    ctx_ = &ctx;
    records_in_ = &ctx.metrics().counter(metric_names::records_in, ctx.metric_tags());
    nulls_ = &ctx.metrics().counter(metric_names::null_values_skipped, ctx.metric_tags());
    bad_ts_ = &ctx.metrics().counter("invalid-timestamps-skipped", ctx.metric_tags());
  }

  void process_raw(const raw_record& r) override {
    records_in_->inc();
    if (!r.value && !serde_is_nullable_v<VS>) {
      nulls_->inc();
      return;
    }
    auto key = decode_field<KS>(*ctx_, r, r.key);
    if (!key) return;
    auto value = decode_field<VS>(*ctx_, r, r.value);
    if (!value) return;
    const timestamp_ms ts = extract_ ? extract_(*key, *value, r.timestamp) : r.timestamp;
    if (ts < 0) {
      bad_ts_->inc();
      return;
    }
    ctx_->observe(ts);
    ctx_->set_current_timestamp(ts);
    this->forward(record<K, V>{std::move(*key), std::move(*value), ts, r.headers});
  }

 private:
  timestamp_extractor<K, V> extract_;
  task_context* ctx_ = nullptr;
  counter* records_in_ = nullptr;
  counter* nulls_ = nullptr;
  counter* bad_ts_ = nullptr;
};

}  // namespace fjord::streams
