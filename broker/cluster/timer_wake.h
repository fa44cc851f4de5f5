// timer_wake: how cluster/ wakes a coroutine parked on a steady_timer from another thread
// (Fetch long polls, acks=all durability waits).
//
// Post wake_timer(t) to the timer's own executor: it expires the timer now, so a pending
// async_wait completes and one started later completes at once (the order of the wake and
// the wait does not matter).
#pragma once

#include <memory>

#include <boost/asio/steady_timer.hpp>

namespace fjord::cluster {

inline void wake_timer(const std::shared_ptr<boost::asio::steady_timer>& timer) {
    timer->expires_at(boost::asio::steady_timer::time_point::min());
}

}  // namespace fjord::cluster
