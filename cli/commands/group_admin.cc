// Implementation of cli/commands/group_admin.h.
#include "cli/commands/group_admin.h"

#include <fmt/format.h>

namespace fjord::cli {
namespace {

std::vector<topic_partition> to_partitions(const rd_kafka_topic_partition_list_t* list) {
    std::vector<topic_partition> out;
    if (list == nullptr) {
        return out;
    }
    for (int i = 0; i < list->cnt; ++i) {
        out.push_back({list->elems[i].topic, list->elems[i].partition});
    }
    return out;
}

}  // namespace

std::string describe_error(const rd_kafka_error_t* e) {
    const char* msg = rd_kafka_error_string(e);
    return fmt::format("{}: {}", rd_kafka_error_name(e), msg != nullptr ? msg : "");
}

failure unknown_group(std::string_view group) {
    return runtime_failure("group '{}' does not exist (see `fjord group list`)", group);
}

outcome<group_info> describe_group(const client& c, const global_options& g, const std::string& group) {
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    queue_ptr q(rd_kafka_queue_new(c.get()));
    const char* groups[] = {group.c_str()};
    rd_kafka_DescribeConsumerGroups(c.get(), groups, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "DescribeConsumerGroups");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* descs =
        rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("DescribeConsumerGroups returned {} groups, expected 1", n);
    }
    const auto* d = descs[0];
    if (const auto* e = rd_kafka_ConsumerGroupDescription_error(d)) {
        if (rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
            return unknown_group(group);
        }
        return runtime_failure("cannot describe group '{}': {}", group, describe_error(e));
    }
    group_info info{
        .group_id = group,
        .state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d)),
        .simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d) != 0,
    };
    if (const char* a = rd_kafka_ConsumerGroupDescription_partition_assignor(d)) {
        info.assignor = a;
    }
    if (const auto* node = rd_kafka_ConsumerGroupDescription_coordinator(d)) {
        const char* host = rd_kafka_Node_host(node);
        info.coordinator = group_coordinator{.id = rd_kafka_Node_id(node),
                                             .host = host != nullptr ? host : "",
                                             .port = rd_kafka_Node_port(node)};
    }
    const size_t members = rd_kafka_ConsumerGroupDescription_member_count(d);
    for (size_t i = 0; i < members; ++i) {
        const auto* m = rd_kafka_ConsumerGroupDescription_member(d, i);
        group_member gm;
        if (const char* s = rd_kafka_MemberDescription_consumer_id(m)) {
            gm.member_id = s;
        }
        if (const char* s = rd_kafka_MemberDescription_group_instance_id(m)) {
            gm.group_instance_id = s;
        }
        if (const char* s = rd_kafka_MemberDescription_client_id(m)) {
            gm.client_id = s;
        }
        if (const char* s = rd_kafka_MemberDescription_host(m)) {
            gm.host = s;
        }
        if (const auto* a = rd_kafka_MemberDescription_assignment(m)) {
            gm.assigned = to_partitions(rd_kafka_MemberAssignment_partitions(a));
        }
        info.members.push_back(std::move(gm));
    }
    return info;
}

outcome<std::map<topic_partition, int64_t>> committed_offsets(const client& c, const global_options& g,
                                                              const std::string& group) {
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    // No partition list: OffsetFetch with null topics, every committed offset of the group.
    list_group_offsets_ptr req(rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr));
    queue_ptr q(rd_kafka_queue_new(c.get()));
    rd_kafka_ListConsumerGroupOffsets_t* reqs[] = {req.get()};
    rd_kafka_ListConsumerGroupOffsets(c.get(), reqs, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "ListConsumerGroupOffsets");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results =
        rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("ListConsumerGroupOffsets returned {} groups, expected 1", n);
    }
    if (const auto* e = rd_kafka_group_result_error(results[0])) {
        return runtime_failure("cannot read the committed offsets of group '{}': {}", group, describe_error(e));
    }
    std::map<topic_partition, int64_t> out;
    const auto* parts = rd_kafka_group_result_partitions(results[0]);
    for (int i = 0; parts != nullptr && i < parts->cnt; ++i) {
        const auto& p = parts->elems[i];
        if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot read the committed offset of group '{}' on partition {} of '{}': {}", group,
                                   p.partition, p.topic, rd_kafka_err2name(p.err));
        }
        if (p.offset >= 0) {
            out[{p.topic, p.partition}] = p.offset;
        }
    }
    return out;
}

outcome<watermarks> query_watermarks(const client& c, const global_options& g, const topic_partition& tp) {
    watermarks w;
    const auto err = rd_kafka_query_watermark_offsets(c.get(), tp.topic.c_str(), tp.partition, &w.log_start,
                                                      &w.log_end, g.timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return runtime_failure("cannot read the offsets of partition {} of '{}': {}", tp.partition, tp.topic,
                               rd_kafka_err2str(err));
    }
    return w;
}

}  // namespace fjord::cli
