// Why a legacy message set (magic 0/1, Produce v0-v2) was refused although every message
// in it is intact: the set breaks one of Kafka's structural rules for client appends
// (LogValidator, AbstractLegacyRecordBatch). The Kafka layer answers every legacy_errc
// with INVALID_RECORD (87), as Kafka does, except invalid_timestamp: INVALID_TIMESTAMP (32).
// Damage to the bytes themselves (a CRC
// mismatch, a size that runs past the end, a bad magic byte, an undecodable compressed
// value) is reported with record::errc instead and answered with CORRUPT_MESSAGE (2).
#pragma once

#include <system_error>

namespace fjord::record {

enum class legacy_errc : int {
    success = 0,
    empty_set,             // no message at all
    mixed_magic,           // messages of magic 0 and magic 1 in one set
    compressed_not_alone,  // a compressed wrapper next to other messages
    nested_compression,    // a compressed message inside a compressed wrapper
    inner_magic_mismatch,  // an inner message's magic differs from its wrapper's
    null_wrapper_value,    // a compressed wrapper whose value is null
    empty_wrapper,         // a compressed wrapper holding no message
    zstd_wrapper,          // codec 4: zstd never existed for magic 0/1
    // A magic-1 timestamp below -1 (Kafka's up-conversion refuses negative timestamps other
    // than NO_TIMESTAMP), or two timestamps of one set further apart than int64 can say
    // (the v2 batch stores each as a delta from the first).
    invalid_timestamp,
};

const std::error_category& legacy_category() noexcept;

inline std::error_code make_error_code(legacy_errc e) noexcept { return {static_cast<int>(e), legacy_category()}; }

}  // namespace fjord::record

template<>
struct std::is_error_code_enum<fjord::record::legacy_errc> : std::true_type {};
