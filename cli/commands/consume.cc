// `fjord consume TOPIC`: print records to stdout as value, kv or json lines.
//
// Without --group the consumer assign()s every partition (or --partition) at the chosen
// start (--from-beginning, --from-end (the default), --offset N, --timestamp T) and commits
// nothing. With --group it subscribe()s and the group coordinator assigns partitions;
// when no assignment arrives within --timeout the command fails. Offsets are auto-committed
// (and committed once more on close), so the next run of the group continues. Stops at
// --count records, when every assigned partition reached its end (--exit-at-end, via
// enable.partition.eof), after --timeout-ms without a record, or on Ctrl-C.
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "cli/commands/commands.h"
#include "cli/interrupt.h"
#include "cli/record_format.h"

namespace fjord::cli {
namespace {

using steady = std::chrono::steady_clock;

enum class start_at { end, beginning, offset, timestamp };

struct consume_options {
    std::string topic;
    start_at start = start_at::end;
    int64_t offset = 0;
    std::string timestamp;
    int partition = -1;
    int64_t count = -1;
    std::string group;
    std::string format = "value";
    std::string key_separator = "\t";
    bool exit_at_end = false;
    int64_t timeout_ms = -1;
};

// The start offset of every partition to assign (no group).
outcome<partition_list_ptr> start_positions(const client& c, const global_options& g, const consume_options& o,
                                            const rd_kafka_metadata_topic_t& t) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(t.partition_cnt));
    for (int i = 0; i < t.partition_cnt; ++i) {
        const int32_t id = t.partitions[i].id;
        if (o.partition >= 0 && id != o.partition) {
            continue;
        }
        auto* p = rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), id);
        switch (o.start) {
            case start_at::end: p->offset = RD_KAFKA_OFFSET_END; break;
            case start_at::beginning: p->offset = RD_KAFKA_OFFSET_BEGINNING; break;
            case start_at::offset: {
                int64_t low = 0, high = 0;
                const auto err = rd_kafka_query_watermark_offsets(c.get(), o.topic.c_str(), id, &low, &high,
                                                                  g.timeout_ms());
                if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    return runtime_failure("cannot read the offsets of partition {} of '{}': {}", id, o.topic,
                                           rd_kafka_err2str(err));
                }
                if (o.offset < low || o.offset > high) {
                    return runtime_failure("--offset {} is outside partition {} of '{}', which holds offsets {}..{} "
                                           "(log start..log end)",
                                           o.offset, id, o.topic, low, high);
                }
                p->offset = o.offset;
                break;
            }
            case start_at::timestamp: break;  // resolved below
        }
    }
    if (o.start == start_at::timestamp) {
        auto ts = parse_timestamp_ms(o.timestamp);
        if (!ts) {
            return std::move(ts).error();
        }
        for (int i = 0; i < list->cnt; ++i) {
            list->elems[i].offset = *ts;
        }
        const auto err = rd_kafka_offsets_for_times(c.get(), list.get(), g.timeout_ms());
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot look up offsets by timestamp in '{}': {}", o.topic, rd_kafka_err2str(err));
        }
        for (int i = 0; i < list->cnt; ++i) {
            auto& p = list->elems[i];
            if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                return runtime_failure("cannot look up offsets by timestamp in partition {} of '{}': {}", p.partition,
                                       o.topic, rd_kafka_err2str(p.err));
            }
            if (p.offset < 0) {
                p.offset = RD_KAFKA_OFFSET_END;  // no record at or after the timestamp yet
            }
        }
    }
    return list;
}

record_view view_of(const rd_kafka_message_t& m) {
    record_view r;
    r.topic = rd_kafka_topic_name(m.rkt);
    r.partition = m.partition;
    r.offset = m.offset;
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    r.timestamp_ms = rd_kafka_message_timestamp(&m, &type);
    r.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? timestamp_kind::create_time
                       : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? timestamp_kind::log_append_time
                                                                    : timestamp_kind::none;
    if (m.key != nullptr) {
        r.key = std::string_view(static_cast<const char*>(m.key), m.key_len);
    }
    if (m.payload != nullptr) {
        r.value = std::string_view(static_cast<const char*>(m.payload), m.len);
    }
    rd_kafka_headers_t* hdrs = nullptr;  // owned by the message
    if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
            header_view h{.key = name};
            if (value != nullptr) {
                h.value = std::string_view(static_cast<const char*>(value), size);
            }
            r.headers.push_back(h);
        }
    }
    return r;
}

// Errors that end the command; others are printed as warnings and consuming goes on.
bool is_fatal(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
        case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
        case RD_KAFKA_RESP_ERR__FATAL: return true;
        default: return false;
    }
}

outcome<void> consume_loop(const client& c, const global_options& g, const consume_options& o, output_format format,
                           int assigned_without_group) {
    const bool group = !o.group.empty();
    const auto started = steady::now();
    auto last_record = started;
    std::set<int32_t> at_end;
    int64_t consumed = 0;
    std::string line;
    auto finish = [&](outcome<void> r) {
        std::fflush(stdout);
        fmt::print(stderr, "consumed {} records\n", consumed);
        return r;
    };
    while (!interrupted() && (o.count < 0 || consumed < o.count)) {
        message_ptr m(rd_kafka_consumer_poll(c.get(), 100));
        const int assigned = group ? c.context().assigned_partitions : assigned_without_group;
        if (!m) {
            std::fflush(stdout);
            if (group && assigned < 0 && steady::now() - started > g.timeout()) {
                return finish(runtime_failure(
                    "group '{}' got no partitions within {} s: no group coordinator answered, or the group did not "
                    "finish rebalancing (see `fjord group describe {}`){}",
                    o.group, g.timeout_s, o.group,
                    c.context().last_error.empty() ? "" : fmt::format("; last error: {}", c.context().last_error)));
            }
            if (o.timeout_ms >= 0 && steady::now() - last_record > std::chrono::milliseconds(o.timeout_ms)) {
                if (o.count >= 0) {
                    return finish(runtime_failure("only {} of --count {} records arrived; none for --timeout-ms {}",
                                                  consumed, o.count, o.timeout_ms));
                }
                break;
            }
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            at_end.insert(m->partition);
            if (o.exit_at_end && assigned >= 0 && static_cast<int>(at_end.size()) >= assigned) {
                break;
            }
            continue;
        }
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            const std::string what = fmt::format("{} (partition {}): {}", rd_kafka_err2name(m->err), m->partition,
                                                 rd_kafka_message_errstr(m.get()));
            if (is_fatal(m->err)) {
                return finish(runtime_failure("consuming '{}' failed: {}", o.topic, what));
            }
            fmt::print(stderr, "warning: {}\n", what);
            continue;
        }
        at_end.erase(m->partition);
        last_record = steady::now();
        line = format_record(view_of(*m), format, o.key_separator);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
        ++consumed;
    }
    return finish({});
}

client_options consumer_options(const consume_options& o) {
    const bool group = !o.group.empty();
    client_options copts{.type = RD_KAFKA_CONSUMER, .group_consumer = group};
    copts.defaults.push_back({"enable.partition.eof", o.exit_at_end ? "true" : "false"});
    if (o.exit_at_end) {
        // A fetch at the end waits this long before the broker answers "nothing new":
        // keep --exit-at-end snappy (librdkafka's default is 500 ms).
        copts.defaults.push_back({"fetch.wait.max.ms", "100"});
    }
    if (group) {
        copts.defaults.push_back({"group.id", o.group});
        copts.defaults.push_back({"auto.offset.reset", o.start == start_at::beginning ? "earliest" : "latest"});
    } else {
        for (auto& kv : assign_only_consumer_defaults()) {
            copts.defaults.push_back(std::move(kv));
        }
        // An assigned position that falls out of the log is an error, not a silent jump.
        copts.defaults.push_back({"auto.offset.reset", "error"});
    }
    return copts;
}

outcome<void> run_consume(const consume_options& o, const global_options& g) {
    auto format = parse_output_format(o.format);
    if (!format) {
        return std::move(format).error();
    }
    const bool group = !o.group.empty();
    if (group && (o.partition >= 0 || o.start == start_at::offset || o.start == start_at::timestamp)) {
        return usage_failure("--group cannot be combined with --partition, --offset or --timestamp "
                             "(the group decides partitions and positions)");
    }
    if (o.start == start_at::offset && o.partition < 0) {
        return usage_failure("--offset needs --partition (offsets differ between partitions)");
    }
    if (o.start == start_at::timestamp) {
        FJORD_CLI_TRY(parse_timestamp_ms(o.timestamp));  // a usage error before connecting
    }
    auto c = make_client(g, consumer_options(o));
    if (!c) {
        return std::move(c).error();
    }
    auto t = existing_topic(*c, g, o.topic, o.partition);
    if (!t) {
        return std::move(t).error();
    }
    rd_kafka_poll_set_consumer(c->get());
    install_interrupt_handler();
    int assigned = -1;
    if (group) {
        partition_list_ptr topics(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(topics.get(), o.topic.c_str(), RD_KAFKA_PARTITION_UA);
        if (const auto err = rd_kafka_subscribe(c->get(), topics.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot subscribe to '{}': {}", o.topic, rd_kafka_err2str(err));
        }
    } else {
        auto list = start_positions(*c, g, o, *t->topic);
        if (!list) {
            return std::move(list).error();
        }
        if (const auto err = rd_kafka_assign(c->get(), list->get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot assign partitions of '{}': {}", o.topic, rd_kafka_err2str(err));
        }
        assigned = (*list)->cnt;
    }
    auto result = consume_loop(*c, g, o, *format, assigned);
    rd_kafka_consumer_close(c->get());
    return result;
}

}  // namespace

void add_consume_command(CLI::App& app, const global_options& g, action& chosen) {
    auto o = std::make_shared<consume_options>();
    auto* c = app.add_subcommand("consume", "Print a topic's records on stdout");
    c->add_option("topic", o->topic, "Topic name")->required();
    auto flags = std::make_shared<std::pair<bool, bool>>();  // --from-beginning, --from-end
    auto* beginning = c->add_flag("--from-beginning", flags->first, "Start at each partition's log start");
    auto* end = c->add_flag("--from-end", flags->second, "Start after the last record (the default)");
    auto* offset = c->add_option("--offset", o->offset, "Start at this offset (needs --partition)")
                       ->check(at_least(0));
    auto* ts = c->add_option("--timestamp", o->timestamp,
                             "Start at the first record with a timestamp >= T (epoch ms or ISO 8601, UTC if no zone)");
    beginning->excludes(end, offset, ts);
    end->excludes(offset, ts);
    offset->excludes(ts);
    c->add_option("--partition", o->partition, "Consume only this partition")->check(at_least(0));
    c->add_option("--count", o->count, "Stop after N records")->check(at_least(1));
    c->add_option("--group", o->group, "Consume as a member of this consumer group (subscribe)");
    c->add_option("--format", o->format, "value, kv or json (one JSON object per line)")->capture_default_str();
    c->add_option("--key-separator", o->key_separator, "Between key and value in --format kv (default: tab)");
    c->add_flag("--exit-at-end", o->exit_at_end, "Stop once every assigned partition reached its end");
    c->add_option("--timeout-ms", o->timeout_ms, "Stop when no record arrived for this long")
        ->check(at_least(0));
    c->callback([o, flags, offset, ts, &g, &chosen] {
        if (flags->first) {
            o->start = start_at::beginning;
        } else if (offset->count() > 0) {
            o->start = start_at::offset;
        } else if (ts->count() > 0) {
            o->start = start_at::timestamp;
        } else {
            o->start = start_at::end;  // --from-end or nothing
        }
        chosen = [o, &g] { return run_consume(*o, g); };
    });
}

}  // namespace fjord::cli
