// zstd via libzstd's streaming API. Decompression ignores the frame's declared content size
// (it only ever fills a fixed scratch buffer) and caps the window zstd may allocate:
// windowLogMax = clamp(ceil(log2(max_output_bytes)), 23, 27), i.e. at most 8 MiB unless the
// caller allows more output (zstd's own default cap is 27, 128 MiB). A frame asking for a
// larger window fails with decompression_failed. Consecutive and skippable frames are
// accepted. Compression writes one frame at zstd's default level (3), as the Java client.
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <memory>

#include "record/codecs.h"

namespace fjord::record::detail {
namespace {

struct dctx_deleter {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
using dctx_ptr = std::unique_ptr<ZSTD_DCtx, dctx_deleter>;

inline constexpr int window_log_floor = 23;    // 8 MiB: what high compression levels use
inline constexpr int window_log_ceiling = 27;  // zstd's ZSTD_WINDOWLOG_LIMIT_DEFAULT

int window_log_max(size_t max_output_bytes) {
    const int need = max_output_bytes <= 1 ? 0 : static_cast<int>(std::bit_width(max_output_bytes - 1));
    return std::clamp(need, window_log_floor, window_log_ceiling);
}

}  // namespace

result<bytes> decompress_zstd(bytes_view in, size_t max_output_bytes) {
    if (in.empty()) {
        return errc::decompression_failed;
    }
    dctx_ptr ctx(ZSTD_createDCtx());
    if (!ctx ||
        ZSTD_isError(ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, window_log_max(max_output_bytes)))) {
        return errc::decompression_failed;
    }
    bounded_output out(max_output_bytes);
    bytes scratch(scratch_chunk_bytes);
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    for (;;) {
        const size_t consumed_before = src.pos;
        ZSTD_outBuffer dst{scratch.data(), scratch.size(), 0};
        const size_t rc = ZSTD_decompressStream(ctx.get(), &dst, &src);
        if (ZSTD_isError(rc)) {
            return errc::decompression_failed;
        }
        FJORD_TRY(out.append(scratch.data(), dst.pos));
        if (rc == 0 && src.pos == src.size) {
            break;  // the last frame is decoded and flushed
        }
        if (dst.pos == 0 && src.pos == consumed_before) {
            return errc::decompression_failed;  // no progress: truncated input; never spin
        }
    }
    return std::move(out).take();
}

result<bytes> compress_zstd(bytes_view in) {
    bytes out(ZSTD_compressBound(in.size()));
    const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), ZSTD_CLEVEL_DEFAULT);
    if (ZSTD_isError(n)) {
        return errc::decompression_failed;
    }
    out.resize(n);
    return out;
}

}  // namespace fjord::record::detail
