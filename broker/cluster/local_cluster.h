// local_cluster: the cluster seam as the Kafka layer sees it, implemented for a single
// node over the storage engine. The replicated (raft) cluster replaces the implementation
// later without changing kafka/server: handlers only ever call this interface, never
// storage directly.
//
// It owns the log manager and the topic table (topics, partition counts and per-topic
// config overrides, persisted under the first log dir so they survive restarts).
//
// Threading: thread-safe; partition operations may be called from any shard.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "cluster/cluster_state.h"
#include "cluster/errc.h"
#include "cluster/flusher.h"
#include "cluster/producer_state.h"
#include "cluster/topic_config.h"
#include "io/file.h"
#include "storage/config.h"
#include "storage/log.h"
#include "storage/log_manager.h"

namespace fjord::cluster {

// Settings from broker.properties (Kafka key names in comments).
struct cluster_config {
    int32_t node_id = 1;                          // node.id
    std::string advertised_host = "localhost";    // advertised.listeners (host part)
    int32_t advertised_port = 9092;               // advertised.listeners (port part)
    std::vector<std::string> log_dirs;            // log.dirs
    int32_t num_partitions = 1;                   // num.partitions
    int16_t default_replication_factor = 1;       // default.replication.factor
    int16_t min_insync_replicas = 1;              // min.insync.replicas
    bool auto_create_topics = true;               // auto.create.topics.enable
    storage::log_config log_defaults;             // log.segment.bytes, log.retention.*, log.cleanup.policy,
                                                  // message.max.bytes, log.flush.*
};

using storage::topic_partition;

// What Produce answers for one partition.
struct produce_result {
    offset base_offset;
    offset last_offset;
    // The log the batch is in: wait_durable() waits on this very log, so a topic deleted
    // (and perhaps re-created) meanwhile fails the wait instead of satisfying it.
    std::shared_ptr<storage::log> partition_log;
    timestamp_ms log_append_time = no_timestamp;  // -1 unless the topic uses LogAppendTime
    offset log_start_offset;
};

// What Fetch serves for one partition: whole batches below the high watermark, as file
// ranges (net/ sends them with sendfile).
struct fetch_result {
    std::vector<storage::read_slice> slices;
    uint64_t total_bytes = 0;
    offset high_watermark;
    offset log_start_offset;
};

struct partition_offsets {
    offset log_start_offset;
    offset high_watermark;
};

struct topic_config_description {
    storage::log_config effective;
    int16_t min_insync_replicas = 1;
    config_overrides overrides;
};

struct producer_identity {
    int64_t producer_id = -1;
    int16_t producer_epoch = 0;
};

class local_cluster {
public:
    // Use make_local_cluster().
    local_cluster(io::filesystem& fs, const fjord::clock& clk, cluster_config config, cluster_state state);
    ~local_cluster();
    local_cluster(const local_cluster&) = delete;
    local_cluster& operator=(const local_cluster&) = delete;

    const cluster_config& config() const { return config_; }
    int32_t node_id() const { return config_.node_id; }
    std::string cluster_id() const;

    // --- Topics -------------------------------------------------------------------
    // `spec.partitions` / `spec.replication_factor` of -1 mean the broker default.
    // Errors: errc::invalid_topic, topic_already_exists, invalid_partitions,
    // invalid_replication_factor (anything but 1 on one node), invalid_config; storage errors.
    result<void> create_topic(topic_entry spec, bool validate_only = false);
    // errc::unknown_topic_or_partition.
    result<void> delete_topic(const std::string& name);
    // Grows the topic to `total` partitions. errc::invalid_partitions if total <= current.
    result<void> create_partitions(const std::string& name, int32_t total, bool validate_only = false);
    std::vector<topic_entry> list_topics() const;
    std::optional<topic_entry> find_topic(const std::string& name) const;
    result<topic_config_description> describe_topic_config(const std::string& name) const;
    // Replaces the topic's whole override set (AlterConfigs semantics).
    result<void> alter_topic_config(const std::string& name, const config_overrides& overrides,
                                    bool validate_only = false);

    // --- Partitions ---------------------------------------------------------------
    // Appends one client batch (rewritten in place) and returns after the append; for
    // acks=-1 it also starts a flush, and the caller must co_await
    // wait_durable(result) before acknowledging. Errors: errc::unknown_topic_or_partition,
    // invalid_required_acks, not_enough_replicas, the idempotence errors (producer_state.h),
    // and storage's (record::errc for a corrupt batch, base errc::too_large, no_space, ...).
    result<produce_result> produce(const topic_partition& tp, std::span<std::byte> batch, int16_t acks);
    // Whole batches from the one holding `start`, below the high watermark, up to
    // max_bytes (at least one batch). errc::out_of_range outside [log start, HW].
    result<fetch_result> fetch(const topic_partition& tp, offset start, uint64_t max_bytes) const;
    result<partition_offsets> offsets(const topic_partition& tp) const;
    result<std::optional<storage::timestamp_lookup>> offset_for_timestamp(const topic_partition& tp,
                                                                         timestamp_ms ts) const;
    // Moves the log start to `before` (-1 = high watermark); returns the new log start.
    // errc::out_of_range if before > HW.
    result<offset> delete_records(const topic_partition& tp, offset before);

    // Completes (on the caller's single-threaded executor) once the batch `produced`
    // describes is durable: group commit through the flusher pool. Errors: the flush's
    // storage error (errc::log_failed once the log is fenced or deleted), shutting_down,
    // timed_out after `timeout` (the Produce request's timeout_ms; <= 0: none).
    boost::asio::awaitable<result<void>> wait_durable(const produce_result& produced,
                                                      std::chrono::milliseconds timeout = {});

    // A fresh producer id (epoch 0) for an idempotent producer.
    result<producer_identity> init_producer_id();

    // --- Long polling -------------------------------------------------------------
    // A counter bumped by every successful append; read it before reading data, then
    // wait_for_append(seen, ...) returns at once if anything was appended since.
    uint64_t append_sequence() const { return append_seq_.load(); }
    // Completes when an append happens after `seen` or after `timeout`, whichever is first.
    // Runs on the caller's executor (which must be single-threaded, like a shard's).
    boost::asio::awaitable<void> wait_for_append(uint64_t seen, std::chrono::milliseconds timeout);

    // --- Lifecycle ----------------------------------------------------------------
    result<void> start();
    storage::log_manager& log_manager() { return *logs_; }
    // Runs the logs' periodic duties (interval flush, retention, compaction) on a
    // background thread every `interval` until close() or destruction.
    void start_housekeeping(std::chrono::milliseconds interval) { logs_->run_background(interval); }
    // Stops the flusher threads; pending durability waits complete with shutting_down.
    // Call once the shards have stopped and before they are destroyed.
    void stop_flusher() { flusher_->stop(); }
    // Stops housekeeping and the flusher and seals every log (clean shutdown).
    result<void> close();

private:
    std::string state_path() const;
    result<void> persist_locked();
    storage::log_config log_config_for(const std::string& topic) const;
    result<std::shared_ptr<storage::log>> partition_log(const topic_partition& tp) const;
    void notify_append();
    // Adds `timer` to the waiters unless an append happened after `seen`.
    bool register_waiter(uint64_t seen, const std::shared_ptr<boost::asio::steady_timer>& timer);

    io::filesystem& fs_;
    const fjord::clock& clock_;
    cluster_config config_;
    std::shared_ptr<spdlog::logger> logger_;

    mutable std::mutex mu_;  // guards state_ and persisted_producer_id_limit_
    cluster_state state_;
    int64_t next_producer_id_ = 0;
    std::unique_ptr<storage::log_manager> logs_;
    producer_state_table producers_;
    std::unique_ptr<flusher> flusher_;

    std::mutex wait_mu_;  // guards waiters_ and the bump of append_seq_
    std::atomic<uint64_t> append_seq_{0};
    std::vector<std::weak_ptr<boost::asio::steady_timer>> waiters_;
};

// Opens (recovering every partition log) or creates the cluster state under log_dirs.
// The filesystem and clock must outlive the cluster.
result<std::unique_ptr<local_cluster>> make_local_cluster(io::filesystem& fs, const fjord::clock& clk,
                                                          const cluster_config& config);

}  // namespace fjord::cluster
