// `fjord topic alter NAME [--config k=v]... [--delete-config k]... [--partitions N]`.
//
// Config changes go through AlterConfigs, which replaces the topic's whole override set:
// read the current overrides (DescribeConfigs), merge (cli/config_merge.h), send the full
// set. Not atomic against a concurrent alter by someone else: the last writer wins, as
// with Kafka's own pre-incremental tools. --partitions uses CreatePartitions (new total).
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands/commands.h"
#include "cli/commands/topic_configs.h"
#include "cli/config_merge.h"

namespace fjord::cli {
namespace {

struct alter_options {
    std::string name;
    std::vector<std::string> configs;
    std::vector<std::string> delete_configs;
    int partitions = 0;  // 0: unchanged
};

outcome<void> alter_configs(const client& c, const global_options& g, const std::string& topic,
                            const std::vector<key_value>& set, const std::vector<std::string>& remove) {
    auto entries = describe_topic_configs(c, g, topic);
    if (!entries) {
        return std::move(entries).error();
    }
    config_map current;
    for (const auto& e : *entries) {
        if (is_topic_override(e.source, e.is_default) && e.value) {
            current[e.name] = *e.value;
        }
    }
    auto merged = merge_overrides(topic, std::move(current), set, remove);
    if (!merged) {
        return std::move(merged).error();
    }
    config_resource_ptr res(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
    for (const auto& [k, v] : *merged) {
        if (rd_kafka_ConfigResource_set_config(res.get(), k.c_str(), v.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return usage_failure("--config {}={} is not accepted", k, v);
        }
    }
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_ALTERCONFIGS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    queue_ptr q(rd_kafka_queue_new(c.get()));
    rd_kafka_ConfigResource_t* resources[] = {res.get()};
    rd_kafka_AlterConfigs(c.get(), resources, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "AlterConfigs");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results =
        rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("AlterConfigs returned {} resources, expected 1", n);
    }
    if (const auto err = rd_kafka_ConfigResource_error(results[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return topic_error(topic, "AlterConfigs", err, rd_kafka_ConfigResource_error_string(results[0]));
    }
    fmt::print(stderr, "altered configs of topic '{}'\n", topic);
    return {};
}

outcome<void> grow_partitions(const client& c, const global_options& g, const rd_kafka_metadata_topic_t& t,
                              int count) {
    if (count <= t.partition_cnt) {
        return runtime_failure("topic '{}' has {} partitions; --partitions can only grow it (give more than {})",
                               t.topic, t.partition_cnt, t.partition_cnt);
    }
    char errstr[512];
    new_partitions_ptr np(rd_kafka_NewPartitions_new(t.topic, static_cast<size_t>(count), errstr, sizeof errstr));
    if (!np) {
        return usage_failure("--partitions {}: {}", count, errstr);
    }
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    queue_ptr q(rd_kafka_queue_new(c.get()));
    rd_kafka_NewPartitions_t* parts[] = {np.get()};
    rd_kafka_CreatePartitions(c.get(), parts, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "CreatePartitions");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results =
        rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("CreatePartitions returned {} results, expected 1", n);
    }
    if (const auto err = rd_kafka_topic_result_error(results[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return topic_error(t.topic, "CreatePartitions", err, rd_kafka_topic_result_error_string(results[0]));
    }
    fmt::print(stderr, "topic '{}' now has {} partitions\n", t.topic, count);
    return {};
}

outcome<void> run_alter(const alter_options& o, const global_options& g) {
    if (o.configs.empty() && o.delete_configs.empty() && o.partitions == 0) {
        return usage_failure("nothing to alter: give --config, --delete-config or --partitions");
    }
    std::vector<key_value> set;
    for (const auto& text : o.configs) {
        auto kv = parse_key_value(text, "--config");
        if (!kv) {
            return std::move(kv).error();
        }
        set.push_back(*kv);
    }
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    auto found = existing_topic(*c, g, o.name);
    if (!found) {
        return std::move(found).error();
    }
    const auto* t = found->topic;
    if (!set.empty() || !o.delete_configs.empty()) {
        FJORD_CLI_TRY(alter_configs(*c, g, o.name, set, o.delete_configs));
    }
    if (o.partitions != 0) {
        FJORD_CLI_TRY(grow_partitions(*c, g, *t, o.partitions));
    }
    return {};
}

}  // namespace

void add_topic_alter(CLI::App& topic, const global_options& g, action& chosen) {
    auto o = std::make_shared<alter_options>();
    auto* a = topic.add_subcommand("alter", "Change a topic's config overrides or grow its partition count");
    a->add_option("name", o->name, "Topic name")->required();
    a->add_option("--config", o->configs, "Set a config override key=value (repeatable)")->allow_extra_args(false);
    a->add_option("--delete-config", o->delete_configs, "Remove a config override, back to the default (repeatable)")
        ->allow_extra_args(false);
    a->add_option("--partitions", o->partitions, "New total partition count (can only grow)")
        ->check(at_least(1));
    a->callback([o, &g, &chosen] { chosen = [o, &g] { return run_alter(*o, g); }; });
}

}  // namespace fjord::cli
