// `fjord topic describe NAME [--json]`: partitions (leader, replicas, ISR, log start and
// end offsets) from Metadata + ListOffsets, and config entries with their source from
// DescribeConfigs. Output formats are in docs/cli.md.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "cli/commands/topic_configs.h"
#include "cli/config_merge.h"

namespace fjord::cli {
namespace {

struct describe_options {
    std::string name;
    bool json = false;
};

struct partition_info {
    int32_t id = 0;
    int32_t leader = -1;
    std::vector<int32_t> replicas;
    std::vector<int32_t> isr;
    int64_t log_start = -1;
    int64_t log_end = -1;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

outcome<std::vector<partition_info>> describe_partitions(const client& c, const global_options& g,
                                                         const rd_kafka_metadata_topic_t& t) {
    std::vector<partition_info> out;
    for (int i = 0; i < t.partition_cnt; ++i) {
        const auto& p = t.partitions[i];
        partition_info info{.id = p.id, .leader = p.leader, .error = p.err};
        info.replicas.assign(p.replicas, p.replicas + p.replica_cnt);
        info.isr.assign(p.isrs, p.isrs + p.isr_cnt);
        const auto err =
            rd_kafka_query_watermark_offsets(c.get(), t.topic, p.id, &info.log_start, &info.log_end, g.timeout_ms());
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot read the offsets of partition {} of topic '{}': {}", p.id, t.topic,
                                   rd_kafka_err2str(err));
        }
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

void print_text(const std::string& name, const std::vector<partition_info>& parts,
                const std::vector<config_entry>& configs) {
    const size_t rf = parts.empty() ? 0 : parts.front().replicas.size();
    fmt::print("Topic: {}  Partitions: {}  ReplicationFactor: {}\n", name, parts.size(), rf);
    for (const auto& p : parts) {
        fmt::print("  Partition: {}  Leader: {}  Replicas: {}  Isr: {}  LogStartOffset: {}  LogEndOffset: {}", p.id,
                   p.leader, fmt::join(p.replicas, ","), fmt::join(p.isr, ","), p.log_start, p.log_end);
        if (p.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fmt::print("  Error: {}", rd_kafka_err2name(p.error));
        }
        fmt::print("\n");
    }
    fmt::print("Configs:\n");
    for (const auto& e : configs) {
        const bool overridden = is_topic_override(e.source, e.is_default);
        fmt::print("  {}={}  ({}{})\n", e.name, e.value.value_or(e.sensitive ? "(sensitive)" : "(null)"),
                   overridden ? "overridden, " : "default, ", rd_kafka_ConfigSource_name(e.source));
    }
}

void print_json(const std::string& name, const std::vector<partition_info>& parts,
                const std::vector<config_entry>& configs) {
    nlohmann::ordered_json j;
    j["topic"] = name;
    auto& pj = j["partitions"] = nlohmann::ordered_json::array();
    for (const auto& p : parts) {
        nlohmann::ordered_json o;
        o["partition"] = p.id;
        o["leader"] = p.leader;
        o["replicas"] = p.replicas;
        o["isr"] = p.isr;
        o["log_start_offset"] = p.log_start;
        o["log_end_offset"] = p.log_end;
        o["error"] = p.error == RD_KAFKA_RESP_ERR_NO_ERROR ? nlohmann::ordered_json(nullptr)
                                                           : nlohmann::ordered_json(rd_kafka_err2name(p.error));
        pj.push_back(std::move(o));
    }
    auto& cj = j["configs"] = nlohmann::ordered_json::array();
    for (const auto& e : configs) {
        nlohmann::ordered_json o;
        o["name"] = e.name;
        o["value"] = e.value ? nlohmann::ordered_json(*e.value) : nlohmann::ordered_json(nullptr);
        o["source"] = rd_kafka_ConfigSource_name(e.source);
        o["overridden"] = is_topic_override(e.source, e.is_default);
        o["read_only"] = e.read_only;
        o["sensitive"] = e.sensitive;
        cj.push_back(std::move(o));
    }
    // Broker strings are not guaranteed UTF-8: replace rather than throw.
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

outcome<void> run_describe(const describe_options& o, const global_options& g) {
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    auto found = existing_topic(*c, g, o.name);
    if (!found) {
        return std::move(found).error();
    }
    const auto* t = found->topic;
    if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return topic_error(o.name, "Metadata", t->err, nullptr);
    }
    auto parts = describe_partitions(*c, g, *t);
    if (!parts) {
        return std::move(parts).error();
    }
    auto configs = describe_topic_configs(*c, g, o.name);
    if (!configs) {
        return std::move(configs).error();
    }
    if (o.json) {
        print_json(o.name, *parts, *configs);
    } else {
        print_text(o.name, *parts, *configs);
    }
    return {};
}

}  // namespace

void add_topic_describe(CLI::App& topic, const global_options& g, action& chosen) {
    auto o = std::make_shared<describe_options>();
    auto* d = topic.add_subcommand("describe", "Show a topic's partitions, offsets and configs");
    d->add_option("name", o->name, "Topic name")->required();
    d->add_flag("--json", o->json, "Print one JSON object instead of text");
    d->callback([o, &g, &chosen] { chosen = [o, &g] { return run_describe(*o, g); }; });
}

}  // namespace fjord::cli
