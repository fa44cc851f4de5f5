// fjord-streams: the serde for windowed<K> keys.
//
// Wire format of `windowed_serde<S>`: S's bytes for the key, then the window start as an
// 8-byte big-endian int64, then the window end as an 8-byte big-endian int64:
//     [key bytes (any length)][start: 8 B BE][end: 8 B BE]
// Kafka's TimeWindowedSerializer writes key + start only (the end is implied by the window
// size) and its session key schema writes key + end + start; we always write start then
// end so that time and session windows round trip alike without knowing the window size.
// Not byte-compatible with Java's windowed serdes.
// Invariants: decode needs at least 16 bytes (else a decode error naming the sizes); the
// key part is everything before the last 16 bytes and any error from S is passed through.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fjord/streams/serde/big_endian.hpp"
#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/serde/serde_traits.hpp"
#include "fjord/streams/window/windowed.hpp"

namespace fjord::streams {

template <class S>
struct windowed_serde {
  using key_type = serde_value_t<S>;
  static_assert(serde_for<S, key_type>, "windowed_serde<S>: S must be a serde");
  static constexpr std::size_t suffix_size = 2 * be_i64::size;

  static void encode(const windowed<key_type>& v, std::string& out) {
    S::encode(v.key, out);
    be_i64::encode(v.start, out);
    be_i64::encode(v.end, out);
  }

  static result<windowed<key_type>> decode(std::string_view in) {
    if (in.size() < suffix_size) {
      return decode_error("windowed: expected at least " + std::to_string(suffix_size) +
                          " bytes, got " + std::to_string(in.size()));
    }
    const std::size_t key_size = in.size() - suffix_size;
    auto key = S::decode(in.substr(0, key_size));
    if (!key) return key.err();
    return windowed<key_type>{std::move(key).value(),
                              be_i64::decode(in.substr(key_size, be_i64::size)).value(),
                              be_i64::decode(in.substr(key_size + be_i64::size)).value()};
  }
};

}  // namespace fjord::streams
