// fjord-streams runtime: the callbacks through which an application observes the runtime.
//
// rebalance_listener(assigned, revoked)  after a thread took or gave up tasks;
// restore_listener(progress)              when a store's restore starts, every ~1000 records,
//                                          and when it ends (progress.done);
// error_listener(message)                 once per fatal error (the app then stops).
//
// Threading contract: listeners are set before start() and never changed afterwards; they
// are called on the stream threads (several at once when threads > 1), so they must be
// thread-safe and quick. An exception thrown by a listener is swallowed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fjord/streams/processor/task_context.hpp"

namespace fjord::streams {

struct restore_progress {
  std::string store;
  task_id task;
  std::int64_t restored = 0;   // changelog records applied so far
  std::int64_t total = 0;      // changelog records between the restore start and the end offset
  std::int64_t start_offset = 0;
  std::int64_t end_offset = 0;
  bool wiped = false;          // the local state was discarded (checkpoint out of range)
  bool done = false;
};

using rebalance_listener = std::function<void(const std::vector<task_id>& assigned, const std::vector<task_id>& revoked)>;
using restore_listener = std::function<void(const restore_progress&)>;
using error_listener = std::function<void(const std::string&)>;

struct listeners {
  rebalance_listener on_rebalance;
  restore_listener on_restore;
  error_listener on_error;

  template <class F, class... A>
  static void call(const F& f, A&&... a) noexcept {
    if (!f) return;
    try {
      f(std::forward<A>(a)...);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a listener must not take the thread down
    }
  }
};

}  // namespace fjord::streams
