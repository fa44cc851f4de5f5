// offsets_format: the records of __consumer_offsets, byte-compatible with Kafka's
// (OffsetCommitKey/Value, GroupMetadataKey/Value; docs/formats/consumer-offsets.md), so
// `kcat -C -t __consumer_offsets` and Kafka's own tools read them.
//
//   key   := version:int16 body     version 0/1 = offset commit, 2 = group metadata
//   offset commit key   := group:string topic:string partition:int32
//   group metadata key  := group:string
//   value := version:int16 body     (null value = tombstone: the offset / group is deleted)
//
// We write offset values v3 and group values v3; we read every version Kafka wrote before
// flexible encodings (offset values v0-3, group values v0-3). Unknown versions are errors
// (the replaying coordinator logs and skips the record).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "base/bytes.h"
#include "base/result.h"
#include "group/group_snapshot.h"

namespace fjord::group {

struct offset_key {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    bool operator==(const offset_key&) const = default;
};

struct offset_value {
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::string metadata;
    int64_t commit_timestamp = -1;
    std::optional<int64_t> expire_timestamp;  // only in value v1 (read, never written)
    bool operator==(const offset_value&) const = default;
};

struct group_key {
    std::string group;
    bool operator==(const group_key&) const = default;
};

using record_key = std::variant<offset_key, group_key>;

bytes encode_key(const offset_key& k);
bytes encode_key(const group_key& k);
bytes encode_value(const offset_value& v);
bytes encode_value(const group_snapshot& v);

// Errors: kafka::errc (truncated, ...) from the reader, or base errc::invalid_argument for
// an unknown version or trailing bytes where Kafka allows none.
result<record_key> decode_key(bytes_view key);
result<offset_value> decode_offset_value(bytes_view value);
result<group_snapshot> decode_group_value(bytes_view value);

// One record of the offsets log, decoded: its key and its value (nullopt = tombstone).
struct offsets_record {
    record_key key;
    std::optional<std::variant<offset_value, group_snapshot>> value;
};

// Decodes every record of one v2 batch of __consumer_offsets (any codec; at most 64 MiB
// decompressed), calling `fn` with each record and its offset, in order. Control batches
// are skipped. A record that fails to decode (null key, unknown key or value version,
// malformed fields) is passed to `on_bad` (offset + error) and skipped; a batch that fails
// to decode as a whole is an error (record::errc) and no callback runs.
result<void> for_each_offsets_record(bytes_view batch,
                                     const std::function<void(int64_t offset, offsets_record)>& fn,
                                     const std::function<void(int64_t offset, std::error_code)>& on_bad);

}  // namespace fjord::group
