// fjord-streams: the emit-final bookkeeping shared by the windowed aggregation nodes.
//
// In emit_final mode a node tracks every open window here (its close time, encoded key and
// bounds), in an ordered in-memory index rebuilt from the store on init (stores are
// restored before init), so closing costs O(closed windows · log n) instead of a store
// scan. `due(f)` hands every window whose close time has come to f in (close time, key
// bytes, start) order and forgets it; the node then emits it and removes (or marks) it in
// its store, so a restore does not emit it again.
//
// A window is closed when close_time <= stream time, or (close_on::wall_clock) when
// close_time <= wall bound, the wall bound being (wall clock - idle) as of the last
// wall-clock punctuation. The node calls `due` before processing each record (so windows
// are emitted before retention can expire them) and from a stream-time punctuator firing
// whenever stream time advances (test_driver::advance_stream_time); with wall_clock it
// also schedules a 1 ms wall-clock punctuator, i.e. one that runs whenever the driver of
// the wall clock moves it — a comparison with the earliest open window when nothing is
// due — so a window closes at the first wall-clock check at or after its deadline.
//
// At-least-once caveat: a crash after a final result is produced but before the commit
// that covers the store's removal emits it again after restore.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams/window/emit.hpp"

namespace fjord::streams {

struct open_window {
  timestamp_ms close_time = 0;
  std::string key;  // key serde bytes
  timestamp_ms start = 0;
  timestamp_ms end = 0;  // as stored: exclusive for time windows, inclusive otherwise
  friend bool operator<(const open_window& a, const open_window& b) {
    return std::tie(a.close_time, a.key, a.start, a.end) < std::tie(b.close_time, b.key, b.start, b.end);
  }
};

class window_closer {
 public:
  explicit window_closer(close_on c) : close_(c) {}

  // Schedules the punctuators; `on_tick()` is the node's "emit what is due" function.
  template <class Tick>
  void init(task_context& ctx, Tick on_tick) {
    ctx.schedule(punctuation_type::stream_time, millis{1}, [on_tick](timestamp_ms) mutable { on_tick(); });
    if (close_.use_wall_clock) {
      ctx.schedule(punctuation_type::wall_clock, millis{1}, [this, on_tick](timestamp_ms now) mutable {
        wall_bound_ = std::max(wall_bound_, now - close_.idle.count());
        on_tick();
      });
    }
  }

  // Returns false when the window was already tracked.
  bool track(open_window w) { return open_.insert(std::move(w)).second; }
  void untrack(const open_window& w) { open_.erase(w); }

  // Whether a window with this close time is closed at `stream_time`.
  bool closed(timestamp_ms close_time, timestamp_ms stream_time) const {
    return close_time <= stream_time || close_time <= wall_bound_;
  }

  // f(const open_window&) for every closed window, which is then forgotten.
  template <class F>
  void due(timestamp_ms stream_time, F&& f) {
    const timestamp_ms bound = std::max(stream_time, wall_bound_);
    while (!open_.empty() && open_.begin()->close_time <= bound) {
      auto node = open_.extract(open_.begin());
      f(node.value());
    }
  }

  std::size_t size() const { return open_.size(); }

 private:
  close_on close_;
  timestamp_ms wall_bound_ = kNoTime;
  std::set<open_window> open_;
};

}  // namespace fjord::streams
