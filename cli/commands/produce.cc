// `fjord produce TOPIC`: one record per stdin line, keys split at --key-separator, fixed
// --header pairs on every record; flush at EOF, a delivery summary on stderr.
//
// A line without the separator stops reading: everything before it is delivered, nothing
// after it is sent, and the command fails naming the line (exit 1). Any failed delivery
// fails the command naming the first error.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands/commands.h"

namespace fjord::cli {
namespace {

struct produce_options {
    std::string topic;
    std::string key_separator;  // empty: no keys
    std::vector<std::string> headers;
    int partition = -1;  // -1: the partitioner picks
    std::string acks;
    std::string compression;
    bool idempotent = false;
};

class delivery_counter final : public delivery_sink {
public:
    void on_delivery(const rd_kafka_message_t& m) override {
        if (m.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            ++delivered;
            return;
        }
        if (failed++ == 0) {
            first_error = fmt::format("{}: {}", rd_kafka_err2name(m.err), rd_kafka_err2str(m.err));
        }
    }
    uint64_t delivered = 0;
    uint64_t failed = 0;
    std::string first_error;
};

// The record's key/value and headers go to librdkafka (copied); retries while its queue is full.
outcome<void> send(const client& c, rd_kafka_topic_t* topic, int partition, std::optional<std::string_view> key,
                   std::string_view value, const std::vector<key_value>& headers) {
    for (;;) {
        headers_ptr hdrs(rd_kafka_headers_new(headers.size()));
        for (const auto& h : headers) {
            rd_kafka_header_add(hdrs.get(), h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                                static_cast<ssize_t>(h.value.size()));
        }
        // The RD_KAFKA_V_* macros cast their arguments unparenthesized: pass plain variables.
        const void* key_data = key ? key->data() : nullptr;
        const size_t key_size = key ? key->size() : 0;
        void* value_data = const_cast<char*>(value.data());
        const size_t value_size = value.size();
        const auto err = rd_kafka_producev(
            c.get(), RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value_data, value_size),
            RD_KAFKA_V_HEADERS(hdrs.get()),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            hdrs.release();  // producev took ownership of the headers
            rd_kafka_poll(c.get(), 0);
            return {};
        }
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            return runtime_failure("cannot produce to '{}': {}", rd_kafka_topic_name(topic), rd_kafka_err2str(err));
        }
        rd_kafka_poll(c.get(), 100);  // wait for deliveries to make room
    }
}

// What reading stdin ended with.
struct read_result {
    uint64_t sent = 0;
    std::optional<uint64_t> bad_line;      // the first line without the key separator
    std::optional<failure> produce_error;  // librdkafka refused a record
};

read_result send_stdin_lines(const client& c, rd_kafka_topic_t* topic, int partition, const produce_options& o,
                             const std::vector<key_value>& headers) {
    read_result r;
    uint64_t line_no = 0;
    std::string line;
    while (std::getline(std::cin, line)) {
        ++line_no;
        std::optional<std::string_view> key;
        std::string_view value = line;
        if (!o.key_separator.empty()) {
            auto split = split_at_separator(line, o.key_separator);
            if (!split) {
                r.bad_line = line_no;
                return r;
            }
            key = split->first;
            value = split->second;
        }
        if (auto sent = send(c, topic, partition, key, value, headers); !sent) {
            r.produce_error = std::move(sent).error();
            return r;
        }
        ++r.sent;
    }
    return r;
}

outcome<void> run_produce(const produce_options& o, const global_options& g) {
    std::vector<key_value> headers;
    for (const auto& text : o.headers) {
        auto kv = parse_key_value(text, "--header");
        if (!kv) {
            return std::move(kv).error();
        }
        headers.push_back(*kv);
    }
    auto props = producer_properties(o.acks, o.compression, o.idempotent);
    if (!props) {
        return std::move(props).error();
    }
    delivery_counter counter;
    client_options copts{.type = RD_KAFKA_PRODUCER, .overrides = std::move(*props), .sink = &counter};
    // --timeout bounds each record's delivery too, unless -X message.timeout.ms says otherwise.
    copts.defaults.push_back({"message.timeout.ms", std::to_string(g.timeout_ms())});
    auto c = make_client(g, std::move(copts));
    if (!c) {
        return std::move(c).error();
    }
    auto t = existing_topic(*c, g, o.topic, o.partition);
    if (!t) {
        return std::move(t).error();
    }
    topic_ptr topic(rd_kafka_topic_new(c->get(), o.topic.c_str(), nullptr));
    const int partition = o.partition >= 0 ? o.partition : RD_KAFKA_PARTITION_UA;
    const auto r = send_stdin_lines(*c, topic.get(), partition, o, headers);
    while (rd_kafka_outq_len(c->get()) > 0) {
        rd_kafka_flush(c->get(), 1000);
    }
    fmt::print(stderr, "{} records delivered to '{}'{}\n", counter.delivered, o.topic,
               counter.failed > 0 ? fmt::format(", {} failed", counter.failed) : "");
    if (counter.failed > 0) {
        return runtime_failure("{} of {} records were not delivered to '{}': {}", counter.failed, r.sent, o.topic,
                               counter.first_error);
    }
    if (r.produce_error) {
        return *r.produce_error;
    }
    if (r.bad_line) {
        return runtime_failure(
            "line {} has no key separator '{}' (the {} records before it were delivered; nothing after it was sent)",
            *r.bad_line, o.key_separator, counter.delivered);
    }
    return {};
}

}  // namespace

void add_produce_command(CLI::App& app, const global_options& g, action& chosen) {
    auto o = std::make_shared<produce_options>();
    auto* p = app.add_subcommand("produce", "Produce stdin lines as records (one record per line)");
    p->add_option("topic", o->topic, "Topic name")->required();
    p->add_option("--key-separator", o->key_separator,
                  "Split each line at the first SEP into key and value; a line without it is an error");
    p->add_option("--header", o->headers, "Header key=value added to every record (repeatable)")
        ->allow_extra_args(false);
    p->add_option("--partition", o->partition, "Send every record to this partition")->check(at_least(0));
    p->add_option("--acks", o->acks, "0, 1 or all (default: librdkafka's, all)");
    p->add_option("--compression", o->compression, "none, gzip, snappy, lz4 or zstd (default none)");
    p->add_flag("--idempotent", o->idempotent, "Enable the idempotent producer (needs acks=all)");
    p->callback([o, &g, &chosen] { chosen = [o, &g] { return run_produce(*o, g); }; });
}

}  // namespace fjord::cli
