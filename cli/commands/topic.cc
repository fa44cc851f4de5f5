// `fjord topic create | list | delete`, and the `topic` command group itself (describe and
// alter register from topic_describe.cc and topic_alter.cc).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands/commands.h"
#include "cli/commands/topic_configs.h"

namespace fjord::cli {
namespace {

struct create_options {
    std::string name;
    int partitions = -1;          // -1: the broker's num.partitions
    int replication_factor = -1;  // -1: the broker's default.replication.factor
    std::vector<std::string> configs;
    bool if_not_exists = false;
};

outcome<void> run_create(const create_options& o, const global_options& g) {
    std::vector<key_value> configs;
    for (const auto& text : o.configs) {
        auto kv = parse_key_value(text, "--config");
        if (!kv) {
            return std::move(kv).error();
        }
        configs.push_back(*kv);
    }
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));

    char errstr[512];
    new_topic_ptr topic(rd_kafka_NewTopic_new(o.name.c_str(), o.partitions, o.replication_factor, errstr,
                                              sizeof errstr));
    if (!topic) {
        return usage_failure("cannot create topic '{}': {}", o.name, errstr);
    }
    for (const auto& kv : configs) {
        if (rd_kafka_NewTopic_set_config(topic.get(), kv.key.c_str(), kv.value.c_str()) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
            return usage_failure("--config {}={} is not accepted", kv.key, kv.value);
        }
    }
    auto opts = make_admin_options(*c, RD_KAFKA_ADMIN_OP_CREATETOPICS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    queue_ptr q(rd_kafka_queue_new(c->get()));
    rd_kafka_NewTopic_t* topics[] = {topic.get()};
    rd_kafka_CreateTopics(c->get(), topics, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "CreateTopics");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("CreateTopics returned {} results, expected 1", n);
    }
    const auto err = rd_kafka_topic_result_error(results[0]);
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        if (o.if_not_exists) {
            fmt::print(stderr, "topic '{}' already exists\n", o.name);
            return {};
        }
        return runtime_failure("topic '{}' already exists (add --if-not-exists to accept that, or see `fjord topic "
                               "describe {}`)",
                               o.name, o.name);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* msg = rd_kafka_topic_result_error_string(results[0]);
        return runtime_failure("cannot create topic '{}': {}: {}", o.name, rd_kafka_err2name(err),
                               msg != nullptr ? msg : rd_kafka_err2str(err));
    }
    fmt::print(stderr, "created topic '{}'\n", o.name);
    return {};
}

// Internal topics (__consumer_offsets, __transaction_state, ...) start with two underscores.
bool is_internal(std::string_view name) { return name.starts_with("__"); }

outcome<void> run_list(bool all, const global_options& g) {
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto md = all_topics_metadata(*c, g);
    if (!md) {
        return std::move(md).error();
    }
    std::vector<std::string> names;
    for (int i = 0; i < (*md)->topic_cnt; ++i) {
        std::string name = (*md)->topics[i].topic;
        if (all || !is_internal(name)) {
            names.push_back(std::move(name));
        }
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        fmt::print("{}\n", name);
    }
    return {};
}

outcome<void> run_delete(const std::string& name, const global_options& g) {
    auto c = make_client(g, {});
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(connect(*c, g));
    auto opts = make_admin_options(*c, RD_KAFKA_ADMIN_OP_DELETETOPICS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    delete_topic_ptr topic(rd_kafka_DeleteTopic_new(name.c_str()));
    queue_ptr q(rd_kafka_queue_new(c->get()));
    rd_kafka_DeleteTopic_t* topics[] = {topic.get()};
    rd_kafka_DeleteTopics(c->get(), topics, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "DeleteTopics");
    if (!ev) {
        return std::move(ev).error();
    }
    size_t n = 0;
    const auto* const* results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
    if (n != 1) {
        return runtime_failure("DeleteTopics returned {} results, expected 1", n);
    }
    if (const auto err = rd_kafka_topic_result_error(results[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return topic_error(name, "DeleteTopics", err, rd_kafka_topic_result_error_string(results[0]));
    }
    fmt::print(stderr, "deleted topic '{}'\n", name);
    return {};
}

}  // namespace

void add_topic_commands(CLI::App& app, const global_options& g, action& chosen) {
    auto* topic = app.add_subcommand("topic", "Create, list, describe, alter and delete topics");
    topic->require_subcommand(1);

    auto create = std::make_shared<create_options>();
    auto* c = topic->add_subcommand("create", "Create a topic");
    c->add_option("name", create->name, "Topic name")->required();
    c->add_option("--partitions", create->partitions, "Partition count (default: the broker's num.partitions)")
        ->check(at_least(1));
    c->add_option("--replication-factor", create->replication_factor,
                  "Replicas per partition (default: the broker's default.replication.factor)")
        ->check(at_least(1));
    c->add_option("--config", create->configs, "Topic config override key=value (repeatable)")
        ->allow_extra_args(false);
    c->add_flag("--if-not-exists", create->if_not_exists, "Succeed if the topic already exists");
    c->callback([create, &g, &chosen] { chosen = [create, &g] { return run_create(*create, g); }; });

    auto all = std::make_shared<bool>(false);
    auto* l = topic->add_subcommand("list", "List topic names, one per line");
    l->add_flag("--all", *all, "Include internal topics (names starting with __)");
    l->callback([all, &g, &chosen] { chosen = [all, &g] { return run_list(*all, g); }; });

    auto del = std::make_shared<std::string>();
    auto* d = topic->add_subcommand("delete", "Delete a topic and all its records");
    d->add_option("name", *del, "Topic name")->required();
    d->callback([del, &g, &chosen] { chosen = [del, &g] { return run_delete(*del, g); }; });

    add_topic_describe(*topic, g, chosen);
    add_topic_alter(*topic, g, chosen);
}

}  // namespace fjord::cli
