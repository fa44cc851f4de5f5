#include "storage/batch_scanner.h"

#include <algorithm>

#include "base/units.h"

namespace fjord::storage {
namespace {
// A CRC scan reads every byte, so it reads big chunks. A header scan (index lookups, read
// boundaries) needs only 61 bytes per batch: small chunks, so locating one batch costs a
// few KiB of reads rather than a megabyte.
constexpr uint64_t verify_chunk_bytes = 1 * mib;
constexpr uint64_t header_chunk_bytes = 8 * kib;
}  // namespace

batch_scanner::batch_scanner(io::file& file, uint64_t start_position, uint64_t end_position, bool verify_crc)
    : file_(file),
      pos_(start_position),
      end_(end_position),
      verify_crc_(verify_crc),
      chunk_bytes_(verify_crc ? verify_chunk_bytes : header_chunk_bytes),
      buf_start_(start_position) {}

// Ensures buf_ holds [pos_, pos_ + need) if the file has it. Returns false on I/O error.
bool batch_scanner::fill(uint64_t need) {
    const uint64_t have_end = buf_start_ + buf_.size();
    if (pos_ >= buf_start_ && pos_ + need <= have_end) {
        return true;
    }
    const uint64_t want = std::min(std::max(need, chunk_bytes_), end_ - pos_);
    buf_.resize(want);
    auto n = file_.read_at(file_pos{pos_}, buf_);
    if (!n) {
        buf_.clear();
        return false;
    }
    buf_.resize(*n);
    buf_start_ = pos_;
    return true;
}

std::optional<record::batch_header> batch_scanner::next() {
    if (stop_ != stop::none) {
        return std::nullopt;
    }
    if (pos_ >= end_) {
        stop_ = stop::end_of_file;
        return std::nullopt;
    }
    if (end_ - pos_ < record::layout::header_size) {
        stop_ = stop::torn;
        return std::nullopt;
    }
    if (!fill(record::layout::header_size)) {
        stop_ = stop::io_error;
        return std::nullopt;
    }
    auto here = bytes_view(buf_).subspan(pos_ - buf_start_);
    if (here.size() < record::layout::header_size) {
        stop_ = stop::torn;
        return std::nullopt;
    }
    auto header = record::read_header(here);
    if (!header) {
        stop_ = header.error() == record::errc::truncated ? stop::torn : stop::corrupt;
        return std::nullopt;
    }
    const uint64_t size = header->size_bytes();
    if (size > end_ - pos_) {
        stop_ = stop::torn;
        return std::nullopt;
    }
    last_batch_ = {};
    if (verify_crc_ || size <= here.size()) {
        if (!fill(size)) {
            stop_ = stop::io_error;
            return std::nullopt;
        }
        if (buf_start_ + buf_.size() < pos_ + size) {
            stop_ = stop::torn;  // the file is shorter than the caller said
            return std::nullopt;
        }
        auto batch = bytes_view(buf_).subspan(pos_ - buf_start_, size);
        if (verify_crc_) {
            auto valid = record::validate(batch, {.require_contiguous_offsets = false, .check_records = false});
            if (!valid) {
                stop_ = stop::corrupt;
                return std::nullopt;
            }
        }
        last_batch_ = batch;
    }
    batch_pos_ = pos_;
    pos_ += size;
    return *header;
}

}  // namespace fjord::storage
