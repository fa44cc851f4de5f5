// Per-node raft configuration.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/ids.h"
#include "raft/bug.h"

namespace fjord::raft {

struct config {
    node_id self{};
    // Bootstrap configuration, used until the log holds a configuration entry (or a base
    // configuration recorded by retention / install_start). self need not be a member: a
    // spare node waits until a leader adds it.
    std::vector<node_id> voters;
    std::vector<node_id> learners;
    // Promotion rule: a learner becomes a voter only if its acknowledged match is within
    // this many entries of the leader's last index (errc::not_caught_up otherwise).
    int64_t promote_max_lag = 16;
    std::chrono::milliseconds election_timeout{150};   // randomised in [t, 2t)
    std::chrono::milliseconds heartbeat_interval{50};
    std::size_t max_batch_entries = 64;   // entries per AppendEntries
    std::size_t max_inflight = 4;         // AppendEntries in flight per follower (pipelining)
    bool pre_vote = true;
    bool check_quorum = true;
    bug injected_bug = bug::none;  // test-only; see bug.h
};

}  // namespace fjord::raft
