// Private to fjord_record: the LZ4 frame header of magic-0 message sets (KAFKA-3160).
//
// Kafka's first LZ4 writer computed the frame descriptor's header checksum (HC) over the
// wrong bytes: XXH32 of the 4-byte frame magic plus the descriptor, instead of the
// descriptor alone. Every magic-0 writer kept the bug for compatibility (the Java client,
// kafka-python's lz4_encode_old_kafka, librdkafka for MsgVer0), so Kafka skips the HC check
// for magic 0 and checks it for magic 1. liblz4 always checks it; fix_lz4_header_checksum
// rewrites the HC byte to the correct value so liblz4 accepts the frame. A frame whose HC
// was already right is left as it was.
//
// Frame header: magic 04 22 4D 18, FLG, BD, [content size: 8 bytes if FLG bit 3],
// [dictionary id: 4 bytes if FLG bit 0], HC = (XXH32(FLG .. last descriptor byte) >> 8) & 0xFF.
#pragma once

#include <cstdint>
#include <span>

#include "base/bytes.h"

namespace fjord::record::detail {

// XXH32 with seed 0 of an input shorter than 16 bytes (a frame descriptor is at most 14).
// REQUIRES: in.size() < 16.
uint32_t xxh32_short(bytes_view in);

// Rewrites the header checksum of the LZ4 frame at the front of `frame` in place. Returns
// false (changing nothing) if `frame` does not start with a whole LZ4 frame header.
bool fix_lz4_header_checksum(std::span<std::byte> frame);

}  // namespace fjord::record::detail
