// `fjord cluster describe [--json]`: cluster id, controller id, brokers with host:port,
// topic and partition counts (Metadata; librdkafka 2.0.2 has no DescribeCluster).
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"

namespace fjord::cli {
namespace {

outcome<void> run_describe(bool json, const global_options& g) {
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto md = all_topics_metadata(*c, g);
    if (!md) {
        return std::move(md).error();
    }
    rd_string_ptr cluster_id(rd_kafka_clusterid(c->get(), g.timeout_ms()), rd_string_deleter{c->get()});
    const int32_t controller = rd_kafka_controllerid(c->get(), g.timeout_ms());
    const auto& m = **md;
    int partitions = 0;
    for (int i = 0; i < m.topic_cnt; ++i) {
        partitions += m.topics[i].partition_cnt;
    }
    if (json) {
        nlohmann::ordered_json j;
        j["cluster_id"] = cluster_id ? nlohmann::ordered_json(cluster_id.get()) : nlohmann::ordered_json(nullptr);
        j["controller_id"] = controller;
        auto& bj = j["brokers"] = nlohmann::ordered_json::array();
        for (int i = 0; i < m.broker_cnt; ++i) {
            bj.push_back({{"id", m.brokers[i].id}, {"host", m.brokers[i].host}, {"port", m.brokers[i].port}});
        }
        j["topics"] = m.topic_cnt;
        j["partitions"] = partitions;
        fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        return {};
    }
    fmt::print("Cluster id: {}\n", cluster_id ? cluster_id.get() : "(unknown)");
    fmt::print("Controller: {}\n", controller);
    fmt::print("Brokers:\n");
    for (int i = 0; i < m.broker_cnt; ++i) {
        fmt::print("  {}  {}:{}{}\n", m.brokers[i].id, m.brokers[i].host, m.brokers[i].port,
                   m.brokers[i].id == controller ? "  (controller)" : "");
    }
    fmt::print("Topics: {}\n", m.topic_cnt);
    fmt::print("Partitions: {}\n", partitions);
    return {};
}

}  // namespace

void add_cluster_commands(CLI::App& app, const global_options& g, action& chosen) {
    auto* cluster = app.add_subcommand("cluster", "Inspect the cluster");
    cluster->require_subcommand(1);
    auto json = std::make_shared<bool>(false);
    auto* d = cluster->add_subcommand("describe", "Show the cluster id, controller, brokers and counts");
    d->add_flag("--json", *json, "Print one JSON object instead of text");
    d->callback([json, &g, &chosen] { chosen = [json, &g] { return run_describe(*json, g); }; });
}

}  // namespace fjord::cli
