#include "storage/segment.h"

#include <algorithm>
#include <limits>

#include "base/errc.h"
#include "base/units.h"
#include "storage/batch_scanner.h"
#include "storage/segment_files.h"

namespace fjord::storage {
namespace {

// Index files of a sealed segment are small (8 or 16 bytes per index.interval.bytes of
// log); anything bigger than this is damage, not an index.
constexpr uint64_t max_index_file_bytes = 256 * mib;

bool is_not_found(std::error_code ec) { return errc_from_system(ec) == errc::not_found; }

}  // namespace

segment::segment(const context& ctx, offset base, std::unique_ptr<io::file> file)
    : fs_(ctx.fs),
      dir_(ctx.dir),
      log_(ctx.log),
      base_(base),
      file_(std::move(file)),
      index_interval_bytes_(ctx.index_interval_bytes),
      index_(ctx.index_interval_bytes),
      last_offset_(base - 1) {}

std::string segment::log_path() const { return segment_path(dir_, base_, log_suffix); }

result<std::unique_ptr<segment>> segment::create(const context& ctx, offset base) {
    auto file = ctx.fs.open(segment_path(ctx.dir, base, log_suffix), io::open_mode::create_exclusive);
    if (!file) {
        return file.error();
    }
    return std::unique_ptr<segment>(new segment(ctx, base, std::move(*file)));  // NOLINT: private constructor
}

result<std::unique_ptr<segment>> segment::open_sealed(const context& ctx, offset base) {
    auto file = ctx.fs.open(segment_path(ctx.dir, base, log_suffix), io::open_mode::read_write);
    if (!file) {
        return file.error();
    }
    std::unique_ptr<segment> seg(new segment(ctx, base, std::move(*file)));  // NOLINT: private constructor
    const uint64_t file_size = seg->file_->size();
    auto off = io::read_file(ctx.fs, segment_path(ctx.dir, base, offset_index_suffix), max_index_file_bytes);
    auto tim = io::read_file(ctx.fs, segment_path(ctx.dir, base, time_index_suffix), max_index_file_bytes);
    if (off && tim) {
        auto decoded = segment_index::decode(*off, *tim, ctx.index_interval_bytes);
        if (decoded && decoded->second.log_size_bytes == file_size) {
            seg->index_ = std::move(decoded->first);
            seg->size_ = file_size;
            seg->last_offset_ = decoded->second.last_offset == no_offset ? base - 1 : decoded->second.last_offset;
            seg->max_timestamp_ = decoded->second.max_timestamp;
            seg->sealed_ = true;
            return seg;
        }
    } else if ((!off && !is_not_found(off.error())) || (!tim && !is_not_found(tim.error()))) {
        return off ? tim.error() : off.error();
    }
    if (off && tim) {
        ctx.log->warn("{}: index damaged or stale, rebuilding from the log", seg->log_path());
    } else {
        ctx.log->info("{}: index missing, rebuilding from the log", seg->log_path());
    }
    uint64_t batches = 0;
    auto end = seg->rebuild(file_size, /*verify_crc=*/false, &batches);
    if (!end) {
        return end.error();
    }
    if (*end != file_size) {
        // A sealed segment is never torn: its bytes were synced before the next segment
        // was created. Anything unreadable here is damage at rest.
        ctx.log->error("{}: sealed segment unreadable after byte {} of {}", seg->log_path(), *end, file_size);
        return errc::corrupt_data;
    }
    FJORD_TRY(seg->seal());
    return seg;
}

result<std::unique_ptr<segment>> segment::open_tail(const context& ctx, offset base, tail_recovery_report* report) {
    auto file = ctx.fs.open(segment_path(ctx.dir, base, log_suffix), io::open_mode::read_write);
    if (!file) {
        return file.error();
    }
    std::unique_ptr<segment> seg(new segment(ctx, base, std::move(*file)));  // NOLINT: private constructor
    const uint64_t file_size = seg->file_->size();
    uint64_t batches = 0;
    auto end = seg->rebuild(file_size, /*verify_crc=*/true, &batches);
    if (!end) {
        return end.error();
    }
    if (*end < file_size) {
        ctx.log->warn("{}: dropping {} bytes of torn or corrupt tail after offset {} (byte {})", seg->log_path(),
                      file_size - *end, seg->last_offset_, *end);
        if (auto r = seg->file_->truncate(*end); !r) {
            return r.error();
        }
    }
    // Sync even when nothing was cut: after a process crash (not a power loss) the OS may
    // still hold unsynced bytes of this file, and the log counts everything it finds here
    // as durable (a later seal() would skip the sync, as unsynced_ is false).
    FJORD_TRY(seg->file_->sync());
    if (report) {
        report->bytes_scanned += file_size;
        report->bytes_truncated += file_size - *end;
        report->batches_recovered += batches;
    }
    return seg;
}

result<uint64_t> segment::rebuild(uint64_t end, bool verify_crc, uint64_t* batches) {
    index_ = segment_index(index_interval_bytes_);
    size_ = 0;
    last_offset_ = base_ - 1;
    max_timestamp_ = no_timestamp;
    first_batch_ts_ = no_timestamp;
    batch_scanner scan(*file_, 0, end, verify_crc);
    while (auto h = scan.next()) {
        // Invariant: offsets increase batch to batch; a batch that goes backwards is
        // corruption and ends the valid prefix.
        if (h->base_offset <= last_offset_ || h->base_offset < base_ ||
            h->last_offset() - base_ > std::numeric_limits<int32_t>::max()) {
            break;
        }
        note_batch(*h, scan.batch_position());
        ++*batches;
    }
    if (scan.stop_reason() == batch_scanner::stop::io_error) {
        return errc::io_error;
    }
    return size_;
}

void segment::note_batch(const record::batch_header& h, uint64_t position) {
    index_.on_batch(static_cast<uint32_t>(h.base_offset - base_), static_cast<uint32_t>(position),
                    static_cast<uint32_t>(h.size_bytes()), h.max_timestamp);
    last_offset_ = h.last_offset();
    max_timestamp_ = std::max(max_timestamp_, h.max_timestamp);
    if (position == 0) {
        first_batch_ts_ = h.max_timestamp;
    }
    size_ = position + h.size_bytes();
}

result<uint64_t> segment::append(bytes_view batch, const record::batch_header& h) {
    FJORD_ASSERT(!sealed_, "append to sealed segment {}", log_path());
    FJORD_ASSERT(h.base_offset > last_offset_ && h.base_offset >= base_, "append of offset {} after {} in {}",
                 h.base_offset, last_offset_, log_path());
    FJORD_ASSERT(batch.size() == h.size_bytes(), "batch size {} != header size {}", batch.size(), h.size_bytes());
    FJORD_ASSERT(size_ + batch.size() <= std::numeric_limits<uint32_t>::max(), "segment {} past 4 GiB", log_path());
    const uint64_t position = size_;
    if (auto r = file_->append(batch); !r) {
        // Leave no partial batch behind: cut the file back to where this batch began.
        if (auto t = file_->truncate(position); !t) {
            log_->error("{}: cannot truncate a failed append back to byte {}: {}", log_path(), position,
                        t.error().message());
            return errc::log_failed;
        }
        return r.error();
    }
    note_batch(h, position);
    unsynced_ = true;
    ++generation_;
    return position;
}

result<void> segment::sync_file() const {
    std::lock_guard lock(sync_mu_);
    if (sync_failed_) {
        return errc::io_error;
    }
    auto r = file_->sync();
    if (!r) {
        sync_failed_ = true;
    }
    return r;
}

result<void> segment::sync() {
    if (!unsynced_) {
        return ok();
    }
    FJORD_TRY(sync_file());
    unsynced_ = false;
    return ok();
}

result<void> segment::seal() {
    FJORD_TRY(sync());
    const segment_summary summary{
        .log_size_bytes = size_,
        .last_offset = empty() ? no_offset : last_offset_,
        .max_timestamp = max_timestamp_,
    };
    FJORD_TRY(io::write_file_atomic(fs_, segment_path(dir_, base_, offset_index_suffix),
                                    index_.encode_offset_file(summary)));
    FJORD_TRY(io::write_file_atomic(fs_, segment_path(dir_, base_, time_index_suffix),
                                    index_.encode_time_file(summary)));
    sealed_ = true;
    return ok();
}

result<void> segment::truncate_from(offset from) {
    auto loc = locate(from);
    if (!loc) {
        return loc.error();
    }
    if (!*loc) {
        sealed_ = false;  // nothing to cut, but it is the active segment again
        return ok();
    }
    const uint64_t position = (*loc)->position;
    ++generation_;
    FJORD_TRY(file_->truncate(position));
    FJORD_TRY(sync_file());
    uint64_t batches = 0;
    auto end = rebuild(position, /*verify_crc=*/false, &batches);
    if (!end) {
        return end.error();
    }
    FJORD_ASSERT(*end == position, "{}: rebuild after truncation ended at {} not {}", log_path(), *end, position);
    sealed_ = false;
    unsynced_ = false;
    return ok();
}

result<std::optional<batch_location>> segment::locate(offset o) const {
    if (empty() || o > last_offset_) {
        return std::optional<batch_location>{};
    }
    uint64_t start = 0;
    if (o > base_) {
        if (auto e = index_.floor_offset(static_cast<uint32_t>(o - base_))) {
            start = e->position;
        }
    }
    batch_scanner scan(*file_, start, size_, /*verify_crc=*/false);
    while (auto h = scan.next()) {
        if (h->last_offset() >= o) {
            return std::optional<batch_location>{batch_location{*h, scan.batch_position()}};
        }
    }
    if (scan.stop_reason() == batch_scanner::stop::io_error) {
        return errc::io_error;
    }
    return errc::corrupt_data;  // the index or summary promised a batch the file lacks
}

result<std::optional<batch_location>> segment::locate_time(timestamp_ms ts) const {
    if (empty() || max_timestamp_ < ts) {
        return std::optional<batch_location>{};
    }
    uint64_t start = 0;
    if (auto e = index_.floor_time_below(ts)) {
        start = e->position;
    }
    batch_scanner scan(*file_, start, size_, /*verify_crc=*/false);
    while (auto h = scan.next()) {
        if (h->max_timestamp >= ts) {
            return std::optional<batch_location>{batch_location{*h, scan.batch_position()}};
        }
    }
    if (scan.stop_reason() == batch_scanner::stop::io_error) {
        return errc::io_error;
    }
    return errc::corrupt_data;
}

result<bytes> segment::read(uint64_t position, uint64_t len) const {
    bytes out(len);
    auto n = file_->read_at(file_pos{position}, out);
    if (!n) {
        return n.error();
    }
    if (*n != len) {
        return errc::corrupt_data;
    }
    return out;
}

result<void> segment::remove_files() {
    for (auto suffix : {offset_index_suffix, time_index_suffix, log_suffix}) {
        if (auto r = fs_.remove(segment_path(dir_, base_, suffix)); !r && !is_not_found(r.error())) {
            return r.error();
        }
    }
    return ok();
}

}  // namespace fjord::storage
