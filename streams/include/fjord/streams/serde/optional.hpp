// fjord-streams: the nullable adaptor.
//
// `optional<S>` is a serde for std::optional<T> (T = serde_value_t<S>) in which
// std::nullopt stands for a Kafka null (a record with no value/key bytes at all, as
// opposed to zero bytes). Since encode can only append bytes, null is expressed through
// the nullable-serde trait (serde/serde_traits.hpp): the runtime asks `is_null(v)` and
// produces a null instead of calling encode, and turns a null it reads into
// `null_value()` instead of calling decode.
// Invariants: encode/decode of a present value delegate to S unchanged (same bytes, same
// errors); encode(std::nullopt) appends nothing (callers must check is_null first).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/serde/serde_traits.hpp"

namespace fjord::streams {

template <class S>
struct optional {
  using value_type = serde_value_t<S>;
  static_assert(serde_for<S, value_type>, "optional<S>: S must be a serde");

  static constexpr bool nullable = true;
  static bool is_null(const std::optional<value_type>& v) { return !v.has_value(); }
  static std::optional<value_type> null_value() { return std::nullopt; }

  static void encode(const std::optional<value_type>& v, std::string& out) {
    if (v) S::encode(*v, out);
  }

  static result<std::optional<value_type>> decode(std::string_view in) {
    auto r = S::decode(in);
    if (!r) return r.err();
    return std::optional<value_type>(std::move(r).value());
  }
};

}  // namespace fjord::streams
