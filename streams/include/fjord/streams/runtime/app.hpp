// fjord-streams runtime: app, a topology running against Kafka.
//
//   fs::topology t{"fraud-app"};   ... build ...
//   fs::app a{t, fs::config{.bootstrap_servers = "localhost:9092", .state_dir = "/var/lib/fraud"}};
//   a.set_error_listener([](const std::string& e) { log(e); });
//   a.run(stop_token);            // blocks; or a.start() ... a.stop()
//
// Owns the application's metrics, its one RocksDB memory budget (config.memory_budget_bytes,
// shared by every store of every task of every thread) and config.threads stream threads
// (runtime/stream_thread.hpp). application.id (the topology's) is the consumer group.
// start() does every start-up check synchronously and throws streams_error for a bad
// config, a missing input/output topic, mismatched co-partitioning or an internal topic
// with the wrong partition count (runtime/admin.hpp); it creates the missing internal
// topics, then starts the threads in the background. A fatal runtime error (a failed
// delivery, an undecodable record under the fail policy, a broken assignment) is reported
// once to the error listener, and the whole app stops: state() becomes failed and stays
// failed (stop() moves running → stopping → stopped by compare-and-swap only).
// stop() is graceful: each thread finishes its current record, commits (stores flushed,
// output delivered, offsets committed, then checkpoints written), leaves the group and
// closes its tasks.
//
// Threading: start/stop/run are called from one controlling thread; state(), metrics()
// and fatal_error() may be read from any thread. Listeners must be set before start(), and
// must not call stop() (they run on the stream threads stop() joins). The topology must
// outlive the app.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "fjord/streams/dsl/topology.hpp"
#include "fjord/streams/metrics.hpp"
#include "fjord/streams/runtime/admin.hpp"
#include "fjord/streams/runtime/config.hpp"
#include "fjord/streams/runtime/listeners.hpp"
#include "fjord/streams/runtime/stream_thread.hpp"

namespace fjord::streams {

enum class app_state { created, running, stopping, stopped, failed };

inline const char* to_string(app_state s) {
  switch (s) {
    case app_state::created: return "created";
    case app_state::running: return "running";
    case app_state::stopping: return "stopping";
    case app_state::stopped: return "stopped";
    case app_state::failed: return "failed";
  }
  return "?";
}

class app {
 public:
  // Copies the config; validates it in start().
  app(const topology& t, config cfg) : graph_(t.blueprint()), cfg_(std::move(cfg)) {}

  app(const app&) = delete;
  app& operator=(const app&) = delete;
  ~app() { stop(); }

  void set_rebalance_listener(rebalance_listener f) { listeners_.on_rebalance = std::move(f); }
  void set_restore_listener(restore_listener f) { listeners_.on_restore = std::move(f); }
  void set_error_listener(error_listener f) { listeners_.on_error = std::move(f); }

  // Start-up checks, internal topics, then the threads. THROWS streams_error on a start-up
  // failure (the app stays `created`). REQUIRES: called once.
  void start() {
    if (state_.load() != app_state::created) throw streams_error("app: start() called twice");
    validate(cfg_);
    partition_counts counts = prepare_topics(graph_, cfg_);
    budget_ = std::make_shared<rocksdb_budget>(cfg_.memory_budget_bytes);
    std::vector<std::unique_ptr<stream_thread>> threads;
    for (int i = 0; i < cfg_.threads; ++i) {
      threads.push_back(std::make_unique<stream_thread>(
          thread_shared{graph_, cfg_, metrics_, budget_, counts, listeners_,
                        [this](const std::string& e) { on_fatal(e); }},
          i));
    }
    threads_ = std::move(threads);
    state_.store(app_state::running);  // no thread runs yet: nothing else writes state_
    std::lock_guard lock(mu_);  // on_fatal() reads runners_
    for (auto& t : threads_) {
      runners_.emplace_back([this, th = t.get()](std::stop_token st) {
        th->run(st);
        std::lock_guard lock(mu_);
        ++finished_;
        cv_.notify_all();
      });
    }
  }

  // Stops the threads gracefully and waits for them. Idempotent.
  void stop() {
    {
      std::lock_guard lock(mu_);
      if (runners_.empty()) return;
    }
    // Compare-and-swap, so a fatal error's `failed` (set by on_fatal on a stream thread at
    // any time) is never overwritten.
    transition(app_state::running, app_state::stopping);
    for (auto& r : runners_) r.request_stop();
    for (auto& r : runners_) {
      if (r.joinable()) r.join();
    }
    runners_.clear();
    threads_.clear();  // destroys consumers, producers and any task left
    transition(app_state::stopping, app_state::stopped);
  }

  // start(), then block until `stop` is requested or a fatal error, then stop(). THROWS
  // streams_error on a start-up failure; after a fatal error, returns with state() ==
  // failed and fatal_error() set.
  void run(std::stop_token stop_requested) {
    start();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, stop_requested, [&] { return fatal_.has_value() || finished_ == runners_.size(); });
    }
    stop();
  }

  app_state state() const { return state_.load(); }
  streams::metrics& metrics() { return metrics_; }
  const std::shared_ptr<rocksdb_budget>& memory_budget() const { return budget_; }
  std::optional<std::string> fatal_error() const {
    std::lock_guard lock(mu_);
    return fatal_;
  }

 private:
  // state_: from → to, only if it still is `from`.
  void transition(app_state from, app_state to) { state_.compare_exchange_strong(from, to); }

  void on_fatal(const std::string& e) {
    {
      std::lock_guard lock(mu_);
      if (fatal_) return;
      fatal_ = e;
      state_.store(app_state::failed);  // final: stop() only moves running/stopping on
      cv_.notify_all();
      // Other threads shut down too (each commits what it did; the failed one does not).
      for (auto& r : runners_) r.request_stop();
    }
    listeners::call(listeners_.on_error, e);
  }

  const graph& graph_;
  config cfg_;
  listeners listeners_;
  streams::metrics metrics_;
  std::shared_ptr<rocksdb_budget> budget_;
  std::vector<std::unique_ptr<stream_thread>> threads_;
  std::vector<std::jthread> runners_;
  std::atomic<app_state> state_{app_state::created};
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::optional<std::string> fatal_;
  std::size_t finished_ = 0;
};

}  // namespace fjord::streams
