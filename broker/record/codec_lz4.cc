// LZ4 frame format (not raw LZ4 blocks) via liblz4's LZ4F_* API. Decompression runs
// chunk by chunk into a fixed scratch buffer, so the frame's declared content size is never
// used to size anything; liblz4's own state is bounded by the largest block size (4 MiB).
// Consecutive frames are accepted. Compression writes 64 KiB independent blocks, no content
// size and no checksums, which every Kafka client (including the Java one) can read.
#include <lz4frame.h>

#include <memory>

#include "record/codecs.h"

namespace fjord::record::detail {
namespace {

struct dctx_deleter {
    void operator()(LZ4F_dctx* c) const { LZ4F_freeDecompressionContext(c); }
};
using dctx_ptr = std::unique_ptr<LZ4F_dctx, dctx_deleter>;

}  // namespace

result<bytes> decompress_lz4(bytes_view in, size_t max_output_bytes) {
    LZ4F_dctx* raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
        return errc::decompression_failed;
    }
    dctx_ptr ctx(raw);
    bounded_output out(max_output_bytes);
    bytes scratch(scratch_chunk_bytes);
    const auto* src = reinterpret_cast<const char*>(in.data());
    size_t pos = 0;
    size_t hint = 1;  // LZ4F's hint: 0 once a frame is complete
    if (in.empty()) {
        return errc::decompression_failed;
    }
    while (pos < in.size()) {
        size_t src_n = in.size() - pos;
        size_t dst_n = scratch.size();
        hint = LZ4F_decompress(ctx.get(), scratch.data(), &dst_n, src + pos, &src_n, nullptr);
        if (LZ4F_isError(hint)) {
            return errc::decompression_failed;
        }
        FJORD_TRY(out.append(scratch.data(), dst_n));
        pos += src_n;
        // Drain output still buffered inside the context (input fully consumed).
        while (hint != 0 && pos == in.size() && dst_n == scratch.size()) {
            src_n = 0;
            dst_n = scratch.size();
            hint = LZ4F_decompress(ctx.get(), scratch.data(), &dst_n, src + pos, &src_n, nullptr);
            if (LZ4F_isError(hint)) {
                return errc::decompression_failed;
            }
            FJORD_TRY(out.append(scratch.data(), dst_n));
        }
        if (src_n == 0 && dst_n == 0 && pos < in.size()) {
            return errc::decompression_failed;  // no progress
        }
    }
    if (hint != 0) {
        return errc::decompression_failed;  // input ended inside a frame
    }
    return std::move(out).take();
}

result<bytes> compress_lz4(bytes_view in) {
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
    prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
    bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
    const size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
    if (LZ4F_isError(n)) {
        return errc::decompression_failed;
    }
    out.resize(n);
    return out;
}

}  // namespace fjord::record::detail
