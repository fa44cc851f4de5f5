// Invariant checks; see checker.h and testing.md E3.
#include "sim/checker.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace fjord::sim {
namespace {
// Clients propose the decimal values 0, 1, ... next_value-1.
bool is_proposed_value(const std::string& payload, uint64_t next_value) {
    uint64_t v = 0;
    const char* end = payload.data() + payload.size();
    const auto [p, ec] = std::from_chars(payload.data(), end, v);
    return ec == std::errc{} && p == end && v < next_value;
}
}  // namespace

void checker::on_append(int node, const disk& d, int64_t index, uint64_t next_value) {
    const auto& e = d.at(index);
    // No invented entries: a no-op, or a value some client proposed.
    if (e.kind == raft::entry_kind::data) {
        if (next_value != UINT64_MAX && !is_proposed_value(e.payload, next_value)) {
            fail(fmt::format("no invented entries: node {} appended unknown value {} at {}", node, e.payload, index));
        }
    } else if (e.kind == raft::entry_kind::config) {
        if (!raft::membership::decode(e.payload)) {
            fail(fmt::format("no invented entries: node {} has a malformed configuration at {}", node, index));
        }
    } else if (!e.payload.empty()) {
        fail(fmt::format("no invented entries: node {} no-op with payload at {}", node, index));
    }
    // Log Matching: equal (index, term) => equal prefix.
    const uint64_t h = d.hash_at(index);
    auto [it, inserted] = matching_.try_emplace({index, e.term.value()}, h);
    if (!inserted && it->second != h) {
        fail(fmt::format("log matching: node {} has a different prefix at index {} term {}", node, index, e.term));
    }
}

void checker::on_save(int node, const raft::hard_state& prev, const raft::hard_state& next) {
    if (next.current_term < prev.current_term) {
        fail(fmt::format("persistence: node {} term went back {} -> {}", node, prev.current_term, next.current_term));
    }
}

void checker::on_send(int voter, fjord::term t, const raft::hard_state& durable, bool vote_granted, int candidate) {
    if (durable.current_term < t) {
        fail(fmt::format("persistence: node {} sent a term {} message with term {} durable", voter, t,
                         durable.current_term));
        return;
    }
    if (!vote_granted) {
        return;
    }
    if (durable.current_term != t || durable.voted_for != node_id{candidate}) {
        fail(fmt::format("persistence: node {} granted its term {} vote to {} before persisting it", voter, t,
                         candidate));
        return;
    }
    auto [it, inserted] = votes_.try_emplace({voter, t.value()}, candidate);
    if (!inserted && it->second != candidate) {
        fail(fmt::format("persistence: node {} voted for both {} and {} in term {}", voter, it->second, candidate, t));
    }
}

void checker::check_node(int id, const raft::node& n, const disk& d, uint64_t incarnation) {
    seen& s = seen_[id];
    if (s.incarnation != incarnation) {
        s = seen{incarnation, -1, -1};
    }
    const int32_t t = n.current_term().value();
    if (n.is_leader()) {
        // Election Safety.
        auto [it, inserted] = leader_of_term_.try_emplace(t, id);
        if (!inserted && it->second != id) {
            fail(fmt::format("election safety: nodes {} and {} both lead term {}", it->second, id, t));
            return;
        }
        // Election safety per configuration: only a voter of its configuration gets elected
        // (a leader removed by an uncommitted entry still leads until it commits).
        if (inserted && !n.configuration().is_voter(node_id{id})) {
            fail(fmt::format("election safety: node {} leads term {} but is not a voter of {}", id, t,
                             n.configuration().encode()));
            return;
        }
        // Leader Completeness, once per term: every entry committed in a term < t is here.
        // (A leader of an older term may be elected after a newer term committed more.)
        if (s.leader_term != t) {
            s.leader_term = t;
            int64_t c = max_committed();
            while (c >= 0 && committed_term_[static_cast<std::size_t>(c)] >= t) {
                --c;
            }
            c = std::max(c, d.start - 1);  // below its start index everything was committed
            if (c >= 0 && (d.last() < c || d.hash_at(c) != committed_[static_cast<std::size_t>(c)])) {
                fail(fmt::format("leader completeness: leader {} of term {} lacks committed index {}", id, t, c));
                return;
            }
        }
    }
    const int64_t commit = n.commit_index().value();
    // Raft §5.4.2: a leader moves its commit index only onto an entry of its own term.
    if (check_commit_rule_ && n.is_leader() && commit > s.commit && commit >= d.start && commit <= d.last() &&
        d.at(commit).term != n.current_term()) {
        fail(fmt::format("commit rule: leader {} of term {} committed index {} of term {} by counting", id, t, commit,
                         d.at(commit).term));
        return;
    }
    if (commit < s.commit) {
        fail(fmt::format("monotonic commit: node {} commit {} -> {}", id, s.commit, commit));
        return;
    }
    if (commit > d.last()) {
        fail(fmt::format("committed entry lost: node {} commit {} beyond its last index {}", id, commit, d.last()));
        return;
    }
    // State Machine Safety: every node commits the same prefix.
    if (commit < d.start - 1) {
        fail(fmt::format("retention: node {} deleted up to {} past its commit {}", id, d.start - 1, commit));
        return;
    }
    for (int64_t i = std::max(s.commit + 1, d.start - 1); i <= commit; ++i) {
        if (i < 0) {
            continue;
        }
        const uint64_t h = d.hash_at(i);
        if (i < static_cast<int64_t>(committed_.size())) {
            if (committed_[static_cast<std::size_t>(i)] != h) {
                fail(fmt::format("state machine safety: node {} committed a different entry at {}", id, i));
                return;
            }
        } else {
            committed_.push_back(h);
            committed_term_.push_back(t);
        }
    }
    s.commit = commit;
    // At most one uncommitted configuration change: above the globally committed index,
    // every log holds at most one configuration entry.
    int uncommitted = 0;
    const auto& cfgs = n.configuration_entries();
    for (auto it = cfgs.rbegin(); it != cfgs.rend() && it->first.value() > max_committed(); ++it) {
        ++uncommitted;
    }
    if (uncommitted > 1) {
        fail(fmt::format("one config change at a time: node {} holds {} configuration entries above commit {}", id,
                         uncommitted, max_committed()));
        return;
    }
    // Leader readiness: a ready leader has committed an entry of its own term.
    if (n.is_ready() && (commit < 0 || d.term_at(commit) != n.current_term())) {
        fail(fmt::format("leader readiness: node {} serves in term {} before an own-term entry committed", id, t));
    }
}

void checker::on_ack(const acked_entry& a, const std::vector<disk>& disks, const std::vector<node_id>& voters) {
    std::size_t durable = 0;
    for (node_id v : voters) {
        const disk& d = disks[static_cast<std::size_t>(v.value() - 1)];
        if (a.index < d.start) {
            ++durable;  // below the start index: committed and deleted by retention
        } else if (d.durable >= a.index && d.holds(a.index)) {
            const auto& e = d.at(a.index);
            if (e.term == a.term && e.payload == a.payload) {
                ++durable;
            }
        }
    }
    if (durable < voters.size() / 2 + 1) {
        fail(fmt::format("acked => durable: value {} at {} is fsynced on only {} of {} voters", a.payload, a.index,
                         durable, voters.size()));
    }
    acked_.push_back(a);
}

void checker::check_final(const std::vector<const raft::node*>& nodes, const std::vector<disk>& disks) {
    // Logs converge: every node's committed prefix equals the global one.
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        if (!nodes[k]) {
            continue;
        }
        const int64_t c = nodes[k]->commit_index().value();
        if (c >= 0 && (c >= static_cast<int64_t>(committed_.size()) ||
                       disks[k].hash_at(c) != committed_[static_cast<std::size_t>(c)])) {
            fail(fmt::format("convergence: node {} committed prefix up to {} differs", k + 1, c));
            return;
        }
    }
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        if (!nodes[k]) {
            continue;
        }
        for (const auto& a : acked_) {
            const disk& d = disks[k];
            if (a.index < d.start) {
                continue;  // deleted by retention; the convergence check covers the prefix
            }
            if (nodes[k]->commit_index().value() < a.index || d.last() < a.index || d.at(a.index).payload != a.payload) {
                fail(fmt::format("acked entry lost: value {} (term {}) at {} not committed on node {} (commit {}, "
                                 "last {}, there: {})",
                                 a.payload, a.term, a.index, k + 1, nodes[k]->commit_index(), d.last(),
                                 d.holds(a.index) ? d.at(a.index).payload : "-"));
                return;
            }
        }
    }
}

}  // namespace fjord::sim
