// segment: one file of record batches (a contiguous range of offsets) plus its sparse
// offset and time indexes. The byte layout is docs/formats/segment.md.
//
// Life cycle: create() or open_tail() gives an active segment that append() extends;
// seal() syncs it and writes its index files, after which it is immutable except for
// truncate_from() (raft truncation) and remove_files() (retention). open_sealed() reopens a
// sealed segment from its index files without reading the log (rebuilding the indexes by a
// header scan when they are missing or damaged).
//
// Invariants (checked in append):
// - batches are stored back to back; each batch's base offset is greater than the previous
//   batch's last offset;
// - every byte position fits in 32 bits (the log enforces segment.bytes < 2 GiB);
// - an index entry points at the first byte of a batch.
//
// Threading: not synchronised; the owning log serialises mutation. Const methods may run
// concurrently with each other. The filesystem must outlive the segment.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <spdlog/logger.h>

#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"
#include "record/batch.h"
#include "storage/segment_index.h"

namespace fjord::storage {

// Where a batch lies in a segment file.
struct batch_location {
    record::batch_header header;
    uint64_t position = 0;
};

// What recovery found in a tail segment.
struct tail_recovery_report {
    uint64_t bytes_scanned = 0;
    uint64_t bytes_truncated = 0;
    uint64_t batches_recovered = 0;
};

class segment {
public:
    struct context {
        io::filesystem& fs;
        std::string dir;
        uint32_t index_interval_bytes;
        std::shared_ptr<spdlog::logger> log;
    };

    // Creates a new empty segment file. The caller syncs the directory.
    static result<std::unique_ptr<segment>> create(const context& ctx, offset base);
    // Opens a segment that was sealed; rebuilds its indexes if they are missing or damaged.
    static result<std::unique_ptr<segment>> open_sealed(const context& ctx, offset base);
    // Opens the last segment of a log: CRC-scans it, truncates (and syncs) a torn or corrupt
    // tail, and rebuilds its indexes in memory.
    static result<std::unique_ptr<segment>> open_tail(const context& ctx, offset base, tail_recovery_report* report);

    offset base_offset() const { return base_; }
    // The offset after the last batch; base_offset() when empty.
    offset next_offset() const { return empty() ? base_ : last_offset_ + 1; }
    offset last_offset() const { return last_offset_; }
    uint64_t size_bytes() const { return size_; }
    timestamp_ms max_timestamp() const { return max_timestamp_; }
    // Timestamp of the first batch (its max timestamp), the base for segment.ms rolling.
    timestamp_ms first_batch_timestamp() const { return first_batch_ts_; }
    bool empty() const { return size_ == 0; }
    bool sealed() const { return sealed_; }
    bool has_unsynced_data() const { return unsynced_; }
    // Changes whenever the segment's contents change (append, truncation), so a reader
    // working without the log's lock (compaction) can tell its snapshot went stale.
    uint64_t generation() const { return generation_; }
    const segment_index& index() const { return index_; }

    // Appends one whole batch (its header already decoded into `h`, offsets assigned).
    // On a failed or short write the file is truncated back so no partial batch remains;
    // if even that fails, errc::log_failed. Returns the batch's byte position.
    // REQUIRES: !sealed(), h.base_offset > last_offset() (or == base when empty).
    result<uint64_t> append(bytes_view batch, const record::batch_header& h);

    // fdatasync of the log file.
    result<void> sync();
    // fdatasync of the log file without touching the segment's state, so it may run
    // without the owning log's lock while appends continue (log::group_flush). Follow
    // it with note_synced() under the lock.
    // Every fsync of the file (this and sync()) is serialised by sync_mu_, and a failure
    // is sticky: Linux reports a writeback error to only one of several concurrent fsyncs
    // and then drops the pages, so a later fsync returning 0 would claim durability for
    // bytes that are gone (io/file.h: after a failed sync the file is failed).
    result<void> sync_file() const;
    // Records a sync_file() that started at `generation`: if nothing changed since, the
    // segment holds no unsynced data.
    void note_synced(uint64_t generation) {
        if (generation_ == generation) {
            unsynced_ = false;
        }
    }

    // sync(), then writes both index files atomically (temp + rename + dir sync).
    result<void> seal();
    // Makes a sealed segment appendable again (its index files are rewritten when it is
    // next sealed; until then recovery treats it as the tail and rebuilds them).
    void unseal() { sealed_ = false; }

    // Removes every batch that holds an offset >= `from` and syncs. The segment becomes
    // active (unsealed) again; its index files are rewritten when it is next sealed.
    result<void> truncate_from(offset from);

    // The batch holding offset `o`, or else the first batch after it; nullopt when the
    // segment has no batch with last offset >= o.
    result<std::optional<batch_location>> locate(offset o) const;

    // The first batch whose max timestamp is >= ts; nullopt if none.
    result<std::optional<batch_location>> locate_time(timestamp_ms ts) const;

    // Reads `len` bytes at `position` of the log file.
    result<bytes> read(uint64_t position, uint64_t len) const;

    io::file& log_file() const { return *file_; }

    // Deletes the segment's files (log and indexes). The caller syncs the directory.
    result<void> remove_files();

    std::string log_path() const;

private:
    segment(const context& ctx, offset base, std::unique_ptr<io::file> file);

    // Rebuilds indexes and summary by scanning [0, end). Returns where the valid prefix ends.
    result<uint64_t> rebuild(uint64_t end, bool verify_crc, uint64_t* batches);
    void note_batch(const record::batch_header& h, uint64_t position);

    io::filesystem& fs_;
    std::string dir_;
    std::shared_ptr<spdlog::logger> log_;
    offset base_;
    std::unique_ptr<io::file> file_;
    uint32_t index_interval_bytes_;
    segment_index index_;
    uint64_t size_ = 0;
    offset last_offset_;
    timestamp_ms max_timestamp_ = no_timestamp;
    timestamp_ms first_batch_ts_ = no_timestamp;
    bool sealed_ = false;
    bool unsynced_ = false;
    uint64_t generation_ = 0;
    mutable std::mutex sync_mu_;      // leaf lock: held only around the fdatasync
    mutable bool sync_failed_ = false;  // guarded by sync_mu_
};

}  // namespace fjord::storage
