#include "cluster/local_cluster.h"

#include <random>
#include <set>


#include "base/errc.h"
#include "base/logger.h"
#include "record/batch.h"

namespace fjord::cluster {
namespace {

// Producer ids are persisted in blocks so that handing one out rarely writes the file.
constexpr int64_t producer_id_block = 1000;
// fsyncs of different partitions overlap on these; one partition is flushed by one at a time.
constexpr size_t flusher_threads = 2;

std::string random_cluster_id() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::random_device rd;
    std::string id;
    for (int i = 0; i < 22; ++i) {
        id.push_back(alphabet[rd() % 64]);
    }
    return id;
}

}  // namespace

local_cluster::local_cluster(io::filesystem& fs, const fjord::clock& clk, cluster_config config,
                             cluster_state state)
    : fs_(fs),
      clock_(clk),
      config_(std::move(config)),
      logger_(make_logger("cluster")),
      state_(std::move(state)),
      next_producer_id_(state_.next_producer_id) {
    storage::log_manager_config lm{.log_dirs = config_.log_dirs, .defaults = config_.log_defaults};
    logs_ = std::make_unique<storage::log_manager>(
        fs_, clock_, lm, [this](const topic_partition& tp) { return log_config_for(tp.topic); });
    flusher_ = std::make_unique<flusher>(flusher_threads);
}

local_cluster::~local_cluster() = default;

std::string local_cluster::cluster_id() const {
    std::lock_guard l(mu_);
    return state_.cluster_id;
}

std::string local_cluster::state_path() const { return config_.log_dirs.front() + "/" + cluster_state_file_name; }

result<void> local_cluster::persist_locked() {
    bytes data = encode_cluster_state(state_);
    return write_file_atomic(fs_, state_path(), data);
}

storage::log_config local_cluster::log_config_for(const std::string& topic) const {
    // Called with mu_ held or during start(); overrides were validated when stored.
    auto it = state_.topics.find(topic);
    if (it == state_.topics.end()) {
        return config_.log_defaults;
    }
    auto c = apply_topic_config(config_.log_defaults, it->second.configs);
    return c ? *c : config_.log_defaults;
}

result<void> local_cluster::start() {
    FJORD_TRY(logs_->start());
    std::lock_guard l(mu_);
    std::set<std::string> removed;
    for (const auto& tp : logs_->list()) {
        auto it = state_.topics.find(tp.topic);
        if (it == state_.topics.end() || tp.partition.value() >= it->second.partitions) {
            // A log left behind by a delete that crashed half way (the table is written first).
            logger_->warn("[{}] removing a log the topic table does not know", tp.dir_name());
            FJORD_TRY(logs_->remove(tp));
        }
    }
    for (const auto& [name, t] : state_.topics) {
        for (int32_t p = 0; p < t.partitions; ++p) {
            topic_partition tp{name, partition_id(p)};
            if (!logs_->get(tp)) {
                // A create that crashed after writing the table: finish it.
                auto c = logs_->create(tp, log_config_for(name));
                if (!c) {
                    return c.error();
                }
            }
        }
    }
    // Rebuild idempotent-producer state from the batch headers in the logs.
    for (const auto& tp : logs_->list()) {
        auto lg = logs_->get(tp);
        FJORD_TRY(lg->scan_headers(lg->start_offset(), [&](const record::batch_header& h) {
            if (h.producer_id < 0 || h.base_sequence < 0 || h.is_control()) {
                return;
            }
            producers_.record(tp, h.producer_id, h.producer_epoch,
                              {.first_sequence = h.base_sequence,
                               .last_sequence = h.base_sequence + h.last_offset_delta,
                               .base_offset = h.base_offset,
                               .last_offset = h.last_offset(),
                               .log_append_time = h.timestamp_kind() == record::timestamp_type::log_append_time
                                                      ? h.max_timestamp
                                                      : no_timestamp});
            next_producer_id_ = std::max(next_producer_id_, h.producer_id + 1);
        }));
    }
    logger_->info("cluster {} started: {} topics, {} partition logs, {} producer states", state_.cluster_id,
                  state_.topics.size(), logs_->list().size(), producers_.size());
    return ok();
}

result<void> local_cluster::close() {
    flusher_->stop();
    logs_->stop_background();
    return logs_->close_all();
}

result<void> local_cluster::create_topic(topic_entry spec, bool validate_only) {
    if (!storage::is_valid_topic_name(spec.name)) {
        return errc::invalid_topic;
    }
    if (spec.partitions == -1) {
        spec.partitions = config_.num_partitions;
    }
    if (spec.replication_factor == -1) {
        spec.replication_factor = config_.default_replication_factor;
    }
    if (spec.partitions < 1) {
        return errc::invalid_partitions;
    }
    if (spec.replication_factor != 1) {
        return errc::invalid_replication_factor;
    }
    auto cfg = apply_topic_config(config_.log_defaults, spec.configs);
    if (!cfg) {
        return cfg.error();
    }
    std::lock_guard l(mu_);
    if (state_.topics.contains(spec.name)) {
        return errc::topic_already_exists;
    }
    if (validate_only) {
        return ok();
    }
    const std::string name = spec.name;
    const int32_t partitions = spec.partitions;
    state_.topics[name] = std::move(spec);
    if (auto r = persist_locked(); !r) {
        state_.topics.erase(name);
        return r.error();
    }
    for (int32_t p = 0; p < partitions; ++p) {
        auto c = logs_->create({name, partition_id(p)}, *cfg);
        if (!c) {
            logger_->warn("[{}-{}] create failed: {}", name, p, c.error().message());
            state_.topics.erase(name);
            (void)persist_locked();
            (void)logs_->remove_topic(name);
            return c.error();
        }
    }
    logger_->info("created topic {} with {} partitions", name, partitions);
    return ok();
}

result<void> local_cluster::delete_topic(const std::string& name) {
    std::lock_guard l(mu_);
    auto it = state_.topics.find(name);
    if (it == state_.topics.end()) {
        return errc::unknown_topic_or_partition;
    }
    topic_entry saved = it->second;
    state_.topics.erase(it);
    if (auto r = persist_locked(); !r) {
        state_.topics[name] = std::move(saved);
        return r.error();
    }
    producers_.forget_topic(name);
    FJORD_TRY(logs_->remove_topic(name));
    logger_->info("deleted topic {}", name);
    return ok();
}

result<void> local_cluster::create_partitions(const std::string& name, int32_t total, bool validate_only) {
    std::lock_guard l(mu_);
    auto it = state_.topics.find(name);
    if (it == state_.topics.end()) {
        return errc::unknown_topic_or_partition;
    }
    const int32_t current = it->second.partitions;
    if (total <= current) {
        return errc::invalid_partitions;
    }
    if (validate_only) {
        return ok();
    }
    it->second.partitions = total;
    if (auto r = persist_locked(); !r) {
        it->second.partitions = current;
        return r.error();
    }
    const auto cfg = log_config_for(name);
    for (int32_t p = current; p < total; ++p) {
        auto c = logs_->create({name, partition_id(p)}, cfg);
        if (!c && c.error() != make_error_code(fjord::errc::already_exists)) {
            return c.error();  // start() creates whatever is still missing
        }
    }
    logger_->info("topic {} now has {} partitions", name, total);
    return ok();
}

std::vector<topic_entry> local_cluster::list_topics() const {
    std::lock_guard l(mu_);
    std::vector<topic_entry> out;
    out.reserve(state_.topics.size());
    for (const auto& [_, t] : state_.topics) {
        out.push_back(t);
    }
    return out;
}

std::optional<topic_entry> local_cluster::find_topic(const std::string& name) const {
    std::lock_guard l(mu_);
    auto it = state_.topics.find(name);
    if (it == state_.topics.end()) {
        return std::nullopt;
    }
    return it->second;
}

result<topic_config_description> local_cluster::describe_topic_config(const std::string& name) const {
    std::lock_guard l(mu_);
    auto it = state_.topics.find(name);
    if (it == state_.topics.end()) {
        return errc::unknown_topic_or_partition;
    }
    return topic_config_description{
        .effective = log_config_for(name),
        .min_insync_replicas = min_insync_replicas_of(it->second.configs, config_.min_insync_replicas),
        .overrides = it->second.configs};
}

result<void> local_cluster::alter_topic_config(const std::string& name, const config_overrides& overrides,
                                               bool validate_only) {
    auto cfg = apply_topic_config(config_.log_defaults, overrides);
    if (!cfg) {
        return cfg.error();
    }
    std::lock_guard l(mu_);
    auto it = state_.topics.find(name);
    if (it == state_.topics.end()) {
        return errc::unknown_topic_or_partition;
    }
    if (validate_only) {
        return ok();
    }
    config_overrides saved = it->second.configs;
    it->second.configs = overrides;
    if (auto r = persist_locked(); !r) {
        it->second.configs = std::move(saved);
        return r.error();
    }
    for (int32_t p = 0; p < it->second.partitions; ++p) {
        if (auto lg = logs_->get({name, partition_id(p)})) {
            lg->set_config(*cfg);
        }
    }
    return ok();
}

result<std::shared_ptr<storage::log>> local_cluster::partition_log(const topic_partition& tp) const {
    auto lg = logs_->get(tp);
    if (!lg) {
        return errc::unknown_topic_or_partition;
    }
    return lg;
}

result<produce_result> local_cluster::produce(const topic_partition& tp, std::span<std::byte> batch, int16_t acks) {
    if (acks != -1 && acks != 0 && acks != 1) {
        return errc::invalid_required_acks;
    }
    auto lg = partition_log(tp);
    if (!lg) {
        return lg.error();
    }
    if (acks == -1) {
        std::lock_guard l(mu_);
        auto it = state_.topics.find(tp.topic);
        if (it != state_.topics.end() &&
            min_insync_replicas_of(it->second.configs, config_.min_insync_replicas) > 1) {
            return errc::not_enough_replicas;  // one node is an ISR of one
        }
    }
    auto header = record::read_header(batch);
    if (!header) {
        return header.error();
    }
    produce_result out;
    if (header->producer_id >= 0) {
        // Idempotent: check, append and record under one lock so two shards cannot
        // interleave the same producer's batches.
        std::lock_guard l(mu_);
        if (header->producer_id >= next_producer_id_) {
            return errc::unknown_producer_id;  // never handed out by this cluster
        }
        if (header->base_sequence < 0) {
            return record::errc::bad_attributes;
        }
        const int32_t last_seq = header->base_sequence + header->last_offset_delta;
        auto dup = producers_.check(tp, header->producer_id, header->producer_epoch, header->base_sequence,
                                    last_seq);
        if (!dup) {
            return dup.error();
        }
        if (*dup) {
            logger_->debug("[{}] duplicate batch of producer {} seq {}: answered with offset {}", tp.dir_name(),
                           header->producer_id, header->base_sequence, (*dup)->base_offset);
            return produce_result{(*dup)->base_offset, (*dup)->last_offset, *lg, (*dup)->log_append_time,
                                  (*lg)->start_offset()};
        }
        auto a = (*lg)->append(batch);
        if (!a) {
            return a.error();
        }
        producers_.record(tp, header->producer_id, header->producer_epoch,
                          {.first_sequence = header->base_sequence,
                           .last_sequence = last_seq,
                           .base_offset = a->base_offset,
                           .last_offset = a->last_offset,
                           .log_append_time = a->log_append_time});
        out = {a->base_offset, a->last_offset, *lg, a->log_append_time, (*lg)->start_offset()};
    } else {
        auto a = (*lg)->append(batch);
        if (!a) {
            return a.error();
        }
        out = {a->base_offset, a->last_offset, *lg, a->log_append_time, (*lg)->start_offset()};
    }
    notify_append();
    if (acks == -1) {
        flusher_->start_flush(*lg);
    }
    return out;
}

result<fetch_result> local_cluster::fetch(const topic_partition& tp, offset start, uint64_t max_bytes) const {
    auto lg = partition_log(tp);
    if (!lg) {
        return lg.error();
    }
    // One node: the high watermark is the log end (see docs/guarantees.md).
    fetch_result out;
    out.high_watermark = (*lg)->next_offset();
    out.log_start_offset = (*lg)->start_offset();
    if (start < out.log_start_offset || start > out.high_watermark) {
        return fjord::errc::out_of_range;
    }
    if (start == out.high_watermark) {
        return out;
    }
    auto r = (*lg)->read({.start = start, .max_bytes = max_bytes, .max_offset = out.high_watermark - 1});
    if (!r) {
        return r.error();
    }
    out.slices = std::move(r->slices);
    out.total_bytes = r->total_bytes;
    return out;
}

result<partition_offsets> local_cluster::offsets(const topic_partition& tp) const {
    auto lg = partition_log(tp);
    if (!lg) {
        return lg.error();
    }
    return partition_offsets{(*lg)->start_offset(), (*lg)->next_offset()};
}

result<std::optional<storage::timestamp_lookup>> local_cluster::offset_for_timestamp(const topic_partition& tp,
                                                                                    timestamp_ms ts) const {
    auto lg = partition_log(tp);
    if (!lg) {
        return lg.error();
    }
    return (*lg)->find_offset_by_timestamp(ts);
}

result<offset> local_cluster::delete_records(const topic_partition& tp, offset before) {
    auto lg = partition_log(tp);
    if (!lg) {
        return lg.error();
    }
    const offset hw = (*lg)->next_offset();
    if (before == offset(-1)) {
        before = hw;
    }
    if (before < offset(0) || before > hw) {
        return fjord::errc::out_of_range;
    }
    if (before > (*lg)->start_offset()) {
        FJORD_TRY((*lg)->prefix_truncate(before));
    }
    return (*lg)->start_offset();
}

result<producer_identity> local_cluster::init_producer_id() {
    std::lock_guard l(mu_);
    const int64_t id = next_producer_id_;
    if (id >= state_.next_producer_id) {
        const int64_t saved = state_.next_producer_id;
        state_.next_producer_id = id + producer_id_block;
        if (auto r = persist_locked(); !r) {
            state_.next_producer_id = saved;
            return r.error();
        }
    }
    ++next_producer_id_;
    return producer_identity{id, 0};
}

result<std::unique_ptr<local_cluster>> make_local_cluster(io::filesystem& fs, const fjord::clock& clk,
                                                          const cluster_config& config) {
    if (config.log_dirs.empty()) {
        return fjord::errc::invalid_argument;
    }
    for (const auto& d : config.log_dirs) {
        FJORD_TRY(fs.create_directories(d));
    }
    const std::string path = config.log_dirs.front() + "/" + cluster_state_file_name;
    cluster_state state;
    if (fs.exists(path)) {
        auto data = io::read_file(fs, path, 64 * 1024 * 1024);
        if (!data) {
            return to_fjord_error(data.error());
        }
        auto s = decode_cluster_state(*data);
        if (!s) {
            return s.error();
        }
        state = std::move(*s);
    } else {
        state.cluster_id = random_cluster_id();
        bytes data = encode_cluster_state(state);
        FJORD_TRY(io::write_file_atomic(fs, path, data));
    }
    auto c = std::make_unique<local_cluster>(fs, clk, config, std::move(state));
    FJORD_TRY(c->start());
    return c;
}

}  // namespace fjord::cluster
