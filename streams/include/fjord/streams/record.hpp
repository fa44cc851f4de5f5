// fjord-streams: the record that flows between operators.
//
// A record<K, V> is one key/value pair with its event timestamp (milliseconds since the
// epoch, Kafka's record timestamp unless a timestamp extractor says otherwise) and its
// headers. Operators take records by value and move them downstream; a node with several
// children copies for all but the last.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fjord::streams {

using timestamp_ms = std::int64_t;
using millis = std::chrono::milliseconds;

struct header {
  std::string key;
  std::string value;
  friend bool operator==(const header&, const header&) = default;
};
using header_list = std::vector<header>;

template <class K, class V>
struct record {
  using key_type = K;
  using value_type = V;
  K key{};
  V value{};
  timestamp_ms timestamp = 0;
  header_list headers{};
  friend bool operator==(const record&, const record&) = default;
};

// Where the record being processed came from (the source record of the current
// processing step). offset < 0 for records that did not come from a topic (punctuators).
struct record_metadata {
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

}  // namespace fjord::streams
