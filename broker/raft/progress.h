// Leader-side replication progress of one follower: what it has acknowledged (match),
// what to send next (next), and how many AppendEntries are unacknowledged (flow control).
//
// Invariant: match < next. next may run ahead of what the follower holds (pipelining);
// a rejection or a stalled window rewinds it to match+1 or to the follower's hint.
#pragma once

#include <chrono>
#include <cstddef>

#include "raft/types.h"

namespace fjord::raft {

struct progress {
    index match = no_index;
    index next{0};
    std::size_t inflight = 0;
    std::chrono::nanoseconds last_heard{0};

    void rewind_to(index i) {
        next = i <= match ? match + 1 : i;
        inflight = 0;
    }
};

}  // namespace fjord::raft
