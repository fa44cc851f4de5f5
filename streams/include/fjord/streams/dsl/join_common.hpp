// fjord-streams: what the inner, left and outer variants of every join share.
//
// Owns `join_mode`, the rule "does this pair of (maybe absent) sides produce a result"
// (`join_has_result`), the one place the user's joiner is called with the argument forms
// of a mode (`call_joiner`: inner (const A&, const B&), left (const A&, const B*), outer
// (const A*, const B*)), and the two-input node plumbing (`join_port`, `connect_two`) used
// by joins whose two parents feed one node. A join variant is a template argument of one
// core, never a copy of it.
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/processor/node.hpp"

namespace fjord::streams {

enum class join_mode { inner, left, outer };

// Whether a key with these sides present has a join result.
template <join_mode M>
constexpr bool join_has_result(bool left_present, bool right_present) {
  if constexpr (M == join_mode::inner) return left_present && right_present;
  if constexpr (M == join_mode::left) return left_present;
  return left_present || right_present;
}

// REQUIRES: join_has_result<M>(l != nullptr, r != nullptr).
template <join_mode M, class R, class J, class A, class B>
R call_joiner(J& joiner, const A* l, const B* r) {
  if constexpr (M == join_mode::inner) {
    return joiner(*l, *r);
  } else if constexpr (M == join_mode::left) {
    return joiner(*l, r);
  } else {
    return joiner(l, r);
  }
}

// The joiner's result type for mode M over sides A and B.
template <join_mode M, class J, class A, class B>
struct joiner_result;
template <class J, class A, class B>
struct joiner_result<join_mode::inner, J, A, B> {
  using type = std::decay_t<std::invoke_result_t<J&, const A&, const B&>>;
};
template <class J, class A, class B>
struct joiner_result<join_mode::left, J, A, B> {
  using type = std::decay_t<std::invoke_result_t<J&, const A&, const B*>>;
};
template <class J, class A, class B>
struct joiner_result<join_mode::outer, J, A, B> {
  using type = std::decay_t<std::invoke_result_t<J&, const A*, const B*>>;
};
template <join_mode M, class J, class A, class B>
using joiner_result_t = typename joiner_result<M, J, A, B>::type;

// One input of a two-input node: forwards to owner.on_left / owner.on_right.
template <class Owner, class K, class V, bool Left>
class join_port final : public input<K, V> {
 public:
  explicit join_port(Owner& owner) : owner_(owner) {}
  void process(record<K, V>&& r) override {
    if constexpr (Left) {
      owner_.on_left(std::move(r));
    } else {
      owner_.on_right(std::move(r));
    }
  }

 private:
  Owner& owner_;
};

// Wires node `self` (a Node with left_port() and right_port()) to the outputs of parents
// `left` (record<K, A>) and `right` (record<K, B>).
template <class Node, class K, class A, class B>
auto connect_two(int left, int right) {
  return [left, right](node_base& self, const std::vector<node_base*>& nodes) {
    auto* node = dynamic_cast<Node*>(&self);
    auto* lo = dynamic_cast<output<K, A>*>(nodes.at(static_cast<std::size_t>(left)));
    auto* ro = dynamic_cast<output<K, B>*>(nodes.at(static_cast<std::size_t>(right)));
    if (node == nullptr || lo == nullptr || ro == nullptr) throw streams_error("topology wiring: join port types differ");
    lo->add_child(&node->left_port());
    ro->add_child(&node->right_port());
  };
}

}  // namespace fjord::streams
