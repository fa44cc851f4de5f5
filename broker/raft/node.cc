// raft::node: elections (pre-vote, check-quorum, TimeoutNow), replication (batching,
// pipelining, fast backtracking) and commit. See node.h for the invariants.
#include "raft/node.h"

#include <algorithm>
#include <vector>

#include "base/assert.h"
#include "raft/errc.h"

namespace fjord::raft {

node::node(config cfg, log& lg, transport& tr, state_store& st, const fjord::clock& clk, random_source& rnd)
    : cfg_(std::move(cfg)), log_(lg), transport_(tr), store_(st), clock_(clk), random_(rnd), hs_(store_.load()) {
    commit_ = log_.start_index() - 1;
    reload_config();
    start_election_timer();
}

// ---------------------------------------------------------------------------------------
// timers

void node::start_election_timer() {
    const auto base = std::chrono::duration_cast<ns>(cfg_.election_timeout);
    const auto jitter = ns(static_cast<int64_t>(random_.next_u64() % static_cast<uint64_t>(base.count())));
    election_deadline_ = clock_.monotonic() + base + jitter;
}

void node::tick() {
    if (log_failed_) {
        return;  // fenced: no heartbeats, no elections
    }
    const ns now = clock_.monotonic();
    if (hs_dirty_) {
        // bug::vote_before_persist: the vote reaches the disk only a tick later.
        persist();
    }
    if (role_ == role::leader) {
        if (now >= heartbeat_deadline_) {
            heartbeat_deadline_ = now + cfg_.heartbeat_interval;
            replicate_all(true);
        }
        if (transfer_target_ && now >= transfer_deadline_) {
            transfer_target_.reset();
        }
        if (cfg_.check_quorum && now >= check_quorum_deadline_) {
            const auto window = std::chrono::duration_cast<ns>(cfg_.election_timeout);
            const membership& c = configuration();
            std::size_t heard = self_voter() ? 1 : 0;
            for (auto& [peer, p] : progress_) {
                if (c.is_voter(peer) && now - p.last_heard <= window) {
                    ++heard;
                }
            }
            check_quorum_deadline_ = now + window;
            if (heard < majority()) {
                (void)become_follower(hs_.current_term, std::nullopt);
            }
        }
        return;
    }
    if (now >= election_deadline_) {
        if (!self_voter()) {
            start_election_timer();  // learners and non-members never start elections
            return;
        }
        if (cfg_.pre_vote) {
            become_pre_candidate();
        } else {
            become_candidate(false);
        }
    }
}

// ---------------------------------------------------------------------------------------
// role changes

bool node::become_follower(fjord::term t, std::optional<node_id> leader) {
    if (t > hs_.current_term) {
        const hard_state old = hs_;
        hs_.current_term = t;
        hs_.voted_for.reset();
        if (!persist()) {
            hs_ = old;  // the new term is not durable: act as if the message never came
            return false;
        }
        verified_end_ = no_index;
    }
    role_ = role::follower;
    if (leader != leader_) {
        verified_end_ = no_index;
    }
    leader_ = leader;
    progress_.clear();
    transfer_target_.reset();
    votes_.clear();
    start_election_timer();
    return true;
}

void node::become_pre_candidate() {
    role_ = role::pre_candidate;
    leader_.reset();
    votes_ = {cfg_.self};
    start_election_timer();
    if (votes_.size() >= majority()) {
        become_candidate(false);
        return;
    }
    for (node_id v : configuration().voters) {
        if (v != cfg_.self) {
            message m{cfg_.self, v, hs_.current_term + 1,
                      vote_request{log_.last_index(), log_.last_term(), true, false}};
            transport_.send(std::move(m));
        }
    }
}

void node::become_candidate(bool transfer) {
    const hard_state old = hs_;
    hs_.current_term = hs_.current_term + 1;
    hs_.voted_for = cfg_.self;
    if (!persist()) {
        hs_ = old;  // retry at the next election timeout
        start_election_timer();
        return;
    }
    role_ = role::candidate;
    leader_.reset();
    verified_end_ = no_index;
    votes_ = {cfg_.self};
    start_election_timer();
    if (votes_.size() >= majority()) {
        become_leader();
        return;
    }
    for (node_id v : configuration().voters) {
        if (v != cfg_.self) {
            send(v, vote_request{log_.last_index(), log_.last_term(), false, transfer});
        }
    }
}

void node::become_leader() {
    role_ = role::leader;
    leader_ = cfg_.self;
    votes_.clear();
    progress_.clear();
    const ns now = clock_.monotonic();
    sync_progress();
    // A new leader appends a no-op of its own term: it cannot commit (or serve) anything
    // until an entry of its own term commits.
    std::vector<entry> noop{entry{hs_.current_term, entry_kind::noop, {}}};
    if (!log_.append(noop)) {
        (void)become_follower(hs_.current_term, std::nullopt);
        return;
    }
    note_appended(log_.last_index(), noop);
    noop_index_ = log_.last_index();
    heartbeat_deadline_ = now + cfg_.heartbeat_interval;
    check_quorum_deadline_ = now + std::chrono::duration_cast<ns>(cfg_.election_timeout);
    replicate_all(false);
    maybe_commit();
}

bool node::is_ready() const {
    if (role_ != role::leader) {
        return false;
    }
    if (has_bug(bug::serve_before_own_term_commit)) {
        return true;
    }
    return noop_index_ != no_index && commit_ >= noop_index_;
}

// ---------------------------------------------------------------------------------------
// persistence

bool node::persist() {
    if (!store_.save(hs_)) {
        return false;
    }
    hs_dirty_ = false;
    return true;
}

bool node::log_up_to_date(index last_index, fjord::term last_term) const {
    const fjord::term my_last_term = log_.last_term();
    if (last_term != my_last_term) {
        return last_term > my_last_term;
    }
    return last_index >= log_.last_index();
}

void node::send(node_id to, message_body body) {
    transport_.send(message{cfg_.self, to, hs_.current_term, std::move(body)});
}

// ---------------------------------------------------------------------------------------
// step

void node::step(const message& m) {
    if (m.to != cfg_.self || log_failed_) {
        return;  // fenced after a log fsync failure: no votes, no acks, no term changes
    }
    const auto* vreq = std::get_if<vote_request>(&m.body);
    const auto* vresp = std::get_if<vote_response>(&m.body);
    const bool pre_vote_msg = (vreq && vreq->pre_vote) || (vresp && vresp->pre_vote);

    if (m.term > hs_.current_term && !pre_vote_msg) {
        if (vreq && cfg_.check_quorum && !vreq->transfer && leader_ &&
            clock_.monotonic() - last_leader_contact_ < std::chrono::duration_cast<ns>(cfg_.election_timeout)) {
            // Leader stickiness: we heard from a live leader recently; a disruptive
            // candidate must not bump our term.
            return;
        }
        const bool from_leader = std::holds_alternative<append_request>(m.body) ||
                                 std::holds_alternative<install_start>(m.body) ||
                                 std::holds_alternative<timeout_now>(m.body);
        if (!become_follower(m.term, from_leader ? std::optional<node_id>(m.from) : std::nullopt)) {
            return;  // could not persist the newer term; drop the message
        }
    }

    std::visit(
        [&](const auto& b) {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, vote_request>) {
                on_vote_request(m, b);
            } else if constexpr (std::is_same_v<T, vote_response>) {
                on_vote_response(m, b);
            } else if constexpr (std::is_same_v<T, append_request>) {
                on_append_request(m, b);
            } else if constexpr (std::is_same_v<T, append_response>) {
                on_append_response(m, b);
            } else if constexpr (std::is_same_v<T, install_start>) {
                on_install_start(m, b);
            } else {
                on_timeout_now(m);
            }
        },
        m.body);
}

void node::on_vote_request(const message& m, const vote_request& r) {
    if (r.pre_vote) {
        const bool leader_alive =
            leader_ && (role_ == role::leader ||
                        clock_.monotonic() - last_leader_contact_ <
                            std::chrono::duration_cast<ns>(cfg_.election_timeout));
        const bool grant = m.term > hs_.current_term && !leader_alive && log_up_to_date(r.last_index, r.last_term);
        // A granted pre-vote echoes the proposed term; a refusal carries ours.
        transport_.send(message{cfg_.self, m.from, grant ? m.term : hs_.current_term, vote_response{grant, true}});
        return;
    }
    bool grant = false;
    if (m.term == hs_.current_term && (!hs_.voted_for || *hs_.voted_for == m.from) &&
        log_up_to_date(r.last_index, r.last_term)) {
        hs_.voted_for = m.from;
        if (has_bug(bug::vote_before_persist)) {
            hs_dirty_ = true;  // BUG: reply before the vote is durable
            grant = true;
        } else {
            grant = persist();
        }
        if (grant) {
            start_election_timer();
        }
    }
    send(m.from, vote_response{grant, false});
}

void node::on_vote_response(const message& m, const vote_response& r) {
    if (r.pre_vote) {
        if (role_ != role::pre_candidate) {
            return;
        }
        if (!r.granted) {
            if (m.term > hs_.current_term) {
                (void)become_follower(m.term, std::nullopt);
            }
            return;
        }
        if (m.term != hs_.current_term + 1 || !configuration().is_voter(m.from)) {
            return;  // a stale pre-vote round, or not a voter of our configuration
        }
        votes_.insert(m.from);
        if (votes_.size() >= majority()) {
            become_candidate(false);
        }
        return;
    }
    if (role_ != role::candidate || m.term != hs_.current_term || !r.granted || !configuration().is_voter(m.from)) {
        return;
    }
    votes_.insert(m.from);
    if (votes_.size() >= majority()) {
        become_leader();
    }
}

// ---------------------------------------------------------------------------------------
// follower side of replication

index node::follower_match() const {
    if (has_bug(bug::ack_before_fsync)) {
        return verified_end_;  // BUG: acknowledges entries that may still be in page cache
    }
    return std::min(verified_end_, log_.durable_index());
}

void node::send_ack() {
    if (role_ != role::follower || !leader_) {
        return;
    }
    append_response resp;
    resp.success = true;
    resp.match = follower_match();
    send(*leader_, resp);
}

bool node::accept_leader(const message& m) {
    if (m.term < hs_.current_term) {
        // Tell a stale leader about the newer term.
        send(m.from, append_response{false, no_index, no_index, no_term});
        return false;
    }
    if (role_ == role::leader) {
        return false;  // two leaders in one term cannot happen without a bug; the checker reports it
    }
    if (role_ != role::follower || leader_ != m.from) {
        (void)become_follower(m.term, m.from);  // same term: nothing to persist
    }
    last_leader_contact_ = clock_.monotonic();
    start_election_timer();
    return true;
}

void node::on_install_start(const message& m, const install_start& r) {
    if (!accept_leader(m)) {
        return;
    }
    const index prev = r.start - 1;
    if (prev < log_.start_index() - 1) {
        // Our own retention went further: everything below our start is committed, and so
        // equal to the leader's log.
        verified_end_ = std::max(verified_end_, log_.start_index() - 1);
    } else if (log_.term_at(prev) == r.prev_term) {
        // We already hold the prefix up to start-1 (Log Matching): nothing to discard.
        verified_end_ = std::max(verified_end_, prev);
    } else {
        // Invariant: everything below r.start is committed, so nothing committed here is lost.
        FJORD_ASSERT(commit_ < r.start, "node {}: install at {} below commit {} with another term", cfg_.self,
                     r.start, commit_);
        log_.reset_to(r.start, r.prev_term, r.config);
        reload_config();
        verified_end_ = prev;
    }
    const index new_commit = std::min(r.leader_commit, verified_end_);
    if (new_commit > commit_) {
        commit_ = new_commit;
    }
    append_response resp;
    resp.success = true;
    resp.match = follower_match();
    send(m.from, resp);
}

void node::on_append_request(const message& m, const append_request& r) {
    if (!accept_leader(m)) {
        return;
    }

    append_response resp;
    const index last = log_.last_index();
    if (r.prev_index > last) {
        resp.conflict_index = last + 1;
        send(m.from, resp);
        return;
    }
    if (r.prev_index < log_.start_index() - 1) {
        // Already compacted below prev: everything up to start is committed, ask from there.
        resp.conflict_index = log_.start_index();
        send(m.from, resp);
        return;
    }
    const fjord::term local_prev_term = log_.term_at(r.prev_index).value_or(no_term);
    if (local_prev_term != r.prev_term && !has_bug(bug::skip_prev_log_term_check)) {
        // Hint: the first index of our conflicting term, so the leader skips the term at once.
        index first = r.prev_index;
        while (first - 1 >= log_.start_index() && log_.term_at(first - 1) == local_prev_term) {
            first = first - 1;
        }
        resp.conflict_term = local_prev_term;
        resp.conflict_index = first;
        if (has_bug(bug::truncate_committed_on_conflict) && commit_ >= log_.start_index()) {
            log_.truncate_suffix(std::min(first, commit_));  // BUG: removes committed entries
            note_truncated(std::min(first, commit_));
        }
        send(m.from, resp);
        return;
    }

    // Append what we do not have; truncate only from the first entry that conflicts.
    std::size_t k = 0;
    index i = r.prev_index + 1;
    for (; k < r.entries.size(); ++k, i = i + 1) {
        if (i > log_.last_index()) {
            break;
        }
        if (log_.term_at(i) != r.entries[k].term) {
            // Invariant: a committed entry never conflicts with the current leader's log.
            FJORD_ASSERT(i > commit_ || has_bug(bug::skip_prev_log_term_check),
                         "node {}: conflict at committed index {} (commit {})", cfg_.self, i, commit_);
            log_.truncate_suffix(i);
            note_truncated(i);
            break;
        }
    }
    if (k < r.entries.size()) {
        std::vector<entry> rest(r.entries.begin() + static_cast<std::ptrdiff_t>(k), r.entries.end());
        if (!log_.append(rest)) {
            send(m.from, append_response{false, no_index, log_.last_index() + 1, no_term});
            return;
        }
        note_appended(log_.last_index() - static_cast<int64_t>(rest.size()) + 1, rest);
    }
    const index end = r.prev_index + static_cast<int64_t>(r.entries.size());
    verified_end_ = std::max(verified_end_, end);
    const index new_commit = std::min(r.leader_commit, verified_end_);
    if (new_commit > commit_) {
        commit_ = new_commit;
    }
    resp.success = true;
    resp.match = follower_match();
    send(m.from, resp);
}

void node::on_log_durable() {
    if (log_failed_) {
        return;  // nothing the log reports after a failed fsync is trusted
    }
    if (role_ == role::leader) {
        maybe_commit();
    } else {
        send_ack();
    }
}

void node::on_log_failed() {
    if (log_failed_ || has_bug(bug::ignore_log_fsync_failure)) {
        return;  // (the bug: carries on, trusting the next fsync that "succeeds")
    }
    // Step down first (same term: nothing to persist), then fence. The commit index stays:
    // it only ever covered entries durable on a majority before the failure.
    if (role_ != role::follower || leader_) {
        (void)become_follower(hs_.current_term, std::nullopt);
    }
    log_failed_ = true;
    progress_.clear();
    votes_.clear();
    transfer_target_.reset();
}

void node::on_timeout_now(const message& m) {
    if (m.term != hs_.current_term || role_ == role::leader || !self_voter()) {
        return;
    }
    become_candidate(true);
}

// ---------------------------------------------------------------------------------------
// leader side of replication

void node::send_append(node_id peer, bool heartbeat) {
    auto it = progress_.find(peer);
    if (it == progress_.end()) {
        return;
    }
    progress& p = it->second;
    if (p.inflight >= cfg_.max_inflight) {
        if (!heartbeat) {
            return;  // window full: flow control
        }
        p.rewind_to(p.match + 1);  // a stalled window: resend from what is acknowledged
    }
    const index last = log_.last_index();
    if (p.next > last + 1) {
        p.next = last + 1;
    }
    if (p.next < log_.start_index()) {
        // The follower needs entries retention deleted: move it to our start index.
        install_start inst{log_.start_index(), log_.term_at(log_.start_index() - 1).value_or(no_term), commit_,
                           base_.encode()};
        p.next = log_.start_index();
        ++p.inflight;
        send(peer, inst);
        return;
    }
    // Invariant (progress.h): match < next.
    FJORD_ASSERT(p.match < p.next, "node {}: progress of {} has match {} >= next {}", cfg_.self, peer, p.match, p.next);
    if (p.next > last && !heartbeat) {
        return;
    }
    append_request req;
    req.prev_index = p.next - 1;
    req.prev_term = log_.term_at(req.prev_index).value_or(no_term);
    req.entries = log_.read(p.next, cfg_.max_batch_entries);
    req.leader_commit = commit_;
    p.next = p.next + static_cast<int64_t>(req.entries.size());
    ++p.inflight;
    send(peer, std::move(req));
}

void node::replicate_all(bool heartbeat) {
    for (auto& [peer, p] : progress_) {
        send_append(peer, heartbeat);
        if (!heartbeat) {
            // Pipelining: fill the window with consecutive batches.
            while (p.inflight < cfg_.max_inflight && p.next <= log_.last_index()) {
                send_append(peer, false);
            }
        }
    }
}

void node::on_append_response(const message& m, const append_response& r) {
    if (role_ != role::leader || m.term != hs_.current_term) {
        return;
    }
    auto it = progress_.find(m.from);
    if (it == progress_.end()) {
        return;
    }
    progress& p = it->second;
    p.last_heard = clock_.monotonic();
    if (r.success) {
        if (p.inflight > 0) {
            --p.inflight;
        }
        if (r.match > p.match) {
            p.match = r.match;
            if (p.next <= p.match) {
                p.next = p.match + 1;
            }
            maybe_commit();
            maybe_send_timeout_now();
        }
        if (role_ == role::leader) {
            send_append(m.from, false);
        }
        return;
    }
    // Fast backtracking.
    index next = r.conflict_index;
    if (r.conflict_term != no_term) {
        for (index i = std::min(r.conflict_index, log_.last_index()); i >= log_.start_index(); i = i - 1) {
            const auto t = log_.term_at(i);
            if (t == r.conflict_term) {
                next = i + 1;
                break;
            }
            if (t && *t < r.conflict_term) {
                break;
            }
        }
    }
    if (next == no_index) {
        return;  // a "newer term" refusal; the term check above already handled it
    }
    p.rewind_to(std::min(next, log_.last_index() + 1));
    send_append(m.from, false);
}

index node::own_match() const {
    if (has_bug(bug::ack_before_fsync)) {
        return log_.last_index();  // BUG: counts its own unsynced entries
    }
    return log_.durable_index();
}

void node::maybe_commit() {
    if (role_ != role::leader) {
        return;
    }
    const membership& c = configuration();
    std::vector<index> matches;
    if (self_voter()) {
        matches.push_back(own_match());
    }
    for (auto& [peer, p] : progress_) {
        if (c.is_voter(peer)) {
            matches.push_back(p.match);
        }
    }
    if (matches.size() < majority()) {
        return;
    }
    std::sort(matches.begin(), matches.end(), std::greater<>());
    const index candidate = matches[majority() - 1];
    if (candidate <= commit_) {
        return;
    }
    // Raft §5.4.2: only entries of the current term commit by counting replicas.
    if (log_.term_at(candidate) != hs_.current_term && !has_bug(bug::commit_previous_term_by_counting)) {
        return;
    }
    commit_ = candidate;
    // A leader removed from the voters steps down once that configuration commits.
    if (configuration_index() <= commit_ && !self_voter()) {
        (void)become_follower(hs_.current_term, std::nullopt);
    }
}

result<index> node::propose(std::string payload) {
    if (log_failed_) {
        return errc::log_failed;
    }
    if (role_ != role::leader) {
        return errc::not_leader;
    }
    if (transfer_target_) {
        return errc::transfer_in_progress;
    }
    std::vector<entry> e{entry{hs_.current_term, entry_kind::data, std::move(payload)}};
    if (!log_.append(e)) {
        return errc::log_failed;
    }
    note_appended(log_.last_index(), e);
    replicate_all(false);
    return log_.last_index();
}

result<void> node::transfer_leadership(node_id target) {
    if (log_failed_) {
        return errc::log_failed;
    }
    if (role_ != role::leader) {
        return errc::not_leader;
    }
    if (!progress_.contains(target) || !configuration().is_voter(target)) {
        return errc::not_a_voter;
    }
    transfer_target_ = target;
    transfer_deadline_ = clock_.monotonic() + std::chrono::duration_cast<ns>(cfg_.election_timeout);
    maybe_send_timeout_now();
    if (transfer_target_) {
        send_append(target, true);
    }
    return ok();
}

result<void> node::delete_prefix(index new_start) {
    if (log_failed_) {
        return errc::log_failed;
    }
    if (new_start > commit_ + 1) {
        return errc::not_committed;
    }
    if (new_start > log_.start_index()) {
        membership base = config_at(new_start - 1);
        log_.delete_prefix(new_start, base.encode());
        base_ = std::move(base);
        configs_.erase(configs_.begin(), configs_.lower_bound(new_start));
    }
    return ok();
}

// ---------------------------------------------------------------------------------------
// membership

membership node::config_at(index i) const {
    auto it = configs_.upper_bound(i);
    if (it == configs_.begin()) {
        return base_;
    }
    return std::prev(it)->second;
}

void node::reload_config() {
    base_ = membership{cfg_.voters, cfg_.learners};
    if (auto b = membership::decode(log_.base_config())) {
        base_ = std::move(*b);
    }
    configs_.clear();
    const index last = log_.last_index();
    for (index i = log_.start_index(); i <= last;) {
        const auto batch = log_.read(i, 256);
        if (batch.empty()) {
            break;
        }
        note_appended(i, batch);
        i = i + static_cast<int64_t>(batch.size());
    }
}

void node::note_appended(index first, const std::vector<entry>& es) {
    bool changed = false;
    for (std::size_t k = 0; k < es.size(); ++k) {
        if (es[k].kind == entry_kind::config) {
            auto m = membership::decode(es[k].payload);
            FJORD_ASSERT(m.has_value(), "node {}: bad configuration entry '{}'", cfg_.self, es[k].payload);
            configs_[first + static_cast<int64_t>(k)] = std::move(*m);
            changed = true;
        }
    }
    if (changed && role_ == role::leader) {
        sync_progress();
    }
}

void node::note_truncated(index from) {
    configs_.erase(configs_.lower_bound(from), configs_.end());
}

void node::sync_progress() {
    const membership& c = configuration();
    std::erase_if(progress_, [&](const auto& kv) { return !c.is_member(kv.first); });
    const ns now = clock_.monotonic();
    const auto add = [&](node_id n) {
        if (n != cfg_.self && !progress_.contains(n)) {
            progress p;
            p.next = log_.last_index() + 1;
            p.last_heard = now;
            progress_.emplace(n, p);
        }
    };
    for (node_id v : c.voters) {
        add(v);
    }
    for (node_id l : c.learners) {
        add(l);
    }
    if (transfer_target_ && !c.is_voter(*transfer_target_)) {
        transfer_target_.reset();
    }
}

result<index> node::propose_config(membership next) {
    std::vector<entry> e{entry{hs_.current_term, entry_kind::config, next.encode()}};
    if (!log_.append(e)) {
        return errc::log_failed;
    }
    note_appended(log_.last_index(), e);
    replicate_all(false);
    maybe_commit();  // a shrinking voter set may commit at once
    return log_.last_index();
}

result<void> node::change_allowed() const {
    if (log_failed_) {
        return errc::log_failed;
    }
    if (role_ != role::leader) {
        return errc::not_leader;
    }
    if (transfer_target_) {
        return errc::transfer_in_progress;
    }
    // Ongaro's single-server fix: no change before an entry of the leader's term committed.
    if (!is_ready()) {
        return errc::not_ready;
    }
    if (configuration_index() > commit_ && !has_bug(bug::allow_two_uncommitted_config_changes)) {
        return errc::config_change_in_progress;  // at most one uncommitted configuration entry
    }
    return ok();
}

result<index> node::add_member(node_id n, std::vector<node_id> membership::*role) {
    FJORD_TRY(change_allowed());
    membership next = configuration();
    if (next.is_member(n)) {
        return errc::already_member;
    }
    (next.*role).push_back(n);
    return propose_config(std::move(next));
}

result<index> node::add_learner(node_id n) { return add_member(n, &membership::learners); }

result<index> node::add_voter(node_id n) {
    if (configuration().is_learner(n)) {
        return promote_learner(n);
    }
    return add_member(n, &membership::voters);
}

result<index> node::promote_learner(node_id n) {
    FJORD_TRY(change_allowed());
    membership next = configuration();
    if (!next.is_learner(n)) {
        return errc::not_a_learner;
    }
    const auto it = progress_.find(n);
    if (it == progress_.end() || it->second.match < log_.last_index() - cfg_.promote_max_lag) {
        return errc::not_caught_up;
    }
    std::erase(next.learners, n);
    next.voters.push_back(n);
    return propose_config(std::move(next));
}

result<index> node::remove_member(node_id n) {
    FJORD_TRY(change_allowed());
    membership next = configuration();
    if (!next.is_member(n)) {
        return errc::not_a_member;
    }
    if (next.is_voter(n) && next.voters.size() == 1) {
        return errc::last_voter;
    }
    std::erase(next.voters, n);
    std::erase(next.learners, n);
    return propose_config(std::move(next));
}


void node::maybe_send_timeout_now() {
    if (!transfer_target_) {
        return;
    }
    const progress& p = progress_.at(*transfer_target_);
    if (p.match == log_.last_index()) {
        send(*transfer_target_, timeout_now{});
    }
}

}  // namespace fjord::raft
