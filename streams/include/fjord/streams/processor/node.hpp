// fjord-streams: the runtime shape of an operator.
//
// A task instantiates one node per operator of its sub-topology. Records flow through
// typed ports: a node that consumes record<K, V> exposes an `input<K, V>`; a node that
// produces record<K, V> is an `output<K, V>` and forwards to its children's inputs.
// Forwarding is a direct virtual call, so a sub-topology is a chain of calls on one
// thread with no queue between operators. The last child receives the record by move,
// the others a copy.
//
// Invariant: a node is used by one thread (its task's) at a time.
#pragma once

#include <utility>
#include <vector>

#include "fjord/streams/record.hpp"

namespace fjord::streams {

class task_context;

class node_base {
 public:
  virtual ~node_base() = default;
  // Called once, after every node of the task exists and is connected, in topological
  // order (parents first). Stores are open by then.
  virtual void init(task_context&) {}
  // Called before a commit: push out anything buffered (nodes hold no buffers today).
  virtual void flush() {}
  virtual void close() {}
};

template <class K, class V>
class input {
 public:
  virtual ~input() = default;
  virtual void process(record<K, V>&& r) = 0;
};

template <class K, class V>
class output {
 public:
  virtual ~output() = default;
  void add_child(input<K, V>* child) { children_.push_back(child); }

  void forward(record<K, V>&& r) {
    const std::size_t n = children_.size();
    if (n == 0) return;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      record<K, V> copy = r;
      children_[i]->process(std::move(copy));
    }
    children_[n - 1]->process(std::move(r));
  }

 private:
  std::vector<input<K, V>*> children_;
};

// The common case: one input, one output.
template <class KIn, class VIn, class KOut, class VOut>
class transform_node : public node_base, public input<KIn, VIn>, public output<KOut, VOut> {};

}  // namespace fjord::streams
