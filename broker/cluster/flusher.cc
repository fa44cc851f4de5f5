// The flusher pool: waiters per log, a queue of logs with waiters, threads that flush them.
#include "cluster/flusher.h"

#include <algorithm>
#include <functional>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/errc.h"
#include "cluster/timer_wake.h"

namespace fjord::cluster {

flusher::flusher(size_t threads) {
    for (size_t i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { run(); });
    }
}

flusher::~flusher() { stop(); }

void flusher::stop() {
    {
        std::lock_guard l(mu_);
        stopping_ = true;
    }
    ready_cv_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) {
            t.join();
        }
    }
    std::lock_guard l(mu_);
    for (auto& [_, p] : pending_) {
        for (const auto& w : p.waiters) {
            complete(w, make_error_code(errc::shutting_down));
        }
    }
    pending_.clear();  // drops our references to the waiters' timers
    ready_.clear();
}

void flusher::complete(const waiter& w, std::error_code ec) {
    // The outcome is written on the waiter's executor, so it never races with a waiter
    // that timed out and reads it there.
    boost::asio::post(w.wake->get_executor(), [wake = w.wake, outcome = w.outcome, ec] {
        *outcome = ec;
        wake_timer(wake);
    });
}

void flusher::start_flush(const std::shared_ptr<storage::log>& lg) { enqueue(lg, std::nullopt); }

void flusher::enqueue(const std::shared_ptr<storage::log>& lg, std::optional<waiter> w) {
    {
        std::lock_guard l(mu_);
        if (stopping_) {
            if (w) {
                complete(*w, make_error_code(errc::shutting_down));
            }
            return;
        }
        auto& p = pending_[lg.get()];
        p.log = lg;
        if (w) {
            p.waiters.push_back(std::move(*w));
        }
        if (p.queued || p.flushing) {
            return;  // the running or queued round will see it
        }
        p.queued = true;
        ready_.push_back(lg.get());
    }
    ready_cv_.notify_one();
}

void flusher::run() {
    std::unique_lock l(mu_);
    for (;;) {
        ready_cv_.wait(l, [this] { return stopping_ || !ready_.empty(); });
        if (stopping_) {
            return;
        }
        const storage::log* key = ready_.front();
        ready_.pop_front();
        auto& p = pending_.at(key);
        p.queued = false;
        p.flushing = true;
        auto lg = p.log;
        // Everything these waiters wait for was appended before they registered, so before
        // this flush starts: it must cover them. Later waiters get the next round.
        std::vector<waiter> covered;
        covered.swap(p.waiters);
        l.unlock();
        auto flushed = lg->group_flush();
        l.lock();
        for (const auto& w : covered) {
            if (!flushed) {
                complete(w, flushed.error());
            } else if (w.target <= *flushed) {
                complete(w, {});
            } else {
                // The log no longer holds the batch (truncated under it).
                complete(w, make_error_code(errc::log_failed));
            }
        }
        auto& after = pending_.at(key);
        after.flushing = false;
        if (flushed) {
            // Waiters that registered during the flush whose batch it already covered (the
            // usual acks=all case: the flush starts at the append, the wait a moment later)
            // are done too; only the rest need another round.
            std::erase_if(after.waiters, [&](const waiter& w) {
                if (w.target > *flushed) {
                    return false;
                }
                complete(w, {});
                return true;
            });
        }
        if (after.waiters.empty()) {
            pending_.erase(key);
        } else {
            after.queued = true;
            ready_.push_back(key);
            ready_cv_.notify_one();
        }
    }
}

boost::asio::awaitable<result<void>> flusher::wait_durable(std::shared_ptr<storage::log> lg, offset end,
                                                          std::chrono::milliseconds timeout) {
    if (lg->flushed_offset() >= end) {
        co_return ok();
    }
    // (co_await kept out of the aggregate initialiser: GCC 12 miscompiles that.)
    auto executor = co_await boost::asio::this_coro::executor;
    auto wake = std::make_shared<boost::asio::steady_timer>(executor, boost::asio::steady_timer::time_point::max());
    if (timeout > std::chrono::milliseconds::zero()) {
        wake->expires_after(timeout);
    }
    auto outcome = std::make_shared<std::optional<std::error_code>>();
    enqueue(lg, waiter{.target = end, .wake = wake, .outcome = outcome});
    co_await wake->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (!outcome->has_value()) {
        co_return errc::timed_out;
    }
    if (**outcome) {
        co_return **outcome;
    }
    co_return ok();
}

}  // namespace fjord::cluster
