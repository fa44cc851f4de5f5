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
    log_failed,              // the log refused an append
    not_committed,           // prefix deletion past the commit index
};

const std::error_category& raft_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), raft_category()}; }

}  // namespace fjord::raft

template<>
struct std::is_error_code_enum<fjord::raft::errc> : std::true_type {};
