// Kafka RecordBatch v2 (magic 2): the header's byte layout, parsing, validation and the
// in-place rewrites the broker performs on append. The format is documented in
// docs/formats/record-batch.md (and kafka-protocol-facts §3); the offsets below are that
// document's table.
//
// A batch is held as contiguous bytes exactly as it travels on the wire and lies in a
// segment. Functions here never allocate for the batch itself; decode_records() allocates
// the decoded records and, for compressed batches, a bounded decompression buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/result.h"
#include "record/compression.h"
#include "record/errc.h"

namespace fjord::record {

// Field offsets inside a batch (big-endian). See docs/formats/record-batch.md.
namespace layout {
inline constexpr size_t base_offset = 0;             // int64
inline constexpr size_t batch_length = 8;            // int32: bytes after this field
inline constexpr size_t partition_leader_epoch = 12; // int32
inline constexpr size_t magic = 16;                  // int8
inline constexpr size_t crc = 17;                    // uint32, CRC-32C over [attributes, end)
inline constexpr size_t attributes = 21;             // int16
inline constexpr size_t last_offset_delta = 23;      // int32
inline constexpr size_t base_timestamp = 27;         // int64
inline constexpr size_t max_timestamp = 35;          // int64
inline constexpr size_t producer_id = 43;            // int64
inline constexpr size_t producer_epoch = 51;         // int16
inline constexpr size_t base_sequence = 53;          // int32
inline constexpr size_t records_count = 57;          // int32
inline constexpr size_t records = 61;                // first record (or the compressed blob)
inline constexpr size_t header_size = 61;
// Bytes before (and including) batch_length: the part not counted by batch_length.
inline constexpr size_t log_overhead = 12;
inline constexpr size_t crc_start = attributes;
}  // namespace layout

inline constexpr int8_t magic_v2 = 2;

enum class timestamp_type : uint8_t { create_time = 0, log_append_time = 1 };

namespace attr {
inline constexpr int16_t compression_mask = 0x07;
inline constexpr int16_t timestamp_type = 0x08;
inline constexpr int16_t transactional = 0x10;
inline constexpr int16_t control = 0x20;
inline constexpr int16_t delete_horizon = 0x40;
inline constexpr int16_t known_bits = 0x7f;
}  // namespace attr

// The fixed 61-byte header of a batch, decoded.
struct batch_header {
    offset base_offset{0};
    int32_t batch_length = 0;
    int32_t partition_leader_epoch = 0;
    int8_t magic = magic_v2;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    timestamp_ms base_timestamp = 0;
    timestamp_ms max_timestamp = 0;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t records_count = 0;

    // Total bytes of the batch, header included.
    size_t size_bytes() const { return static_cast<size_t>(batch_length) + layout::log_overhead; }
    offset last_offset() const { return base_offset + last_offset_delta; }
    offset next_offset() const { return last_offset() + 1; }
    compression compression_type() const { return static_cast<compression>(attributes & attr::compression_mask); }
    record::timestamp_type timestamp_kind() const {
        return (attributes & attr::timestamp_type) ? timestamp_type::log_append_time : timestamp_type::create_time;
    }
    bool is_transactional() const { return attributes & attr::transactional; }
    bool is_control() const { return attributes & attr::control; }
    bool has_delete_horizon() const { return attributes & attr::delete_horizon; }

    bool operator==(const batch_header&) const = default;
};

// Reads the 61-byte header at the front of `bytes` (which may hold more than one batch, or
// only part of one). Checks: at least 61 bytes; magic == 2; batch_length >= 49 (a header
// with no records). Does NOT check the CRC or that the whole batch is present.
// Errors: errc::truncated, errc::bad_magic, errc::bad_length.
result<batch_header> read_header(bytes_view bytes);

struct validate_options {
    // Client appends: records_count == last_offset_delta + 1 and record offset deltas are
    // exactly 0..n-1. Stored (possibly compacted) batches: deltas strictly increasing and
    // <= last_offset_delta, records_count <= last_offset_delta + 1.
    bool require_contiguous_offsets = true;
    // Walk every record of an uncompressed batch (lengths, varints, deltas, count).
    // Compressed record arrays are opaque unless decompress_limit_bytes > 0.
    bool check_records = true;
    // When > 0, compressed batches are decompressed (output bounded by this) and their
    // records walked too.
    size_t decompress_limit_bytes = 0;
};

// Validates one whole batch: `batch.size()` must equal the header's size_bytes().
// Checks the header (as read_header), CRC-32C over [21, end), records_count >= 0 (> 0 when
// require_contiguous_offsets), last_offset_delta >= 0, unknown attribute bits, control
// batches' shape, and (per options) each record. Returns the decoded header.
// Errors: record::errc (see record/errc.h); all mean "corrupt batch".
result<batch_header> validate(bytes_view batch, const validate_options& opts = {});

// validate() plus what it learned walking the records: the largest record timestamp
// (base_timestamp + the largest timestamp delta), when the records were walked.
struct validated_batch {
    batch_header header;
    std::optional<timestamp_ms> max_record_timestamp;
};
result<validated_batch> validate_and_summarize(bytes_view batch, const validate_options& opts = {});

// CRC-32C of the batch's CRC range [21, end).
uint32_t compute_crc(bytes_view batch);

// In-place rewrites. REQUIRE: batch holds at least a whole header.
// Fields outside the CRC range (no CRC change needed):
void set_base_offset(std::span<std::byte> batch, offset base);
void set_partition_leader_epoch(std::span<std::byte> batch, int32_t epoch);
// Fields inside the CRC range; each recomputes the CRC:
void set_max_timestamp(std::span<std::byte> batch, timestamp_ms ts, timestamp_type type);
void recompute_crc(std::span<std::byte> batch);

// One record header (Kafka "header": a non-null key and a nullable value).
struct record_header {
    std::string key;
    std::optional<bytes> value;
    bool operator==(const record_header&) const = default;
};

// One decoded record with its absolute offset and timestamp resolved from the batch.
struct decoded_record {
    offset abs_offset{0};
    timestamp_ms timestamp = 0;  // base_timestamp + delta (or max_timestamp if log-append-time)
    int32_t offset_delta = 0;
    int64_t timestamp_delta = 0;
    std::optional<bytes> key;    // nullopt = null key
    std::optional<bytes> value;  // nullopt = null value (tombstone)
    std::vector<record_header> headers;
    bool operator==(const decoded_record&) const = default;
};

// Decodes every record of a batch, decompressing first if needed with the output bounded
// by max_decompressed_bytes (errc::decompressed_too_large past it). Validates as it goes.
result<std::vector<decoded_record>> decode_records(bytes_view batch, size_t max_decompressed_bytes);

}  // namespace fjord::record
