// Compression codecs of Kafka record batches (attributes bits 0-2). The broker stores
// compressed batches exactly as they came; it decompresses only where it must look inside
// (compaction, validation on request), always with the output size bounded so a small
// "zip bomb" cannot exhaust memory (testing.md, CVE-2026-111073).
//
// Formats: gzip (RFC 1952, via zlib), snappy (raw, or xerial-framed as kafka-python and the
// Java client write it: both are accepted on decompress; compress writes xerial framing as
// the Java client does), lz4 (the LZ4 frame format), zstd (a zstd frame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace fjord::record {

enum class compression : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

std::string_view to_string(compression c);

// Decompresses `input`. Output larger than max_output_bytes fails with
// errc::decompressed_too_large before more than max_output_bytes (+ one codec block) is
// allocated. Malformed input fails with errc::decompression_failed.
result<bytes> decompress(compression codec, bytes_view input, size_t max_output_bytes);

// Compresses `input`. REQUIRES: codec != none is not required; none copies.
result<bytes> compress(compression codec, bytes_view input);

}  // namespace fjord::record
