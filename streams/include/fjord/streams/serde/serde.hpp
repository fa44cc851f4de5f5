// fjord-streams: what a serde is.
//
// A serde for T is a type S (stateless; static members only) with
//   static void encode(const T& v, std::string& out);        // appends v's bytes to out
//   static result<T> decode(std::string_view bytes);          // error on bad input, never throws
// `serde_for<S, T>` checks this at compile time so a mismatched topic/serde pair is a
// readable error at the `topic<K, V>` declaration rather than deep inside an operator.
//
// Null on the wire: a null key is decoded as zero bytes (so a utf8 key becomes "");
// a null value on a stream topic is skipped and counted unless the topic's value type is
// std::optional<V> (serde `optional<S>`), where it is std::nullopt. For tables a null
// value is a tombstone (delete).
#pragma once

#include <concepts>
#include <string>
#include <string_view>

#include "fjord/streams/error.hpp"

namespace fjord::streams {

template <class S, class T>
concept serde_for = requires(const T& v, std::string& out, std::string_view in) {
  { S::encode(v, out) } -> std::same_as<void>;
  { S::decode(in) } -> std::same_as<result<T>>;
};

// Serialises v into a fresh string (convenience for tests and cold paths).
template <class S, class T>
  requires serde_for<S, T>
std::string encode_to_string(const T& v) {
  std::string out;
  S::encode(v, out);
  return out;
}

}  // namespace fjord::streams
