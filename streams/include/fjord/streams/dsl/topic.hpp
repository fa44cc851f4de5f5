// fjord-streams: a typed topic handle.
//
// topic<K, V, KS, VS> names a Kafka topic and fixes, at compile time, the key and value
// types and the serdes that turn them into bytes. Declaring one with a serde that does not
// fit its type is a compile error at the declaration:
//
//   inline const topic<std::string, payment, utf8, json<payment>> payments{"payments"};
#pragma once

#include <string>

#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/serde/serde_traits.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS>
struct topic {
  static_assert(serde_for<KS, K>, "topic<K, V, KS, VS>: KS is not a serde for the key type K");
  static_assert(serde_for<VS, V>, "topic<K, V, KS, VS>: VS is not a serde for the value type V");
  using key_type = K;
  using value_type = V;
  using key_serde = KS;
  using value_serde = VS;
  std::string name;
};

}  // namespace fjord::streams
