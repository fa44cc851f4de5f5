// Why a Kafka request or response could not be decoded (or, for unknown_api and
// unsupported_version, why it was not even tried). Every code means "the peer sent bytes we
// cannot accept": the server closes the connection (Kafka's behaviour for a body it cannot
// parse, facts sheet §1.1), except that an ApiVersions request of a version we do not
// serve is answered with UNSUPPORTED_VERSION (facts sheet §2.2).
#pragma once

#include <system_error>

namespace fjord::kafka {

enum class errc : int {
    success = 0,
    truncated,               // fewer bytes left than the field needs
    invalid_length,          // a string/bytes/array length that is negative (and not -1 = null)
                             // or larger than the bytes that remain
    unexpected_null,         // null in a version where the field is not nullable
    invalid_varint,          // an unsigned varint longer than 5 bytes or above 32 bits
    too_many_tagged_fields,  // a tagged-field count above the cap or the bytes that remain
    invalid_tagged_field,    // tags not strictly ascending, or a known tagged field whose
                             // value does not fill exactly its declared size
    unsupported_version,     // an API version outside the range we serve
    unknown_api,             // an API key we do not serve
};

const std::error_category& kafka_protocol_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), kafka_protocol_category()};
}

}  // namespace fjord::kafka

template<>
struct std::is_error_code_enum<fjord::kafka::errc> : std::true_type {};
