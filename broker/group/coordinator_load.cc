// coordinator_load: rebuilding groups and committed offsets by replaying partitions of
// __consumer_offsets from their log start to their high watermark. Runs on the loader
// thread without the lock (the partition's groups are not served until it is loaded, so
// nothing else touches them), then installs the result under the lock in one step.
#include <cstring>

#include "base/bytes.h"
#include "group/coordinator_state.h"

namespace fjord::group {

namespace {

// What the replay knows about one group so far.
struct replayed_group {
    std::optional<group_snapshot> snapshot;
    std::map<offset_slot, stored_offset> offsets;
};

void apply(std::map<std::string, replayed_group>& groups, int64_t log_offset, offsets_record rec) {
    if (auto* k = std::get_if<offset_key>(&rec.key)) {
        auto& g = groups[k->group];
        if (!rec.value) {
            g.offsets.erase({k->topic, k->partition});
        } else if (auto* v = std::get_if<offset_value>(&*rec.value)) {
            g.offsets[{k->topic, k->partition}] = stored_offset{.value = std::move(*v), .log_offset = log_offset};
        }
        return;
    }
    const auto& gk = std::get<group_key>(rec.key);
    auto& g = groups[gk.group];
    if (!rec.value) {
        g.snapshot.reset();  // deleted; offsets have their own tombstones
    } else if (auto* s = std::get_if<group_snapshot>(&*rec.value)) {
        g.snapshot = std::move(*s);
    }
}

}  // namespace

result<void> coordinator::impl::load_partition(int32_t p, std::map<std::string, group_entry>& out) {
    cluster::topic_partition tp{std::string(offsets_topic), partition_id(p)};
    auto bounds = cluster.offsets(tp);
    if (!bounds) {
        return bounds.error();
    }
    std::map<std::string, replayed_group> replayed;
    uint64_t records = 0;
    uint64_t bad = 0;
    auto pos = bounds->log_start_offset;
    while (pos < bounds->high_watermark) {
        auto f = cluster.fetch(tp, pos, 4 * 1024 * 1024);
        if (!f) {
            return f.error();
        }
        if (f->slices.empty()) {
            break;
        }
        for (const auto& slice : f->slices) {
            auto data = slice.read();
            if (!data) {
                return data.error();
            }
            bytes_view rest(*data);
            while (rest.size() >= 12) {
                auto batch_len = static_cast<size_t>(read_be<int32_t>(rest, 8)) + 12;
                if (batch_len > rest.size()) {
                    break;
                }
                auto r = for_each_offsets_record(
                    rest.first(batch_len),
                    [&](int64_t off, offsets_record rec) {
                        ++records;
                        apply(replayed, off, std::move(rec));
                    },
                    [&](int64_t off, std::error_code ec) {
                        ++bad;
                        logger->warn("{}-{}: skipping record at offset {}: {}", offsets_topic, p, off, ec.message());
                    });
                if (!r) {
                    logger->warn("{}-{}: skipping an undecodable batch: {}", offsets_topic, p, r.error().message());
                }
                rest = rest.subspan(batch_len);
            }
            pos = slice.last_offset + 1;
        }
    }
    for (auto& [id, g] : replayed) {
        if (!g.snapshot && g.offsets.empty()) {
            continue;
        }
        auto group = classic_group::restore(id, g.snapshot.value_or(group_snapshot{}), config.groups, clock);
        out.emplace(id, group_entry{std::move(group), std::move(g.offsets)});
    }
    logger->info("{}-{}: loaded {} groups from {} records ({} skipped)", offsets_topic, p, out.size(), records, bad);
    return {};
}

void coordinator::impl::load_partitions(std::vector<int32_t> which) {
    for (size_t i = 0; i < which.size();) {
        auto p = which[i];
        std::map<std::string, group_entry> loaded;
        auto r = load_partition(p, loaded);
        std::unique_lock l(mu);
        if (stopping) {
            return;
        }
        if (!r) {
            // Serving this partition from partial state could hand out stale offsets: it
            // stays loading (COORDINATOR_LOAD_IN_PROGRESS) and is retried after a pause.
            logger->error("{}-{}: cannot load, retrying in 1 s: {}", offsets_topic, p, r.error().message());
            loaded_cv.wait_for(l, std::chrono::seconds(1), [this] { return stopping; });
            continue;
        }
        for (auto& [id, e] : loaded) {
            if (groups.contains(id)) {  // only if the partition count changed under old records
                logger->warn("group {} found in two partitions of {}; keeping the first", id, offsets_topic);
            }
        }
        groups.merge(loaded);
        load[static_cast<size_t>(p)] = partition_load::loaded;
        ++i;
    }
    loaded_cv.notify_all();
}

}  // namespace fjord::group
