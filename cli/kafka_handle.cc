// Implementation of cli/kafka_handle.h: client configuration, connecting, admin plumbing.
#include "cli/kafka_handle.h"

#include <algorithm>
#include <cstdio>

#include <unistd.h>

namespace fjord::cli {
namespace {

using steady = std::chrono::steady_clock;

void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* ctx = static_cast<client_context*>(opaque);
    ctx->last_error = reason;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__RESOLVE) {
        ctx->brokers_down = true;
    }
    if (ctx->verbose) {
        std::fprintf(stderr, "fjord: librdkafka error: %s: %s\n",
                     rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
    }
}

// Without -v librdkafka's own log lines stay quiet: fjord prints what went wrong itself.
void drop_log(const rd_kafka_t*, int, const char*, const char*) {}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* ctx = static_cast<client_context*>(opaque);
    if (ctx->sink != nullptr) {
        ctx->sink->on_delivery(*m);
    }
}

// Group consumers: take what the coordinator assigns (eager or cooperative protocol).
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* ctx = static_cast<client_context*>(opaque);
    const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (cooperative) {
            if (error_ptr e{rd_kafka_incremental_assign(rk, parts)}) {
                std::fprintf(stderr, "fjord: cannot take the assignment: %s\n", rd_kafka_error_string(e.get()));
            }
            ctx->assigned_partitions = std::max(ctx->assigned_partitions, 0) + parts->cnt;
        } else {
            rd_kafka_assign(rk, parts);
            ctx->assigned_partitions = parts->cnt;
        }
        return;
    }
    if (cooperative) {
        if (error_ptr e{rd_kafka_incremental_unassign(rk, parts)}) {
            std::fprintf(stderr, "fjord: cannot give up the assignment: %s\n", rd_kafka_error_string(e.get()));
        }
        ctx->assigned_partitions = std::max(ctx->assigned_partitions - parts->cnt, 0);
    } else {
        rd_kafka_assign(rk, nullptr);
        ctx->assigned_partitions = 0;
    }
}

outcome<void> set(rd_kafka_conf_t* conf, const key_value& kv, std::string_view origin) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, kv.key.c_str(), kv.value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        return usage_failure("{} {}={}: {}", origin, kv.key, kv.value, errstr);
    }
    return {};
}

std::string unreachable_message(const client& c, const global_options& g) {
    std::string msg = fmt::format(
        "cannot reach broker at {} — is fjord-broker running? (start one with `make run`, or point -b / "
        "FJORD_BOOTSTRAP_SERVER at a running broker)",
        g.bootstrap);
    if (!c.context().last_error.empty()) {
        msg += fmt::format("; last error: {}", c.context().last_error);
    }
    return msg;
}

}  // namespace

outcome<client> make_client(const global_options& g, client_options opts) {
    conf_ptr conf(rd_kafka_conf_new());
    auto ctx = std::make_unique<client_context>();
    ctx->verbose = g.verbose;
    ctx->sink = opts.sink;

    FJORD_CLI_TRY(set(conf.get(), {"bootstrap.servers", g.bootstrap}, "--bootstrap-server"));
    FJORD_CLI_TRY(set(conf.get(), {"client.id", "fjord"}, "default"));
    // Never create a topic as a side effect of looking at it.
    FJORD_CLI_TRY(set(conf.get(), {"allow.auto.create.topics", "false"}, "default"));
    for (const auto& kv : opts.defaults) {
        FJORD_CLI_TRY(set(conf.get(), kv, "default"));
    }
    for (const auto& text : g.properties) {
        auto kv = parse_key_value(text, "-X");
        if (!kv) {
            return std::move(kv).error();
        }
        FJORD_CLI_TRY(set(conf.get(), *kv, "-X"));
    }
    for (const auto& kv : opts.overrides) {
        FJORD_CLI_TRY(set(conf.get(), kv, "option"));
    }

    rd_kafka_conf_set_error_cb(conf.get(), on_error);
    if (!g.verbose) {
        rd_kafka_conf_set_log_cb(conf.get(), drop_log);
    }
    if (opts.group_consumer) {
        rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
    }
    if (opts.sink != nullptr) {
        rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    }
    rd_kafka_conf_set_opaque(conf.get(), ctx.get());

    char errstr[512];
    kafka_ptr rk(rd_kafka_new(opts.type, conf.get(), errstr, sizeof errstr));
    if (!rk) {
        return runtime_failure("cannot create the Kafka client: {}", errstr);
    }
    conf.release();  // rd_kafka_new took ownership of conf on success
    return client(std::move(ctx), std::move(rk));
}

std::vector<key_value> assign_only_consumer_defaults() {
    return {
        {"group.id", fmt::format("fjord-cli-assign-{}", ::getpid())},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
    };
}

outcome<metadata_ptr> connect(const client& c, const global_options& g) {
    const auto start = steady::now();
    const auto deadline = start + g.timeout();
    for (;;) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
        const auto slice = std::clamp(remaining, std::chrono::milliseconds(1), std::chrono::milliseconds(1000));
        const rd_kafka_metadata_t* md = nullptr;
        const auto err = rd_kafka_metadata(c.get(), 0, nullptr, &md, static_cast<int>(slice.count()));
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return metadata_ptr(md);
        }
        rd_kafka_poll(c.get(), 0);  // serve the error callback
        // Every bootstrap broker refused (or did not resolve): no point waiting out the timeout.
        const bool refused = c.context().brokers_down && steady::now() - start >= std::chrono::seconds(1);
        if (refused || steady::now() >= deadline) {
            return runtime_failure("{}", unreachable_message(c, g));
        }
    }
}

outcome<metadata_ptr> all_topics_metadata(const client& c, const global_options& g) {
    const rd_kafka_metadata_t* md = nullptr;
    const auto err = rd_kafka_metadata(c.get(), 1, nullptr, &md, g.timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return runtime_failure("metadata request to {} failed: {}", g.bootstrap, rd_kafka_err2str(err));
    }
    return metadata_ptr(md);
}

const rd_kafka_metadata_topic_t* find_topic(const rd_kafka_metadata_t& md, std::string_view name) {
    for (int i = 0; i < md.topic_cnt; ++i) {
        if (name == md.topics[i].topic) {
            return &md.topics[i];
        }
    }
    return nullptr;
}

outcome<topic_metadata> existing_topic(const client& c, const global_options& g, const std::string& name,
                                       int32_t partition) {
    FJORD_CLI_TRY(connect(c, g));
    auto md = all_topics_metadata(c, g);
    if (!md) {
        return std::move(md).error();
    }
    const auto* t = find_topic(**md, name);
    if (t == nullptr) {
        return unknown_topic(name);
    }
    if (partition >= t->partition_cnt) {
        return runtime_failure("topic '{}' has partitions 0..{}; --partition {} does not exist", name,
                               t->partition_cnt - 1, partition);
    }
    return topic_metadata{.all = std::move(*md), .topic = t};
}

failure unknown_topic(std::string_view name) {
    return runtime_failure("topic '{}' does not exist (create it with `fjord topic create {}`)", name, name);
}

outcome<admin_options_ptr> make_admin_options(const client& c, rd_kafka_admin_op_t op, const global_options& g) {
    admin_options_ptr o(rd_kafka_AdminOptions_new(c.get(), op));
    char errstr[512];
    if (rd_kafka_AdminOptions_set_request_timeout(o.get(), g.timeout_ms(), errstr, sizeof errstr) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        return usage_failure("--timeout {}: {}", g.timeout_s, errstr);
    }
    if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
        op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
        if (rd_kafka_AdminOptions_set_operation_timeout(o.get(), g.timeout_ms(), errstr, sizeof errstr) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
            return usage_failure("--timeout {}: {}", g.timeout_s, errstr);
        }
    }
    return o;
}

outcome<event_ptr> wait_admin_result(rd_kafka_queue_t* q, const global_options& g, std::string_view what) {
    // The request timeout is enforced by librdkafka; the extra seconds only guard against a hang.
    event_ptr ev(rd_kafka_queue_poll(q, g.timeout_ms() + 5000));
    if (!ev) {
        return runtime_failure("no answer to {} from {} within {} s (raise --timeout?)", what, g.bootstrap,
                               g.timeout_s);
    }
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return runtime_failure("{} failed: {}", what, rd_kafka_event_error_string(ev.get()));
    }
    return ev;
}

}  // namespace fjord::cli
