// shard_pool: the broker's threads. Shard per core (DESIGN.md §3): each shard is one thread
// running its own boost::asio::io_context, so work posted to a shard never needs a lock.
//
// Lifetime: start() launches the threads; stop() lets every context run out of work
// (connections closing, coroutines finishing) for up to a grace period, then stops the
// contexts and joins. Coroutine frames still pending after that are destroyed with the
// io_contexts, i.e. when the pool is destroyed: whatever they reference (the request
// handler) must outlive the pool.
// Threading: start(), stop() and the destructor are called from one controlling thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace fjord::net {

class shard_pool {
public:
    // REQUIRES: shard_count >= 1.
    explicit shard_pool(size_t shard_count);
    ~shard_pool();
    shard_pool(const shard_pool&) = delete;
    shard_pool& operator=(const shard_pool&) = delete;

    size_t size() const { return shards_.size(); }
    boost::asio::io_context& shard(size_t i) { return *shards_[i]->context; }

    void start();
    // Waits up to `grace` for every shard to run out of work, then stops the rest. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

    // The default shard count: one per hardware thread (at least 1).
    static size_t default_shard_count();

private:
    using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    struct shard_slot {
        std::unique_ptr<boost::asio::io_context> context;
        std::optional<work_guard> guard;
        std::thread thread;
    };
    void run_shard(size_t i);

    std::vector<std::unique_ptr<shard_slot>> shards_;
    std::mutex mu_;
    std::condition_variable idle_cv_;
    size_t running_ = 0;
    bool started_ = false;
};

}  // namespace fjord::net
