// Private to fjord_record: one compress/decompress pair per codec (codec_*.cc), and the
// bounded output buffer they all decompress into. compression.cc dispatches to them.
//
// Invariant of every decompress_*: the output never grows past max_output_bytes; the only
// other allocations are one fixed-size scratch chunk and the codec library's own state,
// whose size is capped independently of what the input declares.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/result.h"
#include "record/errc.h"

namespace fjord::record::detail {

// Codecs decompress chunk by chunk through a scratch buffer of this size.
inline constexpr size_t scratch_chunk_bytes = 64 * 1024;

// An output buffer that refuses to grow past a limit.
class bounded_output {
public:
    explicit bounded_output(size_t max_bytes) : max_bytes_(max_bytes) {}

    // Appends, or returns errc::decompressed_too_large (appending nothing) if the result
    // would exceed the limit.
    result<void> append(const void* data, size_t n);
    // Bytes that may still be appended.
    size_t remaining() const { return max_bytes_ - out_.size(); }
    bytes take() && { return std::move(out_); }

private:
    size_t max_bytes_;
    bytes out_;
};

result<bytes> decompress_gzip(bytes_view in, size_t max_output_bytes);
result<bytes> compress_gzip(bytes_view in);
result<bytes> decompress_snappy(bytes_view in, size_t max_output_bytes);
result<bytes> compress_snappy(bytes_view in);
result<bytes> decompress_lz4(bytes_view in, size_t max_output_bytes);
result<bytes> compress_lz4(bytes_view in);
result<bytes> decompress_zstd(bytes_view in, size_t max_output_bytes);
result<bytes> compress_zstd(bytes_view in);

}  // namespace fjord::record::detail
