// Kafka varint / varlong / unsigned varint encode and bounds-checked decode (see varint.h).
#include "record/varint.h"

namespace fjord::record {
namespace {

void append_u64(bytes& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::byte>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::byte>(v));
}

// Reads an unsigned varint of at most `max_bytes` bytes whose value fits in `width_bits`.
// Invariant: on success pos advances by the encoding's length; on error it is untouched.
result<uint64_t> read_u64(bytes_view buf, size_t& pos, size_t max_bytes, unsigned width_bits) {
    uint64_t value = 0;
    size_t i = pos;
    for (size_t n = 0; n < max_bytes; ++n, ++i) {
        if (i >= buf.size()) {
            return errc::bad_varint;  // ends past the buffer
        }
        const auto b = static_cast<uint64_t>(buf[i]);
        const unsigned shift = static_cast<unsigned>(7 * n);
        const uint64_t group = b & 0x7f;
        // Bits of the last group above the type's width would be silently lost: reject.
        if (shift + 7 > width_bits && (group >> (width_bits - shift)) != 0) {
            return errc::bad_varint;
        }
        value |= group << shift;
        if ((b & 0x80) == 0) {
            pos = i + 1;
            return value;
        }
    }
    return errc::bad_varint;  // over-long: continuation bit set on the last allowed byte
}

}  // namespace

size_t uvarint_size(uint64_t v) noexcept {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

void append_uvarint(bytes& out, uint32_t v) { append_u64(out, v); }
void append_varint(bytes& out, int32_t v) { append_u64(out, zigzag_encode(v)); }
void append_varlong(bytes& out, int64_t v) { append_u64(out, zigzag_encode(v)); }

result<uint32_t> read_uvarint(bytes_view buf, size_t& pos) {
    auto r = read_u64(buf, pos, max_varint_bytes, 32);
    if (!r) {
        return r.error();
    }
    return static_cast<uint32_t>(*r);
}

result<int32_t> read_varint(bytes_view buf, size_t& pos) {
    auto r = read_u64(buf, pos, max_varint_bytes, 32);
    if (!r) {
        return r.error();
    }
    return zigzag_decode(static_cast<uint32_t>(*r));
}

result<int64_t> read_varlong(bytes_view buf, size_t& pos) {
    auto r = read_u64(buf, pos, max_varlong_bytes, 64);
    if (!r) {
        return r.error();
    }
    return zigzag_decode(*r);
}

}  // namespace fjord::record
