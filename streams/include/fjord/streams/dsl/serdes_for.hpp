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
#include <string>
#include <vector>

#include "fjord/streams/serde/serdes.hpp"
#include "fjord/streams/window/windowed.hpp"

namespace fjord::streams {

template <class KS, class VS>
struct serdes {};

template <class T>
struct default_serde {
  // Primary template: no default. The static_assert fires only when it is used.
  static_assert(sizeof(T) == 0,
                "no default serde for this type: pass serdes<KeySerde, ValueSerde>{} to the "
                "operator, or specialise fjord::streams::default_serde<T> { using type = ...; }");
  using type = void;
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
template <class K>
struct default_serde<windowed<K>> { using type = windowed_serde<typename default_serde<K>::type>; };

template <class T>
using default_serde_t = typename default_serde<T>::type;

}  // namespace fjord::streams
