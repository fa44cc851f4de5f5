// fjord-streams: when windowed aggregations emit, and what happens to late records.
//
// emit_mode::every_update (the default) forwards change{new, old} for every update.
// emit_final(close_on) forwards each window's result once, as change{result, nullopt},
// when the window closes:
//   close_on::stream_time()       stream time >= exclusive end + grace (the default);
//   close_on::wall_clock(idle)    additionally when the task's wall clock >=
//                                 exclusive end + grace + idle, so final results appear
//                                 even when a partition goes quiet (anchors pain point 4).
//                                 Assumes event time tracks wall-clock time. Checked
//                                 whenever the wall clock moves (window_closer.hpp).
// Final results are at-least-once: a crash between emitting and committing the store's
// removal emits that window again after restore (exactly-once mode makes it atomic).
// A late record (all of its windows closed) is dropped, counted in the task metric
// `late-records-dropped`, passed to the on_late callback if any, and written to the
// late-records topic if any (key/value encoded with the grouping's serdes, original
// timestamp and headers, plus header `fjord.late.window-close` = stream time in decimal
// milliseconds).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "fjord/streams/error.hpp"
#include "fjord/streams/metrics.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/record.hpp"

namespace fjord::streams {

// When emit_final closes a window.
struct close_on {
  bool use_wall_clock = false;
  millis idle{0};

  static close_on stream_time() { return {}; }
  // REQUIRES: idle >= 0.
  static close_on wall_clock(millis idle) {
    if (idle.count() < 0) throw streams_error("close_on::wall_clock: idle must not be negative");
    return {true, idle};
  }
};

enum class emit_mode { every_update, final_result };

struct emit_config {
  emit_mode mode = emit_mode::every_update;
  close_on close{};
  bool is_final() const { return mode == emit_mode::final_result; }
};

inline constexpr std::string_view late_window_close_header = "fjord.late.window-close";

// What to do with late records, as configured on a windowed stream.
template <class K, class V>
struct late_config {
  std::function<void(const record<K, V>&)> on_late;
  std::string topic;  // empty: none
};

// A node's late-record handling: the counter, the callback and the dead-letter topic.
template <class K, class V, class KS, class VS>
class late_records {
 public:
  explicit late_records(late_config<K, V> cfg) : cfg_(std::move(cfg)) {}

  void init(task_context& ctx) {
    ctx_ = &ctx;
    dropped_ = &ctx.metrics().counter(metric_names::late_records_dropped, ctx.metric_tags());
  }

  void drop(const record<K, V>& r, timestamp_ms stream_time) {
    dropped_->inc();
    if (cfg_.on_late) cfg_.on_late(r);
    if (cfg_.topic.empty()) return;
    std::string k, v;
    KS::encode(r.key, k);
    VS::encode(r.value, v);
    header_list headers = r.headers;
    headers.push_back({std::string(late_window_close_header), std::to_string(stream_time)});
    ctx_->collector().send(cfg_.topic, std::nullopt, k, std::string_view(v), r.timestamp, headers);
  }

 private:
  late_config<K, V> cfg_;
  task_context* ctx_ = nullptr;
  counter* dropped_ = nullptr;
};

}  // namespace fjord::streams
