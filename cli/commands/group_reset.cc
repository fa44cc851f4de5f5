// `fjord group reset-offsets GROUP (--topic T[:p,...]... | --all-topics) --to-... [--dry-run]`:
// computes the new committed offset of every chosen partition (cli/group_plan.h), prints
// the plan, and unless --dry-run commits it with AlterConsumerGroupOffsets (OffsetCommit
// with generation -1 and no member id). Like Kafka it refuses a group that has active
// members: their next commit would overwrite the reset. Rules in docs/cli.md.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "cli/commands/group_admin.h"
#include "cli/group_plan.h"

namespace fjord::cli {
namespace {

struct reset_options {
    std::string group;
    std::vector<std::string> topics;  // --topic, as typed
    bool all_topics = false;
    reset_flags flags;
    bool dry_run = false;
    bool json = false;
};

// The partitions --topic names (every partition of a topic without a list), checked
// against the cluster's metadata.
outcome<std::set<topic_partition>> named_partitions(const client& c, const global_options& g,
                                                    const std::vector<topic_spec>& specs) {
    auto md = all_topics_metadata(c, g);
    if (!md) {
        return std::move(md).error();
    }
    std::set<topic_partition> out;
    for (const auto& spec : specs) {
        const auto* t = find_topic(**md, spec.topic);
        if (t == nullptr) {
            return unknown_topic(spec.topic);
        }
        std::set<int32_t> existing;
        for (int i = 0; i < t->partition_cnt; ++i) {
            existing.insert(t->partitions[i].id);
        }
        if (spec.partitions.empty()) {
            for (int32_t p : existing) {
                out.insert({spec.topic, p});
            }
            continue;
        }
        for (int32_t p : spec.partitions) {
            if (!existing.contains(p)) {
                return runtime_failure("topic '{}' has partitions 0..{}; partition {} does not exist", spec.topic,
                                       t->partition_cnt - 1, p);
            }
            out.insert({spec.topic, p});
        }
    }
    return out;
}

// Watermarks (and, for --to-datetime, the offset of the first record at or after the time)
// of every partition to reset.
outcome<std::vector<partition_position>> positions(const client& c, const global_options& g,
                                                   const std::set<topic_partition>& parts,
                                                   const std::map<topic_partition, int64_t>& committed,
                                                   const reset_target& target) {
    std::vector<partition_position> out;
    for (const auto& tp : parts) {
        auto marks = query_watermarks(c, g, tp);
        if (!marks) {
            return std::move(marks).error();
        }
        partition_position p{.tp = tp, .log_start = marks->log_start, .log_end = marks->log_end};
        if (auto it = committed.find(tp); it != committed.end()) {
            p.committed = it->second;
        }
        out.push_back(std::move(p));
    }
    if (target.kind != reset_kind::datetime) {
        return out;
    }
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(out.size())));
    for (const auto& p : out) {
        rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition)->offset = target.value;
    }
    if (const auto err = rd_kafka_offsets_for_times(c.get(), list.get(), g.timeout_ms());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return runtime_failure("cannot look up offsets by timestamp: {}", rd_kafka_err2str(err));
    }
    for (int i = 0; i < list->cnt; ++i) {
        const auto& e = list->elems[i];
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot look up offsets by timestamp in partition {} of '{}': {}", e.partition,
                                   e.topic, rd_kafka_err2str(e.err));
        }
        for (auto& p : out) {
            if (p.tp.topic == e.topic && p.tp.partition == e.partition && e.offset >= 0) {
                p.time_offset = e.offset;  // negative: no record at or after the time
            }
        }
    }
    return out;
}

void print_plan(const reset_options& o, const std::vector<planned_reset>& plan) {
    if (o.json) {
        nlohmann::ordered_json j;
        j["group"] = o.group;
        j["dry_run"] = o.dry_run;
        auto& parts = j["partitions"] = nlohmann::ordered_json::array();
        for (const auto& r : plan) {
            parts.push_back({{"topic", r.tp.topic},
                             {"partition", r.tp.partition},
                             {"current_offset", r.current ? nlohmann::ordered_json(*r.current) : nullptr},
                             {"new_offset", r.target},
                             {"clamped", r.clamped}});
        }
        fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        return;
    }
    std::vector<std::vector<std::string>> table{{"TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET"}};
    for (const auto& r : plan) {
        table.push_back({r.tp.topic, std::to_string(r.tp.partition), r.current ? std::to_string(*r.current) : "-",
                         std::to_string(r.target) + (r.clamped ? " (clamped)" : "")});
    }
    fmt::print("{}", format_table(table));
}

outcome<void> commit_plan(const client& c, const global_options& g, const std::string& group,
                          const std::vector<planned_reset>& plan) {
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(plan.size())));
    for (const auto& r : plan) {
        rd_kafka_topic_partition_list_add(list.get(), r.tp.topic.c_str(), r.tp.partition)->offset = r.target;
    }
    alter_group_offsets_ptr req(rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get()));
    queue_ptr q(rd_kafka_queue_new(c.get()));
    rd_kafka_AlterConsumerGroupOffsets_t* reqs[] = {req.get()};
    rd_kafka_AlterConsumerGroupOffsets(c.get(), reqs, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "AlterConsumerGroupOffsets");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
        rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("AlterConsumerGroupOffsets returned {} groups, expected 1", n);
    }
    if (const auto* e = rd_kafka_group_result_error(results[0])) {
        return runtime_failure("cannot commit the new offsets of group '{}': {}", group, describe_error(e));
    }
    const auto* parts = rd_kafka_group_result_partitions(results[0]);
    int failed = 0;
    std::string first;
    bool member_joined = false;
    for (int i = 0; parts != nullptr && i < parts->cnt; ++i) {
        const auto& p = parts->elems[i];
        if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (failed++ == 0) {
                first = fmt::format("partition {} of '{}': {}", p.partition, p.topic, rd_kafka_err2name(p.err));
            }
            // What a broker answers a memberless commit to a group that has members again.
            member_joined |= p.err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
                             p.err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
                             p.err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS;
        }
    }
    if (failed > 0) {
        return runtime_failure("{} of {} offsets of group '{}' were not committed; first: {}{}", failed, plan.size(),
                               group, first,
                               member_joined ? " (a member joined the group meanwhile; stop it first)" : "");
    }
    return {};
}

outcome<void> run_reset(const reset_options& o, const global_options& g) {
    // Every usage error before connecting.
    auto target = choose_reset_target(o.flags);
    if (!target) {
        return std::move(target).error();
    }
    if (o.all_topics && !o.topics.empty()) {
        return usage_failure("--topic and --all-topics exclude one another");
    }
    if (!o.all_topics && o.topics.empty()) {
        return usage_failure("give --topic TOPIC[:PARTITION,...] (repeatable) or --all-topics");
    }
    std::vector<topic_spec> specs;
    for (const auto& text : o.topics) {
        auto spec = parse_topic_spec(text);
        if (!spec) {
            return std::move(spec).error();
        }
        specs.push_back(std::move(*spec));
    }

    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto info = describe_group(*c, g, o.group);
    if (!info) {
        return std::move(info).error();
    }
    if (!info->members.empty()) {
        return runtime_failure("group '{}' has {} active member{}; stop them first (offsets can only be reset while "
                               "the group is Empty; it is {})",
                               o.group, info->members.size(), info->members.size() == 1 ? "" : "s", info->state);
    }
    if (info->exists() && info->state != "Empty") {
        return runtime_failure("group '{}' is {}; offsets can only be reset while the group is Empty", o.group,
                               info->state);
    }
    auto committed = committed_offsets(*c, g, o.group);
    if (!committed) {
        return std::move(committed).error();
    }
    std::set<topic_partition> parts;
    if (o.all_topics) {
        for (const auto& [tp, offset] : *committed) {
            parts.insert(tp);
        }
        if (parts.empty()) {
            return runtime_failure("group '{}' has no committed offsets, so --all-topics names nothing (name the "
                                   "partitions with --topic)",
                                   o.group);
        }
    } else {
        auto named = named_partitions(*c, g, specs);
        if (!named) {
            return std::move(named).error();
        }
        parts = std::move(*named);
    }
    auto pos = positions(*c, g, parts, *committed, *target);
    if (!pos) {
        return std::move(pos).error();
    }
    std::vector<planned_reset> plan;
    for (const auto& p : *pos) {
        auto r = plan_reset(*target, p);
        if (!r) {
            return std::move(r).error();
        }
        plan.push_back(std::move(*r));
    }
    print_plan(o, plan);
    if (o.dry_run) {
        fmt::print(stderr, "dry run: nothing committed (drop --dry-run to commit these {} offsets)\n", plan.size());
        return {};
    }
    FJORD_CLI_TRY(commit_plan(*c, g, o.group, plan));
    fmt::print(stderr, "committed {} new offsets for group '{}'\n", plan.size(), o.group);
    return {};
}

}  // namespace

void add_group_reset(CLI::App& group, const global_options& g, action& chosen) {
    auto o = std::make_shared<reset_options>();
    auto* r = group.add_subcommand("reset-offsets", "Move a stopped group's committed offsets");
    r->add_option("group", o->group, "Group id")->required();
    r->add_option("--topic", o->topics,
                  "TOPIC (every partition) or TOPIC:PARTITION,PARTITION,... (repeatable)")
        ->allow_extra_args(false);
    r->add_flag("--all-topics", o->all_topics, "Every partition the group has a committed offset for");
    r->add_flag("--to-earliest", o->flags.to_earliest, "To each partition's log start");
    r->add_flag("--to-latest", o->flags.to_latest, "To each partition's log end");
    auto datetime = std::make_shared<std::string>();
    auto offset = std::make_shared<int64_t>(0);
    auto shift = std::make_shared<int64_t>(0);
    auto* dt = r->add_option("--to-datetime", *datetime,
                             "To the first record with a timestamp >= T (epoch ms or ISO 8601, UTC if no zone); "
                             "the log end if none");
    auto* to = r->add_option("--to-offset", *offset, "To offset N, clamped into [log start, log end]");
    auto* sb = r->add_option("--shift-by", *shift,
                             "Committed offset + N (N may be negative), clamped into [log start, log end]");
    r->add_flag("--dry-run", o->dry_run, "Print the plan, commit nothing");
    r->add_flag("--json", o->json, "Print the plan as one JSON object");
    r->callback([o, datetime, offset, shift, dt, to, sb, &g, &chosen] {
        if (dt->count() > 0) {
            o->flags.to_datetime = *datetime;
        }
        if (to->count() > 0) {
            o->flags.to_offset = *offset;
        }
        if (sb->count() > 0) {
            o->flags.shift_by = *shift;
        }
        chosen = [o, &g] { return run_reset(*o, g); };
    });
}

}  // namespace fjord::cli
