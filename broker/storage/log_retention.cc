// log: retention by time and size (cleanup.policy=delete) and prefix truncation
// (DeleteRecords). Only sealed segments are ever deleted; the active segment becomes
// eligible once it rolls (segment.ms / segment.bytes), as in Kafka.
#include <algorithm>

#include "base/errc.h"
#include "storage/log.h"
#include "storage/start_offset_checkpoint.h"

namespace fjord::storage {

result<void> log::delete_front_segment_locked() {
    FJORD_ASSERT(segments_.size() > 1, "[{}] deleting the active segment", name_);
    auto seg = segments_.front();
    segments_.erase(segments_.begin());
    start_offset_ = std::max(start_offset_, segments_.front()->base_offset());
    if (auto r = seg->remove_files(); !r) {
        return fence(r.error(), "deleting segment " + seg->log_path());
    }
    if (auto r = fs_.sync_dir(dir_); !r) {
        return fence(r.error(), "syncing directory");
    }
    logger_->info("[{}] deleted segment {} ({} bytes); start offset now {}", name_, seg->base_offset(),
                  seg->size_bytes(), start_offset_);
    return ok();
}

result<size_t> log::apply_retention() {
    const timestamp_ms now = clock_.wall_ms();
    std::lock_guard lock(mu_);
    if (failed_ || config_.cleanup == cleanup_policy::compact) {
        return size_t{0};
    }
    uint64_t total = 0;
    for (const auto& s : segments_) {
        total += s->size_bytes();
    }
    size_t deleted = 0;
    while (segments_.size() > 1) {
        const auto& front = *segments_.front();
        // Compared as "max < now - retention" so a client's extreme timestamp cannot overflow.
        const bool too_old =
            config_.retention_ms.count() >= 0 && front.max_timestamp() < now - config_.retention_ms.count();
        const bool too_big = config_.retention_bytes >= 0 &&
                             total - front.size_bytes() >= static_cast<uint64_t>(config_.retention_bytes);
        if (!too_old && !too_big) {
            break;
        }
        total -= front.size_bytes();
        FJORD_TRY(delete_front_segment_locked());
        ++deleted;
    }
    return deleted;
}

result<void> log::prefix_truncate(offset new_start) { return storage_error(prefix_truncate_impl(new_start)); }

result<void> log::prefix_truncate_impl(offset new_start) {
    const timestamp_ms now = clock_.wall_ms();
    std::lock_guard lock(mu_);
    if (failed_) {
        return errc::log_failed;
    }
    if (new_start > segments_.back()->next_offset()) {
        return errc::out_of_range;
    }
    if (new_start <= start_offset_) {
        return ok();
    }
    // Durable first: once the checkpoint is written, a crash at any later step reopens
    // with the new start offset and finishes deleting the segments below it.
    if (auto r = write_start_offset(fs_, dir_, new_start); !r) {
        return r.error();
    }
    start_offset_ = new_start;
    if (!segments_.back()->empty() && segments_.back()->next_offset() <= new_start) {
        FJORD_TRY(roll_locked(now));  // everything is deleted: start a fresh segment at new_start
    }
    while (segments_.size() > 1 && segments_[1]->base_offset() <= new_start) {
        FJORD_TRY(delete_front_segment_locked());
    }
    return ok();
}

}  // namespace fjord::storage
