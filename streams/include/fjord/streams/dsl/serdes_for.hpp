// fjord-streams: which serdes an operator uses when it must turn records into bytes
// (a repartition topic, a state store, a changelog).
//
// `serdes<KS, VS>{}` passes them explicitly. When omitted, `default_serde_t<T>` picks the
// obvious one for std::string (utf8), the integer types and double (big-endian, Kafka's
// own serializers' layout), windowed<K> (windowed_serde of K's default) and
// std::vector<std::byte> (bytes). For your own types, either pass serdes or specialise
// `fjord::streams::default_serde<YourType>` with a `using type = json<YourType>;`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fjord/streams/serde/serdes.hpp"
#include "fjord/streams/window/windowed.hpp"

namespace fjord::streams {

template <class KS, class VS>
struct serdes {};

// What default_serde_t names for a type without a default: not a serde, so an operator
// that needs one fails to compile with this name in the message. (A static_assert here
// would fire too early: member declarations of stream<K, V> name default_serde_t<V>.)
template <class T>
struct no_default_serde_pass_serdes_or_specialise_default_serde {};

template <class T>
struct default_serde {
  using type = no_default_serde_pass_serdes_or_specialise_default_serde<T>;
};
template <> struct default_serde<std::string> { using type = utf8; };
template <> struct default_serde<std::vector<std::byte>> { using type = bytes; };
template <> struct default_serde<std::int16_t> { using type = be_i16; };
template <> struct default_serde<std::int32_t> { using type = be_i32; };
template <> struct default_serde<std::int64_t> { using type = be_i64; };
template <> struct default_serde<std::uint32_t> { using type = be_u32; };
template <> struct default_serde<std::uint64_t> { using type = be_u64; };
template <> struct default_serde<float> { using type = be_float; };
template <> struct default_serde<double> { using type = be_double; };
// std::optional<V>: nullopt is a null value on the wire (serde/optional.hpp).
template <class V>
struct default_serde<std::optional<V>> { using type = optional<typename default_serde<V>::type>; };
template <class K>
struct default_serde<windowed<K>> { using type = windowed_serde<typename default_serde<K>::type>; };

template <class T>
using default_serde_t = typename default_serde<T>::type;

}  // namespace fjord::streams
