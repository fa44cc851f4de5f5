// Index file layout (big-endian; docs/formats/segment.md "Index files"):
//   header (44 bytes)
//     0  magic        u32   "FJOI" (offset index) or "FJTI" (time index)
//     4  version      u16   1
//     6  entry_size   u16   8 (offset index) or 16 (time index)
//     8  log_size     u64   size of the .log file these entries describe
//    16  last_offset  i64   last offset in the segment, -1 if empty
//    24  max_ts       i64   largest batch max_timestamp, -1 if none
//    32  entry_count  u32
//    36  entries_crc  u32   CRC-32C of the entry bytes
//    40  header_crc   u32   CRC-32C of bytes [0, 40)
//   entries
//     offset index: relative_offset u32, position u32
//     time index:   timestamp i64, relative_offset u32, position u32
#include "storage/segment_index.h"

#include <algorithm>

#include "base/errc.h"
#include "record/crc32c.h"

namespace fjord::storage {
namespace {

constexpr uint32_t offset_magic = 0x464A4F49;  // "FJOI"
constexpr uint32_t time_magic = 0x464A5449;    // "FJTI"
constexpr uint16_t format_version = 1;
constexpr size_t header_size = 44;
constexpr size_t offset_entry_size = 8;
constexpr size_t time_entry_size = 16;

bytes encode_file(uint32_t magic, uint16_t entry_size, const segment_summary& s, const bytes& entries) {
    bytes out(header_size);
    write_be<uint32_t>(out, 0, magic);
    write_be<uint16_t>(out, 4, format_version);
    write_be<uint16_t>(out, 6, entry_size);
    write_be<uint64_t>(out, 8, s.log_size_bytes);
    write_be<int64_t>(out, 16, s.last_offset.value());
    write_be<int64_t>(out, 24, s.max_timestamp);
    write_be<uint32_t>(out, 32, static_cast<uint32_t>(entries.size() / entry_size));
    write_be<uint32_t>(out, 36, record::crc32c(entries));
    write_be<uint32_t>(out, 40, record::crc32c(bytes_view(out).first(40)));
    out.insert(out.end(), entries.begin(), entries.end());
    return out;
}

struct decoded_file {
    segment_summary summary;
    bytes_view entries;
    size_t count = 0;
};

result<decoded_file> decode_file(bytes_view file, uint32_t magic, uint16_t entry_size) {
    if (file.size() < header_size || read_be<uint32_t>(file, 0) != magic ||
        read_be<uint16_t>(file, 4) != format_version || read_be<uint16_t>(file, 6) != entry_size ||
        read_be<uint32_t>(file, 40) != record::crc32c(file.first(40))) {
        return errc::corrupt_data;
    }
    decoded_file d;
    d.summary.log_size_bytes = read_be<uint64_t>(file, 8);
    d.summary.last_offset = offset{read_be<int64_t>(file, 16)};
    d.summary.max_timestamp = read_be<int64_t>(file, 24);
    d.count = read_be<uint32_t>(file, 32);
    d.entries = file.subspan(header_size);
    if (d.entries.size() != d.count * entry_size || read_be<uint32_t>(file, 36) != record::crc32c(d.entries)) {
        return errc::corrupt_data;
    }
    return d;
}

}  // namespace

void segment_index::on_batch(uint32_t rel, uint32_t position, uint32_t size_bytes, timestamp_ms max_ts) {
    const bool due = !any_batch_ || bytes_since_entry_ >= interval_bytes_;
    if (due) {
        FJORD_DASSERT(offsets_.empty() || (offsets_.back().relative_offset < rel && offsets_.back().position < position),
                      "offset index must increase");
        offsets_.push_back({rel, position});
        bytes_since_entry_ = 0;
    }
    // Invariant: the time index holds strictly increasing timestamps. At every index point
    // (and for the first batch that carries a timestamp) the running max is recorded if it
    // rose since the last entry, so the time index is as dense as the offset index even
    // when timestamps arrive out of order.
    max_ts_ = std::max(max_ts_, max_ts);
    const timestamp_ms last_entry_ts = times_.empty() ? no_timestamp : times_.back().timestamp;
    if ((due || times_.empty()) && max_ts_ > last_entry_ts) {
        times_.push_back({max_ts_, rel, position});
    }
    any_batch_ = true;
    bytes_since_entry_ += size_bytes;
}

std::optional<offset_index_entry> segment_index::floor_offset(uint32_t rel) const {
    auto it = std::upper_bound(offsets_.begin(), offsets_.end(), rel,
                               [](uint32_t r, const offset_index_entry& e) { return r < e.relative_offset; });
    if (it == offsets_.begin()) {
        return std::nullopt;
    }
    return *std::prev(it);
}

std::optional<time_index_entry> segment_index::floor_time_below(timestamp_ms ts) const {
    auto it = std::lower_bound(times_.begin(), times_.end(), ts,
                               [](const time_index_entry& e, timestamp_ms t) { return e.timestamp < t; });
    if (it == times_.begin()) {
        return std::nullopt;
    }
    return *std::prev(it);
}

bytes segment_index::encode_offset_file(const segment_summary& summary) const {
    bytes entries;
    entries.reserve(offsets_.size() * offset_entry_size);
    for (const auto& e : offsets_) {
        append_be<uint32_t>(entries, e.relative_offset);
        append_be<uint32_t>(entries, e.position);
    }
    return encode_file(offset_magic, offset_entry_size, summary, entries);
}

bytes segment_index::encode_time_file(const segment_summary& summary) const {
    bytes entries;
    entries.reserve(times_.size() * time_entry_size);
    for (const auto& e : times_) {
        append_be<int64_t>(entries, e.timestamp);
        append_be<uint32_t>(entries, e.relative_offset);
        append_be<uint32_t>(entries, e.position);
    }
    return encode_file(time_magic, time_entry_size, summary, entries);
}

result<std::pair<segment_index, segment_summary>> segment_index::decode(bytes_view offset_file, bytes_view time_file,
                                                                        uint32_t index_interval_bytes) {
    auto off = decode_file(offset_file, offset_magic, offset_entry_size);
    auto tim = decode_file(time_file, time_magic, time_entry_size);
    if (!off || !tim || !(off->summary == tim->summary)) {
        return errc::corrupt_data;
    }
    const auto& summary = off->summary;
    segment_index idx(index_interval_bytes);
    for (size_t i = 0; i < off->count; ++i) {
        offset_index_entry e{read_be<uint32_t>(off->entries, i * offset_entry_size),
                             read_be<uint32_t>(off->entries, i * offset_entry_size + 4)};
        if (e.position >= summary.log_size_bytes ||
            (!idx.offsets_.empty() && (e.relative_offset <= idx.offsets_.back().relative_offset ||
                                       e.position <= idx.offsets_.back().position))) {
            return errc::corrupt_data;
        }
        idx.offsets_.push_back(e);
    }
    for (size_t i = 0; i < tim->count; ++i) {
        time_index_entry e{read_be<int64_t>(tim->entries, i * time_entry_size),
                           read_be<uint32_t>(tim->entries, i * time_entry_size + 8),
                           read_be<uint32_t>(tim->entries, i * time_entry_size + 12)};
        if (e.position >= summary.log_size_bytes || e.timestamp > summary.max_timestamp ||
            (!idx.times_.empty() && (e.timestamp <= idx.times_.back().timestamp ||
                                     e.relative_offset <= idx.times_.back().relative_offset))) {
            return errc::corrupt_data;
        }
        idx.times_.push_back(e);
    }
    if ((summary.log_size_bytes > 0) != !idx.offsets_.empty()) {
        return errc::corrupt_data;
    }
    idx.any_batch_ = !idx.offsets_.empty();
    idx.max_ts_ = summary.max_timestamp;
    return std::pair{std::move(idx), summary};
}

}  // namespace fjord::storage
