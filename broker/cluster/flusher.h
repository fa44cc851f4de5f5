// flusher: group commit for acks=all. A small pool of threads that fsync partition logs
// off the shards (DESIGN.md §3 Threading: blocking fsyncs go to a flusher pool and
// complete back on the owning shard).
//
// A producer waiting for durability registers (log, end offset) and suspends; a flusher
// thread runs one log::group_flush() for every waiter of that log registered before it
// started, so N concurrent acks=all produces to one partition cost about one fsync, not
// N. Waiters registered while a flush runs are served by it if it covered their batch,
// otherwise by the next one.
//
// Invariants: a log is flushed by at most one flusher thread at a time; a waiter completes
// exactly once, on its own executor, with success only once the log's flushed offset
// reached its target; a failed flush completes every waiter of that round with the error,
// and a flush that ends below a waiter's target (the log was truncated) fails it.
// stop() (also run by the destructor) joins the threads and completes the remaining waiters
// with errc::shutting_down; their executors must still exist then (they may be stopped).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "storage/log.h"

namespace fjord::cluster {

class flusher {
public:
    // `threads` 0 starts none (tests: waits then end only by timeout or stop()).
    explicit flusher(size_t threads);
    ~flusher();
    flusher(const flusher&) = delete;
    flusher& operator=(const flusher&) = delete;

    // Idempotent. After it, wait_durable completes at once with errc::shutting_down.
    void stop();

    // Queues a flush of `lg` without waiting for it (unless one is queued or running), so
    // that flushes of several partitions a request appended to overlap before it waits.
    void start_flush(const std::shared_ptr<storage::log>& lg);

    // Completes on the caller's executor (which must be single-threaded, like a shard's)
    // once every offset below `end` of `lg` is durable, or with the flush's error, or with
    // errc::timed_out after `timeout` (zero or negative: no timeout). A timed-out wait
    // leaves its flush queued; only the waiter gives up.
    boost::asio::awaitable<result<void>> wait_durable(std::shared_ptr<storage::log> lg, offset end,
                                                      std::chrono::milliseconds timeout = {});

private:
    struct waiter {
        offset target;
        std::shared_ptr<boost::asio::steady_timer> wake;  // expired on completion
        // Set on the waiter's own executor (posted there), right before `wake` expires.
        std::shared_ptr<std::optional<std::error_code>> outcome;
    };
    struct pending_log {
        std::shared_ptr<storage::log> log;
        std::vector<waiter> waiters;
        bool queued = false;
        bool flushing = false;
    };

    // Adds a waiter (if any), queueing its log unless it is queued or being flushed already.
    void enqueue(const std::shared_ptr<storage::log>& lg, std::optional<waiter> w);
    void run();
    static void complete(const waiter& w, std::error_code ec);

    std::mutex mu_;
    std::condition_variable ready_cv_;
    std::unordered_map<const storage::log*, pending_log> pending_;
    std::deque<const storage::log*> ready_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace fjord::cluster
