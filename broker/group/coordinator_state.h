// coordinator_state: the coordinator's private state, shared by coordinator.cc (the
// request operations), coordinator_load.cc (replaying __consumer_offsets) and
// coordinator_timers.cc (deadlines, offset expiry). Not part of the module's interface.
//
// Everything here is guarded by `mu`. A group lives in `groups` from its first join or
// commit (or its replay) until it is deleted or expires; every group belongs to the
// offsets partition offsets_partition_for(id), which must be loaded before the group is
// served.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "cluster/local_cluster.h"
#include "group/classic_group.h"
#include "group/coordinator.h"
#include "group/offsets_format.h"

namespace fjord::group {

// (topic, partition): what a committed offset is kept under.
using offset_slot = std::pair<std::string, int32_t>;

struct stored_offset {
    offset_value value;
    int64_t log_offset = -1;  // of the record that set it: a reply never applies an older one
};

struct group_entry {
    classic_group group;
    std::map<offset_slot, stored_offset> offsets;
};

enum class partition_load { unloaded, loading, loaded };

struct coordinator::impl {
    impl(cluster::local_cluster& c, const fjord::clock& clk, const coordinator_config& cfg);

    cluster::local_cluster& cluster;
    const fjord::clock& clock;
    const coordinator_config& config;
    std::shared_ptr<spdlog::logger> logger;

    mutable std::mutex mu;
    std::condition_variable wake;  // the timer thread's; notified when deadlines may move earlier
    bool started = false;
    bool stopping = false;
    int32_t partitions = 0;          // of __consumer_offsets, 0 until it exists
    std::vector<partition_load> load;  // per partition
    std::condition_variable loaded_cv;
    std::map<std::string, group_entry> groups;
    fjord::clock::duration next_expiry_check{};
    std::thread loader;
    std::thread timers;

    // Commits appended but not yet durable. A tombstone written meanwhile (DeleteGroups,
    // OffsetDelete, expiry) is remembered with its log offset, so a commit appended before
    // it cannot bring the offset or the group back when its durability wait ends.
    // Forgotten once no commit is in flight.
    // Expiry leaves a group with a commit in flight alone (Kafka does the same): the
    // commit it is about to apply is the group's newest.
    int inflight_commits = 0;
    std::map<std::string, int> inflight_commits_by_group;
    std::map<std::string, int64_t> deleted_groups;
    std::map<std::tuple<std::string, std::string, int32_t>, int64_t> deleted_offsets;

    // --- coordinator.cc ---------------------------------------------------------------
    // Makes __consumer_offsets exist (creating it on first use) and returns the error a
    // group request must answer with before it may touch group `id`: NONE,
    // INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS.
    int16_t check_serving_locked(const std::string& id);
    bool ensure_topic_locked();
    cluster::topic_partition partition_of(const std::string& id) const;
    group_entry& entry_locked(const std::string& id);
    // Appends the group's snapshot if it asked for one (no durability wait: the next flush
    // covers it; a rebalance lost to a crash only makes members rejoin).
    void persist_if_requested_locked(group_entry& e);
    // Ends a commit's durability wait: applies its records (values[k] is at base_offset + k)
    // unless a later tombstone overtook them.
    void finish_commit_locked(const std::string& group_id, int64_t base_offset,
                              const std::vector<std::pair<offset_slot, offset_value>>& values,
                              const result<void>& durable);
    // Records a tombstone (of one offset, or with tp nullopt of the whole group) at
    // `tombstone_offset` for commits in flight.
    void note_deleted_locked(const std::string& group_id, std::optional<offset_slot> tp,
                             int64_t tombstone_offset);
    // Appends tombstones for `slots` of group `group_id` (which must exist), and for the
    // group itself if `whole_group`; once appended, forgets those offsets and tells the
    // commits in flight (note_deleted_locked). On failure nothing changes.
    result<cluster::produce_result> delete_locked(const std::string& group_id, const std::vector<offset_slot>& slots,
                                                  bool whole_group, int16_t acks);
    // Removes an Empty group with neither members nor offsets that a failed request created.
    void drop_if_unused_locked(const std::string& id);
    // Appends records (key, value-or-tombstone) to the partition of `group_id`. acks -1 for
    // what the caller will wait to be durable (commits, deletions): on a replicated
    // partition that is what makes it wait for the replicas.
    result<cluster::produce_result> append_locked(const std::string& group_id,
                                                  const std::vector<std::pair<bytes, std::optional<bytes>>>& records,
                                                  int16_t acks);

    // --- coordinator_load.cc ----------------------------------------------------------
    void load_partitions(std::vector<int32_t> which);  // runs on `loader`
    result<void> load_partition(int32_t p, std::map<std::string, group_entry>& out);

    // --- coordinator_timers.cc --------------------------------------------------------
    void timer_loop();  // runs on `timers`
    void run_timers_locked();
    void expire_offsets_locked();
};

// The error a storage/cluster failure of an offsets append or its durability wait answers.
int16_t append_error_code(std::error_code ec);

}  // namespace fjord::group
