// raft::node: one member of one raft group, as a single-threaded state machine.
//
// Owns: role (follower / pre-candidate / candidate / leader), the in-memory commit index,
// leader-side progress per follower, and the timers. Driven only by step() (a message
// arrived), tick() (time passed; reads the clock), on_log_durable() (the log's
// durable_index moved), on_log_failed() (a log fsync failed: the node fences itself until
// restarted) and the client calls propose() / transfer_leadership() and the
// one-server membership changes (add_learner / promote_learner / add_voter / remove_member).
// Not thread-safe: one thread drives a node.
//
// Invariants (checked by tests/sim after every event):
//  - at most one leader per term (votes are persisted before they are sent);
//  - commit_index() never decreases during a node's lifetime and only ever covers entries
//    replicated durably on a majority, counted for entries of the current term only;
//  - a follower acknowledges only entries that are durable in its log;
//  - is_ready() is true only on a leader whose own-term no-op has committed.
//  - at most one configuration entry above the commit index (a config takes effect when
//    appended); only voters of the node's configuration count, vote or campaign.
// Lifetime: log, transport, state_store, clock and random_source must outlive the node.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "raft/config.h"
#include "raft/interfaces.h"
#include "raft/progress.h"

namespace fjord::raft {

enum class role { follower, pre_candidate, candidate, leader };

class node {
public:
    node(config cfg, log& lg, transport& tr, state_store& st, const fjord::clock& clk, random_source& rnd);

    void step(const message& m);
    void tick();
    void on_log_durable();
    // The log reported a failed fsync (EIO/ENOSPC). Its unsynced suffix is now unknown
    // (fsyncgate: a later fsync may "succeed" without the lost pages), so the node fences
    // itself for the rest of its lifetime: a leader steps down, and from then on the node
    // ignores every message, timer and fsync completion, refuses proposals, membership
    // changes and retention (errc::log_failed), and sends nothing. It never counts or
    // acknowledges anything beyond what was durable before the failure. The driver must
    // restart it (a new node over the reopened log), which recovers only durable entries.
    void on_log_failed();
    bool log_failed() const { return log_failed_; }

    // Appends a client entry. Returns its index; it is acknowledged (acks=all) once
    // is_ready() && commit_index() >= index while this node is still leader of the same term.
    result<index> propose(std::string payload);
    // Starts a leadership transfer to `target` (TimeoutNow once it is caught up).
    result<void> transfer_leadership(node_id target);
    // Retention: deletes the log below new_start. Only committed entries may go:
    // REQUIRES new_start <= commit_index()+1, else errc::not_committed.
    // The configuration entry of the highest index in the log (index entry_kind::config) is
    // the one in effect. Never deletes the membership knowledge: the configuration in effect
    // at new_start-1 is recorded in the log (log::delete_prefix's base_config).
    result<void> delete_prefix(index new_start);

    // Membership changes, one server at a time (Raft thesis §4.1). Leader only, once ready;
    // each appends a configuration entry (effective at once) and returns its index;
    // errc::config_change_in_progress while an earlier configuration entry is uncommitted.
    result<index> add_learner(node_id n);
    result<index> add_voter(node_id n);         // a learner: promote_learner; else a new voter
    result<index> promote_learner(node_id n);   // errc::not_caught_up unless match >= last - promote_max_lag
    result<index> remove_member(node_id n);     // voter or learner; a removed leader steps down once committed

    const membership& configuration() const { return configs_.empty() ? base_ : configs_.rbegin()->second; }
    // Index of the configuration entry in effect (start_index()-1 for the base configuration).
    index configuration_index() const { return configs_.empty() ? log_.start_index() - 1 : configs_.rbegin()->first; }
    // Every configuration entry still in the log, by index (for checkers).
    const std::map<index, membership>& configuration_entries() const { return configs_; }

    role current_role() const { return role_; }
    bool is_leader() const { return role_ == role::leader; }
    bool is_ready() const;
    fjord::term current_term() const { return hs_.current_term; }
    std::optional<node_id> leader() const { return leader_; }
    index commit_index() const { return commit_; }
    node_id id() const { return cfg_.self; }
    const config& cfg() const { return cfg_; }

private:
    using ns = std::chrono::nanoseconds;

    // role changes
    // False (and nothing changed) if a newer term could not be persisted.
    [[nodiscard]] bool become_follower(fjord::term t, std::optional<node_id> leader);
    void become_pre_candidate();
    void become_candidate(bool transfer);
    void become_leader();
    void start_election_timer();

    // handlers
    void on_vote_request(const message& m, const vote_request& r);
    void on_vote_response(const message& m, const vote_response& r);
    void on_append_request(const message& m, const append_request& r);
    void on_append_response(const message& m, const append_response& r);
    void on_timeout_now(const message& m);
    void on_install_start(const message& m, const install_start& r);
    // Shared by append_request / install_start: the message comes from the term's leader.
    bool accept_leader(const message& m);

    // leader helpers
    void send_append(node_id peer, bool heartbeat);
    void replicate_all(bool heartbeat);
    void maybe_commit();
    void maybe_send_timeout_now();
    index own_match() const;

    // follower helpers
    void send_ack();
    index follower_match() const;

    bool persist();
    bool log_up_to_date(index last_index, fjord::term last_term) const;
    std::size_t majority() const { return configuration().voters.size() / 2 + 1; }
    bool self_voter() const { return configuration().is_voter(cfg_.self); }
    membership config_at(index i) const;
    void reload_config();                       // from the log (construction, reset)
    void note_appended(index first, const std::vector<entry>& es);
    void note_truncated(index from);
    void sync_progress();                       // leader: one progress per member but self
    result<index> propose_config(membership next);
    // A non-member `n` joins `role` (voters or learners) through one configuration entry.
    result<index> add_member(node_id n, std::vector<node_id> membership::*role);
    result<void> change_allowed() const;
    void send(node_id to, message_body body);
    bool has_bug(bug b) const { return cfg_.injected_bug == b; }

    config cfg_;
    log& log_;
    transport& transport_;
    state_store& store_;
    const fjord::clock& clock_;
    random_source& random_;

    hard_state hs_;
    bool hs_dirty_ = false;  // only with bug::vote_before_persist
    bool log_failed_ = false;  // on_log_failed(): fenced until restarted
    role role_ = role::follower;
    std::optional<node_id> leader_;
    index commit_ = no_index;
    ns election_deadline_{0};
    ns last_leader_contact_{-1};
    std::set<node_id> votes_;

    membership base_;                        // in effect at start_index()-1 (or bootstrap)
    std::map<index, membership> configs_;    // configuration entries in the log

    // follower: highest index known equal to the current leader's log (this term).
    index verified_end_ = no_index;

    // leader
    std::map<node_id, progress> progress_;
    index noop_index_ = no_index;
    ns heartbeat_deadline_{0};
    ns check_quorum_deadline_{0};
    std::optional<node_id> transfer_target_;
    ns transfer_deadline_{0};
};

}  // namespace fjord::raft
