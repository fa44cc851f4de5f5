// raft::bug: test-only fault switches. Each value breaks the algorithm in exactly one place
// so that the simulator's checker can prove it notices (testing.md E3, checker self-test).
// Production configs always use bug::none.
#pragma once

#include <array>
#include <string_view>

namespace fjord::raft {

enum class bug {
    none,
    vote_before_persist,              // grant a vote without persisting it first
    commit_previous_term_by_counting, // commit an older-term entry by replica count (Raft Fig. 8)
    skip_prev_log_term_check,         // follower accepts appends without checking prevLogTerm
    ack_before_fsync,                 // follower acks, and leader counts itself, before fsync
    serve_before_own_term_commit,     // new leader reports ready before its no-op commits
    truncate_committed_on_conflict,   // on a conflict, follower truncates from its commit index
    allow_two_uncommitted_config_changes, // leader accepts a config change while one is uncommitted
    ignore_log_fsync_failure,         // on_log_failed() is ignored: the node trusts later fsyncs
};

inline constexpr std::array all_bugs{
    bug::vote_before_persist,          bug::commit_previous_term_by_counting,
    bug::skip_prev_log_term_check,     bug::ack_before_fsync,
    bug::serve_before_own_term_commit, bug::truncate_committed_on_conflict,
    bug::allow_two_uncommitted_config_changes, bug::ignore_log_fsync_failure,
};

constexpr std::string_view to_string(bug b) {
    switch (b) {
        case bug::none: return "none";
        case bug::vote_before_persist: return "vote_before_persist";
        case bug::commit_previous_term_by_counting: return "commit_previous_term_by_counting";
        case bug::skip_prev_log_term_check: return "skip_prev_log_term_check";
        case bug::ack_before_fsync: return "ack_before_fsync";
        case bug::serve_before_own_term_commit: return "serve_before_own_term_commit";
        case bug::truncate_committed_on_conflict: return "truncate_committed_on_conflict";
        case bug::allow_two_uncommitted_config_changes: return "allow_two_uncommitted_config_changes";
        case bug::ignore_log_fsync_failure: return "ignore_log_fsync_failure";
    }
    return "?";
}

}  // namespace fjord::raft
