// The sparse offset index and time index of one segment, kept in memory and written to
// their files when the segment is sealed (see docs/formats/segment.md, "Index files").
//
// Offset index: (relative offset of a batch's base offset, byte position of that batch),
// strictly increasing in both. Time index: (max timestamp seen so far, relative offset and
// position of the batch that raised it), strictly increasing in timestamp and offset.
// An entry is added for a batch when index_interval_bytes or more have been appended since
// the last entry (the first batch of a segment always gets one), so a lookup scans at most
// about index_interval_bytes (plus one batch) of headers.
//
// The summary (log size, last offset, max timestamp) lives in each index file's header so a
// sealed segment opens without reading its log.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/result.h"

namespace fjord::storage {

struct offset_index_entry {
    uint32_t relative_offset = 0;
    uint32_t position = 0;
    bool operator==(const offset_index_entry&) const = default;
};

struct time_index_entry {
    timestamp_ms timestamp = 0;
    uint32_t relative_offset = 0;
    uint32_t position = 0;
    bool operator==(const time_index_entry&) const = default;
};

// What a sealed segment's index header records about its log file.
struct segment_summary {
    uint64_t log_size_bytes = 0;
    offset last_offset = no_offset;       // no_offset when the segment is empty
    timestamp_ms max_timestamp = no_timestamp;
    bool operator==(const segment_summary&) const = default;
};

class segment_index {
public:
    explicit segment_index(uint32_t index_interval_bytes) : interval_bytes_(index_interval_bytes) {}

    // Records a batch appended at `position`. REQUIRES: offsets and positions increase.
    void on_batch(uint32_t relative_base_offset, uint32_t position, uint32_t size_bytes, timestamp_ms max_ts);

    // The last offset-index entry at or before relative offset `rel`, if any.
    std::optional<offset_index_entry> floor_offset(uint32_t rel) const;
    // The last time-index entry with timestamp < ts, if any (a scan for the first record
    // with timestamp >= ts may start there).
    std::optional<time_index_entry> floor_time_below(timestamp_ms ts) const;

    const std::vector<offset_index_entry>& offsets() const { return offsets_; }
    const std::vector<time_index_entry>& times() const { return times_; }

    // Index file images (header + entries) for a segment whose log matches `summary`.
    bytes encode_offset_file(const segment_summary& summary) const;
    bytes encode_time_file(const segment_summary& summary) const;

    // Loads both files. Fails with errc::corrupt_data when either header or entry CRC is
    // wrong, the two summaries differ, an entry is out of order or points past the log, or
    // the sizes disagree: the caller then rebuilds the index by scanning the log.
    static result<std::pair<segment_index, segment_summary>> decode(bytes_view offset_file, bytes_view time_file,
                                                                    uint32_t index_interval_bytes);

private:
    uint32_t interval_bytes_;
    uint64_t bytes_since_entry_ = 0;
    bool any_batch_ = false;
    timestamp_ms max_ts_ = no_timestamp;
    std::vector<offset_index_entry> offsets_;
    std::vector<time_index_entry> times_;
};

}  // namespace fjord::storage
