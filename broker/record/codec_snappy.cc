// Snappy, raw or xerial-framed (snappy-java's SnappyOutputStream, which the Java client and
// kafka-python write; librdkafka and Sarama send raw snappy). Both are accepted on
// decompress; compress writes xerial framing like the Java client.
//
// Xerial framing:  header = 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version,
// int32 min-compatible version (both big-endian), then blocks of
// int32 compressed length (big-endian) + one raw snappy block.
//
// A raw snappy block starts with its uncompressed length (a varint). That length is
// compared against the bound before anything is allocated, and the block is validated
// (snappy::IsValidCompressedBuffer) before it is decompressed.
#include <snappy.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "record/codecs.h"

namespace fjord::record::detail {
namespace {

inline constexpr std::array<unsigned char, 8> xerial_magic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
inline constexpr size_t xerial_header_bytes = 16;  // magic + version + compatible version
inline constexpr int32_t xerial_version = 1;
inline constexpr int32_t xerial_compatible_version = 1;
// snappy-java's default block size: the Java client's output is split this way.
inline constexpr size_t xerial_block_bytes = 32 * 1024;

bool is_xerial(bytes_view in) {
    return in.size() >= xerial_header_bytes &&
           std::memcmp(in.data(), xerial_magic.data(), xerial_magic.size()) == 0;
}

// Decompresses one raw snappy block, appending to `out`.
result<void> append_raw_block(bytes_view block, bounded_output& out, bytes& scratch) {
    const auto* src = reinterpret_cast<const char*>(block.data());
    size_t n = 0;
    if (!snappy::GetUncompressedLength(src, block.size(), &n)) {
        return errc::decompression_failed;
    }
    if (n > out.remaining()) {
        return errc::decompressed_too_large;
    }
    if (!snappy::IsValidCompressedBuffer(src, block.size())) {
        return errc::decompression_failed;
    }
    scratch.resize(n);  // n <= the caller's bound (checked above)
    if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(scratch.data()))) {
        return errc::decompression_failed;
    }
    return out.append(scratch.data(), n);
}

result<bytes> decompress_xerial(bytes_view in, size_t max_output_bytes) {
    bounded_output out(max_output_bytes);
    bytes scratch;
    size_t pos = xerial_header_bytes;
    while (pos < in.size()) {
        if (in.size() - pos < 4) {
            return errc::decompression_failed;
        }
        const auto len = read_be<int32_t>(in, pos);
        pos += 4;
        if (len < 0 || static_cast<size_t>(len) > in.size() - pos) {
            return errc::decompression_failed;
        }
        FJORD_TRY(append_raw_block(in.subspan(pos, static_cast<size_t>(len)), out, scratch));
        pos += static_cast<size_t>(len);
    }
    return std::move(out).take();
}

}  // namespace

result<bytes> decompress_snappy(bytes_view in, size_t max_output_bytes) {
    if (is_xerial(in)) {
        return decompress_xerial(in, max_output_bytes);
    }
    bounded_output out(max_output_bytes);
    bytes scratch;
    FJORD_TRY(append_raw_block(in, out, scratch));
    return std::move(out).take();
}

result<bytes> compress_snappy(bytes_view in) {
    bytes out;
    out.reserve(xerial_header_bytes + snappy::MaxCompressedLength(in.size()) +
                4 * (in.size() / xerial_block_bytes + 1));
    for (unsigned char c : xerial_magic) {
        out.push_back(static_cast<std::byte>(c));
    }
    append_be<int32_t>(out, xerial_version);
    append_be<int32_t>(out, xerial_compatible_version);
    std::string block;
    for (size_t pos = 0; pos < in.size(); pos += xerial_block_bytes) {
        const size_t n = std::min(xerial_block_bytes, in.size() - pos);
        block.clear();
        snappy::Compress(reinterpret_cast<const char*>(in.data() + pos), n, &block);
        append_be<int32_t>(out, static_cast<int32_t>(block.size()));
        const auto* b = reinterpret_cast<const std::byte*>(block.data());
        out.insert(out.end(), b, b + block.size());
    }
    return out;
}

}  // namespace fjord::record::detail
