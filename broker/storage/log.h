// log: one partition replica's append-only log — an ordered list of segments under one
// directory (DESIGN.md §3, docs/formats/segment.md). It assigns offsets on append, serves
// reads as file ranges for sendfile, finds offsets by timestamp, flushes by policy,
// truncates its suffix (replication) and prefix (retention, DeleteRecords), and compacts
// by key in the background.
//
// Offsets (docs/glossary.md):
//   start_offset()    first offset a reader may ask for (log start offset);
//   next_offset()     the offset the next appended record gets (log end offset);
//   flushed_offset()  every offset below it is durable on disk (exclusive, like Kafka's
//                     recovery point).
//
// Failure: after an fsync failure, or a failed append that could not be cut back, the log
// is fenced: append, flush and truncate return errc::log_failed until it is reopened
// (recovery then decides what survived). Reads keep working, but a fenced log shows only
// what was flushed: next_offset() drops to flushed_offset() so a batch whose append failed
// is never served (no "aborted read").
//
// I/O errors come back as base errc values (errc::no_space, errc::io_error, ...).
//
// Threading: every method is thread-safe (one mutex; appends and reads hold it briefly).
// compact() holds it only to take a snapshot and to swap cleaned segments in, so appends
// proceed while it works. The filesystem and clock must outlive the log.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "base/clock.h"
#include "base/errc.h"
#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"
#include "record/batch.h"
#include "storage/config.h"
#include "storage/segment.h"

namespace fjord::storage {

struct append_options {
    // Leader append (true): the batch is a client's; it is validated as such, its base
    // offset becomes next_offset() and its partitionLeaderEpoch becomes leader_epoch.
    // Replica append (false): the batch already carries its offsets and epoch; its base
    // offset must equal next_offset().
    bool assign_offsets = true;
    int32_t leader_epoch = 0;
};

struct append_result {
    offset base_offset;
    offset last_offset;
    timestamp_ms log_append_time = no_timestamp;  // set when the topic uses LogAppendTime
};

struct read_options {
    offset start;
    uint64_t max_bytes = 1 * 1024 * 1024;
    // Only batches whose last offset is <= max_offset (e.g. the high watermark minus one).
    std::optional<offset> max_offset;
};

// A byte range of one segment file holding whole batches: what Fetch sends with sendfile.
// Holds the segment alive, so the range stays readable even if retention or compaction
// replaces the segment meanwhile.
struct read_slice {
    std::shared_ptr<const segment> seg;
    uint64_t position = 0;
    uint64_t length = 0;
    offset first_offset;  // base offset of the first batch
    offset last_offset;   // last offset of the last batch

    int native_handle() const { return seg->log_file().native_handle(); }
    result<bytes> read() const { return seg->read(position, length); }
};

struct read_result {
    std::vector<read_slice> slices;
    uint64_t total_bytes = 0;
    // Offset after the last batch returned (== start when nothing was returned).
    offset next_offset;
};

struct timestamp_lookup {
    offset found;
    timestamp_ms timestamp;
};

struct compaction_stats {
    uint64_t segments_scanned = 0;  // 0 when the pass found nothing new to do
    uint64_t segments_rewritten = 0;
    uint64_t records_removed = 0;
    uint64_t bytes_before = 0;
    uint64_t bytes_after = 0;
};

class log {
public:
    // Opens (creating if needed) the log in `dir`, recovering its tail segment.
    // `name` prefixes every log line ("topic-3").
    static result<std::unique_ptr<log>> open(io::filesystem& fs, const fjord::clock& clk, std::string dir,
                                             log_config config, std::string name);
    ~log();
    log(const log&) = delete;
    log& operator=(const log&) = delete;

    // Appends one batch, rewriting its header in place (base offset, leader epoch, and the
    // max timestamp when it must be recomputed). Errors: record::errc (corrupt batch;
    // nothing appended), errc::too_large (above max.message.bytes), errc::invalid_argument
    // (replica append at the wrong offset), errc::no_space / errc::io_error (nothing
    // appended), errc::log_failed (fenced).
    result<append_result> append(std::span<std::byte> batch, const append_options& opts = {});

    // Whole batches from the one holding `start`, up to max_bytes (but always at least one
    // batch if any is readable). errc::out_of_range if start < start_offset() or
    // start > next_offset(); an empty result when start == next_offset().
    result<read_result> read(const read_options& opts) const;

    // Calls `fn` with the header of every batch holding an offset >= `from`, in order, up to
    // the visible end at the time of the call. Reads headers only (the bodies of large
    // batches are skipped unread), without holding the lock while it reads: what rebuilding
    // state from a log (idempotent producers) needs at start-up.
    result<void> scan_headers(offset from, const std::function<void(const record::batch_header&)>& fn) const;

    // The first offset >= start_offset() whose record timestamp is >= ts, with that
    // record's timestamp; nullopt when no record is that late.
    result<std::optional<timestamp_lookup>> find_offset_by_timestamp(timestamp_ms ts) const;

    // Makes everything appended durable; returns flushed_offset().
    result<offset> flush();
    // Like flush(), but the fsync runs without the log's lock, so appends and reads go on
    // meanwhile (group commit: one fsync covers every batch appended before it started).
    // Everything appended before the call is durable when it returns success; returns
    // flushed_offset(), which may already cover appends made during the fsync only if a
    // concurrent flush synced them. Safe to call from several threads at once.
    result<offset> group_flush();
    // Under flush_policy::interval, flushes if the oldest unflushed append is older than
    // flush.ms; otherwise does nothing.
    result<void> flush_if_due();

    // Removes every batch holding an offset >= from (a batch straddling `from` goes
    // whole, so next_offset() may end below `from`). Durable when it returns.
    // REQUIRES: from >= start_offset().
    result<void> truncate(offset from);

    // Raises start_offset() to new_start (DeleteRecords), durably, deleting segments that
    // fall wholly below it. errc::out_of_range if new_start > next_offset().
    result<void> prefix_truncate(offset new_start);

    // Deletes sealed segments past retention.ms / retention.bytes (cleanup.policy delete).
    // Returns the number of segments deleted.
    result<size_t> apply_retention();

    // One compaction pass (cleanup.policy compact) over sealed segments whose offsets are
    // all below `end` (all sealed segments when nullopt). Keeps the latest record per key,
    // drops tombstones whose delete horizon passed, preserves offsets. A pass is skipped
    // (segments_scanned == 0) when no segment was sealed since the last complete pass and
    // no kept tombstone's horizon has passed, so calling it often costs nothing.
    result<compaction_stats> compact(std::optional<offset> end = std::nullopt);

    // Seals the active segment (syncs and writes its indexes). The log stays usable.
    result<void> close();

    // Deletes every file of the log and its directory. The log is unusable afterwards.
    result<void> remove();

    // Fences the log for good (appends, flushes, truncation, retention and compaction all
    // stop) without touching its files: the log manager calls it before deleting the
    // directory, so a handle still held elsewhere can no longer act on that path.
    void retire();

    offset start_offset() const;
    offset next_offset() const;
    offset flushed_offset() const;
    uint64_t size_bytes() const;
    size_t segment_count() const;
    bool failed() const;
    const std::string& dir() const { return dir_; }
    const std::string& name() const { return name_; }
    const log_config& config() const { return config_; }
    tail_recovery_report recovery_report() const { return recovery_; }

    // Replaces the configuration (AlterConfigs). Takes effect for later appends and passes.
    // REQUIRES: validate_log_config(config) succeeds.
    void set_config(const log_config& config);

private:
    log(io::filesystem& fs, const fjord::clock& clk, std::string dir, log_config config, std::string name);

    // Public entry points map errno-style io errors to errc through this.
    template<typename T>
    static result<T> storage_error(result<T> r) {
        if (!r) {
            return to_fjord_error(r.error());
        }
        return r;
    }
    result<append_result> append_impl(std::span<std::byte> batch, const append_options& opts);
    result<void> truncate_impl(offset from);
    result<void> prefix_truncate_impl(offset new_start);

    segment::context segment_context() const;
    result<void> recover();
    result<void> roll_locked(timestamp_ms now);
    bool should_roll_locked(const record::batch_header& h, timestamp_ms now) const;
    result<void> prepare_client_batch(std::span<std::byte> batch, record::batch_header& h, const append_options& opts,
                                      timestamp_ms now) const;
    result<void> flush_locked();
    result<void> delete_front_segment_locked();
    std::error_code fence(std::error_code ec, std::string_view what);
    size_t segment_index_for(offset o) const;
    // The end readers see: the log end, or the flushed offset once fenced.
    offset visible_end_locked() const;

    io::filesystem& fs_;
    const fjord::clock& clock_;
    std::string dir_;
    std::string name_;
    std::shared_ptr<spdlog::logger> logger_;
    tail_recovery_report recovery_;

    mutable std::mutex mu_;
    log_config config_;
    // Invariant: sorted by base offset, non-overlapping; back() is the active segment.
    std::vector<std::shared_ptr<segment>> segments_;
    offset start_offset_{0};
    offset flushed_offset_{0};
    timestamp_ms active_created_ms_ = 0;
    std::optional<fjord::clock::duration> oldest_unflushed_;
    bool failed_ = false;
    // Bumped by every suffix truncation, so group_flush() can tell that the bytes it
    // synced may no longer be the log's.
    uint64_t truncations_ = 0;
    // Compaction bookkeeping: sealed segments below compacted_end_ were compacted by a
    // complete pass, and the earliest delete horizon of a tombstone it kept.
    offset compacted_end_{0};
    timestamp_ms next_tombstone_horizon_ms_ = std::numeric_limits<timestamp_ms>::max();
};

}  // namespace fjord::storage
