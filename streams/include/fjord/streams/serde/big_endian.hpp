// fjord-streams: fixed-width big-endian numbers.
//
// `big_endian<T>` serialises an integer or IEEE-754 float T as exactly sizeof(T) bytes,
// most significant first; floats are written as their bit pattern (std::bit_cast). This is
// the wire format of Kafka's ShortSerializer / IntegerSerializer / LongSerializer /
// FloatSerializer / DoubleSerializer, so topics interoperate with Java clients.
// Invariant: decode accepts exactly sizeof(T) bytes; any other size is a decode error
// naming the expected and actual size (never a crash, never a partial read).
// Aliases: be_i16, be_i32, be_i64, be_u32, be_u64, be_float, be_double.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include "fjord/streams/serde/serde.hpp"

namespace fjord::streams {

template <class T>
concept big_endian_number =
    (std::is_integral_v<T> || (std::is_floating_point_v<T> && std::numeric_limits<T>::is_iec559)) &&
    (sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);

template <big_endian_number T>
struct big_endian {
  static constexpr std::size_t size = sizeof(T);
  using bits = std::conditional_t<size == 2, std::uint16_t,
               std::conditional_t<size == 4, std::uint32_t, std::uint64_t>>;

  static void encode(const T& v, std::string& out) {
    const auto u = std::bit_cast<bits>(v);
    for (std::size_t i = size; i-- > 0;) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }

  static result<T> decode(std::string_view in) {
    if (in.size() != size) {
      return decode_error("big_endian: expected " + std::to_string(size) + " bytes, got " +
                          std::to_string(in.size()));
    }
    bits u = 0;
    for (char c : in) u = static_cast<bits>((u << 8) | static_cast<unsigned char>(c));
    return std::bit_cast<T>(u);
  }
};

using be_i16 = big_endian<std::int16_t>;
using be_i32 = big_endian<std::int32_t>;
using be_i64 = big_endian<std::int64_t>;
using be_u32 = big_endian<std::uint32_t>;
using be_u64 = big_endian<std::uint64_t>;
using be_float = big_endian<float>;
using be_double = big_endian<double>;

}  // namespace fjord::streams
