// fjord-streams: glue between typed stores and their serdes.
//
// Bytes inside a store were written by the same serde that reads them, so a decode
// failure there is a broken invariant (e.g. an incompatible serde change across a
// deploy), not bad input: it throws streams_error, which fails the task. Also owns
// `visit_result`, which lets store callbacks return bool (false stops) or void (continue).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fjord/streams/error.hpp"
#include "fjord/streams/serde/serde.hpp"

namespace fjord::streams::detail {

template <class S, class T>
  requires serde_for<S, T>
T decode_stored(std::string_view bytes, std::string_view store_name, const char* what) {
  auto r = S::decode(bytes);
  if (!r.ok()) {
    throw streams_error("state store '" + std::string(store_name) + "': cannot decode stored " +
                        what + ": " + r.err().message);
  }
  return std::move(r).value();
}

// Calls f(args...) and returns whether iteration should continue.
template <class F, class... Args>
bool visit_result(F& f, Args&&... args) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, Args&&...>>) {
    f(std::forward<Args>(args)...);
    return true;
  } else {
    return static_cast<bool>(f(std::forward<Args>(args)...));
  }
}

}  // namespace fjord::streams::detail
