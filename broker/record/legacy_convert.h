// Up-conversion: a legacy (magic 0/1) message set becomes ONE RecordBatch v2, the only
// format Fjord stores, as Kafka's LogValidator does for Produce v0-v2 on a magic-2 log
// (docs/formats/record-batch.md, "Legacy message sets and up-conversion").
//
// The batch: base offset 0 (the log assigns it), producer id -1 / epoch -1 / sequence -1,
// not transactional, one record per message in set order (offset deltas 0..n-1), no
// headers, keys and values as they were (null stays null). Timestamps: magic 1 keeps each
// message's timestamp, CreateTime; a LogAppendTime wrapper gives every message its own
// timestamp and makes the batch LogAppendTime (the log then applies the topic's
// message.timestamp.type as for any batch); magic 0 has none and gets -1 (Kafka's
// NO_TIMESTAMP), CreateTime. The codec is the
// client's (a gzip wrapper becomes a gzip batch), as Kafka keeps the source codec when
// compression.type=producer; legacy sets cannot carry zstd.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "record/legacy_message_set.h"

namespace fjord::record {

// Builds the v2 batch of a parsed set. Errors only from compression (record::errc).
result<bytes> up_convert(const legacy_message_set& set);

// parse_legacy_message_set + up_convert: the Produce handler's one call.
// Errors: those of parse_legacy_message_set and of up_convert.
result<bytes> convert_legacy_message_set(bytes_view set, size_t max_decompressed_bytes);

}  // namespace fjord::record
