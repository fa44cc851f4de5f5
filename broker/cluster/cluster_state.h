// cluster_state: what a single node must remember outside the partition logs — its cluster
// id, the producer-id high-water mark, and the topic table (name -> partition count,
// replication factor, config overrides). Persisted as one small file,
// `<first log dir>/__fjord_cluster_state`, written with io::write_file_atomic.
//
// File format (all integers big-endian):
//   magic "FJCS" (4) | version u32 (=1) | body_length u32 | crc32c(body) u32 | body
//   body: cluster_id str | next_producer_id i64 | topic_count u32 | topic*
//   topic: name str | partitions i32 | replication_factor i16 | config_count u32 |
//          (key str | value str)*
//   str: u16 length + UTF-8 bytes
// A file that fails the magic, version, length or CRC check is refused
// (cluster::errc::corrupt_state): the broker does not start on a damaged topic table.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "cluster/topic_config.h"

namespace fjord::cluster {

struct topic_entry {
    std::string name;
    int32_t partitions = 1;
    int16_t replication_factor = 1;
    config_overrides configs;
    bool operator==(const topic_entry&) const = default;
};

struct cluster_state {
    std::string cluster_id;
    // Producer ids below this were (or may have been) handed out.
    int64_t next_producer_id = 0;
    std::map<std::string, topic_entry> topics;
    bool operator==(const cluster_state&) const = default;
};

inline constexpr const char* cluster_state_file_name = "__fjord_cluster_state";

bytes encode_cluster_state(const cluster_state& s);
result<cluster_state> decode_cluster_state(bytes_view data);

}  // namespace fjord::cluster
