// `fjord perf produce TOPIC --records N --record-size BYTES`: a producer load test in the
// manner of Kafka's kafka-producer-perf-test. Registers the `perf` command group.
//
// Latency is send → delivery report per record, on the steady clock: the send time rides in
// the message's opaque pointer (as an integer), the delivery callback records now − sent
// in a latency_histogram (µs). Throughput is records delivered over first send → last
// delivery. Every record carries the same payload of random capital letters (fixed seed),
// as Kafka's tool does, so compression ratios are comparable.
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <fmt/format.h>

#include "cli/commands/commands.h"
#include "cli/interrupt.h"
#include "cli/perf_report.h"

namespace fjord::cli {
namespace {

using steady = std::chrono::steady_clock;

struct perf_produce_options {
    std::string topic;
    int64_t records = 0;
    int record_size = 0;
    std::string acks;
    std::string compression;
    double throughput = -1;  // records/s; -1: unlimited
    int batch_size = -1;     // bytes; -1: librdkafka's default
    int linger_ms = -1;      // -1: librdkafka's default
    bool json = false;
};

uint64_t micros_between(steady::time_point a, steady::time_point b) {
    return static_cast<uint64_t>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::microseconds>(b - a).count()));
}

class perf_sink final : public delivery_sink {
public:
    explicit perf_sink(steady::time_point epoch) : epoch_(epoch) {}

    // The opaque that carries a record's send time.
    void* stamp(steady::time_point sent) const {
        return reinterpret_cast<void*>(static_cast<uintptr_t>((sent - epoch_).count()));
    }

    void on_delivery(const rd_kafka_message_t& m) override {
        const auto now = steady::now();
        if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (failed++ == 0) {
                first_error = fmt::format("{}: {}", rd_kafka_err2name(m.err), rd_kafka_err2str(m.err));
            }
            return;
        }
        const auto sent = epoch_ + steady::duration(static_cast<steady::rep>(reinterpret_cast<uintptr_t>(m._private)));
        const uint64_t us = micros_between(sent, now);
        histogram.record(us);
        window.add(m.len, us);
        ++delivered;
        bytes += m.len;
        last_delivery = now;
    }

    latency_histogram histogram;
    perf_window window;
    uint64_t delivered = 0;
    uint64_t bytes = 0;
    uint64_t failed = 0;
    std::string first_error;
    steady::time_point last_delivery;

private:
    steady::time_point epoch_;
};

double seconds_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// Prints the window's progress line once a second has passed since the last one.
void maybe_report(perf_sink& sink, steady::time_point& window_start) {
    const auto now = steady::now();
    if (now - window_start < std::chrono::seconds(1)) {
        return;
    }
    fmt::print(stderr, "{}\n", progress_line(sink.window.summary(seconds_between(window_start, now))));
    sink.window = {};
    window_start = now;
}

std::string random_letters(int size) {
    std::string payload(static_cast<size_t>(size), 'A');
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> letter('A', 'Z');
    for (auto& ch : payload) {
        ch = static_cast<char>(letter(rng));
    }
    return payload;
}

// Sends o.records copies of `payload`, at most o.throughput per second; returns how many
// were handed to librdkafka, or the error that stopped it. Delivery reports go to `sink`.
outcome<int64_t> send_records(const client& c, rd_kafka_topic_t* topic, const perf_produce_options& o,
                              const std::string& payload, perf_sink& sink, steady::time_point start) {
    auto window_start = start;
    int64_t sent = 0;
    while (sent < o.records && !interrupted()) {
        maybe_report(sink, window_start);
        if (o.throughput > 0) {
            // Ahead of schedule: wait (serving delivery reports) until the next record is due.
            const auto due = start + std::chrono::duration_cast<steady::duration>(
                                         std::chrono::duration<double>(static_cast<double>(sent) / o.throughput));
            if (const auto now = steady::now(); now < due) {
                const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
                rd_kafka_poll(c.get(), static_cast<int>(std::min<int64_t>(wait_ms, 100)));
                continue;
            }
        }
        void* value = const_cast<char*>(payload.data());
        const size_t size = payload.size();
        void* stamp = sink.stamp(steady::now());
        const auto err = rd_kafka_producev(c.get(), RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
                                           RD_KAFKA_V_MSGFLAGS(0),  // no copy: `payload` outlives every delivery
                                           RD_KAFKA_V_VALUE(value, size), RD_KAFKA_V_OPAQUE(stamp), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(c.get(), 10);
            continue;
        }
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return runtime_failure("cannot produce to '{}': {}", rd_kafka_topic_name(topic), rd_kafka_err2str(err));
        }
        ++sent;
        rd_kafka_poll(c.get(), 0);
    }
    while (rd_kafka_outq_len(c.get()) > 0) {
        rd_kafka_flush(c.get(), 100);
        maybe_report(sink, window_start);
    }
    return sent;
}

outcome<void> run_perf_produce(const perf_produce_options& o, const global_options& g) {
    auto props = producer_properties(o.acks, o.compression, false);
    if (!props) {
        return std::move(props).error();
    }
    if (o.batch_size >= 0) {
        props->push_back({"batch.size", std::to_string(o.batch_size)});
    }
    if (o.linger_ms >= 0) {
        props->push_back({"linger.ms", std::to_string(o.linger_ms)});
    }
    // Declared before the client: librdkafka points at it without copying, so it must
    // outlive the client, also when an error returns before the final flush.
    const std::string payload = random_letters(o.record_size);
    const auto epoch = steady::now();
    perf_sink sink(epoch);
    client_options copts{.type = RD_KAFKA_PRODUCER, .overrides = std::move(*props), .sink = &sink};
    copts.defaults.push_back({"message.timeout.ms", std::to_string(g.timeout_ms())});
    auto c = make_client(g, std::move(copts));
    if (!c) {
        return std::move(c).error();
    }
    FJORD_CLI_TRY(existing_topic(*c, g, o.topic));
    topic_ptr topic(rd_kafka_topic_new(c->get(), o.topic.c_str(), nullptr));

    install_interrupt_handler();
    const auto start = steady::now();
    auto sent = send_records(*c, topic.get(), o, payload, sink, start);
    if (!sent) {
        return std::move(sent).error();
    }
    const double seconds = sink.delivered > 0 ? seconds_between(start, sink.last_delivery) : 0;
    const auto summary = summarize(sink.delivered, sink.bytes, seconds, sink.histogram);
    fmt::print("{}\n", o.json ? result_json(summary) : result_text(summary));
    if (sink.failed > 0) {
        return runtime_failure("{} of {} records were not delivered: {}", sink.failed, *sent, sink.first_error);
    }
    if (interrupted()) {
        return runtime_failure("interrupted after {} of {} records", *sent, o.records);
    }
    return {};
}

}  // namespace

void add_perf_commands(CLI::App& app, const global_options& g, action& chosen) {
    auto* perf = app.add_subcommand("perf", "Load tests (like Kafka's producer/consumer perf-test tools)");
    perf->require_subcommand(1);

    auto o = std::make_shared<perf_produce_options>();
    auto* p = perf->add_subcommand("produce", "Produce N records of a fixed size as fast as allowed");
    p->add_option("topic", o->topic, "Topic name (must exist)")->required();
    p->add_option("--records", o->records, "Records to send")->required()->check(at_least(1));
    p->add_option("--record-size", o->record_size, "Value size in bytes")->required()->check(at_least(0));
    p->add_option("--acks", o->acks, "0, 1 or all (default: librdkafka's, all)");
    p->add_option("--compression", o->compression, "none, gzip, snappy, lz4 or zstd (default none)");
    p->add_option("--throughput", o->throughput, "Records per second at most; -1: unlimited")->capture_default_str();
    p->add_option("--batch-size", o->batch_size, "librdkafka batch.size in bytes")->check(at_least(1));
    p->add_option("--linger-ms", o->linger_ms, "librdkafka linger.ms")->check(at_least(0));
    p->add_flag("--json", o->json, "Print the final result as one JSON object on stdout");
    p->callback([o, &g, &chosen] { chosen = [o, &g] { return run_perf_produce(*o, g); }; });

    add_perf_consume(*perf, g, chosen);
}

}  // namespace fjord::cli
