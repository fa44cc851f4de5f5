// raft::errc: the expected failures of the raft module, as values (style habit 5).
#pragma once

#include <system_error>

namespace fjord::raft {

enum class errc : int {
    success = 0,
    not_leader,              // propose/transfer on a node that is not the leader
    transfer_in_progress,    // a leadership transfer is running; proposals wait
    not_a_voter,             // transfer target is not a voter of this group
    persist_failed,          // the state_store could not make term/vote durable
    log_failed,              // the log refused an append, or a log fsync failed (node fenced)
    not_committed,           // prefix deletion past the commit index
    config_change_in_progress, // a configuration entry is not committed yet (one at a time)
    not_ready,               // the leader's own-term no-op has not committed yet
    not_caught_up,           // learner too far behind the leader to be promoted
    not_a_learner,           // promote of a node that is not a learner
    already_member,          // add of a node that is already a voter/learner
    not_a_member,            // remove of a node that is not in the configuration
    last_voter,              // removing the only voter
};

const std::error_category& raft_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), raft_category()}; }

}  // namespace fjord::raft

template<>
struct std::is_error_code_enum<fjord::raft::errc> : std::true_type {};
