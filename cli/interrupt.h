// Ctrl-C for the long-running commands (consume, perf): the first SIGINT/SIGTERM asks the
// command loop to stop cleanly (close the consumer, flush, print the summary); the handler
// only sets a lock-free flag.
#pragma once

#include <atomic>
#include <csignal>

namespace fjord::cli {

inline std::atomic<bool> interrupt_requested{false};

inline void install_interrupt_handler() {
    static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");
    auto handler = [](int) { interrupt_requested.store(true, std::memory_order_relaxed); };
    std::signal(SIGINT, handler);
    std::signal(SIGTERM, handler);
}

inline bool interrupted() { return interrupt_requested.load(std::memory_order_relaxed); }

}  // namespace fjord::cli
