// Codec dispatch for record-batch compression (see compression.h) and the bounded output
// buffer shared by the codecs (codecs.h).
#include "record/compression.h"

#include <cstring>

#include "record/codecs.h"
#include "record/errc.h"

namespace fjord::record {

namespace detail {

result<void> bounded_output::append(const void* data, size_t n) {
    if (n > remaining()) {
        return errc::decompressed_too_large;
    }
    const size_t old = out_.size();
    out_.resize(old + n);
    if (n > 0) {
        std::memcpy(out_.data() + old, data, n);
    }
    return ok();
}

}  // namespace detail

std::string_view to_string(compression c) {
    switch (c) {
        case compression::none: return "none";
        case compression::gzip: return "gzip";
        case compression::snappy: return "snappy";
        case compression::lz4: return "lz4";
        case compression::zstd: return "zstd";
    }
    return "unknown";
}

result<bytes> decompress(compression codec, bytes_view input, size_t max_output_bytes) {
    switch (codec) {
        case compression::none:
            if (input.size() > max_output_bytes) {
                return errc::decompressed_too_large;
            }
            return bytes(input.begin(), input.end());
        case compression::gzip: return detail::decompress_gzip(input, max_output_bytes);
        case compression::snappy: return detail::decompress_snappy(input, max_output_bytes);
        case compression::lz4: return detail::decompress_lz4(input, max_output_bytes);
        case compression::zstd: return detail::decompress_zstd(input, max_output_bytes);
    }
    return errc::unsupported_compression;
}

result<bytes> compress(compression codec, bytes_view input) {
    switch (codec) {
        case compression::none: return bytes(input.begin(), input.end());
        case compression::gzip: return detail::compress_gzip(input);
        case compression::snappy: return detail::compress_snappy(input);
        case compression::lz4: return detail::compress_lz4(input);
        case compression::zstd: return detail::compress_zstd(input);
    }
    return errc::unsupported_compression;
}

}  // namespace fjord::record
