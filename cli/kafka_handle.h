// RAII ownership of librdkafka objects and the one place a fjord client is configured.
//
// Every librdkafka object the CLI creates lives in a unique_ptr whose deleter is the
// matching rd_kafka_*_destroy (no raw new/delete, no manual destroy calls). `client`
// owns an rd_kafka_t plus the callback context it points at; make_client() applies, in
// order: the tool's defaults, the user's -X key=value properties, then the command's
// explicit flags (so `--acks 1` beats `-X acks=all`, and -X beats a default).
//
// connect() is the first call of every command: it asks for broker metadata and turns
// "no broker answered" into the message that tells the user what to do.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/outcome.h"
#include "cli/parse.h"

namespace fjord::cli {

template<auto Destroy>
struct rd_deleter {
    template<typename T>
    void operator()(T* p) const noexcept {
        Destroy(p);
    }
};

using conf_ptr = std::unique_ptr<rd_kafka_conf_t, rd_deleter<rd_kafka_conf_destroy>>;
using kafka_ptr = std::unique_ptr<rd_kafka_t, rd_deleter<rd_kafka_destroy>>;
using topic_ptr = std::unique_ptr<rd_kafka_topic_t, rd_deleter<rd_kafka_topic_destroy>>;
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, rd_deleter<rd_kafka_queue_destroy>>;
using event_ptr = std::unique_ptr<rd_kafka_event_t, rd_deleter<rd_kafka_event_destroy>>;
using message_ptr = std::unique_ptr<rd_kafka_message_t, rd_deleter<rd_kafka_message_destroy>>;
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, rd_deleter<rd_kafka_headers_destroy>>;
using error_ptr = std::unique_ptr<rd_kafka_error_t, rd_deleter<rd_kafka_error_destroy>>;
using metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, rd_deleter<rd_kafka_metadata_destroy>>;
using partition_list_ptr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, rd_deleter<rd_kafka_topic_partition_list_destroy>>;
using admin_options_ptr = std::unique_ptr<rd_kafka_AdminOptions_t, rd_deleter<rd_kafka_AdminOptions_destroy>>;
using new_topic_ptr = std::unique_ptr<rd_kafka_NewTopic_t, rd_deleter<rd_kafka_NewTopic_destroy>>;
using delete_topic_ptr = std::unique_ptr<rd_kafka_DeleteTopic_t, rd_deleter<rd_kafka_DeleteTopic_destroy>>;
using new_partitions_ptr = std::unique_ptr<rd_kafka_NewPartitions_t, rd_deleter<rd_kafka_NewPartitions_destroy>>;
using config_resource_ptr =
    std::unique_ptr<rd_kafka_ConfigResource_t, rd_deleter<rd_kafka_ConfigResource_destroy>>;
using delete_group_ptr = std::unique_ptr<rd_kafka_DeleteGroup_t, rd_deleter<rd_kafka_DeleteGroup_destroy>>;
using list_group_offsets_ptr =
    std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, rd_deleter<rd_kafka_ListConsumerGroupOffsets_destroy>>;
using alter_group_offsets_ptr =
    std::unique_ptr<rd_kafka_AlterConsumerGroupOffsets_t, rd_deleter<rd_kafka_AlterConsumerGroupOffsets_destroy>>;

// rd_kafka_clusterid() returns a string the caller frees with rd_kafka_mem_free.
struct rd_string_deleter {
    rd_kafka_t* rk;
    void operator()(char* p) const noexcept { rd_kafka_mem_free(rk, p); }
};
using rd_string_ptr = std::unique_ptr<char, rd_string_deleter>;

// The global options every command shares (docs/cli.md "Global options").
struct global_options {
    std::string bootstrap = "localhost:9092";
    std::vector<std::string> properties;  // -X key=value, in command-line order
    int timeout_s = 30;                   // --timeout: admin calls and connecting
    bool verbose = false;                 // -v: let librdkafka's own log lines through

    std::chrono::milliseconds timeout() const { return std::chrono::seconds(timeout_s); }
    int timeout_ms() const { return timeout_s * 1000; }
};

// Receives producer delivery reports (called on the thread that calls rd_kafka_poll/flush).
class delivery_sink {
public:
    virtual void on_delivery(const rd_kafka_message_t& m) = 0;

protected:
    ~delivery_sink() = default;
};

// What librdkafka's callbacks write. Lives at a stable address for the client's lifetime.
struct client_context {
    bool verbose = false;
    delivery_sink* sink = nullptr;
    // Set by the error callback when every bootstrap broker refused or failed to resolve.
    std::atomic<bool> brokers_down{false};
    // The last error the error callback saw (error_cb runs on the polling thread).
    std::string last_error;
    // Group consumers: partitions of the current assignment; -1 until the first one.
    int assigned_partitions = -1;
};

struct client_options {
    rd_kafka_type_t type = RD_KAFKA_PRODUCER;
    std::vector<key_value> defaults;   // before -X
    std::vector<key_value> overrides;  // after -X: explicit command flags
    delivery_sink* sink = nullptr;     // producers: delivery reports go here
    bool group_consumer = false;       // subscribe(): install the rebalance callback
};

class client {
public:
    client(std::unique_ptr<client_context> ctx, kafka_ptr rk) : ctx_(std::move(ctx)), rk_(std::move(rk)) {}

    rd_kafka_t* get() const { return rk_.get(); }
    client_context& context() const { return *ctx_; }

private:
    std::unique_ptr<client_context> ctx_;  // declared first: outlives rk_
    kafka_ptr rk_;
};

outcome<client> make_client(const global_options& g, client_options opts);

// Consumer properties for assign() without a consumer group: no commits, no offset store,
// and a per-process group.id — librdkafka 2.0.2's assign() refuses a consumer without one
// ("Local: Unknown group") although an assign-only consumer never joins or commits to it.
std::vector<key_value> assign_only_consumer_defaults();

// Broker metadata without topics; fails with "cannot reach broker at ..." when no broker
// answers within the timeout (or sooner, once every bootstrap broker refused).
outcome<metadata_ptr> connect(const client& c, const global_options& g);

// Metadata of every topic (a Metadata request for all topics never auto-creates one).
outcome<metadata_ptr> all_topics_metadata(const client& c, const global_options& g);

// The topic's entry in `md`, or nullptr.
const rd_kafka_metadata_topic_t* find_topic(const rd_kafka_metadata_t& md, std::string_view name);

// Metadata of every topic plus the entry of the one a command works on.
struct topic_metadata {
    metadata_ptr all;
    const rd_kafka_metadata_topic_t* topic = nullptr;  // points into *all
};

// connect(), then the named topic's metadata; unknown_topic() when it does not exist, and
// a failure naming the valid range when `partition` (>= 0; -1: any) is not one of its.
outcome<topic_metadata> existing_topic(const client& c, const global_options& g, const std::string& name,
                                       int32_t partition = -1);

// "topic 'x' does not exist (create it with `fjord topic create x`)"
failure unknown_topic(std::string_view name);

// Admin options for one call with the global --timeout as request and operation timeout.
outcome<admin_options_ptr> make_admin_options(const client& c, rd_kafka_admin_op_t op, const global_options& g);

// Waits for the admin result event of one call on `q`; a request-level error is a failure
// naming `what`.
outcome<event_ptr> wait_admin_result(rd_kafka_queue_t* q, const global_options& g, std::string_view what);

}  // namespace fjord::cli
