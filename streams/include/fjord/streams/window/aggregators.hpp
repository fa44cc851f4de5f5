// fjord-streams: what count, reduce and aggregate do to one aggregate — the only part
// in which they differ. Every aggregation node (unwindowed, time, sliding, session) is
// written once against this interface and instantiated with one of the three.
//
// An aggregator A for input values V and results R provides:
//   using result_type = R;
//   std::optional<R> initial();                 // aggregate/count: init(); reduce: nullopt
//   R add(const K&, const V&, std::optional<R>&& agg);   // agg nullopt only for reduce
//   R merge(const K&, R&& a, R&& b);            // session windows only
// They are plain class templates over the user's callables: no std::function, no
// virtual call per record.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

namespace fjord::streams {

// count(): the number of records.
struct count_aggregator {
  using result_type = std::int64_t;
  std::optional<std::int64_t> initial() const { return std::int64_t{0}; }
  template <class K, class V>
  std::int64_t add(const K&, const V&, std::optional<std::int64_t>&& agg) const {
    return agg.value_or(0) + 1;
  }
  template <class K>
  std::int64_t merge(const K&, std::int64_t a, std::int64_t b) const {
    return a + b;
  }
};

// reduce(f): the first value, then f(agg, v) (or f(key, agg, v)); sessions merge with f.
template <class V, class F>
struct reduce_aggregator {
  using result_type = V;
  F f;
  std::optional<V> initial() const { return std::nullopt; }
  template <class K>
  V add(const K& k, const V& v, std::optional<V>&& agg) {
    if (!agg) return v;
    return call(k, std::move(*agg), v);
  }
  template <class K>
  V merge(const K& k, V&& a, V&& b) {
    return call(k, std::move(a), std::move(b));
  }

 private:
  template <class K, class B>
  V call(const K& k, V&& a, B&& b) {
    if constexpr (std::is_invocable_v<F&, const K&, V&&, B&&>) {
      return f(k, std::move(a), std::forward<B>(b));
    } else {
      return f(std::move(a), std::forward<B>(b));
    }
  }
};

// Merging two session aggregates is not possible without a merger (aggregate on time
// windows and unwindowed grouping need none).
struct no_merger {};

// aggregate(init, adder[, merger]): init() once per key/window, then adder(key, v, agg).
template <class R, class I, class F, class M = no_merger>
struct aggregate_aggregator {
  using result_type = R;
  I init;
  F adder;
  M merger{};
  std::optional<R> initial() { return R(init()); }
  template <class K, class V>
  R add(const K& k, const V& v, std::optional<R>&& agg) {
    return adder(k, v, agg ? std::move(*agg) : R(init()));
  }
  template <class K>
  R merge(const K& k, R&& a, R&& b) {
    static_assert(!std::is_same_v<M, no_merger>, "session aggregate needs a merger");
    return merger(k, std::move(a), std::move(b));
  }
};

}  // namespace fjord::streams
