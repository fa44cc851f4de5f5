// Kafka's variable-length integers, as used inside RecordBatch v2 records and in the
// flexible-version protocol encodings.
//
// - unsigned varint: 7 bits per byte, least significant group first, high bit = "more".
// - varint:  a signed int32 zigzag-encoded ((n << 1) ^ (n >> 31)) then written unsigned.
// - varlong: a signed int64 zigzag-encoded ((n << 1) ^ (n >> 63)) then written unsigned.
//
// Invariants of the decoders: they never read past the end of the buffer; an int32 takes
// at most 5 bytes and an int64 at most 10; bits beyond the type's width (in the last byte)
// are rejected rather than dropped. Any violation is errc::bad_varint, and `pos` is left
// unchanged on error. Sources: apache/kafka clients/.../common/utils/ByteUtils.java.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "record/errc.h"

namespace fjord::record {

inline constexpr size_t max_varint_bytes = 5;
inline constexpr size_t max_varlong_bytes = 10;

constexpr uint32_t zigzag_encode(int32_t v) noexcept {
    return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
constexpr uint64_t zigzag_encode(int64_t v) noexcept {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int32_t zigzag_decode(uint32_t v) noexcept {
    return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
constexpr int64_t zigzag_decode(uint64_t v) noexcept {
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Encoded sizes, in bytes.
size_t uvarint_size(uint64_t v) noexcept;
inline size_t varint_size(int32_t v) noexcept { return uvarint_size(zigzag_encode(v)); }
inline size_t varlong_size(int64_t v) noexcept { return uvarint_size(zigzag_encode(v)); }

// Appends the encoding to `out`.
void append_uvarint(bytes& out, uint32_t v);
void append_varint(bytes& out, int32_t v);
void append_varlong(bytes& out, int64_t v);

// Decode the value starting at buf[pos] and advance `pos` past it.
// Errors: errc::bad_varint (over-long, out of range for the type, or past the end).
result<uint32_t> read_uvarint(bytes_view buf, size_t& pos);
result<int32_t> read_varint(bytes_view buf, size_t& pos);
result<int64_t> read_varlong(bytes_view buf, size_t& pos);

}  // namespace fjord::record
