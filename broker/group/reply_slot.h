// reply_slot: hands a value produced on any thread (a classic_group reply callback, run
// under the coordinator lock) to a coroutine parked on its own single-threaded executor.
//
// The callback stores the value and posts a wake of the coroutine's timer to the timer's
// executor (cluster/timer_wake.h), so the timer is only ever touched on its executor. The
// coroutine waits until the value is there; a wake before the wait is not lost.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cluster/timer_wake.h"

namespace fjord::group {

template<typename T>
class reply_slot {
public:
    explicit reply_slot(boost::asio::any_io_executor ex)
        : timer_(std::make_shared<boost::asio::steady_timer>(std::move(ex),
                                                             boost::asio::steady_timer::time_point::max())) {}

    // The callback to give the producer: call it once with the value.
    auto setter() {
        return [state = state_, timer = timer_](T v) {
            {
                std::lock_guard l(state->mu);
                state->value = std::move(v);
            }
            boost::asio::post(timer->get_executor(), [timer] { cluster::wake_timer(timer); });
        };
    }

    // Completes once the setter has been called.
    boost::asio::awaitable<T> wait() {
        for (;;) {
            {
                std::lock_guard l(state_->mu);
                if (state_->value) {
                    co_return std::move(*state_->value);
                }
            }
            co_await timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        }
    }

private:
    struct state {
        std::mutex mu;
        std::optional<T> value;
    };
    std::shared_ptr<state> state_ = std::make_shared<state>();
    std::shared_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace fjord::group
