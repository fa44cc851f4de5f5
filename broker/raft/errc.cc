// The error category of raft::errc.
#include "raft/errc.h"

#include <string>

namespace fjord::raft {
namespace {
class raft_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "fjord.raft"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
            case errc::success: return "success";
            case errc::not_leader: return "not the leader";
            case errc::transfer_in_progress: return "leadership transfer in progress";
            case errc::not_a_voter: return "not a voter";
            case errc::persist_failed: return "term/vote could not be persisted";
            case errc::log_failed: return "log append or fsync failed";
            case errc::not_committed: return "entries are not committed";
            case errc::config_change_in_progress: return "a configuration change is not committed yet";
            case errc::not_ready: return "leader has not committed an entry of its term yet";
            case errc::not_caught_up: return "learner has not caught up with the leader";
            case errc::not_a_learner: return "not a learner";
            case errc::already_member: return "already a member";
            case errc::not_a_member: return "not a member";
            case errc::last_voter: return "cannot remove the last voter";
        }
        return "unknown raft error";
    }
};
}  // namespace

const std::error_category& raft_category() noexcept {
    static const raft_category_impl instance;
    return instance;
}

}  // namespace fjord::raft
