// Legacy message sets: the magic 0 and magic 1 formats that Produce v0-v2 may carry
// (Sarama's default config, kafka-python with api_version < 0.11, librdkafka with an old
// broker.version.fallback). Fjord never stores them: the Produce handler parses one here
// and up-converts it to a RecordBatch v2 (legacy_convert.h). Grammar and rules:
// docs/formats/record-batch.md, "Legacy message sets"; Kafka's LegacyRecord.java and
// AbstractLegacyRecordBatch.java.
//
//   message_set := (offset:int64 message_size:int32 message)*
//   message     := crc:uint32 magic:int8 attributes:int8 [timestamp:int64 if magic 1]
//                  key:bytes value:bytes            ; bytes = int32 length (-1 null) + data
//   crc         := CRC-32 (IEEE) of every byte from magic to the end of the message
//   attributes  := bits 0-2 codec (0 none, 1 gzip, 2 snappy, 3 lz4); bit 3 (magic 1)
//                  LogAppendTime
//
// A compressed message ("wrapper") holds, as its value, a compressed message set of
// uncompressed messages of its own magic. Offsets are ignored: the broker assigns them,
// and only the order of the messages is kept.
//
// Invariants: every length is checked against the bytes that remain before anything is
// read or sized from it; decompression output is bounded by the caller's limit; views in a
// parsed set point into the caller's input or into the set's own `decompressed` buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/result.h"
#include "record/batch.h"
#include "record/compression.h"

namespace fjord::record {

namespace legacy_layout {
inline constexpr size_t log_overhead = 12;      // offset int64 + message_size int32
inline constexpr size_t magic = 16;             // from the start of an entry: same place as v2's
inline constexpr size_t message_min_v0 = 14;    // crc, magic, attributes, key and value lengths
inline constexpr size_t message_min_v1 = 22;    // + timestamp
inline constexpr int8_t attr_codec_mask = 0x07;
inline constexpr int8_t attr_log_append_time = 0x08;
}  // namespace legacy_layout

// True if `records` (the records field of a Produce request) starts like a legacy set:
// its first entry's magic byte is 0 or 1. Sets shorter than one entry header count too,
// so that the legacy parser reports what is wrong with them.
bool looks_like_legacy_set(bytes_view records);

// One message, uncompressed, in set order.
struct legacy_message {
    timestamp_ms timestamp = no_timestamp;  // magic 0: always no_timestamp
    std::optional<bytes_view> key;          // nullopt = null
    std::optional<bytes_view> value;        // nullopt = null
};

// A parsed set. Move-only: the views may point into `decompressed`, whose heap buffer a
// move keeps in place (a copy would leave them pointing into the original).
struct legacy_message_set {
    int8_t magic = 0;
    compression codec = compression::none;  // the wrapper's codec; none if not compressed
    // log_append_time iff a magic-1 compressed wrapper has attribute bit 3; its messages
    // then carry the wrapper's timestamp (Kafka's reading of such a wrapper). The bit on
    // an uncompressed message is ignored: each message keeps its own timestamp.
    timestamp_type ts_type = timestamp_type::create_time;
    std::vector<legacy_message> messages;  // never empty after a successful parse
    bytes decompressed;                    // a wrapper's inner set; empty if not compressed

    legacy_message_set() = default;
    legacy_message_set(legacy_message_set&&) = default;
    legacy_message_set& operator=(legacy_message_set&&) = default;
    legacy_message_set(const legacy_message_set&) = delete;
    legacy_message_set& operator=(const legacy_message_set&) = delete;
};

// Parses a whole set: either uncompressed messages of one magic, or exactly one compressed
// wrapper (whose inner set is decompressed, bounded by max_decompressed_bytes, and parsed).
// `set` must outlive the result (its messages may view it).
// Errors, record::errc (CORRUPT_MESSAGE): truncated (an entry or message runs past the
// end), bad_record (message_size below the minimum, a key/value length below -1 or past
// the message, bytes left in a message), bad_magic (not 0 or 1), bad_crc,
// unsupported_compression (codec 5-7), decompression_failed, decompressed_too_large.
// legacy_errc (INVALID_RECORD; invalid_timestamp: INVALID_TIMESTAMP): see legacy_errc.h.
// A successful parse always up-converts (legacy_convert.h): the fuzzer checks this.
result<legacy_message_set> parse_legacy_message_set(bytes_view set, size_t max_decompressed_bytes);

}  // namespace fjord::record
