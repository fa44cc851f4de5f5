#include "kafka/protocol/writer.h"

#include <bit>
#include <limits>

#include "base/assert.h"
#include "record/varint.h"

namespace fjord::kafka {

void writer::write_float64(double v) { write_int<uint64_t>(std::bit_cast<uint64_t>(v)); }

void writer::write_uuid(const uuid& v) {
    for (uint8_t b : v.bytes) {
        buf_.push_back(std::byte{b});
    }
}

void writer::write_uvarint(uint32_t v) { record::append_uvarint(buf_, v); }

void writer::write_length(int64_t n, bool compact, bool int16_length) {
    FJORD_ASSERT(n >= -1, "negative length {}", n);
    if (compact) {
        FJORD_ASSERT(n < std::numeric_limits<uint32_t>::max(), "length {} too large for a uvarint", n);
        write_uvarint(static_cast<uint32_t>(n + 1));
    } else if (int16_length) {
        FJORD_ASSERT(n <= std::numeric_limits<int16_t>::max(), "string of {} bytes in an int16 length", n);
        write_int<int16_t>(static_cast<int16_t>(n));
    } else {
        FJORD_ASSERT(n <= std::numeric_limits<int32_t>::max(), "length {} too large for an int32", n);
        write_int<int32_t>(static_cast<int32_t>(n));
    }
}

void writer::write_string(std::string_view s, bool compact) {
    write_length(static_cast<int64_t>(s.size()), compact, /*int16_length=*/true);
    write_raw(as_bytes_view(s));
}

void writer::write_nullable_string(const std::optional<std::string>& s, bool compact) {
    if (!s) {
        write_length(-1, compact, /*int16_length=*/true);
    } else {
        write_string(*s, compact);
    }
}

void writer::write_bytes(bytes_view b, bool compact) {
    write_length(static_cast<int64_t>(b.size()), compact, /*int16_length=*/false);
    write_raw(b);
}

void writer::write_nullable_bytes(const std::optional<bytes>& b, bool compact) {
    if (!b) {
        write_length(-1, compact, /*int16_length=*/false);
    } else {
        write_bytes(*b, compact);
    }
}

void writer::write_array_length(int64_t n, bool compact) { write_length(n, compact, /*int16_length=*/false); }

}  // namespace fjord::kafka
