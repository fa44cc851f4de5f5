// Per-node raft configuration.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "base/ids.h"
#include "raft/bug.h"

namespace fjord::raft {

struct config {
    node_id self{};
    std::vector<node_id> voters;  // includes self
    std::chrono::milliseconds election_timeout{150};   // randomised in [t, 2t)
    std::chrono::milliseconds heartbeat_interval{50};
    std::size_t max_batch_entries = 64;   // entries per AppendEntries
    std::size_t max_inflight = 4;         // AppendEntries in flight per follower (pipelining)
    bool pre_vote = true;
    bool check_quorum = true;
    bug injected_bug = bug::none;  // test-only; see bug.h
};

}  // namespace fjord::raft
