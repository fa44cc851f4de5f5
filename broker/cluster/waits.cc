// The waiting side of local_cluster: the append counter and the timers Fetch long-polls
// on, and acks=all durability waits (handed to the flusher). Kept in its own file so the
// sanitizer workaround in CMakeLists.txt touches nothing else.
#include <functional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cluster/local_cluster.h"
#include "cluster/timer_wake.h"

namespace fjord::cluster {

void local_cluster::notify_append() {
    std::vector<std::weak_ptr<boost::asio::steady_timer>> waiters;
    {
        std::lock_guard l(wait_mu_);
        ++append_seq_;
        waiters.swap(waiters_);
    }
    for (auto& w : waiters) {
        if (auto t = w.lock()) {
            boost::asio::post(t->get_executor(), std::bind(wake_timer, t));
        }
    }
}

bool local_cluster::register_waiter(uint64_t seen, const std::shared_ptr<boost::asio::steady_timer>& timer) {
    std::lock_guard l(wait_mu_);
    if (append_seq_.load() != seen) {
        return false;
    }
    std::erase_if(waiters_, [](const auto& w) { return w.expired(); });
    waiters_.push_back(timer);
    return true;
}

boost::asio::awaitable<void> local_cluster::wait_for_append(uint64_t seen, std::chrono::milliseconds timeout) {
    auto timer = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor, timeout);
    if (register_waiter(seen, timer)) {
        co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
}

boost::asio::awaitable<result<void>> local_cluster::wait_durable(const produce_result& produced,
                                                                std::chrono::milliseconds timeout) {
    co_return co_await flusher_->wait_durable(produced.partition_log, produced.last_offset + 1, timeout);
}

}  // namespace fjord::cluster
