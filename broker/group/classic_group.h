// classic_group: one consumer group's classic rebalance protocol as a single-threaded
// state machine (facts sheet §6): Empty, PreparingRebalance, CompletingRebalance, Stable,
// Dead; session, rebalance (join), sync and pending-member timeouts; the
// MEMBER_ID_REQUIRED round trip; leader election; protocol selection by vote; static
// membership (group.instance.id) with fencing; generation fencing; the delayed initial
// rebalance (group.initial.rebalance.delay.ms).
//
// No I/O, no locks, no threads: the coordinator owns each group under its own lock, calls
// advance() when next_deadline() passes, and persists snapshot() whenever
// take_persist_request() says so. Time comes from the clock (monotonic for deadlines,
// wall for current_state_timestamp), so tests drive it with a manual_clock.
//
// JoinGroup and SyncGroup may park: their reply callback is called exactly once, either
// before join()/sync() returns or later from another call on this group (join, sync,
// leave, advance(), mark_dead()). Callbacks run inside those calls, so
// they must not call back into the group; the coordinator's only post the result to the
// waiting request's executor.
//
// Invariants: a member is either awaiting a join reply, awaiting a sync reply, or neither;
// the leader is a member whenever there are members; generation_id increases by one each
// time a join phase completes (also when it completes with no members left).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "group/group_snapshot.h"

namespace fjord::group {

enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };

// Kafka's names: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view to_string(group_state s);
// The inverse, case-insensitive (ListGroups v4 states filter); nullopt if unknown.
std::optional<group_state> parse_group_state(std::string_view s);

// Broker settings that bound groups (Kafka key names in comments).
struct group_config {
    std::chrono::milliseconds min_session_timeout{6000};         // group.min.session.timeout.ms
    std::chrono::milliseconds max_session_timeout{1800000};      // group.max.session.timeout.ms
    std::chrono::milliseconds initial_rebalance_delay{3000};     // group.initial.rebalance.delay.ms
    int32_t max_size = 2147483647;                               // group.max.size
};

struct protocol_entry {
    std::string name;  // assignor name: opaque ("range", "RoundRobinAssigner", ...)
    bytes metadata;
};

struct join_request {
    std::string member_id;  // "" for a new member
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;  // JoinGroup v0: the caller passes the session timeout
    std::string protocol_type;
    std::vector<protocol_entry> protocols;  // in the member's order of preference
    bool require_known_member_id = false;   // JoinGroup v4+: answer MEMBER_ID_REQUIRED first
};

struct join_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    bytes metadata;  // for the selected protocol
};

struct join_result {
    int16_t error_code = 0;
    int32_t generation_id = -1;
    std::string protocol_type;
    std::optional<std::string> protocol_name;
    std::string leader;
    std::string member_id;
    std::vector<join_member> members;  // only the leader gets them; in join order
};

struct member_assignment {
    std::string member_id;
    bytes assignment;
};

struct sync_request {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    int32_t generation_id = -1;
    std::vector<member_assignment> assignments;  // from the leader only
};

struct sync_result {
    int16_t error_code = 0;
    bytes assignment;
};

struct leave_member {
    std::string member_id;                          // may be "" for a static member (v3+)
    std::optional<std::string> group_instance_id;
};

struct member_description {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    bytes metadata;    // for the selected protocol (empty while none is selected)
    bytes assignment;  // empty unless Stable
};

struct group_description {
    group_state state = group_state::dead;
    std::string protocol_type;
    std::string protocol_name;  // "" unless CompletingRebalance or Stable
    int32_t generation_id = 0;
    std::string leader;
    std::vector<member_description> members;
};

using join_reply = std::function<void(join_result)>;
using sync_reply = std::function<void(sync_result)>;

class classic_group {
public:
    // A new, Empty group. The clock and config must outlive the group.
    classic_group(std::string group_id, const group_config& config, const fjord::clock& clk);
    // A group restored from its persisted snapshot: Stable with its members (session timers
    // started now) if it has any, else Empty.
    static classic_group restore(std::string group_id, const group_snapshot& snap, const group_config& config,
                                 const fjord::clock& clk);

    classic_group(classic_group&&) = default;
    classic_group& operator=(classic_group&&) = default;

    const std::string& group_id() const { return group_id_; }
    group_state state() const { return state_; }
    int32_t generation_id() const { return generation_id_; }
    const std::string& protocol_type() const { return protocol_type_; }
    bool has_members() const;
    // Empty with neither members nor members-to-be (MEMBER_ID_REQUIRED answered) and never
    // through a rebalance: what a refused first JoinGroup leaves behind.
    bool is_unused() const;
    // Wall ms of the last state change (what offset expiry of an Empty group counts from).
    int64_t current_state_timestamp() const { return current_state_timestamp_; }

    // --- The member APIs (facts §6.1) -------------------------------------------------
    void join(join_request req, join_reply reply);
    void sync(sync_request req, sync_reply reply);
    // Resets the member's session timer. NONE, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
    // ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS (PreparingRebalance), COORDINATOR_NOT_AVAILABLE (Dead).
    int16_t heartbeat(std::string_view member_id, const std::optional<std::string>& group_instance_id,
                      int32_t generation_id);
    // One error per member, same order: NONE, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID.
    std::vector<int16_t> leave(const std::vector<leave_member>& members);
    // May this caller commit offsets now? (Kafka's validateOffsetCommit.) Generation < 0
    // with an empty member id is an admin/simple commit: allowed only while Empty.
    int16_t validate_commit(std::string_view member_id, const std::optional<std::string>& group_instance_id,
                            int32_t generation_id) const;

    // --- Time -------------------------------------------------------------------------
    // Handles every deadline that has passed: session expiry, join (rebalance) timeout and
    // initial delay, sync timeout, pending-member expiry.
    void advance();
    // The earliest pending deadline on the clock's monotonic scale; nullopt if none.
    std::optional<fjord::clock::duration> next_deadline() const;

    // --- Administration ---------------------------------------------------------------
    group_description describe() const;
    // Topics the members subscribe to (parsed from "consumer" protocol metadata).
    std::set<std::string> subscribed_topics() const;
    // Marks the group Dead (it is being deleted, or its coordinator unloads it); every
    // parked join and sync is answered COORDINATOR_NOT_AVAILABLE.
    void mark_dead();

    // --- Persistence ------------------------------------------------------------------
    group_snapshot snapshot() const;
    // True once after each change that must reach the log: a completed rebalance (Stable
    // with assignments), the group becoming Empty, a static member replaced without a
    // rebalance.
    bool take_persist_request();

private:
    using time_point = fjord::clock::duration;  // a point on the clock's monotonic scale

    struct member {
        std::string id;
        std::optional<std::string> instance_id;
        std::string client_id;
        std::string client_host;
        int32_t session_timeout_ms = 0;
        int32_t rebalance_timeout_ms = 0;
        std::vector<protocol_entry> protocols;  // in the member's order of preference
        bytes assignment;                       // set by the leader's SyncGroup
        join_reply awaiting_join;               // set while a JoinGroup is parked
        sync_reply awaiting_sync;               // set while a SyncGroup is parked
        bool pending_sync = false;              // joined this generation, SyncGroup not yet seen
        time_point session_deadline{};
    };
    struct pending_member {  // answered MEMBER_ID_REQUIRED, not yet back with its id
        std::string id;
        time_point deadline{};
    };

    // join() paths
    int16_t validate_join(const join_request& req) const;
    bool is_full() const;
    void join_static(join_request req, join_reply reply);
    void join_pending(join_request req, join_reply reply);
    void join_new_dynamic(join_request req, join_reply reply);
    void join_known(member& m, join_request req, join_reply reply);
    void replace_static(member& m, join_request req, join_reply reply);
    void add_member_and_rebalance(join_request req, std::string id, join_reply reply);
    void update_and_park(member& m, join_request req, join_reply reply);
    void reply_current(member& m, join_reply reply);

    // The rebalance
    void begin_initial_rebalance();
    void prepare_rebalance();
    void try_complete_join();
    void on_join_deadline(time_point now);
    void complete_join();
    std::string select_protocol() const;
    std::vector<join_member> join_members() const;
    void on_sync_deadline();
    void finish_sync(const sync_request& req);
    void clear_sync_deadline_if_done();
    int16_t leave_one(const leave_member& lm);

    // Members
    member* find(std::string_view member_id);
    const member* find(std::string_view member_id) const;
    member* find_instance(const std::string& instance_id);
    const member* find_instance(const std::string& instance_id) const;
    int16_t validate_member(std::string_view member_id, const std::optional<std::string>& instance_id) const;
    bool is_pending(std::string_view member_id) const;
    void remove_member_and_update(std::string member_id);
    void erase_member(std::string_view member_id);
    void expire_sessions(time_point now);
    void expire_pending(time_point now);
    bool all_joined() const;
    int32_t max_rebalance_timeout_ms() const;
    const bytes* selected_metadata(const member& m) const;
    void transition(group_state to);
    time_point now() const { return clock_->monotonic(); }

    std::string group_id_;
    const group_config* config_;
    const fjord::clock* clock_;
    group_state state_ = group_state::empty;
    int32_t generation_id_ = 0;
    int64_t current_state_timestamp_ = -1;
    bool persist_requested_ = false;

    std::string protocol_type_;
    std::optional<std::string> protocol_name_;  // selected at the last completed join phase
    std::string leader_;                        // "" iff there are no members
    std::vector<member> members_;               // in join order
    std::vector<pending_member> pending_;
    std::optional<time_point> join_deadline_;   // PreparingRebalance: the join phase ends then
    std::optional<time_point> sync_deadline_;   // members still pending sync are removed then
    // The delayed initial rebalance (PreparingRebalance entered from Empty): the join phase
    // cannot complete early; when join_deadline_ passes it is extended by another delay if a
    // member joined meanwhile, never past initial_delay_limit_.
    bool in_initial_delay_ = false;
    bool joined_during_delay_ = false;
    time_point initial_delay_limit_{};
};

}  // namespace fjord::group
