// log: open and recovery, append, flush, suffix truncation. Reads are in log_read.cc,
// retention and prefix truncation in log_retention.cc, compaction in log_compaction.cc.
#include "storage/log.h"

#include <algorithm>
#include <limits>

#include "base/errc.h"
#include "base/logger.h"
#include "record/errc.h"
#include "storage/segment_files.h"
#include "storage/start_offset_checkpoint.h"

namespace fjord::storage {

log::log(io::filesystem& fs, const fjord::clock& clk, std::string dir, log_config config, std::string name)
    : fs_(fs),
      clock_(clk),
      dir_(std::move(dir)),
      name_(std::move(name)),
      logger_(make_logger("storage")),
      config_(config) {}

log::~log() = default;

segment::context log::segment_context() const {
    return {.fs = fs_, .dir = dir_, .index_interval_bytes = config_.index_interval_bytes, .log = logger_};
}

result<std::unique_ptr<log>> log::open(io::filesystem& fs, const fjord::clock& clk, std::string dir,
                                       log_config config, std::string name) {
    FJORD_TRY(validate_log_config(config));
    std::unique_ptr<log> l(new log(fs, clk, std::move(dir), config, std::move(name)));  // NOLINT: private ctor
    if (auto r = l->recover(); !r) {
        return to_fjord_error(r.error());
    }
    return l;
}

result<void> log::recover() {
    FJORD_TRY(fs_.create_directories(dir_));
    auto names = fs_.list(dir_);
    if (!names) {
        return names.error();
    }
    std::vector<offset> bases;
    for (const auto& n : *names) {
        if (is_transient_file_name(n)) {
            logger_->info("[{}] removing leftover {}", name_, n);
            FJORD_TRY(fs_.remove(dir_ + "/" + n));
        } else if (auto base = parse_log_file_name(n)) {
            bases.push_back(*base);
        }
    }
    std::sort(bases.begin(), bases.end());
    auto checkpoint = read_start_offset(fs_, dir_);
    if (!checkpoint) {
        logger_->error("[{}] start-offset file is damaged", name_);
        return checkpoint.error();
    }
    start_offset_ = checkpoint->value_or(bases.empty() ? offset{0} : bases.front());

    const auto ctx = segment_context();
    for (size_t i = 0; i < bases.size(); ++i) {
        const bool tail = i + 1 == bases.size();
        auto seg = tail ? segment::open_tail(ctx, bases[i], &recovery_) : segment::open_sealed(ctx, bases[i]);
        if (!seg) {
            logger_->error("[{}] cannot open segment {}: {}", name_, bases[i], seg.error().message());
            return seg.error();
        }
        // Invariant: segments do not overlap. Overlap means damage we must not paper over.
        if (!segments_.empty() && (*seg)->base_offset() <= segments_.back()->last_offset()) {
            logger_->error("[{}] segment {} overlaps the previous one (last offset {})", name_, bases[i],
                           segments_.back()->last_offset());
            return errc::corrupt_data;
        }
        segments_.push_back(std::move(*seg));
    }
    // Segments wholly below the start offset (a crash interrupted their deletion).
    while (segments_.size() > 1 && segments_[1]->base_offset() <= start_offset_) {
        FJORD_TRY(segments_.front()->remove_files());
        segments_.erase(segments_.begin());
        FJORD_TRY(fs_.sync_dir(dir_));
    }
    if (segments_.empty()) {
        auto seg = segment::create(ctx, start_offset_);
        if (!seg) {
            return seg.error();
        }
        segments_.push_back(std::move(*seg));
        FJORD_TRY(fs_.sync_dir(dir_));
    }
    start_offset_ = std::max(start_offset_, segments_.front()->base_offset());
    // Invariant: the start offset is never past the end of the log.
    start_offset_ = std::min(start_offset_, segments_.back()->next_offset());
    // open_tail left the tail synced (or truncated and synced): everything present is durable.
    flushed_offset_ = segments_.back()->next_offset();
    const auto first_ts = segments_.back()->first_batch_timestamp();
    // segment.ms counts from the first batch's timestamp, clamped into [now - segment.ms, now]
    // so a client's absurd timestamp can neither overflow the age nor keep the tail open.
    const timestamp_ms now = clock_.wall_ms();
    active_created_ms_ = first_ts == no_timestamp
                             ? now
                             : std::clamp(first_ts, now - std::min<int64_t>(now, config_.segment_ms.count()), now);
    logger_->info("[{}] opened: offsets [{}, {}), {} segments, tail: {} batches recovered, {} bytes truncated",
                  name_, start_offset_, segments_.back()->next_offset(), segments_.size(),
                  recovery_.batches_recovered, recovery_.bytes_truncated);
    return ok();
}

std::error_code log::fence(std::error_code ec, std::string_view what) {
    if (!failed_) {
        logger_->error("[{}] {} failed ({}); log fenced until reopened", name_, what, ec.message());
    }
    failed_ = true;
    return to_fjord_error(ec);
}

bool log::should_roll_locked(const record::batch_header& h, timestamp_ms now) const {
    const auto& active = *segments_.back();
    if (active.sealed()) {
        return true;  // a previous roll sealed it but could not create the next segment
    }
    if (active.empty()) {
        return false;
    }
    // active_created_ms_ is never above now (see recover()), so the difference cannot overflow.
    return active.size_bytes() + h.size_bytes() > config_.segment_bytes ||
           now - active_created_ms_ >= config_.segment_ms.count() ||
           h.last_offset() - active.base_offset() > std::numeric_limits<int32_t>::max();
}

result<void> log::roll_locked(timestamp_ms now) {
    auto& active = *segments_.back();
    if (active.sealed() && active.empty()) {
        // Sealed while empty (close(), or compaction emptied it before a truncation made it
        // last): a new segment would have the same base offset and name. Reuse it.
        active.unseal();
        active_created_ms_ = now;
        return ok();
    }
    if (!active.sealed()) {
        // Invariant (docs/formats/segment.md): a segment is synced and its indexes written
        // before the next one exists, so recovery only ever scans the last segment.
        if (auto r = active.sync(); !r) {
            return fence(r.error(), "fsync before sealing segment " + active.log_path());
        }
        // The data is durable; failing to write the index files (e.g. a full disk) leaves
        // the segment active and unsealed, and the next append retries the roll.
        if (auto r = active.seal(); !r) {
            return r.error();
        }
    }
    auto seg = segment::create(segment_context(), active.next_offset());
    if (!seg) {
        return seg.error();
    }
    if (auto r = fs_.sync_dir(dir_); !r) {
        (void)(*seg)->remove_files();
        return r.error();
    }
    segments_.push_back(std::move(*seg));
    active_created_ms_ = now;
    logger_->debug("[{}] rolled to segment {}", name_, segments_.back()->base_offset());
    return ok();
}

result<void> log::prepare_client_batch(std::span<std::byte> batch, record::batch_header& h,
                                       const append_options& opts, timestamp_ms now) const {
    // Client batches are checked all the way down, compressed ones too (decompressed with
    // the bounded helper): a batch compaction or a timestamp lookup could not read later
    // must never be appended.
    auto valid = record::validate_and_summarize(
        batch, {.require_contiguous_offsets = true,
                .check_records = true,
                .decompress_limit_bytes = static_cast<size_t>(config_.decompress_limit_bytes)});
    if (!valid) {
        return valid.error();
    }
    h = valid->header;
    if (h.is_control() || h.has_delete_horizon()) {
        return record::errc::bad_attributes;  // broker-only attributes
    }
    if (config_.log_append_time) {
        record::set_max_timestamp(batch, now, record::timestamp_type::log_append_time);
    } else if (valid->max_record_timestamp && *valid->max_record_timestamp != h.max_timestamp) {
        // The broker owns maxTimestamp (Sarama sends -1; a wrong one would hide records
        // from the time index or pin a segment against retention).
        record::set_max_timestamp(batch, *valid->max_record_timestamp, record::timestamp_type::create_time);
    }
    record::set_partition_leader_epoch(batch, opts.leader_epoch);
    auto header = record::read_header(batch);
    FJORD_ASSERT(header.has_value(), "rewritten header unreadable");
    h = *header;
    return ok();
}

result<append_result> log::append(std::span<std::byte> batch, const append_options& opts) {
    return storage_error(append_impl(batch, opts));
}

result<append_result> log::append_impl(std::span<std::byte> batch, const append_options& opts) {
    const timestamp_ms now = clock_.wall_ms();
    std::lock_guard lock(mu_);
    if (failed_) {
        return errc::log_failed;
    }
    if (opts.assign_offsets && batch.size() > config_.max_message_bytes) {
        return errc::too_large;  // replicas take the leader's batches whatever their size
    }
    record::batch_header h;
    if (opts.assign_offsets) {
        FJORD_TRY(prepare_client_batch(batch, h, opts, now));
        record::set_base_offset(batch, segments_.back()->next_offset());
        h.base_offset = segments_.back()->next_offset();
    } else {
        auto valid = record::validate(batch, {.require_contiguous_offsets = false, .check_records = false});
        if (!valid) {
            return valid.error();
        }
        h = *valid;
        if (h.base_offset != segments_.back()->next_offset()) {
            return errc::invalid_argument;
        }
    }
    if (should_roll_locked(h, now)) {
        FJORD_TRY(roll_locked(now));
    }
    auto position = segments_.back()->append(batch, h);
    if (!position) {
        if (position.error() == errc::log_failed) {
            return fence(position.error(), "append");
        }
        logger_->warn("[{}] append of {} bytes at offset {} failed: {}", name_, batch.size(), h.base_offset,
                      position.error().message());
        return position.error();
    }
    if (!oldest_unflushed_) {
        oldest_unflushed_ = clock_.monotonic();
    }
    if (config_.flush == flush_policy::every_append) {
        FJORD_TRY(flush_locked());
    }
    return append_result{
        .base_offset = h.base_offset,
        .last_offset = h.last_offset(),
        .log_append_time = h.timestamp_kind() == record::timestamp_type::log_append_time ? h.max_timestamp
                                                                                        : no_timestamp,
    };
}

result<void> log::flush_locked() {
    if (failed_) {
        return errc::log_failed;
    }
    // Only the active segment can hold unsynced bytes: rolling seals the previous one.
    if (auto r = segments_.back()->sync(); !r) {
        return fence(r.error(), "fsync");
    }
    flushed_offset_ = segments_.back()->next_offset();
    oldest_unflushed_.reset();
    return ok();
}

result<offset> log::flush() {
    std::lock_guard lock(mu_);
    FJORD_TRY(storage_error(flush_locked()));
    return flushed_offset_;
}

result<offset> log::group_flush() {
    std::shared_ptr<segment> seg;
    offset target;
    uint64_t generation = 0;
    uint64_t truncations = 0;
    {
        std::lock_guard lock(mu_);
        if (failed_) {
            return errc::log_failed;
        }
        seg = segments_.back();
        target = seg->next_offset();
        if (flushed_offset_ >= target) {
            return flushed_offset_;
        }
        generation = seg->generation();
        truncations = truncations_;
    }
    // Bytes written before this call started are covered by this fdatasync. A roll meanwhile
    // seals (and syncs) the segment; deleting its files leaves the open descriptor valid.
    auto synced = seg->sync_file();
    std::lock_guard lock(mu_);
    if (failed_) {
        return errc::log_failed;
    }
    if (!synced) {
        return fence(synced.error(), "fsync");
    }
    if (truncations_ == truncations) {
        flushed_offset_ = std::max(flushed_offset_, target);
        seg->note_synced(generation);
        if (segments_.back() == seg && seg->generation() == generation) {
            oldest_unflushed_.reset();
        }
    }
    // After a truncation the synced bytes may be gone; what remains was synced by the
    // truncation itself, which lowered flushed_offset_ to at most the new end.
    return flushed_offset_;
}

result<void> log::flush_if_due() {
    std::lock_guard lock(mu_);
    if (config_.flush != flush_policy::interval || !oldest_unflushed_ ||
        clock_.monotonic() - *oldest_unflushed_ < config_.flush_interval) {
        return ok();
    }
    return storage_error(flush_locked());
}

result<void> log::truncate(offset from) { return storage_error(truncate_impl(from)); }

result<void> log::truncate_impl(offset from) {
    std::lock_guard lock(mu_);
    if (failed_) {
        return errc::log_failed;
    }
    FJORD_ASSERT(from >= start_offset_, "[{}] truncate to {} below start offset {}", name_, from, start_offset_);
    // Lowered first: if a step below fails and fences the log, readers (who see only the
    // flushed prefix of a fenced log) never see the offsets being truncated.
    flushed_offset_ = std::min(flushed_offset_, from);
    ++truncations_;
    // Drop whole segments from the back so the files on disk are a prefix at every step.
    while (segments_.size() > 1 && segments_.back()->base_offset() >= from) {
        if (auto r = segments_.back()->remove_files(); !r) {
            return fence(r.error(), "removing truncated segment");
        }
        segments_.pop_back();
        if (auto r = fs_.sync_dir(dir_); !r) {
            return fence(r.error(), "syncing directory");
        }
    }
    if (auto r = segments_.back()->truncate_from(from); !r) {
        return fence(r.error(), "truncating segment");
    }
    flushed_offset_ = std::min(flushed_offset_, segments_.back()->next_offset());
    if (segments_.back()->next_offset() < start_offset_) {
        // The start offset follows the end down. Persist it: a reopen would otherwise restore
        // the old (checkpointed) start and hide the offsets appended from here on.
        if (auto r = write_start_offset(fs_, dir_, segments_.back()->next_offset()); !r) {
            return fence(r.error(), "writing start offset after truncation");
        }
    }
    start_offset_ = std::min(start_offset_, segments_.back()->next_offset());
    compacted_end_ = std::min(compacted_end_, segments_.back()->base_offset());
    active_created_ms_ = clock_.wall_ms();
    oldest_unflushed_.reset();
    logger_->info("[{}] truncated to {} (next offset {})", name_, from, segments_.back()->next_offset());
    return ok();
}

result<void> log::close() {
    std::lock_guard lock(mu_);
    FJORD_TRY(flush_locked());
    // The data is durable; the index files only spare the next open a scan.
    return storage_error(segments_.back()->seal());
}

result<void> log::remove() {
    retire();
    return storage_error(fs_.remove_all(dir_));
}

void log::retire() {
    std::lock_guard lock(mu_);
    failed_ = true;
}

offset log::start_offset() const {
    std::lock_guard lock(mu_);
    return start_offset_;
}

offset log::next_offset() const {
    std::lock_guard lock(mu_);
    return visible_end_locked();
}

offset log::visible_end_locked() const {
    const offset end = segments_.back()->next_offset();
    return failed_ ? std::min(end, flushed_offset_) : end;
}

offset log::flushed_offset() const {
    std::lock_guard lock(mu_);
    return flushed_offset_;
}

uint64_t log::size_bytes() const {
    std::lock_guard lock(mu_);
    uint64_t total = 0;
    for (const auto& s : segments_) {
        total += s->size_bytes();
    }
    return total;
}

size_t log::segment_count() const {
    std::lock_guard lock(mu_);
    return segments_.size();
}

bool log::failed() const {
    std::lock_guard lock(mu_);
    return failed_;
}

void log::set_config(const log_config& config) {
    FJORD_ASSERT(validate_log_config(config).has_value(), "[{}] set_config with an invalid config", name_);
    std::lock_guard lock(mu_);
    config_ = config;
    compacted_end_ = offset{0};  // e.g. a new delete.retention.ms: the next pass runs in full
}

size_t log::segment_index_for(offset o) const {
    auto it = std::upper_bound(segments_.begin(), segments_.end(), o,
                               [](offset v, const std::shared_ptr<segment>& s) { return v < s->base_offset(); });
    return it == segments_.begin() ? 0 : static_cast<size_t>(std::distance(segments_.begin(), it)) - 1;
}

}  // namespace fjord::storage
