// Raft wire messages, as plain values. The transport may drop, delay, duplicate or reorder
// any of them; every handler in node.cc must be safe under all of those.
//
// Invariant: every message carries the sender's current term in `term` (pre-vote requests
// carry the term the candidate would move to, without having moved).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "raft/types.h"

namespace fjord::raft {

struct vote_request {
    index last_index = no_index;
    fjord::term last_term = no_term;
    bool pre_vote = false;
    bool transfer = false;  // sent after TimeoutNow: voters ignore leader stickiness
};

struct vote_response {
    bool granted = false;
    bool pre_vote = false;
};

struct append_request {
    index prev_index = no_index;
    fjord::term prev_term = no_term;
    std::vector<entry> entries;
    index leader_commit = no_index;
};

// success: `match` is the highest index the follower holds durably and knows equal to the
// leader's log. failure: the hints let the leader skip a whole term per round trip.
struct append_response {
    bool success = false;
    index match = no_index;
    index conflict_index = no_index;    // first index of conflict_term, or last_index+1
    fjord::term conflict_term = no_term; // no_term: the follower's log was too short
};

struct timeout_now {};

// Sent instead of AppendEntries when the follower needs entries below the leader's start
// index (deleted by retention). Everything before `start` is committed; the follower
// discards its log and continues at `start`. Answered with an append_response.
struct install_start {
    index start{0};
    fjord::term prev_term = no_term;  // term of the entry at start-1
    index leader_commit = no_index;
    std::string config;  // membership::encode() of the configuration in effect at start-1
};

using message_body =
    std::variant<vote_request, vote_response, append_request, append_response, timeout_now, install_start>;

struct message {
    node_id from{};
    node_id to{};
    fjord::term term{};
    message_body body;
};

}  // namespace fjord::raft
