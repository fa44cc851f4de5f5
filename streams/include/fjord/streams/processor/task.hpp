// fjord-streams: one task = one sub-topology running over one partition of its sources.
//
// The task owns the node instances of its sub-topology, its task_context (clocks,
// punctuators, state stores). It is driven by one thread: the runtime (records polled from
// Kafka) or the test driver (records piped in). After every record it fires the due
// stream-time punctuators; the driver fires wall-clock ones.
//
// Lifecycle: construct → (restore stores: state().restore) → init() → process()/punctuate
// ... → flush() before every commit → close().
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fjord/streams/processor/graph.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

class task {
 public:
  // REQUIRES: sub < g.subtopologies().size(). `g` must outlive the task.
  task(const graph& g, const subtopology& sub, std::int32_t partition, task_context::services s,
       timestamp_ms wall_clock_now)
      : sub_(sub), ctx_(task_id{sub.id, partition}, std::move(s), wall_clock_now) {
    for (const auto& name : sub_.stores) ctx_.state().open(g.store(name));
    nodes_.resize(g.nodes().size());
    for (int id : sub_.nodes) {
      const auto& spec = g.node(id);
      nodes_[static_cast<std::size_t>(id)] = spec.create(ctx_);
    }
    std::vector<node_base*> raw(nodes_.size());
    for (std::size_t i = 0; i < nodes_.size(); ++i) raw[i] = nodes_[i].get();
    for (int id : sub_.nodes) {
      const auto& spec = g.node(id);
      if (spec.connect) spec.connect(*nodes_[static_cast<std::size_t>(id)], raw);
      if (!spec.source_topic.empty()) {
        auto* in = dynamic_cast<raw_input*>(nodes_[static_cast<std::size_t>(id)].get());
        if (in == nullptr) throw streams_error("source node " + spec.name + " cannot read bytes");
        sources_.emplace(spec.source_topic, in);
      }
    }
  }

  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { close(); }

  const task_id& id() const { return ctx_.id(); }
  const subtopology& sub() const { return sub_; }
  task_context& context() { return ctx_; }
  state_manager& state() { return ctx_.state(); }

  // Call once the stores are restored.
  void init() {
    if (initialised_) return;
    initialised_ = true;
    for (int id : sub_.nodes) nodes_[static_cast<std::size_t>(id)]->init(ctx_);
  }

  // Processes one record of one of the sub-topology's source topics.
  // REQUIRES: init() was called; r.topic is one of sub().source_topics.
  void process(const raw_record& r) {
    auto it = sources_.find(r.topic);
    if (it == sources_.end()) {
      throw streams_error("task " + ctx_.id().str() + " does not read topic '" + std::string(r.topic) + "'");
    }
    ctx_.current() = {r.topic, r.partition, r.offset};
    ctx_.set_current_timestamp(r.timestamp);
    it->second->process_raw(r);
    ctx_.punctuate(punctuation_type::stream_time);
  }

  // Moves stream time forward without a record (test driver) and fires punctuators.
  void advance_stream_time(timestamp_ms t) {
    ctx_.observe(t);
    ctx_.punctuate(punctuation_type::stream_time);
  }
  void advance_wall_clock(timestamp_ms now) {
    ctx_.set_wall_clock(now);
    ctx_.punctuate(punctuation_type::wall_clock);
  }

  // Before a commit: nodes push out buffers, every store is flushed, then the combined
  // changelog writes are sent.
  void flush() {
    for (int id : sub_.nodes) nodes_[static_cast<std::size_t>(id)]->flush();
    ctx_.state().flush();
    ctx_.flush_changelog();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (initialised_) {
      for (int id : sub_.nodes) nodes_[static_cast<std::size_t>(id)]->close();
    }
    ctx_.flush_changelog();  // what close() hooks wrote goes out like every other write
    ctx_.state().close();
  }

 private:
  subtopology sub_;
  task_context ctx_;
  std::vector<std::unique_ptr<node_base>> nodes_;
  std::map<std::string, raw_input*, std::less<>> sources_;
  bool initialised_ = false;
  bool closed_ = false;
};

}  // namespace fjord::streams
