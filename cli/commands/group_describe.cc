// `fjord group describe GROUP [--json]`: the group's state, protocol type, assignor and
// coordinator (DescribeConsumerGroups), its members with their assignments, and every
// partition that has a committed offset (ListConsumerGroupOffsets) or an owner, with its
// log end offset (ListOffsets latest) and lag = log end − committed, as
// `kafka-consumer-groups --describe`. Output formats are in docs/cli.md.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "cli/commands/group_admin.h"
#include "cli/group_plan.h"

namespace fjord::cli {
namespace {

struct describe_options {
    std::string group;
    bool json = false;
};

// One row of the partition table, with the watermarks the broker reported.
struct partition_row {
    offset_row base;
    std::optional<watermarks> marks;  // nullopt: ListOffsets failed (e.g. the topic was deleted)
    std::optional<int64_t> lag;
};

using json = nlohmann::ordered_json;

json optional_json(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

std::string optional_text(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

void print_text(const group_info& info, const std::vector<partition_row>& rows) {
    fmt::print("Group: {}  State: {}  ProtocolType: {}  Assignor: {}  Coordinator: {}\n", info.group_id, info.state,
               info.simple ? "-" : info.protocol_type(), info.assignor.empty() ? "-" : info.assignor,
               info.coordinator
                   ? fmt::format("{} ({}:{})", info.coordinator->id, info.coordinator->host, info.coordinator->port)
                   : "-");
    fmt::print("\nMembers: {}\n", info.members.size());
    if (!info.members.empty()) {
        std::vector<std::vector<std::string>> table{
            {"MEMBER-ID", "GROUP-INSTANCE-ID", "CLIENT-ID", "HOST", "PARTITIONS"}};
        for (const auto& m : info.members) {
            const auto assignment = format_assignment(m.assigned);
            table.push_back({m.member_id, m.group_instance_id.value_or("-"), m.client_id, m.host,
                             assignment.empty() ? "-" : assignment});
        }
        fmt::print("{}", format_table(table));
    }
    fmt::print("\nPartitions: {}\n", rows.size());
    if (!rows.empty()) {
        std::vector<std::vector<std::string>> table{
            {"TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "MEMBER-ID"}};
        for (const auto& r : rows) {
            table.push_back({r.base.tp.topic, std::to_string(r.base.tp.partition), optional_text(r.base.committed),
                             r.marks ? std::to_string(r.marks->log_end) : "-", optional_text(r.lag),
                             r.base.member_id.value_or("-")});
        }
        fmt::print("{}", format_table(table));
    }
}

void print_json(const group_info& info, const std::vector<partition_row>& rows) {
    json j;
    j["group"] = info.group_id;
    j["state"] = info.state;
    j["protocol_type"] = info.protocol_type();
    j["assignor"] = info.assignor;
    j["coordinator"] = info.coordinator ? json{{"id", info.coordinator->id},
                                               {"host", info.coordinator->host},
                                               {"port", info.coordinator->port}}
                                        : json(nullptr);
    auto& members = j["members"] = json::array();
    for (const auto& m : info.members) {
        json mj;
        mj["member_id"] = m.member_id;
        mj["group_instance_id"] = optional_json(m.group_instance_id);
        mj["client_id"] = m.client_id;
        mj["host"] = m.host;
        auto& assigned = mj["assignment"] = json::array();
        for (const auto& tp : m.assigned) {
            assigned.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
        }
        members.push_back(std::move(mj));
    }
    auto& offsets = j["offsets"] = json::array();
    for (const auto& r : rows) {
        json o;
        o["topic"] = r.base.tp.topic;
        o["partition"] = r.base.tp.partition;
        o["committed_offset"] = optional_json(r.base.committed);
        o["log_start_offset"] = r.marks ? json(r.marks->log_start) : json(nullptr);
        o["log_end_offset"] = r.marks ? json(r.marks->log_end) : json(nullptr);
        o["lag"] = optional_json(r.lag);
        o["member_id"] = optional_json(r.base.member_id);
        offsets.push_back(std::move(o));
    }
    // Broker strings are not guaranteed UTF-8: replace rather than throw.
    fmt::print("{}\n", j.dump(-1, ' ', false, json::error_handler_t::replace));
}

outcome<void> run_describe(const describe_options& o, const global_options& g) {
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto info = describe_group(*c, g, o.group);
    if (!info) {
        return std::move(info).error();
    }
    if (!info->exists()) {
        return unknown_group(o.group);
    }
    auto committed = committed_offsets(*c, g, o.group);
    if (!committed) {
        return std::move(committed).error();
    }
    std::vector<member_partitions> owners;
    for (const auto& m : info->members) {
        owners.push_back({m.member_id, m.assigned});
    }
    std::vector<partition_row> rows;
    for (auto& base : merge_offset_rows(*committed, owners)) {
        partition_row r{.base = std::move(base)};
        auto marks = query_watermarks(*c, g, r.base.tp);
        if (marks) {
            r.marks = *marks;
            r.lag = lag_of(r.base.committed, marks->log_end);
        } else {
            fmt::print(stderr, "warning: {}\n", marks.error().message);
        }
        rows.push_back(std::move(r));
    }
    if (o.json) {
        print_json(*info, rows);
    } else {
        print_text(*info, rows);
    }
    return {};
}

}  // namespace

void add_group_describe(CLI::App& group, const global_options& g, action& chosen) {
    auto o = std::make_shared<describe_options>();
    auto* d = group.add_subcommand("describe", "Show a group's members, committed offsets and lag");
    d->add_option("group", o->group, "Group id")->required();
    d->add_flag("--json", o->json, "Print one JSON object instead of text");
    d->callback([o, &g, &chosen] { chosen = [o, &g] { return run_describe(*o, g); }; });
}

}  // namespace fjord::cli
