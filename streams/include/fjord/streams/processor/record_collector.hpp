// fjord-streams: where a task's output records go.
//
// Sinks, changelogs, dead-letter and late-record topics all write through one
// record_collector. The runtime's collector hands records to the librdkafka producer; the
// test driver's appends them to in-memory topics. `partition` nullopt means "choose by
// key", which every collector does the way the Java client does (murmur2 of the key bytes,
// positive, modulo the topic's partition count; a null key goes to partition 0 — we never
// produce null keys to partitioned topics we read back), so topics written by a
// fjord-streams application co-partition with topics written by Kafka's own clients.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "fjord/streams/record.hpp"

namespace fjord::streams {

class record_collector {
 public:
  virtual ~record_collector() = default;
  virtual void send(std::string_view topic, std::optional<std::int32_t> partition,
                    std::optional<std::string_view> key, std::optional<std::string_view> value,
                    timestamp_ms timestamp, const header_list& headers) = 0;
};

// Kafka's default partitioner hash (Utils.murmur2 in the Java client; librdkafka's
// "murmur2" partitioner): seed 0x9747b28c, m 0x5bd1e995, r 24.
inline std::uint32_t murmur2(std::string_view data) {
  const std::uint32_t seed = 0x9747b28c, m = 0x5bd1e995;
  const int r = 24;
  const auto len = static_cast<std::uint32_t>(data.size());
  std::uint32_t h = seed ^ len;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t i = 0;
  for (; i + 4 <= data.size(); i += 4) {
    std::uint32_t k = std::uint32_t(p[i]) | std::uint32_t(p[i + 1]) << 8 |
                      std::uint32_t(p[i + 2]) << 16 | std::uint32_t(p[i + 3]) << 24;
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (data.size() - i) {
    case 3: h ^= std::uint32_t(p[i + 2]) << 16; [[fallthrough]];
    case 2: h ^= std::uint32_t(p[i + 1]) << 8; [[fallthrough]];
    case 1: h ^= std::uint32_t(p[i]); h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

// The partition Kafka's default partitioner picks for a keyed record.
inline std::int32_t partition_for_key(std::string_view key, std::int32_t partitions) {
  return static_cast<std::int32_t>((murmur2(key) & 0x7fffffffu) % std::uint32_t(partitions));
}

}  // namespace fjord::streams
