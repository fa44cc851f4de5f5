// The invariant checker of testing.md E3. The world calls it on every append, save, vote
// and after every event; the first violation is recorded and the run stops.
//
// Global knowledge it keeps: term -> leader (Election Safety), (index, term) -> prefix hash
// (Log Matching), index -> committed prefix hash (State Machine Safety, Leader
// Completeness), (voter, term) -> candidate (one vote per term), acked entries.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "raft/node.h"
#include "sim/disk.h"

namespace fjord::sim {

struct acked_entry {
    int64_t index;
    fjord::term term;
    std::string payload;
};

class checker {
public:
    // The §5.4.2 commit-rule check looks inside the algorithm; scripted scenarios turn it
    // off to prove the black-box invariants catch the same bug.
    void set_check_commit_rule(bool on) { check_commit_rule_ = on; }

    bool failed() const { return failure_.has_value(); }
    const std::string& failure() const { return *failure_; }
    void fail(std::string why) {
        if (!failure_) {
            failure_ = std::move(why);
        }
    }

    // A node appended the entry at `index` of `d`. Data payloads must be decimal values below
    // next_value (UINT64_MAX: scripted scenarios, payloads not checked).
    void on_append(int node, const disk& d, int64_t index, uint64_t next_value);
    // A node persisted its hard state (prev is what was durable before).
    void on_save(int node, const raft::hard_state& prev, const raft::hard_state& next);
    // A message (not pre-vote) leaves `node` in term `t`; `durable` is its persisted hard
    // state. Persistence: the term, and for a granted vote the vote, are durable first;
    // one vote per term across restarts.
    void on_send(int node, fjord::term t, const raft::hard_state& durable, bool vote_granted, int to);
    // After every event, for each live node.
    void check_node(int node, const raft::node& n, const disk& d, uint64_t incarnation);
    // A client ack: the entry must be durable on a majority of the acking leader's voters.
    void on_ack(const acked_entry& a, const std::vector<disk>& disks, const std::vector<node_id>& voters);
    // End of the liveness phase: every acked entry is in every node's committed prefix
    // (nodes[k] == nullptr: node k+1 is not a member, skipped).
    void check_final(const std::vector<const raft::node*>& nodes, const std::vector<disk>& disks);

    std::size_t acked_count() const { return acked_.size(); }
    // The prefix hash of committed index i (0 for i < 0); nullopt if i never committed.
    std::optional<uint64_t> committed_hash(int64_t i) const {
        if (i < 0) {
            return 0;
        }
        if (i < static_cast<int64_t>(committed_.size())) {
            return committed_[static_cast<std::size_t>(i)];
        }
        return std::nullopt;
    }
    int64_t max_committed() const { return static_cast<int64_t>(committed_.size()) - 1; }

private:
    std::optional<std::string> failure_;
    bool check_commit_rule_ = true;
    std::map<int32_t, int> leader_of_term_;
    std::map<std::pair<int64_t, int32_t>, uint64_t> matching_;
    std::vector<uint64_t> committed_;       // index -> prefix hash
    std::vector<int32_t> committed_term_;   // index -> term in which it was first seen committed
    std::map<std::pair<int, int32_t>, int> votes_;
    struct seen {
        uint64_t incarnation = 0;
        int64_t commit = -1;
        int32_t leader_term = -1;  // last term in which completeness was checked
    };
    std::map<int, seen> seen_;
    std::vector<acked_entry> acked_;
};

}  // namespace fjord::sim
