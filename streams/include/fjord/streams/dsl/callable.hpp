// fjord-streams: how DSL operators call user functions.
//
// Most operators accept a function of the value alone or of the key and the value:
//   filter([](const payment& p) { return p.amount > 100; })
//   filter([](const std::string& card, const payment& p) { ... })
// `kv_invocable` says whether F fits either shape; `call_kv` calls the one it fits (the key
// form wins when both fit). The concepts give a short compile error naming the operator
// instead of a page of template backtrace.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

namespace fjord::streams {

template <class F, class K, class V>
concept kv_invocable = std::is_invocable_v<F&, const K&, V> || std::is_invocable_v<F&, V>;

template <class F, class K, class V>
decltype(auto) call_kv(F& f, const K& k, V&& v) {
  if constexpr (std::is_invocable_v<F&, const K&, V&&>) {
    return f(k, std::forward<V>(v));
  } else {
    return f(std::forward<V>(v));
  }
}

template <class F, class K, class V>
using kv_result_t = decltype(call_kv(std::declval<F&>(), std::declval<const K&>(), std::declval<V>()));

template <class F, class K, class V>
concept kv_predicate = kv_invocable<F, K, const V&> &&
                       std::convertible_to<kv_result_t<F, K, const V&>, bool>;

template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

}  // namespace fjord::streams
