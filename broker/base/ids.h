// The strong ids every module shares. See docs/glossary.md for what each one means.
//
// - offset:        a Kafka offset, which is also the raft log index of a partition (DESIGN §3).
// - term:          a raft term, which clients see as partitionLeaderEpoch / leader epoch.
// - node_id:       a broker (`node.id`).
// - partition_id:  a partition number inside a topic.
// - file_pos:      a byte position inside one file; never an offset.
#pragma once

#include <cstdint>

#include "base/strong_id.h"

namespace fjord {

struct offset_tag {};
struct term_tag {};
struct node_id_tag {};
struct partition_id_tag {};
struct file_pos_tag {};

using offset = strong_id<offset_tag, int64_t>;
using term = strong_id<term_tag, int32_t>;
using node_id = strong_id<node_id_tag, int32_t>;
using partition_id = strong_id<partition_id_tag, int32_t>;
using file_pos = strong_id<file_pos_tag, uint64_t>;

// Kafka's "no offset" sentinel, used where an offset is absent (e.g. an empty log's last offset).
inline constexpr offset no_offset{-1};

// Timestamps are milliseconds since the Unix epoch, as in Kafka record batches.
using timestamp_ms = int64_t;
inline constexpr timestamp_ms no_timestamp = -1;

}  // namespace fjord
