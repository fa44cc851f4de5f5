// log: compaction by key (cleanup.policy=compact), in the background.
//
// A pass (1) snapshots the sealed segments below `end` under the lock, (2) without the
// lock, maps every key to its latest offset over those segments and rewrites each segment
// into `<base>.log.cleaned`, keeping the latest record per key, and (3) under the lock,
// swaps each rewritten segment in if the log still holds that exact segment unchanged.
// Offsets are preserved: a rebuilt batch keeps its base offset and last_offset_delta.
//
// Tombstones (null values) follow KIP-534: the first pass that keeps a tombstone stamps
// its batch with a delete horizon (now + delete.retention.ms, in base_timestamp with the
// attribute bit set); a later pass after the horizon drops it. Control batches are kept.
//
// Swap order: remove the old index files, rename .cleaned over .log, sync the directory,
// then reopen the segment (which rebuilds and writes its indexes). A crash at any point
// leaves either segment file with no index (rebuilt on open) or a leftover .cleaned
// (deleted on open).
#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

#include "base/errc.h"
#include "record/builder.h"
#include "storage/batch_scanner.h"
#include "storage/log.h"
#include "storage/segment_files.h"

namespace fjord::storage {
namespace {

using key_map = std::unordered_map<std::string, offset>;

std::string key_string(const bytes& k) { return std::string(as_string_view(k)); }

// Calls fn(header, batch bytes) for every batch of a sealed segment.
template<typename Fn>
result<void> for_each_batch(const segment& seg, uint64_t size, Fn&& fn) {
    batch_scanner scan(seg.log_file(), 0, size, /*verify_crc=*/true);
    while (auto h = scan.next()) {
        FJORD_TRY(fn(*h, scan.batch_bytes()));
    }
    if (scan.stop_reason() != batch_scanner::stop::end_of_file) {
        return errc::corrupt_data;
    }
    return ok();
}

// A batch that keeps `original`'s offsets, epoch and producer fields but no records:
// what compaction leaves when it removes every record of a segment's last batch, so the
// segment still ends at the same offset (a later truncation or reopen must never see the
// log end move backwards and hand out offsets twice). Kafka's cleaner keeps such empty
// batches too; clients skip them.
bytes empty_batch_like(bytes_view original) {
    bytes out(original.begin(), original.begin() + record::layout::header_size);
    write_be<int32_t>(out, record::layout::batch_length,
                      static_cast<int32_t>(record::layout::header_size - record::layout::log_overhead));
    const auto attrs = read_be<int16_t>(out, record::layout::attributes);
    write_be<int16_t>(out, record::layout::attributes,
                      static_cast<int16_t>(attrs & ~(record::attr::compression_mask | record::attr::delete_horizon)));
    write_be<int32_t>(out, record::layout::records_count, 0);
    record::recompute_crc(out);
    return out;
}

// Marks a pass whose snapshot went stale under it (a concurrent truncation changed a
// segment): the pass stops without swapping anything more in.
const std::error_code stale_snapshot = make_error_code(errc::shutting_down);

struct rewrite_outcome {
    bool changed = false;
    uint64_t records_removed = 0;
    timestamp_ms earliest_horizon = std::numeric_limits<timestamp_ms>::max();  // of kept tombstones
};

result<rewrite_outcome> rewrite_segment(const segment& seg, uint64_t size, const key_map& latest, io::file& out,
                                        timestamp_ms now, const log_config& cfg) {
    rewrite_outcome outcome;
    std::optional<bytes> dropped_last;  // the last batch, if it was dropped whole
    auto result = for_each_batch(seg, size, [&](const record::batch_header& h, bytes_view batch) -> fjord::result<void> {
        dropped_last.reset();
        if (h.is_control()) {
            return out.append(batch);
        }
        auto records = record::decode_records(batch, cfg.decompress_limit_bytes);
        if (!records) {
            return records.error();
        }
        const bool has_horizon = h.has_delete_horizon();
        std::vector<const record::decoded_record*> kept;
        for (const auto& r : *records) {
            if (r.key) {
                auto it = latest.find(key_string(*r.key));
                if (it == latest.end()) {
                    return stale_snapshot;  // the segment changed since the key map was built
                }
                if (it->second != r.abs_offset) {
                    continue;  // a later record has this key
                }
            }
            if (r.key && !r.value && has_horizon && now >= h.base_timestamp) {
                continue;  // tombstone past its delete horizon
            }
            kept.push_back(&r);
        }
        const bool keeps_tombstone =
            std::any_of(kept.begin(), kept.end(), [](auto* r) { return r->key && !r->value; });
        const bool needs_horizon = keeps_tombstone && !has_horizon;
        outcome.records_removed += records->size() - kept.size();
        if (keeps_tombstone) {
            const timestamp_ms horizon = has_horizon ? h.base_timestamp : now + cfg.delete_retention_ms.count();
            outcome.earliest_horizon = std::min(outcome.earliest_horizon, horizon);
        }
        if (kept.size() == records->size() && !needs_horizon) {
            return out.append(batch);
        }
        outcome.changed = true;
        if (kept.empty()) {
            dropped_last = bytes(batch.begin(), batch.end());
            return ok();
        }
        record::batch_options opts{
            .base_offset = h.base_offset,
            .partition_leader_epoch = h.partition_leader_epoch,
            .codec = h.compression_type(),
            .ts_type = h.timestamp_kind(),
            .producer_id = h.producer_id,
            .producer_epoch = h.producer_epoch,
            .base_sequence = h.base_sequence,
            .transactional = h.is_transactional(),
            .control = false,
            .last_offset_delta = h.last_offset_delta,
        };
        if (has_horizon || needs_horizon) {
            opts.delete_horizon = true;
            opts.base_timestamp = has_horizon ? h.base_timestamp : now + cfg.delete_retention_ms.count();
        }
        record::batch_builder builder(opts);
        for (const auto* r : kept) {
            builder.add(static_cast<int32_t>(r->abs_offset - h.base_offset), r->timestamp, r->key, r->value, r->headers);
        }
        auto rebuilt = builder.build();
        if (!rebuilt) {
            return rebuilt.error();
        }
        return out.append(*rebuilt);
    });
    if (!result) {
        return result.error();
    }
    if (dropped_last) {
        FJORD_TRY(out.append(empty_batch_like(*dropped_last)));
    }
    return outcome;
}

}  // namespace

result<compaction_stats> log::compact(std::optional<offset> end) {
    const timestamp_ms now = clock_.wall_ms();
    std::vector<std::shared_ptr<segment>> plan;
    std::vector<uint64_t> sizes;
    std::vector<uint64_t> generations;
    log_config cfg;
    {
        std::lock_guard lock(mu_);
        if (failed_ || config_.cleanup == cleanup_policy::remove) {
            return compaction_stats{};
        }
        cfg = config_;
        for (size_t i = 0; i + 1 < segments_.size(); ++i) {
            const auto& s = segments_[i];
            if ((end && s->next_offset() > *end) || !s->sealed()) {
                break;
            }
            plan.push_back(s);
            sizes.push_back(s->size_bytes());
            generations.push_back(s->generation());
        }
        if (plan.empty() || (plan.back()->next_offset() <= compacted_end_ && now < next_tombstone_horizon_ms_)) {
            return compaction_stats{};
        }
    }
    compaction_stats stats{.segments_scanned = plan.size()};
    timestamp_ms earliest_horizon = std::numeric_limits<timestamp_ms>::max();
    bool complete = true;
    // True when a planned segment changed since the snapshot (a concurrent truncation):
    // what the pass read may be torn, so it stops quietly instead of reporting corruption.
    auto snapshot_stale = [&] {
        std::lock_guard lock(mu_);
        for (size_t i = 0; i < plan.size(); ++i) {
            if (plan[i]->generation() != generations[i]) {
                return true;
            }
        }
        return false;
    };

    key_map latest;
    for (size_t i = 0; i < plan.size(); ++i) {
        auto scanned = for_each_batch(*plan[i], sizes[i], [&](const record::batch_header& h, bytes_view batch) -> result<void> {
            if (h.is_control()) {
                return ok();
            }
            auto records = record::decode_records(batch, cfg.decompress_limit_bytes);
            if (!records) {
                return records.error();
            }
            for (const auto& r : *records) {
                if (r.key) {
                    latest[key_string(*r.key)] = r.abs_offset;
                }
            }
            return ok();
        });
        if (!scanned) {
            if (snapshot_stale()) {
                return compaction_stats{};
            }
            return scanned.error();
        }
    }

    for (size_t i = 0; i < plan.size(); ++i) {
        const auto& seg = plan[i];
        const std::string cleaned = seg->log_path() + std::string(cleaned_suffix);
        (void)fs_.remove(cleaned);
        auto out = fs_.open(cleaned, io::open_mode::create_exclusive);
        if (!out) {
            return out.error();
        }
        auto outcome = rewrite_segment(*seg, sizes[i], latest, **out, now, cfg);
        if (outcome && outcome->changed) {
            if (auto r = (*out)->sync(); !r) {
                outcome = r.error();
            }
        }
        const uint64_t new_size = (*out)->size();
        out->reset();
        if (outcome) {
            earliest_horizon = std::min(earliest_horizon, outcome->earliest_horizon);
        }
        if (!outcome && (outcome.error() == stale_snapshot || snapshot_stale())) {
            (void)fs_.remove(cleaned);
            complete = false;
            break;
        }
        if (!outcome || !outcome->changed) {
            (void)fs_.remove(cleaned);
            if (!outcome) {
                logger_->warn("[{}] compaction of segment {} failed: {}", name_, seg->base_offset(),
                              outcome.error().message());
                return outcome.error();
            }
            continue;
        }

        std::lock_guard lock(mu_);
        auto it = std::find(segments_.begin(), segments_.end(), seg);
        if (failed_ || it == segments_.end() || it + 1 == segments_.end() || !seg->sealed() ||
            seg->generation() != generations[i]) {
            (void)fs_.remove(cleaned);  // truncated, deleted or reopened meanwhile: skip it
            complete = false;
            continue;
        }
        for (auto suffix : {offset_index_suffix, time_index_suffix}) {
            if (auto r = fs_.remove(segment_path(dir_, seg->base_offset(), suffix));
                !r && errc_from_system(r.error()) != errc::not_found) {
                return fence(r.error(), "removing index before compaction swap");
            }
        }
        if (auto r = fs_.rename(cleaned, seg->log_path()); !r) {
            return fence(r.error(), "compaction swap");
        }
        if (auto r = fs_.sync_dir(dir_); !r) {
            return fence(r.error(), "syncing directory after compaction swap");
        }
        auto reopened = segment::open_sealed(segment_context(), seg->base_offset());
        if (!reopened) {
            return fence(reopened.error(), "reopening compacted segment");
        }
        *it = std::move(*reopened);
        stats.segments_rewritten++;
        stats.records_removed += outcome->records_removed;
        stats.bytes_before += sizes[i];
        stats.bytes_after += new_size;
    }
    if (complete) {
        std::lock_guard lock(mu_);
        compacted_end_ = plan.back()->next_offset();
        next_tombstone_horizon_ms_ = earliest_horizon;
    }
    if (stats.segments_rewritten > 0) {
        logger_->info("[{}] compacted {} segments: {} records removed, {} -> {} bytes", name_,
                      stats.segments_rewritten, stats.records_removed, stats.bytes_before, stats.bytes_after);
    }
    return stats;
}

}  // namespace fjord::storage
