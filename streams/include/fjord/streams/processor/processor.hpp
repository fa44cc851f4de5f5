// fjord-streams: the Processor API, for what the DSL cannot say.
//
// A user processor consumes record<KIn, VIn> and forwards any number of
// record<KOut, VOut> through its processor_context, which also gives it the clocks,
// stream-time and wall-clock punctuators, the metadata of the record being processed and
// typed access to the state stores it declared. Attach one with stream::process().
// One processor instance exists per task; it is used by one thread.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

template <class KOut, class VOut>
class processor_context {
 public:
  processor_context(task_context& ctx, output<KOut, VOut>& out) : ctx_(ctx), out_(out) {}

  void forward(record<KOut, VOut> r) { out_.forward(std::move(r)); }

  timestamp_ms stream_time() const { return ctx_.stream_time(); }
  timestamp_ms wall_clock() const { return ctx_.wall_clock(); }
  // The timestamp of the record being processed (or of the punctuation).
  timestamp_ms timestamp() const { return ctx_.current_timestamp(); }
  const record_metadata& metadata() const { return ctx_.current(); }
  const task_id& task() const { return ctx_.id(); }
  streams::metrics& metrics() { return ctx_.metrics(); }

  int schedule(punctuation_type type, millis interval, punctuator fn) {
    return ctx_.schedule(type, interval, std::move(fn));
  }
  void cancel(int handle) { ctx_.cancel(handle); }

  // Typed handles to the stores this processor declared (see stream::process).
  template <class K, class V, class KS, class VS>
  auto kv_store(std::string_view name) { return ctx_.state().template kv<K, V, KS, VS>(name); }
  template <class K, class V, class KS, class VS>
  auto window_store(std::string_view name) { return ctx_.state().template window<K, V, KS, VS>(name); }
  template <class K, class V, class KS, class VS>
  auto session_store(std::string_view name) { return ctx_.state().template session<K, V, KS, VS>(name); }

  task_context& raw() { return ctx_; }

 private:
  task_context& ctx_;
  output<KOut, VOut>& out_;
};

template <class KIn, class VIn, class KOut, class VOut>
class processor {
 public:
  virtual ~processor() = default;
  virtual void init(processor_context<KOut, VOut>&) {}
  virtual void process(record<KIn, VIn>&& r) = 0;
  virtual void close() {}
};

template <class KIn, class VIn, class KOut, class VOut>
using processor_factory = std::function<std::unique_ptr<processor<KIn, VIn, KOut, VOut>>()>;

// The node that hosts a user processor.
template <class KIn, class VIn, class KOut, class VOut>
class processor_node final : public transform_node<KIn, VIn, KOut, VOut> {
 public:
  explicit processor_node(std::unique_ptr<processor<KIn, VIn, KOut, VOut>> p) : p_(std::move(p)) {}
  void init(task_context& ctx) override {
    ctx_.emplace(ctx, *this);
    p_->init(*ctx_);
  }
  void process(record<KIn, VIn>&& r) override { p_->process(std::move(r)); }
  void close() override { p_->close(); }

 private:
  std::unique_ptr<processor<KIn, VIn, KOut, VOut>> p_;
  std::optional<processor_context<KOut, VOut>> ctx_;
};

}  // namespace fjord::streams
