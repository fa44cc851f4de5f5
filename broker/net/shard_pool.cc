// shard_pool: one thread per io_context; graceful then forced stop.
#include "net/shard_pool.h"

#include <exception>

#include "base/assert.h"
#include "base/logger.h"

namespace fjord::net {

shard_pool::shard_pool(size_t shard_count) {
    FJORD_ASSERT(shard_count >= 1, "shard_pool needs at least one shard");
    for (size_t i = 0; i < shard_count; ++i) {
        auto s = std::make_unique<shard_slot>();
        s->context = std::make_unique<boost::asio::io_context>(1);
        s->guard.emplace(s->context->get_executor());
        shards_.push_back(std::move(s));
    }
}

shard_pool::~shard_pool() {
    stop();
}

size_t shard_pool::default_shard_count() {
    auto n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

void shard_pool::start() {
    FJORD_ASSERT(!started_, "shard_pool started twice");
    started_ = true;
    running_ = shards_.size();
    for (size_t i = 0; i < shards_.size(); ++i) {
        shards_[i]->thread = std::thread([this, i] { run_shard(i); });
    }
}

void shard_pool::run_shard(size_t i) {
    auto& ctx = *shards_[i]->context;
    for (;;) {
        try {
            ctx.run();
            break;
        } catch (const std::exception& e) {
            make_logger("net")->error("shard {}: unhandled exception: {}", i, e.what());
        }
    }
    std::lock_guard lock(mu_);
    --running_;
    idle_cv_.notify_all();
}

void shard_pool::stop(std::chrono::milliseconds grace) {
    for (auto& s : shards_) {
        s->guard.reset();
    }
    if (started_) {
        std::unique_lock lock(mu_);
        if (!idle_cv_.wait_for(lock, grace, [this] { return running_ == 0; })) {
            make_logger("net")->warn("shards still busy after {} ms; stopping them", grace.count());
        }
    }
    for (auto& s : shards_) {
        s->context->stop();
    }
    for (auto& s : shards_) {
        if (s->thread.joinable()) {
            s->thread.join();
        }
    }
}

}  // namespace fjord::net
