// Error codes shared by every module below the Kafka layer, and their std::error_category.
//
// A module with failures of its own declares its own `enum class errc` in the same shape
// (an enum, a category, make_error_code, and the is_error_code_enum specialisation). The
// Kafka layer maps these to Kafka error codes in one table; `kafka_error_hint` below records
// the intended mapping next to each code so that table cannot drift from this one.
#pragma once

#include <cstdint>
#include <system_error>

namespace fjord {

enum class errc : int {
    success = 0,
    invalid_argument,      // a caller passed something malformed       -> INVALID_REQUEST (42)
    corrupt_data,          // bytes failed a CRC or structure check       -> CORRUPT_MESSAGE (2)
    out_of_range,          // an offset outside the log                   -> OFFSET_OUT_OF_RANGE (1)
    not_found,             // no such partition, file or entry            -> UNKNOWN_TOPIC_OR_PARTITION (3)
    already_exists,        // creating something that exists              -> TOPIC_ALREADY_EXISTS (36)
    io_error,              // the disk failed (EIO and friends)           -> KAFKA_STORAGE_ERROR (56)
    no_space,              // the disk is full (ENOSPC, EDQUOT)           -> KAFKA_STORAGE_ERROR (56)
    too_large,             // a size above a configured limit              -> MESSAGE_TOO_LARGE (10)
    unsupported,           // valid input we do not handle                -> UNSUPPORTED_VERSION (35)
    shutting_down,         // the component is closing                    -> NOT_LEADER_OR_FOLLOWER (6)
    log_failed,            // an earlier I/O failure fenced the log       -> KAFKA_STORAGE_ERROR (56)
    timed_out,             // a wait ran past the caller's deadline       -> REQUEST_TIMED_OUT (7)
};

const std::error_category& fjord_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), fjord_category()}; }

// The Kafka error code each errc stands for; see the table above.
int16_t kafka_error_hint(errc e) noexcept;

// Maps an errno-style code from the io layer to the errc the storage layer reports.
errc errc_from_system(std::error_code ec) noexcept;

// errno-style codes (generic or system category) become fjord errc codes; codes of any
// other category (fjord's own, record::errc, ...) pass through unchanged.
std::error_code to_fjord_error(std::error_code ec) noexcept;

}  // namespace fjord

template<>
struct std::is_error_code_enum<fjord::errc> : std::true_type {};
