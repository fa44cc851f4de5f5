// gzip (RFC 1952) via zlib. Decompression accepts gzip or zlib headers (windowBits 15+32)
// and, like Java's GZIPInputStream, consecutive gzip members; compression writes one gzip
// member at zlib's default level.
#include <zlib.h>

#include <limits>
#include <memory>

#include "record/codecs.h"

namespace fjord::record::detail {
namespace {

struct inflate_stream {
    z_stream zs{};
    bool live = false;
    ~inflate_stream() {
        if (live) {
            inflateEnd(&zs);
        }
    }
};

struct deflate_stream {
    z_stream zs{};
    bool live = false;
    ~deflate_stream() {
        if (live) {
            deflateEnd(&zs);
        }
    }
};

inline constexpr int gzip_or_zlib_window_bits = 15 + 32;
inline constexpr int gzip_window_bits = 15 + 16;

}  // namespace

result<bytes> decompress_gzip(bytes_view in, size_t max_output_bytes) {
    if (in.size() > std::numeric_limits<uInt>::max()) {
        return errc::decompression_failed;
    }
    inflate_stream s;
    if (inflateInit2(&s.zs, gzip_or_zlib_window_bits) != Z_OK) {
        return errc::decompression_failed;
    }
    s.live = true;
    s.zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));
    s.zs.avail_in = static_cast<uInt>(in.size());

    bounded_output out(max_output_bytes);
    bytes scratch(scratch_chunk_bytes);
    for (;;) {
        s.zs.next_out = reinterpret_cast<Bytef*>(scratch.data());
        s.zs.avail_out = static_cast<uInt>(scratch.size());
        const int rc = inflate(&s.zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            return errc::decompression_failed;
        }
        FJORD_TRY(out.append(scratch.data(), scratch.size() - s.zs.avail_out));
        if (rc == Z_STREAM_END) {
            if (s.zs.avail_in == 0) {
                return std::move(out).take();
            }
            if (inflateReset(&s.zs) != Z_OK) {  // another gzip member follows
                return errc::decompression_failed;
            }
            continue;
        }
        // No progress possible: input exhausted before the end of the stream.
        if (rc == Z_BUF_ERROR || (s.zs.avail_in == 0 && s.zs.avail_out != 0)) {
            return errc::decompression_failed;
        }
    }
}

result<bytes> compress_gzip(bytes_view in) {
    if (in.size() > std::numeric_limits<uInt>::max()) {
        return errc::decompression_failed;
    }
    deflate_stream s;
    if (deflateInit2(&s.zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return errc::decompression_failed;
    }
    s.live = true;
    bytes out(deflateBound(&s.zs, static_cast<uLong>(in.size())) + 32);  // + gzip header slack
    s.zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));
    s.zs.avail_in = static_cast<uInt>(in.size());
    s.zs.next_out = reinterpret_cast<Bytef*>(out.data());
    s.zs.avail_out = static_cast<uInt>(out.size());
    if (deflate(&s.zs, Z_FINISH) != Z_STREAM_END) {
        return errc::decompression_failed;
    }
    out.resize(s.zs.total_out);
    return out;
}

}  // namespace fjord::record::detail
