// `fjord perf consume TOPIC --records N`: a consumer load test in the manner of Kafka's
// kafka-consumer-perf-test. Assigns every partition from its log start (no group), reads N
// records, and reports records/s and MB/s (key + value bytes) from the first record to the
// last. The latency percentiles are record age at consumption: wall clock now − the
// record's timestamp — end-to-end latency when a producer runs at the same time, the age
// of the backlog otherwise.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/commands/commands.h"
#include "cli/interrupt.h"
#include "cli/perf_report.h"

namespace fjord::cli {
namespace {

using steady = std::chrono::steady_clock;

struct perf_consume_options {
    std::string topic;
    int64_t records = 0;
    int64_t timeout_ms = 10000;
    bool json = false;
};

double seconds_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct consume_stats {
    latency_histogram histogram;
    uint64_t records = 0;
    uint64_t bytes = 0;
    steady::time_point first{}, last{};
};

// Reads until o.records arrived, printing a progress line a second; fails after
// o.timeout_ms without a record.
outcome<void> consume_records(const client& c, const perf_consume_options& o, consume_stats& s) {
    perf_window window;
    auto last_activity = steady::now();
    auto window_start = last_activity;
    while (s.records < static_cast<uint64_t>(o.records) && !interrupted()) {
        message_ptr m(rd_kafka_consumer_poll(c.get(), 100));
        const auto now = steady::now();
        if (now - window_start >= std::chrono::seconds(1)) {
            fmt::print(stderr, "{}\n", progress_line(window.summary(seconds_between(window_start, now))));
            window = {};
            window_start = now;
        }
        if (!m) {
            if (now - last_activity > std::chrono::milliseconds(o.timeout_ms)) {
                return runtime_failure(
                    "only {} of {} records arrived; none for {} ms (does '{}' hold that many? fill it with `fjord "
                    "perf produce`)",
                    s.records, o.records, o.timeout_ms, o.topic);
            }
            continue;
        }
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fmt::print(stderr, "warning: {}: {}\n", rd_kafka_err2name(m->err), rd_kafka_message_errstr(m.get()));
            continue;
        }
        if (s.records == 0) {
            s.first = now;
        }
        s.last = last_activity = now;
        const uint64_t size = m->len + m->key_len;
        const int64_t ts = rd_kafka_message_timestamp(m.get(), nullptr);
        const uint64_t age_us = ts >= 0 ? static_cast<uint64_t>(std::max<int64_t>(0, wall_clock_ms() - ts)) * 1000 : 0;
        s.histogram.record(age_us);
        window.add(size, age_us);
        ++s.records;
        s.bytes += size;
    }
    return {};
}

outcome<void> run_perf_consume(const perf_consume_options& o, const global_options& g) {
    client_options copts{.type = RD_KAFKA_CONSUMER, .defaults = assign_only_consumer_defaults()};
    copts.defaults.push_back({"enable.partition.eof", "false"});
    auto c = make_client(g, std::move(copts));
    if (!c) {
        return std::move(c).error();
    }
    auto found = existing_topic(*c, g, o.topic);
    if (!found) {
        return std::move(found).error();
    }
    const auto* t = found->topic;
    partition_list_ptr list(rd_kafka_topic_partition_list_new(t->partition_cnt));
    for (int i = 0; i < t->partition_cnt; ++i) {
        rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), t->partitions[i].id)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_poll_set_consumer(c->get());
    if (const auto err = rd_kafka_assign(c->get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return runtime_failure("cannot assign partitions of '{}': {}", o.topic, rd_kafka_err2str(err));
    }
    install_interrupt_handler();
    auto s = std::make_unique<consume_stats>();  // the histogram is 15 KiB: not on the stack
    auto result = consume_records(*c, o, *s);
    rd_kafka_consumer_close(c->get());
    const double seconds = s->records > 0 ? seconds_between(s->first, s->last) : 0;
    const auto summary = summarize(s->records, s->bytes, seconds, s->histogram);
    fmt::print("{}\n", o.json ? result_json(summary) : result_text(summary));
    if (!result) {
        return result;
    }
    if (interrupted()) {
        return runtime_failure("interrupted after {} of {} records", s->records, o.records);
    }
    return {};
}

}  // namespace

void add_perf_consume(CLI::App& perf, const global_options& g, action& chosen) {
    auto o = std::make_shared<perf_consume_options>();
    auto* p = perf.add_subcommand("consume", "Consume N records from the log start as fast as possible");
    p->add_option("topic", o->topic, "Topic name")->required();
    p->add_option("--records", o->records, "Records to read")->required()->check(at_least(1));
    p->add_option("--timeout-ms", o->timeout_ms, "Fail when no record arrived for this long")->capture_default_str();
    p->add_flag("--json", o->json, "Print the final result as one JSON object on stdout");
    p->callback([o, &g, &chosen] { chosen = [o, &g] { return run_perf_consume(*o, g); }; });
}

}  // namespace fjord::cli
