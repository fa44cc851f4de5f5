// fjord-streams: the nodes behind the stateless DSL operators.
//
// `step_node` runs one function per record, `step(record&&, output&)`, which forwards
// zero or more records: filter, map, flat_map, peek and friends are each a small lambda
// given to it (see dsl/stream.hpp). `branch_node` sends each record to the first branch
// whose predicate holds (or the last, "no match" output); `merge_node` passes records of
// two parents to one output. None keeps state.
#pragma once

#include <tuple>
#include <utility>
#include <vector>

#include "fjord/streams/dsl/callable.hpp"
#include "fjord/streams/processor/node.hpp"

namespace fjord::streams {

template <class KIn, class VIn, class KOut, class VOut, class Step>
class step_node final : public transform_node<KIn, VIn, KOut, VOut> {
 public:
  explicit step_node(Step step) : step_(std::move(step)) {}
  void process(record<KIn, VIn>&& r) override { step_(std::move(r), static_cast<output<KOut, VOut>&>(*this)); }

 private:
  Step step_;
};

template <class K, class V>
class identity_node final : public transform_node<K, V, K, V> {
 public:
  void process(record<K, V>&& r) override { this->forward(std::move(r)); }
};

// The outputs of a branch node, whatever its predicates' types.
template <class K, class V>
class branch_outputs {
 public:
  virtual ~branch_outputs() = default;
  virtual output<K, V>& out(std::size_t i) = 0;
};

// One input, N predicates, N + 1 outputs (the last takes records no predicate accepted).
template <class K, class V, class... Preds>
class branch_node final : public node_base, public input<K, V>, public branch_outputs<K, V> {
 public:
  explicit branch_node(std::tuple<Preds...> preds) : preds_(std::move(preds)), outs_(sizeof...(Preds) + 1) {}
  output<K, V>& out(std::size_t i) override { return outs_.at(i); }

  void process(record<K, V>&& r) override {
    std::size_t chosen = sizeof...(Preds);
    choose<0>(r, chosen);
    outs_[chosen].forward(std::move(r));
  }

 private:
  template <std::size_t I>
  void choose(const record<K, V>& r, std::size_t& chosen) {
    if constexpr (I < sizeof...(Preds)) {
      if (call_kv(std::get<I>(preds_), r.key, r.value)) {
        chosen = I;
        return;
      }
      choose<I + 1>(r, chosen);
    }
  }

  std::tuple<Preds...> preds_;
  std::vector<output<K, V>> outs_;
};

}  // namespace fjord::streams
