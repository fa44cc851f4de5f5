// XXH32 (short inputs only) and the KAFKA-3160 header-checksum fix; see legacy_lz4.h.
// XXH32 constants and steps follow the xxHash specification (doc/xxhash_spec.md).
#include "record/legacy_lz4.h"

#include "base/assert.h"

namespace fjord::record::detail {
namespace {

inline constexpr uint32_t prime1 = 2654435761U;
inline constexpr uint32_t prime2 = 2246822519U;
inline constexpr uint32_t prime3 = 3266489917U;
inline constexpr uint32_t prime4 = 668265263U;
inline constexpr uint32_t prime5 = 374761393U;

inline constexpr uint32_t lz4_frame_magic = 0x184D2204;  // little-endian on the wire
inline constexpr size_t frame_magic_bytes = 4;
inline constexpr uint8_t flg_content_size = 0x08;
inline constexpr uint8_t flg_dictionary_id = 0x01;

constexpr uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

uint32_t read_le32(bytes_view in, size_t pos) {
    return static_cast<uint32_t>(in[pos]) | static_cast<uint32_t>(in[pos + 1]) << 8 |
           static_cast<uint32_t>(in[pos + 2]) << 16 | static_cast<uint32_t>(in[pos + 3]) << 24;
}

}  // namespace

uint32_t xxh32_short(bytes_view in) {
    FJORD_ASSERT(in.size() < 16, "xxh32_short of {} bytes", in.size());
    uint32_t h = prime5 + static_cast<uint32_t>(in.size());
    size_t pos = 0;
    for (; pos + 4 <= in.size(); pos += 4) {
        h = rotl(h + read_le32(in, pos) * prime3, 17) * prime4;
    }
    for (; pos < in.size(); ++pos) {
        h = rotl(h + static_cast<uint32_t>(in[pos]) * prime5, 11) * prime1;
    }
    h ^= h >> 15;
    h *= prime2;
    h ^= h >> 13;
    h *= prime3;
    h ^= h >> 16;
    return h;
}

bool fix_lz4_header_checksum(std::span<std::byte> frame) {
    // magic + FLG + BD + HC is the smallest header.
    if (frame.size() < frame_magic_bytes + 3 || read_le32(frame, 0) != lz4_frame_magic) {
        return false;
    }
    const auto flg = static_cast<uint8_t>(frame[frame_magic_bytes]);
    size_t hc_pos = frame_magic_bytes + 2;
    if (flg & flg_content_size) {
        hc_pos += 8;
    }
    if (flg & flg_dictionary_id) {
        hc_pos += 4;
    }
    if (hc_pos >= frame.size()) {
        return false;
    }
    const auto descriptor = bytes_view(frame).subspan(frame_magic_bytes, hc_pos - frame_magic_bytes);
    frame[hc_pos] = static_cast<std::byte>((xxh32_short(descriptor) >> 8) & 0xFF);
    return true;
}

}  // namespace fjord::record::detail
