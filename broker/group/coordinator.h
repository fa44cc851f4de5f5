// coordinator: the group coordinator the Kafka handlers call (FindCoordinator, JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups,
// DescribeGroups, DeleteGroups, OffsetDelete).
//
// Owns every classic_group and committed offset of the __consumer_offsets partitions this
// broker leads (on one node: all of them). Group g lives in partition
// offsets_partition_for(g) = java_string_hash(g) mod offsets.topic.num.partitions, as in
// Kafka. State changes are records appended to that partition through the cluster seam;
// a coordinator that takes a partition over rebuilds its groups and offsets by replaying
// it, answering COORDINATOR_LOAD_IN_PROGRESS meanwhile.
//
// Invariants:
//   - Records are appended under the coordinator lock, so the log's order is the order of
//     the state changes it records.
//   - An offset commit is acknowledged only after its record is durable; the in-memory
//     offset is updated at the same time, never before (so OffsetFetch never shows a commit
//     that a crash could lose), and never by an older record than the one it holds.
//
// Every group operation refuses an empty group id with INVALID_GROUP_ID (Kafka accepts
// one for OffsetCommit/OffsetFetch/DescribeGroups/DeleteGroups; no client sends it, and
// a group nobody can join is only a way to lose offsets).
//
// Threading: thread-safe. The awaitable operations complete on the caller's executor
// (which must be single-threaded, like a shard's). One internal thread runs the groups'
// deadlines and offset expiry.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "base/clock.h"
#include "base/result.h"
#include "cluster/local_cluster.h"
#include "group/classic_group.h"
#include "group/consumer_protocol.h"
#include "group/group_errors.h"
#include "group/offsets_format.h"

namespace fjord::group {

inline constexpr std::string_view offsets_topic = "__consumer_offsets";

// Topics only the broker writes, creates and deletes (Kafka: Topic.isInternal). Clients
// get INVALID_TOPIC_EXCEPTION for Produce, CreateTopics, DeleteTopics, CreatePartitions,
// DeleteRecords and AlterConfigs on them, and Metadata never auto-creates them.
inline bool is_internal_topic(std::string_view name) { return name == offsets_topic; }

// Settings from broker.properties (Kafka key names in comments).
struct coordinator_config {
    int32_t offsets_topic_partitions = 50;                               // offsets.topic.num.partitions
    int32_t offsets_segment_bytes = 100 * 1024 * 1024;                   // offsets.topic.segment.bytes
    std::chrono::minutes offsets_retention{10080};                       // offsets.retention.minutes
    std::chrono::milliseconds offsets_retention_check_interval{600000};  // offsets.retention.check.interval.ms
    int32_t offset_metadata_max_bytes = 4096;                            // offset.metadata.max.bytes
    group_config groups;  // group.min/max.session.timeout.ms, group.initial.rebalance.delay.ms, group.max.size
};

// Java's String.hashCode over the UTF-16 code units of `s` (UTF-8 decoded; invalid bytes
// count as themselves), then Kafka's Utils.abs (x & 0x7fffffff) mod partitions.
int32_t offsets_partition_for(std::string_view group_id, int32_t partitions);

struct coordinator_location {
    int16_t error_code = 0;
    std::string error_message;
    int32_t node_id = -1;
    std::string host;
    int32_t port = -1;
};

struct heartbeat_request {
    std::string group_id;
    int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct leave_result {
    int16_t error_code = 0;                   // group-level (v0-2 answer only this)
    std::vector<int16_t> member_errors;  // one per requested member, same order
};

struct commit_partition {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;  // null = ""
};

struct commit_request {
    std::string group_id;
    int32_t generation_id = -1;  // v0: -1
    std::string member_id;       // v0: ""
    std::optional<std::string> group_instance_id;
    std::vector<commit_partition> partitions;
};

struct requested_partitions {
    std::string topic;
    std::vector<int32_t> partitions;
};

struct fetched_offset {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = -1;  // -1: nothing committed
    int32_t leader_epoch = -1;
    std::string metadata;
    int16_t error_code = 0;
};

struct offset_fetch_result {
    int16_t error_code = 0;  // group-level (v2+); for v0-1 the handler copies it per partition
    std::vector<fetched_offset> offsets;
};

struct group_listing {
    std::string group_id;
    std::string protocol_type;
    group_state state = group_state::empty;
};

struct described_group {
    int16_t error_code = 0;
    std::string group_id;
    group_description description;  // state Dead for a group that does not exist
};

struct offset_delete_result {
    int16_t error_code = 0;
    std::vector<std::pair<topic_partitions, std::vector<int16_t>>> partition_errors;  // per partition, same order
};

class coordinator {
public:
    // The cluster and clock must outlive the coordinator.
    coordinator(cluster::local_cluster& cluster, const fjord::clock& clk, coordinator_config config);
    ~coordinator();  // stop()s
    coordinator(const coordinator&) = delete;
    coordinator& operator=(const coordinator&) = delete;

    // Creates __consumer_offsets if missing (compacted, offsets.topic.segment.bytes), then
    // loads every partition on a background thread and starts the deadline thread.
    // Errors: creating the topic failed.
    result<void> start();
    // Blocks until every partition has loaded (tests and benchmarks).
    void wait_loaded();
    // Stops the threads; parked joins and syncs are answered COORDINATOR_NOT_AVAILABLE.
    void stop();

    const coordinator_config& config() const { return config_; }

    coordinator_location find_coordinator(std::string_view key, int8_t key_type) const;

    boost::asio::awaitable<join_result> join(std::string group_id, join_request req);
    boost::asio::awaitable<sync_result> sync(std::string group_id, sync_request req);
    int16_t heartbeat(const heartbeat_request& req);
    leave_result leave(const std::string& group_id, const std::vector<leave_member>& members);

    // One error per partition, same order. Acknowledged once durable.
    boost::asio::awaitable<std::vector<int16_t>> commit_offsets(commit_request req);
    // `which` nullopt = every committed offset of the group. `require_stable`: no
    // transactions exist yet, so no offset is ever pending and it changes nothing.
    offset_fetch_result fetch_offsets(const std::string& group_id,
                                      const std::optional<std::vector<requested_partitions>>& which,
                                      bool require_stable) const;

    // ListGroups: error (COORDINATOR_LOAD_IN_PROGRESS while loading) + groups in the given
    // states (nullopt = every group; an empty list matches none).
    std::pair<int16_t, std::vector<group_listing>> list_groups(
        const std::optional<std::vector<group_state>>& states) const;
    described_group describe_group(const std::string& group_id) const;
    // DeleteGroups: per group NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, INVALID_GROUP_ID,
    // COORDINATOR_LOAD_IN_PROGRESS, or a storage error; acknowledged once durable.
    boost::asio::awaitable<std::vector<std::pair<std::string, int16_t>>> delete_groups(std::vector<std::string> ids);
    boost::asio::awaitable<offset_delete_result> delete_offsets(std::string group_id,
                                                                std::vector<topic_partitions> which);

    // Runs deadlines and offset expiry now (tests; the internal thread calls it too).
    void run_timers();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    coordinator_config config_;
};

}  // namespace fjord::group
