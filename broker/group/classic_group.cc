// classic_group: the classic rebalance protocol of one group (see classic_group.h).
//
// Where this follows Kafka more closely than a plain reading of the state table
// (GroupMetadataManager.java, classicGroup*):
// - When the join phase times out, dynamic members that did not rejoin are removed; static
//   members stay (their session timer decides), and if nobody rejoined at all the join
//   phase is extended by another rebalance timeout instead of completing.
// - Members that got a JoinGroup answer owe a SyncGroup within the rebalance timeout, in
//   CompletingRebalance and in Stable; those that never send it are removed and the group
//   rebalances. Members with a parked JoinGroup or SyncGroup do not expire by session; their
//   session timer restarts when the parked call is answered.
// - A static member rejoining a Stable group with an empty member id is replaced without a
//   rebalance when the protocol the group would select is unchanged (its metadata may
//   differ: restarted consumers send other owned partitions).
// - The initial rebalance delay is extended by one more delay when, at its end, a new
//   member has joined during it, up to max(delay, rebalance timeout) after it began.
#include "group/classic_group.h"

#include <algorithm>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "group/consumer_protocol.h"
#include "group/group_errors.h"

namespace fjord::group {

namespace {

using std::chrono::milliseconds;

// A random (version 4) UUID in its 8-4-4-4-12 hex form.
std::string random_uuid() {
    thread_local std::mt19937_64 rng = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }();
    uint64_t hi = rng();
    uint64_t lo = rng();
    hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};                  // version 4
    lo = (lo & ~(uint64_t{0xC0} << 56)) | (uint64_t{0x80} << 56);    // variant 10xx
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                       lo >> 48, lo & 0xFFFFFFFFFFFF);
}

// Kafka's member id: the instance id (static) or client id, a dash, a random UUID.
std::string new_member_id(const join_request& req) {
    return req.group_instance_id.value_or(req.client_id) + "-" + random_uuid();
}

join_result join_error(int16_t code, std::string member_id) {
    join_result r;
    r.error_code = code;
    r.member_id = std::move(member_id);
    return r;
}

sync_result sync_error(int16_t code) {
    sync_result r;
    r.error_code = code;
    return r;
}

// Calls a parked reply and leaves its slot empty, so it is answered exactly once.
void answer(join_reply& slot, join_result r) {
    auto cb = std::exchange(slot, nullptr);
    cb(std::move(r));
}

void answer(sync_reply& slot, sync_result r) {
    auto cb = std::exchange(slot, nullptr);
    cb(std::move(r));
}

bool same_protocols(const std::vector<protocol_entry>& a, const std::vector<protocol_entry>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const protocol_entry& x, const protocol_entry& y) {
        return x.name == y.name && x.metadata == y.metadata;
    });
}

bool supports(const std::vector<protocol_entry>& protocols, std::string_view name) {
    return std::any_of(protocols.begin(), protocols.end(), [&](const protocol_entry& p) { return p.name == name; });
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return lower(x) == lower(y); });
}

constexpr group_state all_states[] = {group_state::empty, group_state::preparing_rebalance,
                                      group_state::completing_rebalance, group_state::stable, group_state::dead};

}  // namespace

std::string_view to_string(group_state s) {
    switch (s) {
        case group_state::empty: return "Empty";
        case group_state::preparing_rebalance: return "PreparingRebalance";
        case group_state::completing_rebalance: return "CompletingRebalance";
        case group_state::stable: return "Stable";
        case group_state::dead: return "Dead";
    }
    return "Unknown";
}

std::optional<group_state> parse_group_state(std::string_view s) {
    for (group_state st : all_states) {
        if (iequals(s, to_string(st))) {
            return st;
        }
    }
    return std::nullopt;
}

classic_group::classic_group(std::string group_id, const group_config& config, const fjord::clock& clk)
    : group_id_(std::move(group_id)), config_(&config), clock_(&clk), current_state_timestamp_(clk.wall_ms()) {}

classic_group classic_group::restore(std::string group_id, const group_snapshot& snap, const group_config& config,
                                     const fjord::clock& clk) {
    classic_group g(std::move(group_id), config, clk);
    g.protocol_type_ = snap.protocol_type;
    g.generation_id_ = snap.generation_id;
    // A memberless group with no known state change (simple commits only) keeps -1: its
    // offsets expire by their commit time, not by when this broker started.
    if (snap.current_state_timestamp >= 0 || snap.members.empty()) {
        g.current_state_timestamp_ = snap.current_state_timestamp;
    }
    if (snap.members.empty() || !snap.protocol) {
        return g;  // Empty
    }
    g.protocol_name_ = snap.protocol;
    for (const member_snapshot& ms : snap.members) {
        member m;
        m.id = ms.member_id;
        m.instance_id = ms.group_instance_id;
        m.client_id = ms.client_id;
        m.client_host = ms.client_host;
        m.session_timeout_ms = ms.session_timeout_ms;
        m.rebalance_timeout_ms = ms.rebalance_timeout_ms;
        m.protocols.push_back(protocol_entry{*snap.protocol, ms.subscription});
        m.assignment = ms.assignment;
        m.session_deadline = g.now() + milliseconds(ms.session_timeout_ms);
        g.members_.push_back(std::move(m));
    }
    g.leader_ = (snap.leader && g.find(*snap.leader) != nullptr) ? *snap.leader : g.members_.front().id;
    g.state_ = group_state::stable;
    return g;
}

bool classic_group::has_members() const {
    return !members_.empty();
}

bool classic_group::is_unused() const {
    return state_ == group_state::empty && members_.empty() && pending_.empty() && generation_id_ == 0;
}

// --- JoinGroup ----------------------------------------------------------------------------

void classic_group::join(join_request req, join_reply reply) {
    if (state_ == group_state::dead) {
        return reply(join_error(err::coordinator_not_available, req.member_id));
    }
    if (int16_t e = validate_join(req); e != err::none) {
        return reply(join_error(e, req.member_id));
    }
    if (req.group_instance_id) {
        return join_static(std::move(req), std::move(reply));
    }
    if (req.member_id.empty()) {
        return join_new_dynamic(std::move(req), std::move(reply));
    }
    if (is_pending(req.member_id)) {
        return join_pending(std::move(req), std::move(reply));
    }
    member* m = find(req.member_id);
    if (m == nullptr) {
        return reply(join_error(err::unknown_member_id, req.member_id));
    }
    join_known(*m, std::move(req), std::move(reply));
}

// Session timeout bounds, and a protocol type and protocol every member can live with. The
// rejoining member's own old protocols do not count: it is replacing them.
int16_t classic_group::validate_join(const join_request& req) const {
    milliseconds session(req.session_timeout_ms);
    if (session < config_->min_session_timeout || session > config_->max_session_timeout) {
        return err::invalid_session_timeout;
    }
    if (req.protocol_type.empty() || req.protocols.empty()) {
        return err::inconsistent_group_protocol;
    }
    if (members_.empty()) {
        return err::none;
    }
    if (req.protocol_type != protocol_type_) {
        return err::inconsistent_group_protocol;
    }
    std::string_view self = req.member_id;
    if (req.group_instance_id && req.member_id.empty()) {
        if (const member* m = find_instance(*req.group_instance_id)) {
            self = m->id;
        }
    }
    for (const protocol_entry& p : req.protocols) {
        bool everyone = std::all_of(members_.begin(), members_.end(),
                                    [&](const member& m) { return m.id == self || supports(m.protocols, p.name); });
        if (everyone) {
            return err::none;
        }
    }
    return err::inconsistent_group_protocol;
}

bool classic_group::is_full() const {
    return static_cast<int64_t>(members_.size() + pending_.size()) >= int64_t{config_->max_size};
}

void classic_group::join_static(join_request req, join_reply reply) {
    member* m = find_instance(*req.group_instance_id);
    if (req.member_id.empty()) {
        if (m != nullptr) {
            return replace_static(*m, std::move(req), std::move(reply));
        }
        if (is_full()) {
            return reply(join_error(err::group_max_size_reached, req.member_id));
        }
        std::string id = new_member_id(req);
        return add_member_and_rebalance(std::move(req), std::move(id), std::move(reply));
    }
    if (m == nullptr) {
        return reply(join_error(err::unknown_member_id, req.member_id));
    }
    if (m->id != req.member_id) {
        return reply(join_error(err::fenced_instance_id, req.member_id));
    }
    join_known(*m, std::move(req), std::move(reply));
}

void classic_group::join_pending(join_request req, join_reply reply) {
    std::erase_if(pending_, [&](const pending_member& p) { return p.id == req.member_id; });
    std::string id = req.member_id;
    add_member_and_rebalance(std::move(req), std::move(id), std::move(reply));
}

void classic_group::join_new_dynamic(join_request req, join_reply reply) {
    if (is_full()) {
        return reply(join_error(err::group_max_size_reached, req.member_id));
    }
    std::string id = new_member_id(req);
    if (req.require_known_member_id) {
        pending_.push_back(pending_member{id, now() + milliseconds(req.session_timeout_ms)});
        return reply(join_error(err::member_id_required, std::move(id)));
    }
    add_member_and_rebalance(std::move(req), std::move(id), std::move(reply));
}

// A JoinGroup from a current member (dynamic with its id, or static with the right id).
void classic_group::join_known(member& m, join_request req, join_reply reply) {
    switch (state_) {
        case group_state::preparing_rebalance:
            update_and_park(m, std::move(req), std::move(reply));
            return try_complete_join();
        case group_state::completing_rebalance:
            if (same_protocols(m.protocols, req.protocols)) {
                return reply_current(m, std::move(reply));
            }
            update_and_park(m, std::move(req), std::move(reply));
            return prepare_rebalance();
        case group_state::stable:
            if (m.id != leader_ && same_protocols(m.protocols, req.protocols)) {
                return reply_current(m, std::move(reply));
            }
            update_and_park(m, std::move(req), std::move(reply));
            return prepare_rebalance();
        case group_state::empty:
        case group_state::dead:
            return reply(join_error(err::unknown_member_id, req.member_id));
    }
}

// A static member came back without its member id: the old id is fenced and the instance
// continues under a new one, keeping its place, leadership and assignment.
void classic_group::replace_static(member& m, join_request req, join_reply reply) {
    std::string old_id = std::exchange(m.id, new_member_id(req));
    if (leader_ == old_id) {
        leader_ = m.id;
    }
    if (m.awaiting_join) {
        answer(m.awaiting_join, join_error(err::fenced_instance_id, old_id));
    }
    if (m.awaiting_sync) {
        answer(m.awaiting_sync, sync_error(err::fenced_instance_id));
    }
    switch (state_) {
        case group_state::stable: {
            std::vector<protocol_entry> old_protocols = std::exchange(m.protocols, req.protocols);
            if (select_protocol() == protocol_name_) {
                m.client_id = std::move(req.client_id);
                m.client_host = std::move(req.client_host);
                m.session_timeout_ms = req.session_timeout_ms;
                m.rebalance_timeout_ms = req.rebalance_timeout_ms;
                persist_requested_ = true;
                return reply_current(m, std::move(reply));
            }
            m.protocols = std::move(old_protocols);
            update_and_park(m, std::move(req), std::move(reply));
            return prepare_rebalance();
        }
        case group_state::completing_rebalance:
            // The leader may be assigning to the old id: rebalance so the new id gets its share.
            update_and_park(m, std::move(req), std::move(reply));
            return prepare_rebalance();
        case group_state::preparing_rebalance:
            update_and_park(m, std::move(req), std::move(reply));
            return try_complete_join();
        case group_state::empty:
        case group_state::dead:
            return reply(join_error(err::unknown_member_id, req.member_id));
    }
}

void classic_group::add_member_and_rebalance(join_request req, std::string id, join_reply reply) {
    if (members_.empty()) {
        protocol_type_ = req.protocol_type;
    }
    member m;
    m.id = std::move(id);
    m.instance_id = std::move(req.group_instance_id);
    m.client_id = std::move(req.client_id);
    m.client_host = std::move(req.client_host);
    m.session_timeout_ms = req.session_timeout_ms;
    m.rebalance_timeout_ms = req.rebalance_timeout_ms;
    m.protocols = std::move(req.protocols);
    m.awaiting_join = std::move(reply);
    m.session_deadline = now() + milliseconds(m.session_timeout_ms);
    if (leader_.empty()) {
        leader_ = m.id;
    }
    members_.push_back(std::move(m));
    switch (state_) {
        case group_state::empty:
            return begin_initial_rebalance();
        case group_state::preparing_rebalance:
            if (in_initial_delay_) {
                joined_during_delay_ = true;
            }
            return try_complete_join();
        case group_state::completing_rebalance:
        case group_state::stable:
            return prepare_rebalance();
        case group_state::dead:
            return;  // join() refuses Dead groups before getting here
    }
}

// Takes the member's new protocols and timeouts and parks its JoinGroup reply. A reply
// already parked for it (a retried JoinGroup) is answered REBALANCE_IN_PROGRESS, so the
// client, if it still waits, simply rejoins.
void classic_group::update_and_park(member& m, join_request req, join_reply reply) {
    if (m.awaiting_join) {
        answer(m.awaiting_join, join_error(err::rebalance_in_progress, m.id));
    }
    m.protocols = std::move(req.protocols);
    m.client_id = std::move(req.client_id);
    m.client_host = std::move(req.client_host);
    m.session_timeout_ms = req.session_timeout_ms;
    m.rebalance_timeout_ms = req.rebalance_timeout_ms;
    m.awaiting_join = std::move(reply);
}

// Answers a JoinGroup at once with the current generation (no rebalance needed).
void classic_group::reply_current(member& m, join_reply reply) {
    m.session_deadline = now() + milliseconds(m.session_timeout_ms);
    join_result r;
    r.generation_id = generation_id_;
    r.protocol_type = protocol_type_;
    r.protocol_name = protocol_name_;
    r.leader = leader_;
    r.member_id = m.id;
    if (m.id == leader_) {
        r.members = join_members();
    }
    reply(std::move(r));
}

// --- The rebalance ------------------------------------------------------------------------

// Empty -> PreparingRebalance: the join phase lasts at least the initial delay.
void classic_group::begin_initial_rebalance() {
    transition(group_state::preparing_rebalance);
    sync_deadline_.reset();
    milliseconds delay = config_->initial_rebalance_delay;
    milliseconds rebalance(max_rebalance_timeout_ms());
    if (delay <= milliseconds::zero()) {
        join_deadline_ = now() + rebalance;
        return try_complete_join();
    }
    in_initial_delay_ = true;
    joined_during_delay_ = false;
    initial_delay_limit_ = now() + std::max(delay, rebalance);
    join_deadline_ = now() + delay;
}

// Stable or CompletingRebalance -> PreparingRebalance: every member must rejoin within the
// largest rebalance timeout.
void classic_group::prepare_rebalance() {
    if (state_ == group_state::empty) {
        return begin_initial_rebalance();
    }
    for (member& m : members_) {
        if (m.awaiting_sync) {
            // Its session may have run out while it waited: count it from now.
            m.session_deadline = now() + milliseconds(m.session_timeout_ms);
            answer(m.awaiting_sync, sync_error(err::rebalance_in_progress));
        }
        m.pending_sync = false;
    }
    sync_deadline_.reset();
    transition(group_state::preparing_rebalance);
    join_deadline_ = now() + milliseconds(max_rebalance_timeout_ms());
    try_complete_join();
}

void classic_group::try_complete_join() {
    if (state_ == group_state::preparing_rebalance && !in_initial_delay_ && all_joined() && pending_.empty()) {
        complete_join();
    }
}

void classic_group::on_join_deadline(time_point t) {
    if (in_initial_delay_) {
        if (joined_during_delay_ && t < initial_delay_limit_) {
            joined_during_delay_ = false;
            join_deadline_ = t + std::min<time_point>(config_->initial_rebalance_delay, initial_delay_limit_ - t);
            return;
        }
        in_initial_delay_ = false;
    }
    std::vector<std::string> late;
    for (const member& m : members_) {
        if (!m.awaiting_join && !m.instance_id) {
            late.push_back(m.id);
        }
    }
    for (const std::string& id : late) {
        erase_member(id);
    }
    bool anyone_joined = std::any_of(members_.begin(), members_.end(), [](const member& m) { return bool(m.awaiting_join); });
    if (!members_.empty() && !anyone_joined) {
        // Only static members that have not rejoined are left: wait for them (or for
        // their session timeouts) one more rebalance timeout.
        join_deadline_ = t + milliseconds(max_rebalance_timeout_ms());
        return;
    }
    complete_join();
}

// Ends the join phase: a new generation, its protocol and leader, and every parked
// JoinGroup answered.
void classic_group::complete_join() {
    join_deadline_.reset();
    in_initial_delay_ = false;
    joined_during_delay_ = false;
    ++generation_id_;
    if (members_.empty()) {
        protocol_name_.reset();
        leader_.clear();
        sync_deadline_.reset();
        transition(group_state::empty);
        persist_requested_ = true;
        return;
    }
    const member* leader = find(leader_);
    if (leader == nullptr || !leader->awaiting_join) {
        auto joined = std::find_if(members_.begin(), members_.end(), [](const member& m) { return bool(m.awaiting_join); });
        leader_ = joined != members_.end() ? joined->id : members_.front().id;
    }
    protocol_name_ = select_protocol();
    transition(group_state::completing_rebalance);
    time_point t = now();
    for (member& m : members_) {
        m.pending_sync = true;
        m.assignment.clear();
        m.session_deadline = t + milliseconds(m.session_timeout_ms);
    }
    sync_deadline_ = t + milliseconds(max_rebalance_timeout_ms());
    std::vector<join_member> everyone = join_members();
    for (member& m : members_) {
        if (!m.awaiting_join) {
            continue;
        }
        join_result r;
        r.generation_id = generation_id_;
        r.protocol_type = protocol_type_;
        r.protocol_name = protocol_name_;
        r.leader = leader_;
        r.member_id = m.id;
        if (m.id == leader_) {
            r.members = everyone;
        }
        answer(m.awaiting_join, std::move(r));
    }
}

// Candidates are the protocols every member supports; each member votes for the first
// candidate in its own preference order; most votes wins. Ties go to the candidate the
// leader prefers. REQUIRES: members_ non-empty and leader_ a member.
std::string classic_group::select_protocol() const {
    const member* leader = find(leader_);
    FJORD_ASSERT(leader != nullptr && !leader->protocols.empty(), "group {}: no leader to select a protocol", group_id_);
    std::vector<std::string> candidates;
    for (const protocol_entry& p : leader->protocols) {
        bool everyone = std::all_of(members_.begin(), members_.end(),
                                    [&](const member& m) { return supports(m.protocols, p.name); });
        if (everyone && std::find(candidates.begin(), candidates.end(), p.name) == candidates.end()) {
            candidates.push_back(p.name);
        }
    }
    if (candidates.empty()) {
        return leader->protocols.front().name;  // join() keeps a common protocol; defensive only
    }
    std::vector<int> votes(candidates.size(), 0);
    for (const member& m : members_) {
        for (const protocol_entry& p : m.protocols) {
            auto it = std::find(candidates.begin(), candidates.end(), p.name);
            if (it != candidates.end()) {
                ++votes[static_cast<size_t>(it - candidates.begin())];
                break;
            }
        }
    }
    auto best = std::max_element(votes.begin(), votes.end());  // first of equal maxima
    return candidates[static_cast<size_t>(best - votes.begin())];
}

// Every member with its metadata for the selected protocol, in join order (the leader's list).
std::vector<join_member> classic_group::join_members() const {
    std::vector<join_member> out;
    out.reserve(members_.size());
    for (const member& m : members_) {
        const bytes* md = selected_metadata(m);
        out.push_back(join_member{m.id, m.instance_id, md != nullptr ? *md : bytes{}});
    }
    return out;
}

// --- SyncGroup ----------------------------------------------------------------------------

void classic_group::sync(sync_request req, sync_reply reply) {
    if (state_ == group_state::dead) {
        return reply(sync_error(err::coordinator_not_available));
    }
    if (int16_t e = validate_member(req.member_id, req.group_instance_id); e != err::none) {
        return reply(sync_error(e));
    }
    if (req.generation_id != generation_id_) {
        return reply(sync_error(err::illegal_generation));
    }
    member& m = *find(req.member_id);
    switch (state_) {
        case group_state::preparing_rebalance:
            return reply(sync_error(err::rebalance_in_progress));
        case group_state::completing_rebalance:
            m.pending_sync = false;
            m.session_deadline = now() + milliseconds(m.session_timeout_ms);
            if (m.awaiting_sync) {
                answer(m.awaiting_sync, sync_error(err::rebalance_in_progress));  // superseded retry
            }
            m.awaiting_sync = std::move(reply);
            if (m.id == leader_) {
                finish_sync(req);
            }
            return;
        case group_state::stable: {
            m.pending_sync = false;
            m.session_deadline = now() + milliseconds(m.session_timeout_ms);
            clear_sync_deadline_if_done();
            sync_result r;
            r.assignment = m.assignment;
            return reply(std::move(r));
        }
        case group_state::empty:
        case group_state::dead:
            return reply(sync_error(err::unknown_member_id));
    }
}

// The leader's SyncGroup: store its assignments, go Stable, answer every parked SyncGroup.
void classic_group::finish_sync(const sync_request& req) {
    for (member& m : members_) {
        m.assignment.clear();
    }
    for (const member_assignment& a : req.assignments) {
        if (member* m = find(a.member_id)) {
            m->assignment = a.assignment;
        }
    }
    transition(group_state::stable);
    persist_requested_ = true;
    clear_sync_deadline_if_done();
    for (member& m : members_) {
        if (m.awaiting_sync) {
            m.session_deadline = now() + milliseconds(m.session_timeout_ms);
            sync_result r;
            r.assignment = m.assignment;
            answer(m.awaiting_sync, std::move(r));
        }
    }
}

void classic_group::clear_sync_deadline_if_done() {
    if (std::none_of(members_.begin(), members_.end(), [](const member& m) { return m.pending_sync; })) {
        sync_deadline_.reset();
    }
}

// Members that got their JoinGroup answer but never sent SyncGroup within the rebalance
// timeout are removed, and the group rebalances without them.
void classic_group::on_sync_deadline() {
    sync_deadline_.reset();
    if (state_ != group_state::completing_rebalance && state_ != group_state::stable) {
        return;
    }
    std::vector<std::string> late;
    for (const member& m : members_) {
        if (m.pending_sync) {
            late.push_back(m.id);
        }
    }
    if (late.empty()) {
        return;
    }
    for (const std::string& id : late) {
        erase_member(id);
    }
    prepare_rebalance();
}

// --- Heartbeat, LeaveGroup, commits --------------------------------------------------------

int16_t classic_group::heartbeat(std::string_view member_id, const std::optional<std::string>& group_instance_id,
                                 int32_t generation_id) {
    if (state_ == group_state::dead) {
        return err::coordinator_not_available;
    }
    if (int16_t e = validate_member(member_id, group_instance_id); e != err::none) {
        return e;
    }
    if (state_ == group_state::empty) {
        return err::unknown_member_id;
    }
    if (generation_id != generation_id_) {
        return err::illegal_generation;
    }
    member& m = *find(member_id);
    m.session_deadline = now() + milliseconds(m.session_timeout_ms);
    return state_ == group_state::preparing_rebalance ? err::rebalance_in_progress : err::none;
}

std::vector<int16_t> classic_group::leave(const std::vector<leave_member>& members) {
    std::vector<int16_t> out;
    out.reserve(members.size());
    for (const leave_member& lm : members) {
        out.push_back(state_ == group_state::dead ? err::coordinator_not_available : leave_one(lm));
    }
    return out;
}

int16_t classic_group::leave_one(const leave_member& lm) {
    if (lm.group_instance_id) {
        const member* m = find_instance(*lm.group_instance_id);
        if (m == nullptr) {
            return err::unknown_member_id;
        }
        if (!lm.member_id.empty() && lm.member_id != m->id) {
            return err::fenced_instance_id;
        }
        remove_member_and_update(m->id);
        return err::none;
    }
    if (is_pending(lm.member_id)) {
        std::erase_if(pending_, [&](const pending_member& p) { return p.id == lm.member_id; });
        try_complete_join();
        return err::none;
    }
    if (find(lm.member_id) == nullptr) {
        return err::unknown_member_id;
    }
    remove_member_and_update(lm.member_id);
    return err::none;
}

// Kafka's validateOffsetCommit.
int16_t classic_group::validate_commit(std::string_view member_id, const std::optional<std::string>& group_instance_id,
                                       int32_t generation_id) const {
    if (state_ == group_state::dead) {
        return err::coordinator_not_available;
    }
    if (generation_id < 0 && state_ == group_state::empty) {
        return err::none;  // admin / simple-consumer commit
    }
    if (generation_id >= 0 || !member_id.empty() || group_instance_id) {
        if (int16_t e = validate_member(member_id, group_instance_id); e != err::none) {
            return e;
        }
        if (generation_id != generation_id_) {
            return err::illegal_generation;
        }
    } else {
        return err::unknown_member_id;  // a generation-less commit to a group with members
    }
    return state_ == group_state::completing_rebalance ? err::rebalance_in_progress : err::none;
}

// --- Time ---------------------------------------------------------------------------------

void classic_group::advance() {
    if (state_ == group_state::dead) {
        return;
    }
    time_point t = now();
    expire_pending(t);
    expire_sessions(t);
    if (sync_deadline_ && t >= *sync_deadline_) {
        on_sync_deadline();
    }
    if (state_ == group_state::preparing_rebalance && join_deadline_ && t >= *join_deadline_) {
        on_join_deadline(t);
    }
}

std::optional<fjord::clock::duration> classic_group::next_deadline() const {
    if (state_ == group_state::dead) {
        return std::nullopt;
    }
    std::optional<time_point> best;
    auto consider = [&](time_point t) {
        if (!best || t < *best) {
            best = t;
        }
    };
    if (state_ == group_state::preparing_rebalance && join_deadline_) {
        consider(*join_deadline_);
    }
    if (sync_deadline_) {
        consider(*sync_deadline_);
    }
    for (const member& m : members_) {
        if (!m.awaiting_join && !m.awaiting_sync) {
            consider(m.session_deadline);
        }
    }
    for (const pending_member& p : pending_) {
        consider(p.deadline);
    }
    return best;
}

// Members whose session ran out (those with a parked JoinGroup or SyncGroup do not expire).
void classic_group::expire_sessions(time_point t) {
    std::vector<std::string> expired;
    for (const member& m : members_) {
        if (!m.awaiting_join && !m.awaiting_sync && m.session_deadline <= t) {
            expired.push_back(m.id);
        }
    }
    for (const std::string& id : expired) {
        const member* m = find(id);
        if (m != nullptr && !m->awaiting_join && !m->awaiting_sync && m->session_deadline <= t) {
            remove_member_and_update(id);
        }
    }
}

void classic_group::expire_pending(time_point t) {
    size_t removed = std::erase_if(pending_, [&](const pending_member& p) { return p.deadline <= t; });
    if (removed > 0) {
        try_complete_join();
    }
}

// --- Members ------------------------------------------------------------------------------

classic_group::member* classic_group::find(std::string_view member_id) {
    auto it = std::find_if(members_.begin(), members_.end(), [&](const member& m) { return m.id == member_id; });
    return it != members_.end() ? &*it : nullptr;
}

const classic_group::member* classic_group::find(std::string_view member_id) const {
    return const_cast<classic_group*>(this)->find(member_id);
}

classic_group::member* classic_group::find_instance(const std::string& instance_id) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const member& m) { return m.instance_id && *m.instance_id == instance_id; });
    return it != members_.end() ? &*it : nullptr;
}

const classic_group::member* classic_group::find_instance(const std::string& instance_id) const {
    return const_cast<classic_group*>(this)->find_instance(instance_id);
}

// Kafka's validateMember: a static caller is checked by its instance id (an old member id
// of a replaced instance is fenced), a dynamic one by its member id.
int16_t classic_group::validate_member(std::string_view member_id,
                                       const std::optional<std::string>& instance_id) const {
    if (instance_id) {
        const member* m = find_instance(*instance_id);
        if (m == nullptr) {
            return err::unknown_member_id;
        }
        return m->id == member_id ? err::none : err::fenced_instance_id;
    }
    return find(member_id) != nullptr ? err::none : err::unknown_member_id;
}

bool classic_group::is_pending(std::string_view member_id) const {
    return std::any_of(pending_.begin(), pending_.end(), [&](const pending_member& p) { return p.id == member_id; });
}

// Removes a member (leave, session expiry) and moves the group on: a rebalance from
// Stable/CompletingRebalance, or a join phase that may now be complete.
void classic_group::remove_member_and_update(std::string member_id) {
    erase_member(member_id);
    switch (state_) {
        case group_state::stable:
        case group_state::completing_rebalance:
            return prepare_rebalance();
        case group_state::preparing_rebalance:
            return try_complete_join();
        case group_state::empty:
        case group_state::dead:
            return;
    }
}

// Removes a member; its parked calls are answered UNKNOWN_MEMBER_ID and a new leader is
// named if it led.
void classic_group::erase_member(std::string_view member_id) {
    auto it = std::find_if(members_.begin(), members_.end(), [&](const member& m) { return m.id == member_id; });
    if (it == members_.end()) {
        return;
    }
    member gone = std::move(*it);
    members_.erase(it);
    if (leader_ == gone.id) {
        leader_ = members_.empty() ? std::string() : members_.front().id;
    }
    if (gone.awaiting_join) {
        answer(gone.awaiting_join, join_error(err::unknown_member_id, gone.id));
    }
    if (gone.awaiting_sync) {
        answer(gone.awaiting_sync, sync_error(err::unknown_member_id));
    }
}

bool classic_group::all_joined() const {
    return std::all_of(members_.begin(), members_.end(), [](const member& m) { return bool(m.awaiting_join); });
}

int32_t classic_group::max_rebalance_timeout_ms() const {
    int32_t out = 0;
    for (const member& m : members_) {
        out = std::max(out, m.rebalance_timeout_ms);
    }
    return out;
}

const bytes* classic_group::selected_metadata(const member& m) const {
    if (!protocol_name_) {
        return nullptr;
    }
    for (const protocol_entry& p : m.protocols) {
        if (p.name == *protocol_name_) {
            return &p.metadata;
        }
    }
    return nullptr;
}

void classic_group::transition(group_state to) {
    state_ = to;
    current_state_timestamp_ = clock_->wall_ms();
}

// --- Administration and persistence ---------------------------------------------------------

group_description classic_group::describe() const {
    group_description d;
    d.state = state_;
    d.protocol_type = protocol_type_;
    d.generation_id = generation_id_;
    d.leader = leader_;
    bool selected = state_ == group_state::completing_rebalance || state_ == group_state::stable;
    if (selected && protocol_name_) {
        d.protocol_name = *protocol_name_;
    }
    for (const member& m : members_) {
        member_description md;
        md.member_id = m.id;
        md.group_instance_id = m.instance_id;
        md.client_id = m.client_id;
        md.client_host = m.client_host;
        if (const bytes* meta = selected ? selected_metadata(m) : nullptr) {
            md.metadata = *meta;
        }
        if (state_ == group_state::stable) {
            md.assignment = m.assignment;
        }
        d.members.push_back(std::move(md));
    }
    return d;
}

std::set<std::string> classic_group::subscribed_topics() const {
    std::set<std::string> topics;
    if (protocol_type_ != "consumer") {
        return topics;
    }
    auto add = [&](const bytes& metadata) {
        if (auto sub = parse_subscription(metadata)) {
            topics.insert(sub->topics.begin(), sub->topics.end());
        }
    };
    for (const member& m : members_) {
        if (const bytes* md = selected_metadata(m)) {
            add(*md);
        } else if (!protocol_name_) {
            for (const protocol_entry& p : m.protocols) {
                add(p.metadata);
            }
        }
    }
    return topics;
}

void classic_group::mark_dead() {
    for (member& m : members_) {
        if (m.awaiting_join) {
            answer(m.awaiting_join, join_error(err::coordinator_not_available, m.id));
        }
        if (m.awaiting_sync) {
            answer(m.awaiting_sync, sync_error(err::coordinator_not_available));
        }
    }
    members_.clear();
    pending_.clear();
    leader_.clear();
    join_deadline_.reset();
    sync_deadline_.reset();
    in_initial_delay_ = false;
    joined_during_delay_ = false;
    transition(group_state::dead);
}

// Members are written only with a selected protocol (the snapshot's invariant); the
// coordinator asks for snapshots in Stable and Empty, where that always holds.
group_snapshot classic_group::snapshot() const {
    group_snapshot s;
    s.protocol_type = protocol_type_;
    s.generation_id = generation_id_;
    s.current_state_timestamp = current_state_timestamp_;
    if (members_.empty() || !protocol_name_) {
        return s;
    }
    s.protocol = protocol_name_;
    s.leader = leader_;
    for (const member& m : members_) {
        member_snapshot ms;
        ms.member_id = m.id;
        ms.group_instance_id = m.instance_id;
        ms.client_id = m.client_id;
        ms.client_host = m.client_host;
        ms.rebalance_timeout_ms = m.rebalance_timeout_ms;
        ms.session_timeout_ms = m.session_timeout_ms;
        if (const bytes* md = selected_metadata(m)) {
            ms.subscription = *md;
        }
        ms.assignment = m.assignment;
        s.members.push_back(std::move(ms));
    }
    return s;
}

bool classic_group::take_persist_request() {
    return std::exchange(persist_requested_, false);
}

}  // namespace fjord::group
