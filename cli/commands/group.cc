// `fjord group list | delete`, and the `group` command group itself (describe and
// reset-offsets register from group_describe.cc and group_reset.cc).
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "cli/commands/group_admin.h"
#include "cli/group_plan.h"

namespace fjord::cli {
namespace {

struct list_options {
    std::string state;  // empty: every state
    bool json = false;
};

struct listed_group {
    std::string id;
    std::string state;
    std::string protocol_type;
};

outcome<std::vector<listed_group>> list_groups(const client& c, const global_options& g) {
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    queue_ptr q(rd_kafka_queue_new(c.get()));
    rd_kafka_ListConsumerGroups(c.get(), opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "ListConsumerGroups");
    if (!ev) {
        return std::move(ev).error();
    }
    const auto* result = rd_kafka_event_ListConsumerGroups_result(ev->get());
    size_t n_errors = 0;
    const auto* const* errors = rd_kafka_ListConsumerGroups_result_errors(result, &n_errors);
    if (n_errors > 0) {
        return runtime_failure("ListConsumerGroups failed: {}", describe_error(errors[0]));
    }
    size_t n = 0;
    const auto* const* valid = rd_kafka_ListConsumerGroups_result_valid(result, &n);
    std::vector<listed_group> out;
    for (size_t i = 0; i < n; ++i) {
        const bool simple = rd_kafka_ConsumerGroupListing_is_simple_consumer_group(valid[i]) != 0;
        out.push_back({.id = rd_kafka_ConsumerGroupListing_group_id(valid[i]),
                       .state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(valid[i])),
                       .protocol_type = simple ? "" : "consumer"});
    }
    // A broker answering ListGroups below v4 reports no state: ask DescribeGroups.
    for (auto& lg : out) {
        if (lg.state == "Unknown") {
            auto d = describe_group(c, g, lg.id);
            if (!d) {
                return std::move(d).error();
            }
            lg.state = d->state;
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

outcome<void> run_list(const list_options& o, const global_options& g) {
    std::optional<std::string> state;
    if (!o.state.empty()) {
        auto s = parse_group_state(o.state);
        if (!s) {
            return std::move(s).error();
        }
        state = *s;
    }
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto groups = list_groups(*c, g);
    if (!groups) {
        return std::move(groups).error();
    }
    if (state) {
        std::erase_if(*groups, [&](const listed_group& lg) { return lg.state != *state; });
    }
    if (o.json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& lg : *groups) {
            j.push_back({{"group", lg.id}, {"state", lg.state}, {"protocol_type", lg.protocol_type}});
        }
        fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        return {};
    }
    if (groups->empty()) {
        fmt::print(stderr, "no consumer groups{}\n", state ? fmt::format(" in state {}", *state) : "");
        return {};
    }
    std::vector<std::vector<std::string>> rows{{"GROUP", "STATE", "PROTOCOL-TYPE"}};
    for (const auto& lg : *groups) {
        rows.push_back({lg.id, lg.state, lg.protocol_type.empty() ? "-" : lg.protocol_type});
    }
    fmt::print("{}", format_table(rows));
    return {};
}

outcome<void> run_delete(const std::vector<std::string>& names, const global_options& g) {
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto opts = make_admin_options(*c, RD_KAFKA_ADMIN_OP_DELETEGROUPS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    std::vector<delete_group_ptr> owned;
    std::vector<rd_kafka_DeleteGroup_t*> raw;
    for (const auto& name : names) {
        owned.emplace_back(rd_kafka_DeleteGroup_new(name.c_str()));
        raw.push_back(owned.back().get());
    }
    queue_ptr q(rd_kafka_queue_new(c->get()));
    rd_kafka_DeleteGroups(c->get(), raw.data(), raw.size(), opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "DeleteGroups");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev->get()), &n);
    std::vector<std::string> failures;
    for (size_t i = 0; i < n; ++i) {
        const std::string name = rd_kafka_group_result_name(results[i]);
        const auto* e = rd_kafka_group_result_error(results[i]);
        if (e == nullptr) {
            fmt::print(stderr, "deleted group '{}'\n", name);
            continue;
        }
        switch (rd_kafka_error_code(e)) {
            case RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP:
                failures.push_back(fmt::format(
                    "group '{}' is not empty: it has active members; stop them first (NON_EMPTY_GROUP)", name));
                break;
            case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND: failures.push_back(unknown_group(name).message); break;
            default: failures.push_back(fmt::format("cannot delete group '{}': {}", name, describe_error(e))); break;
        }
    }
    if (n != names.size()) {
        failures.push_back(fmt::format("DeleteGroups returned {} results for {} groups", n, names.size()));
    }
    if (!failures.empty()) {
        return runtime_failure("{}", fmt::join(failures, "; "));
    }
    return {};
}

}  // namespace

void add_group_commands(CLI::App& app, const global_options& g, action& chosen) {
    auto* group = app.add_subcommand("group", "List, describe, reset the offsets of, and delete consumer groups");
    group->require_subcommand(1);

    auto list = std::make_shared<list_options>();
    auto* l = group->add_subcommand("list", "List consumer groups with their state and protocol type");
    l->add_option("--state", list->state,
                  "Only groups in this state: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead");
    l->add_flag("--json", list->json, "Print one JSON array instead of text");
    l->callback([list, &g, &chosen] { chosen = [list, &g] { return run_list(*list, g); }; });

    auto del = std::make_shared<std::vector<std::string>>();
    auto* d = group->add_subcommand("delete", "Delete consumer groups (and their committed offsets)");
    d->add_option("group", *del, "Group id (one or more)")->required();
    d->callback([del, &g, &chosen] { chosen = [del, &g] { return run_delete(*del, g); }; });

    add_group_describe(*group, g, chosen);
    add_group_reset(*group, g, chosen);
}

}  // namespace fjord::cli
