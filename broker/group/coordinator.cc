// coordinator: the request operations. Each takes the lock, checks that the group's
// offsets partition is served here and loaded, runs the group's state machine or appends
// the records, and (for commits and deletes) waits for durability after releasing it.
#include "group/coordinator.h"

#include <algorithm>

#include <boost/asio/this_coro.hpp>

#include "base/errc.h"
#include "base/logger.h"
#include "group/coordinator_state.h"
#include "group/reply_slot.h"
#include "record/builder.h"

namespace fjord::group {

namespace {

// How long an offset commit waits for its record to become durable (Kafka's
// offsets.commit.timeout.ms default) before answering REQUEST_TIMED_OUT.
constexpr std::chrono::milliseconds commit_timeout{5000};

bool valid_group_id(const std::string& id) { return !id.empty(); }

}  // namespace

int32_t offsets_partition_for(std::string_view group_id, int32_t partitions) {
    // Java's String.hashCode: h = 31*h + c over UTF-16 code units, in int32 arithmetic.
    uint32_t h = 0;
    auto unit = [&h](uint32_t c) { h = 31 * h + c; };
    size_t i = 0;
    while (i < group_id.size()) {
        auto b = static_cast<unsigned char>(group_id[i]);
        uint32_t cp = b;
        size_t len = 1;
        if (b >= 0xF0 && b < 0xF8) {
            cp = b & 0x07;
            len = 4;
        } else if (b >= 0xE0) {
            cp = b & 0x0F;
            len = 3;
        } else if (b >= 0xC0) {
            cp = b & 0x1F;
            len = 2;
        }
        bool ok = len == 1 || (b >= 0xC0 && b < 0xF8 && i + len <= group_id.size());
        for (size_t k = 1; ok && k < len; ++k) {
            auto cb = static_cast<unsigned char>(group_id[i + k]);
            ok = (cb & 0xC0) == 0x80;
            cp = (cp << 6) | (cb & 0x3F);
        }
        if (!ok) {
            unit(b);  // an invalid byte counts as itself
            ++i;
            continue;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
        i += len;
    }
    return static_cast<int32_t>((h & 0x7fffffffU) % static_cast<uint32_t>(partitions));
}

int16_t append_error_code(std::error_code ec) {
    if (ec == make_error_code(errc::too_large)) {
        return err::invalid_commit_offset_size;
    }
    if (ec == make_error_code(errc::timed_out)) {
        return err::request_timed_out;
    }
    // Storage failures, shutdown, a deleted partition: the client finds the coordinator
    // again and retries, as Kafka's clients do for COORDINATOR_NOT_AVAILABLE.
    return err::coordinator_not_available;
}

coordinator::impl::impl(cluster::local_cluster& c, const fjord::clock& clk, const coordinator_config& cfg)
    : cluster(c), clock(clk), config(cfg), logger(make_logger("group")) {}

cluster::topic_partition coordinator::impl::partition_of(const std::string& id) const {
    return {std::string(offsets_topic), partition_id(offsets_partition_for(id, partitions))};
}

bool coordinator::impl::ensure_topic_locked() {
    if (partitions > 0) {
        return true;
    }
    cluster::topic_entry spec{.name = std::string(offsets_topic),
                              .partitions = config.offsets_topic_partitions,
                              .replication_factor = -1,
                              .configs = {{"cleanup.policy", "compact"},
                                          {"segment.bytes", std::to_string(config.offsets_segment_bytes)}}};
    auto created = cluster.create_topic(spec);
    if (!created && created.error() != make_error_code(cluster::errc::topic_already_exists)) {
        logger->error("cannot create {}: {}", offsets_topic, created.error().message());
        return false;
    }
    auto t = cluster.find_topic(std::string(offsets_topic));
    if (!t) {
        return false;
    }
    partitions = t->partitions;
    load.assign(static_cast<size_t>(partitions), partition_load::loaded);  // new: nothing to replay
    logger->info("created {} with {} partitions", offsets_topic, partitions);
    return true;
}

int16_t coordinator::impl::check_serving_locked(const std::string& id) {
    if (!valid_group_id(id)) {
        return err::invalid_group_id;
    }
    if (stopping || !started || !ensure_topic_locked()) {
        return err::coordinator_not_available;
    }
    auto p = offsets_partition_for(id, partitions);
    if (load[static_cast<size_t>(p)] != partition_load::loaded) {
        return err::coordinator_load_in_progress;
    }
    return err::none;
}

group_entry& coordinator::impl::entry_locked(const std::string& id) {
    auto it = groups.find(id);
    if (it == groups.end()) {  // Empty, never rebalanced, no state change known yet
        it = groups.emplace(id, group_entry{classic_group::restore(id, {}, config.groups, clock), {}}).first;
    }
    return it->second;
}

void coordinator::impl::drop_if_unused_locked(const std::string& id) {
    auto it = groups.find(id);
    if (it != groups.end() && it->second.group.is_unused() && it->second.offsets.empty()) {
        groups.erase(it);
    }
}

result<cluster::produce_result> coordinator::impl::append_locked(
    const std::string& group_id, const std::vector<std::pair<bytes, std::optional<bytes>>>& records, int16_t acks) {
    record::batch_builder b;
    auto now = clock.wall_ms();
    for (const auto& [k, v] : records) {
        b.add(now, k, v);
    }
    auto batch = b.build();
    if (!batch) {
        return batch.error();
    }
    return cluster.produce(partition_of(group_id), *batch, acks);
}

void coordinator::impl::finish_commit_locked(
    const std::string& group_id, int64_t base_offset,
    const std::vector<std::pair<offset_slot, offset_value>>& values, const result<void>& durable) {
    --inflight_commits;
    if (auto g = inflight_commits_by_group.find(group_id); g != inflight_commits_by_group.end() && --g->second == 0) {
        inflight_commits_by_group.erase(g);
    }
    if (durable && !stopping) {
        auto deleted = deleted_groups.find(group_id);
        for (size_t k = 0; k < values.size(); ++k) {
            auto log_offset = base_offset + static_cast<int64_t>(k);
            const auto& [tp, value] = values[k];
            if (deleted != deleted_groups.end() && deleted->second > log_offset) {
                break;  // the group was deleted after this commit was appended
            }
            if (auto d = deleted_offsets.find({group_id, tp.first, tp.second});
                d != deleted_offsets.end() && d->second > log_offset) {
                continue;
            }
            auto& slot = entry_locked(group_id).offsets[tp];  // creates a simple commit's group
            if (slot.log_offset < log_offset) {
                slot = stored_offset{.value = value, .log_offset = log_offset};
            }
        }
    }
    if (inflight_commits == 0) {
        deleted_groups.clear();
        deleted_offsets.clear();
    }
}

void coordinator::impl::note_deleted_locked(const std::string& group_id, std::optional<offset_slot> tp,
                                            int64_t tombstone_offset) {
    if (inflight_commits == 0) {
        return;  // no commit can be overtaken
    }
    if (tp) {
        deleted_offsets[{group_id, tp->first, tp->second}] = tombstone_offset;
    } else {
        deleted_groups[group_id] = tombstone_offset;
    }
}

result<cluster::produce_result> coordinator::impl::delete_locked(const std::string& group_id,
                                                                const std::vector<offset_slot>& slots, bool whole_group,
                                                                int16_t acks) {
    std::vector<std::pair<bytes, std::optional<bytes>>> tombstones;
    for (const auto& [topic, partition] : slots) {
        tombstones.emplace_back(encode_key(offset_key{group_id, topic, partition}), std::nullopt);
    }
    if (whole_group) {
        tombstones.emplace_back(encode_key(group_key{group_id}), std::nullopt);
    }
    auto r = append_locked(group_id, tombstones, acks);
    if (!r) {
        return r;
    }
    auto& offsets = groups.at(group_id).offsets;
    for (size_t k = 0; k < slots.size(); ++k) {  // tombstone k is at base_offset + k
        offsets.erase(slots[k]);
        note_deleted_locked(group_id, slots[k], r->base_offset.value() + static_cast<int64_t>(k));
    }
    if (whole_group) {
        note_deleted_locked(group_id, std::nullopt, r->last_offset.value());
    }
    return r;
}

void coordinator::impl::persist_if_requested_locked(group_entry& e) {
    if (!e.group.take_persist_request()) {
        return;
    }
    const auto& id = e.group.group_id();
    auto r = append_locked(id, {{encode_key(group_key{id}), encode_value(e.group.snapshot())}}, 1);
    if (!r) {
        logger->warn("group {}: cannot record its metadata: {}", id, r.error().message());
    }
}

// --- coordinator ----------------------------------------------------------------------

coordinator::coordinator(cluster::local_cluster& cluster, const fjord::clock& clk, coordinator_config config)
    : config_(std::move(config)) {
    impl_ = std::make_unique<impl>(cluster, clk, config_);
}

coordinator::~coordinator() { stop(); }

result<void> coordinator::start() {
    std::vector<int32_t> to_load;
    {
        std::lock_guard l(impl_->mu);
        if (impl_->started) {
            return {};
        }
        if (auto t = impl_->cluster.find_topic(std::string(offsets_topic))) {
            impl_->partitions = t->partitions;
            impl_->load.assign(static_cast<size_t>(t->partitions), partition_load::loading);
            for (int32_t p = 0; p < t->partitions; ++p) {
                to_load.push_back(p);
            }
        }
        impl_->started = true;
        impl_->next_expiry_check = impl_->clock.monotonic() + config_.offsets_retention_check_interval;
    }
    impl_->loader = std::thread([this, to_load] { impl_->load_partitions(to_load); });
    impl_->timers = std::thread([this] { impl_->timer_loop(); });
    return {};
}

void coordinator::wait_loaded() {
    std::unique_lock l(impl_->mu);
    impl_->loaded_cv.wait(l, [this] {
        return impl_->stopping || std::ranges::all_of(impl_->load, [](auto s) { return s == partition_load::loaded; });
    });
}

void coordinator::stop() {
    {
        std::lock_guard l(impl_->mu);
        if (impl_->stopping) {
            return;
        }
        impl_->stopping = true;
        for (auto& [id, e] : impl_->groups) {
            e.group.mark_dead();
        }
    }
    impl_->wake.notify_all();
    impl_->loaded_cv.notify_all();
    if (impl_->loader.joinable()) {
        impl_->loader.join();
    }
    if (impl_->timers.joinable()) {
        impl_->timers.join();
    }
}

coordinator_location coordinator::find_coordinator(std::string_view key, int8_t key_type) const {
    coordinator_location loc;
    if (key_type == 1) {
        loc.error_code = err::coordinator_not_available;
        loc.error_message = "transactions are not supported yet";
        return loc;
    }
    if (key_type != 0 || key.empty()) {
        loc.error_code = err::invalid_request;
        loc.error_message = key_type != 0 ? "unknown key_type" : "empty group id";
        return loc;
    }
    {
        std::lock_guard l(impl_->mu);
        if (impl_->stopping || !impl_->ensure_topic_locked()) {
            loc.error_code = err::coordinator_not_available;
            loc.error_message = "the offsets topic is not available";
            return loc;
        }
    }
    const auto& c = impl_->cluster.config();
    loc.node_id = c.node_id;
    loc.host = c.advertised_host;
    loc.port = c.advertised_port;
    return loc;
}

boost::asio::awaitable<join_result> coordinator::join(std::string group_id, join_request req) {
    reply_slot<join_result> slot(co_await boost::asio::this_coro::executor);
    {
        std::lock_guard l(impl_->mu);
        auto e = impl_->check_serving_locked(group_id);
        if (e == err::none && !req.member_id.empty() && !impl_->groups.contains(group_id)) {
            e = err::unknown_member_id;
        }
        if (e != err::none) {
            join_result r;
            r.error_code = e;
            r.member_id = req.member_id;
            co_return r;
        }
        if (req.rebalance_timeout_ms <= 0) {
            req.rebalance_timeout_ms = req.session_timeout_ms;  // a join phase must have a length
        }
        auto& entry = impl_->entry_locked(group_id);
        entry.group.join(std::move(req), slot.setter());
        impl_->persist_if_requested_locked(entry);
        impl_->drop_if_unused_locked(group_id);
    }
    impl_->wake.notify_all();
    co_return co_await slot.wait();
}

boost::asio::awaitable<sync_result> coordinator::sync(std::string group_id, sync_request req) {
    reply_slot<sync_result> slot(co_await boost::asio::this_coro::executor);
    {
        std::lock_guard l(impl_->mu);
        auto e = impl_->check_serving_locked(group_id);
        auto it = impl_->groups.find(group_id);
        if (e == err::none && it == impl_->groups.end()) {
            e = err::unknown_member_id;
        }
        if (e != err::none) {
            co_return sync_result{.error_code = e, .assignment = {}};
        }
        it->second.group.sync(std::move(req), slot.setter());
        impl_->persist_if_requested_locked(it->second);
    }
    impl_->wake.notify_all();
    co_return co_await slot.wait();
}

int16_t coordinator::heartbeat(const heartbeat_request& req) {
    std::lock_guard l(impl_->mu);
    auto e = impl_->check_serving_locked(req.group_id);
    if (e != err::none) {
        return e;
    }
    auto it = impl_->groups.find(req.group_id);
    if (it == impl_->groups.end()) {
        return err::unknown_member_id;
    }
    return it->second.group.heartbeat(req.member_id, req.group_instance_id, req.generation_id);
}

leave_result coordinator::leave(const std::string& group_id, const std::vector<leave_member>& members) {
    leave_result out;
    {
        std::lock_guard l(impl_->mu);
        out.error_code = impl_->check_serving_locked(group_id);
        auto it = impl_->groups.find(group_id);
        if (out.error_code == err::none && it == impl_->groups.end()) {
            out.error_code = err::unknown_member_id;
        }
        if (out.error_code != err::none) {
            out.member_errors.assign(members.size(), out.error_code);
            return out;
        }
        out.member_errors = it->second.group.leave(members);
        impl_->persist_if_requested_locked(it->second);
    }
    impl_->wake.notify_all();
    return out;
}

boost::asio::awaitable<std::vector<int16_t>> coordinator::commit_offsets(commit_request req) {
    std::vector<int16_t> errors(req.partitions.size(), err::none);
    std::vector<size_t> appended;  // indexes of req.partitions in the batch, in order
    std::vector<std::pair<offset_slot, offset_value>> values;  // the batch's records
    std::optional<cluster::produce_result> produced;
    {
        std::lock_guard l(impl_->mu);
        auto e = impl_->check_serving_locked(req.group_id);
        auto it = impl_->groups.find(req.group_id);
        if (e == err::none) {
            if (it != impl_->groups.end()) {
                e = it->second.group.validate_commit(req.member_id, req.group_instance_id, req.generation_id);
            } else if (req.generation_id >= 0 || !req.member_id.empty()) {
                e = err::illegal_generation;  // no such group: only simple commits may create one
            }
        }
        if (e != err::none) {
            std::ranges::fill(errors, e);
            co_return errors;
        }
        std::vector<std::pair<bytes, std::optional<bytes>>> records;
        auto now = impl_->clock.wall_ms();
        values.reserve(req.partitions.size());
        for (size_t i = 0; i < req.partitions.size(); ++i) {
            const auto& p = req.partitions[i];
            auto t = impl_->cluster.find_topic(p.topic);
            if (!t || p.partition < 0 || p.partition >= t->partitions) {
                errors[i] = err::unknown_topic_or_partition;
                continue;
            }
            if (p.metadata && std::ssize(*p.metadata) > impl_->config.offset_metadata_max_bytes) {
                errors[i] = err::offset_metadata_too_large;
                continue;
            }
            auto& v = values.emplace_back(std::pair{p.topic, p.partition},
                                          offset_value{.offset = p.offset,
                                                       .leader_epoch = p.leader_epoch,
                                                       .metadata = p.metadata.value_or(""),
                                                       .commit_timestamp = now});
            records.emplace_back(encode_key(offset_key{req.group_id, p.topic, p.partition}), encode_value(v.second));
            appended.push_back(i);
        }
        if (records.empty()) {
            co_return errors;
        }
        auto r = impl_->append_locked(req.group_id, records, -1);
        if (!r) {
            impl_->logger->warn("group {}: offset commit not appended: {}", req.group_id, r.error().message());
            for (auto i : appended) {
                errors[i] = append_error_code(r.error());
            }
            co_return errors;
        }
        produced = std::move(*r);
        ++impl_->inflight_commits;
        ++impl_->inflight_commits_by_group[req.group_id];
    }
    auto durable = co_await impl_->cluster.wait_durable(*produced, commit_timeout);
    std::lock_guard l(impl_->mu);
    impl_->finish_commit_locked(req.group_id, produced->base_offset.value(), values, durable);
    if (!durable) {
        for (auto i : appended) {
            errors[i] = append_error_code(durable.error());
        }
    }
    co_return errors;
}

offset_fetch_result coordinator::fetch_offsets(const std::string& group_id,
                                               const std::optional<std::vector<requested_partitions>>& which,
                                               bool /*require_stable: no transactions, nothing pending*/) const {
    offset_fetch_result out;
    std::lock_guard l(impl_->mu);
    out.error_code = impl_->check_serving_locked(group_id);
    if (out.error_code != err::none) {
        if (which) {
            for (const auto& t : *which) {
                for (auto p : t.partitions) {
                    out.offsets.push_back({.topic = t.topic, .partition = p, .error_code = out.error_code});
                }
            }
        }
        return out;
    }
    auto it = impl_->groups.find(group_id);
    auto fill = [](fetched_offset& f, const stored_offset& s) {
        f.offset = s.value.offset;
        f.leader_epoch = s.value.leader_epoch;
        f.metadata = s.value.metadata;
    };
    if (!which) {
        if (it != impl_->groups.end()) {
            for (const auto& [tp, s] : it->second.offsets) {
                auto& f = out.offsets.emplace_back(fetched_offset{.topic = tp.first, .partition = tp.second});
                fill(f, s);
            }
        }
        return out;
    }
    for (const auto& t : *which) {
        for (auto p : t.partitions) {
            auto& f = out.offsets.emplace_back(fetched_offset{.topic = t.topic, .partition = p});
            if (it == impl_->groups.end()) {
                continue;
            }
            if (auto o = it->second.offsets.find({t.topic, p}); o != it->second.offsets.end()) {
                fill(f, o->second);
            }
        }
    }
    return out;
}

std::pair<int16_t, std::vector<group_listing>> coordinator::list_groups(
    const std::optional<std::vector<group_state>>& states) const {
    std::pair<int16_t, std::vector<group_listing>> out{err::none, {}};
    std::lock_guard l(impl_->mu);
    if (impl_->stopping || !impl_->started) {
        out.first = err::coordinator_not_available;
        return out;
    }
    if (std::ranges::any_of(impl_->load, [](auto s) { return s != partition_load::loaded; })) {
        out.first = err::coordinator_load_in_progress;
    }
    for (const auto& [id, e] : impl_->groups) {
        auto st = e.group.state();
        if (states && std::ranges::find(*states, st) == states->end()) {
            continue;
        }
        out.second.push_back({.group_id = id, .protocol_type = e.group.protocol_type(), .state = st});
    }
    return out;
}

described_group coordinator::describe_group(const std::string& group_id) const {
    described_group out;
    out.group_id = group_id;
    std::lock_guard l(impl_->mu);
    out.error_code = impl_->check_serving_locked(group_id);
    if (out.error_code != err::none) {
        return out;
    }
    if (auto it = impl_->groups.find(group_id); it != impl_->groups.end()) {
        out.description = it->second.group.describe();
    }
    return out;
}

boost::asio::awaitable<std::vector<std::pair<std::string, int16_t>>> coordinator::delete_groups(
    std::vector<std::string> ids) {
    std::vector<std::pair<std::string, int16_t>> out;
    std::vector<std::pair<size_t, cluster::produce_result>> waits;  // index in out, append
    {
        std::lock_guard l(impl_->mu);
        for (const auto& id : ids) {
            auto& [name, error] = out.emplace_back(id, impl_->check_serving_locked(id));
            if (error != err::none) {
                continue;
            }
            auto it = impl_->groups.find(id);
            if (it == impl_->groups.end() || it->second.group.state() == group_state::dead) {
                error = err::group_id_not_found;
                continue;
            }
            if (it->second.group.state() != group_state::empty || it->second.group.has_members()) {
                error = err::non_empty_group;
                continue;
            }
            std::vector<offset_slot> slots;
            for (const auto& [slot, stored] : it->second.offsets) {
                slots.push_back(slot);
            }
            auto r = impl_->delete_locked(id, slots, true, -1);
            if (!r) {
                error = append_error_code(r.error());
                continue;
            }
            it->second.group.mark_dead();
            impl_->groups.erase(it);
            impl_->logger->info("group {} deleted", id);
            waits.emplace_back(out.size() - 1, std::move(*r));
        }
    }
    for (auto& [i, produced] : waits) {
        auto durable = co_await impl_->cluster.wait_durable(produced, commit_timeout);
        if (!durable) {
            out[i].second = append_error_code(durable.error());
        }
    }
    co_return out;
}

boost::asio::awaitable<offset_delete_result> coordinator::delete_offsets(std::string group_id,
                                                                         std::vector<topic_partitions> which) {
    offset_delete_result out;
    std::optional<cluster::produce_result> produced;
    {
        std::lock_guard l(impl_->mu);
        out.error_code = impl_->check_serving_locked(group_id);
        auto it = impl_->groups.find(group_id);
        if (out.error_code == err::none && (it == impl_->groups.end() || it->second.group.state() == group_state::dead)) {
            out.error_code = err::group_id_not_found;
        }
        if (out.error_code != err::none) {
            co_return out;
        }
        auto& e = it->second;
        const bool active = e.group.state() != group_state::empty;
        if (active && e.group.protocol_type() != "consumer") {
            out.error_code = err::non_empty_group;  // no subscriptions to check against (Kafka)
            co_return out;
        }
        auto subscribed = active ? e.group.subscribed_topics() : std::set<std::string>{};
        std::vector<offset_slot> deleted;
        for (const auto& t : which) {
            auto& [tps, errors] = out.partition_errors.emplace_back(t, std::vector<int16_t>{});
            auto topic = impl_->cluster.find_topic(t.topic);
            for (auto p : t.partitions) {
                if (!topic || p < 0 || p >= topic->partitions) {
                    errors.push_back(err::unknown_topic_or_partition);
                    continue;
                }
                if (subscribed.contains(t.topic)) {
                    errors.push_back(err::group_subscribed_to_topic);
                    continue;
                }
                errors.push_back(err::none);
                if (e.offsets.contains({t.topic, p})) {
                    deleted.emplace_back(t.topic, p);
                }
            }
        }
        if (!deleted.empty()) {
            auto r = impl_->delete_locked(group_id, deleted, false, -1);
            if (!r) {
                out.error_code = append_error_code(r.error());
                co_return out;
            }
            produced = std::move(*r);
        }
    }
    if (produced) {
        auto durable = co_await impl_->cluster.wait_durable(*produced, commit_timeout);
        if (!durable) {
            out.error_code = append_error_code(durable.error());
        }
    }
    co_return out;
}

void coordinator::run_timers() {
    std::lock_guard l(impl_->mu);
    impl_->run_timers_locked();
}

}  // namespace fjord::group
