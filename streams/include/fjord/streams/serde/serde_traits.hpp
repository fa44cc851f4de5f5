// fjord-streams: compile-time facts about serdes.
//
// Owns `serde_value_t<S>` (the T a serde S decodes to, read off `S::decode`'s result<T>)
// and `serde_is_nullable<S>`: true only for serdes that map a Kafka null to a value of T
// (they declare `static constexpr bool nullable = true;` and provide
// `static bool is_null(const T&)` and `static T null_value()`, see serde/optional.hpp).
// For any other serde a null on the wire is handled by the runtime (serde/serde.hpp).
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fjord/streams/error.hpp"

namespace fjord::streams {

namespace detail {
template <class R>
struct result_value;
template <class T>
struct result_value<result<T>> {
  using type = T;
};
}  // namespace detail

// The value type of serde S: T where S::decode returns result<T>.
template <class S>
using serde_value_t =
    typename detail::result_value<decltype(S::decode(std::declval<std::string_view>()))>::type;

template <class S>
struct serde_is_nullable : std::false_type {};

template <class S>
  requires requires {
    { S::nullable } -> std::convertible_to<bool>;
  }
struct serde_is_nullable<S> : std::bool_constant<S::nullable> {};

template <class S>
inline constexpr bool serde_is_nullable_v = serde_is_nullable<S>::value;

}  // namespace fjord::streams
