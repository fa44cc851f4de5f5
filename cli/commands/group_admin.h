// The broker calls the `fjord group` commands share: DescribeConsumerGroups of one group,
// its committed offsets (ListConsumerGroupOffsets = OffsetFetch of every partition) and a
// partition's watermarks (ListOffsets earliest and latest).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/group_plan.h"
#include "cli/kafka_handle.h"
#include "cli/outcome.h"

namespace fjord::cli {

struct group_coordinator {
    int32_t id = -1;
    std::string host;
    int port = -1;
};

struct group_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // static membership only
    std::string client_id;
    std::string host;
    std::vector<topic_partition> assigned;  // from the member's ConsumerProtocol assignment
};

struct group_info {
    std::string group_id;
    // Kafka's state name: Stable, Empty, PreparingRebalance, CompletingRebalance, or Dead
    // (what DescribeGroups answers for a group that does not exist).
    std::string state;
    // Protocol type "" (a group that only ever had offsets committed, no member joined).
    // librdkafka refuses groups of any protocol type other than "" and "consumer".
    bool simple = false;
    std::string assignor;  // the group's protocol: range, roundrobin, cooperative-sticky, ...
    std::optional<group_coordinator> coordinator;
    std::vector<group_member> members;

    std::string protocol_type() const { return simple ? "" : "consumer"; }
    bool exists() const { return state != "Dead"; }
};

// DescribeConsumerGroups of `group`. A group the broker reports as Dead is returned as
// such (callers decide whether that is an error); a per-group error is a failure.
outcome<group_info> describe_group(const client& c, const global_options& g, const std::string& group);

// "group 'g' does not exist (see `fjord group list`)"
failure unknown_group(std::string_view group);

// Every committed offset of `group` (partitions without one are left out).
outcome<std::map<topic_partition, int64_t>> committed_offsets(const client& c, const global_options& g,
                                                              const std::string& group);

struct watermarks {
    int64_t log_start = 0;
    int64_t log_end = 0;
};
outcome<watermarks> query_watermarks(const client& c, const global_options& g, const topic_partition& tp);

// "NAME: message" of a librdkafka error object (message may repeat nothing useful).
std::string describe_error(const rd_kafka_error_t* e);

}  // namespace fjord::cli
