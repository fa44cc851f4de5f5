// Why a record batch was rejected. Every code means "the batch is corrupt or malformed";
// the Kafka layer answers them with CORRUPT_MESSAGE (2), as Kafka does, except
// unsupported_compression (UNSUPPORTED_COMPRESSION_TYPE, 76), bad_record_count and
// bad_offset_delta (INVALID_RECORD, 87: Kafka's "Inconsistent batch offset range"), and
// decompressed_too_large (the caller's limit, not the batch's fault in itself).
#pragma once

#include <system_error>

namespace fjord::record {

enum class errc : int {
    success = 0,
    truncated,                // fewer bytes than the header or batch_length says
    bad_length,               // batch_length below the minimum or not matching the buffer
    bad_magic,                // magic != 2
    bad_crc,                  // CRC-32C mismatch
    bad_attributes,           // unknown attribute bits, or a malformed control batch
    bad_record_count,         // negative, zero where records are required, or not matching
    bad_offset_delta,         // last_offset_delta negative, or record deltas out of order
    bad_varint,               // a varint longer than its type allows or past the end
    bad_record,               // a record's length, key/value/header lengths are inconsistent
    trailing_bytes,           // bytes left after the last record
    unsupported_compression,  // codec id 5..7
    decompression_failed,     // the codec rejected the data
    decompressed_too_large,   // decompressed output above the caller's bound
};

const std::error_category& record_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), record_category()}; }

}  // namespace fjord::record

template<>
struct std::is_error_code_enum<fjord::record::errc> : std::true_type {};
