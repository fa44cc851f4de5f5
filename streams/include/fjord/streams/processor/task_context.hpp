// fjord-streams: what every node of one task shares.
//
// A task_context belongs to one task (one sub-topology × one input partition) and is
// used by that task's thread only. It owns the task's clocks — stream time (the largest
// record timestamp the task has seen, never decreasing; kNoTime before the first record)
// and the wall clock as the runtime or the test driver sets it — the punctuator schedule,
// the metadata of the record being processed, and it routes store writes to the store's
// changelog topic (`<application.id>-<store>-changelog`, partition = the task's) —
// at once, or (services.changelog_buffer_bytes > 0, the runtime) combined per key in a
// changelog_buffer until flush_changelog() (processor/changelog_buffer.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "fjord/streams/error_handling.hpp"
#include "fjord/streams/metrics.hpp"
#include "fjord/streams/processor/changelog_buffer.hpp"
#include "fjord/streams/processor/record_collector.hpp"
#include "fjord/streams/record.hpp"
#include "fjord/streams/state/state_manager.hpp"

namespace fjord::streams {

inline constexpr timestamp_ms kNoTime = std::numeric_limits<timestamp_ms>::min();

enum class punctuation_type { stream_time, wall_clock };
using punctuator = std::function<void(timestamp_ms now)>;

struct task_id {
  int subtopology = 0;
  std::int32_t partition = 0;
  std::string str() const { return std::to_string(subtopology) + "_" + std::to_string(partition); }
  friend auto operator<=>(const task_id&, const task_id&) = default;
};

class task_context final : public changelog_writer {
 public:
  struct services {
    std::string application_id;
    record_collector* collector = nullptr;   // must outlive the task
    streams::metrics* metrics = nullptr;     // must outlive the task
    state_config state;
    decode_error_policy on_decode_error = decode_errors::fail();
    // > 0: store writes are combined per key and sent at flush_changelog(), or once they
    // exceed this many key+value bytes; 0: each write is sent at once.
    std::size_t changelog_buffer_bytes = 0;
  };

  task_context(task_id id, services s, timestamp_ms wall_clock_now)
      : id_(id),
        services_(std::move(s)),
        state_(services_.state, id_.str(), this),
        wall_clock_(wall_clock_now) {}

  const std::string& application_id() const { return services_.application_id; }
  const task_id& id() const { return id_; }
  std::int32_t partition() const { return id_.partition; }

  timestamp_ms stream_time() const { return stream_time_; }
  // Advances stream time to ts if ts is later. Returns the stream time.
  timestamp_ms observe(timestamp_ms ts) {
    stream_time_ = std::max(stream_time_, ts);
    return stream_time_;
  }
  timestamp_ms wall_clock() const { return wall_clock_; }
  void set_wall_clock(timestamp_ms now) { wall_clock_ = std::max(wall_clock_, now); }

  // The source record being processed; punctuators see offset -1.
  record_metadata& current() { return current_; }
  timestamp_ms current_timestamp() const { return current_timestamp_; }
  void set_current_timestamp(timestamp_ms ts) { current_timestamp_ = ts; }

  record_collector& collector() { return *services_.collector; }
  state_manager& state() { return state_; }
  streams::metrics& metrics() { return *services_.metrics; }
  const decode_error_policy& on_decode_error() const { return services_.on_decode_error; }
  // Tags that name this task in metrics ("task=0_1").
  std::string metric_tags() const { return "task=" + id_.str(); }

  // Calls fn(now) once each time the clock of `type` passes the next multiple of
  // `interval` after the time of scheduling (once per check, however many intervals
  // passed). Returns a handle for cancel().
  int schedule(punctuation_type type, millis interval, punctuator fn) {
    const timestamp_ms now = type == punctuation_type::wall_clock ? wall_clock_ : stream_time_;
    const timestamp_ms base = now == kNoTime ? kNoTime : now + interval.count();
    punctuators_.push_back({next_id_, type, interval.count(), base, std::move(fn)});
    return next_id_++;
  }
  void cancel(int handle) {
    // During punctuate() only mark it: erasing would shift the punctuator after it into
    // the slot being visited, which would then be skipped this round.
    for (auto& s : punctuators_) {
      if (s.id == handle) s.cancelled = true;
    }
    if (!punctuating_) std::erase_if(punctuators_, [](const scheduled& s) { return s.cancelled; });
  }
  // Fires the due punctuators of one type; called by the task after each record (stream
  // time) and by whoever drives the wall clock.
  void punctuate(punctuation_type type) {
    const timestamp_ms now = type == punctuation_type::wall_clock ? wall_clock_ : stream_time_;
    if (now == kNoTime) return;
    punctuating_ = true;
    // Index loop: a punctuator may schedule another (push_back) or cancel one (marked).
    for (std::size_t i = 0; i < punctuators_.size(); ++i) {
      if (punctuators_[i].type != type || punctuators_[i].cancelled) continue;
      auto& p = punctuators_[i];
      if (p.next == kNoTime) p.next = now + p.interval;  // scheduled before the clock was known
      if (now < p.next) continue;
      p.next += ((now - p.next) / p.interval + 1) * p.interval;
      current_ = {};
      current_timestamp_ = now;
      punctuator fn = p.fn;  // the callback may cancel itself
      fn(now);
    }
    punctuating_ = false;
    std::erase_if(punctuators_, [](const scheduled& s) { return s.cancelled; });
  }

  // changelog_writer: store writes go to the store's changelog partition.
  void log(std::string_view store_name, std::string_view key,
           std::optional<std::string_view> value) override {
    if (services_.changelog_buffer_bytes == 0) {
      send_changelog(store_name, key, value, current_timestamp_);
    } else if (changelog_.add(store_name, key, value, current_timestamp_, services_.changelog_buffer_bytes)) {
      flush_changelog();
    }
  }

  // Sends the combined store writes (before every commit).
  void flush_changelog() {
    changelog_.drain([this](std::string_view store, std::string_view key, std::optional<std::string_view> value,
                            timestamp_ms ts) { send_changelog(store, key, value, ts); });
  }

 private:
  void send_changelog(std::string_view store, std::string_view key, std::optional<std::string_view> value,
                      timestamp_ms ts) {
    services_.collector->send(state_manager::changelog_topic(services_.application_id, store), id_.partition, key,
                              value, ts, {});
  }

  struct scheduled {
    int id;
    punctuation_type type;
    timestamp_ms interval;
    timestamp_ms next;
    punctuator fn;
    bool cancelled = false;
  };

  task_id id_;
  services services_;
  state_manager state_;
  timestamp_ms stream_time_ = kNoTime;
  timestamp_ms wall_clock_;
  record_metadata current_{};
  timestamp_ms current_timestamp_ = 0;
  std::vector<scheduled> punctuators_;
  changelog_buffer changelog_;
  bool punctuating_ = false;
  int next_id_ = 0;
};

}  // namespace fjord::streams
