// fjord-streams: the type-erased blueprint a topology compiles to.
//
// The DSL appends one node_spec per operator; a task instantiates the specs of its
// sub-topology. A sub-topology is a connected component of the graph once repartition
// topics are cut: everything in it runs in one task per partition, on one thread, with
// no topic in between. Nodes are appended parents-first, so ids are a topological order.
//
// Invariants: node ids are indices into nodes(); every parent id is smaller than its
// child's; a topic is the source of at most one source node; store names are unique.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/processor/node.hpp"
#include "fjord/streams/state/store_spec.hpp"

namespace fjord::streams {

class task_context;

// One record as it arrives from a topic: bytes, not yet decoded.
struct raw_record {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  timestamp_ms timestamp = 0;
  header_list headers;
};

// Implemented by source nodes: decode and forward.
class raw_input {
 public:
  virtual ~raw_input() = default;
  virtual void process_raw(const raw_record& r) = 0;
};

struct node_spec {
  int id = 0;
  std::string name;                  // "filter#3", for error messages
  std::vector<int> parents;          // edges inside a sub-topology
  std::vector<std::string> stores;   // stores this node reads or writes
  std::string source_topic;          // set for source nodes
  std::string sink_topic;            // set for sink nodes
  bool key_changed = false;          // records may no longer be partitioned by their key
  std::function<std::unique_ptr<node_base>(task_context&)> create;
  // Wires this node's inputs to its parents' outputs (nodes indexed by id).
  std::function<void(node_base& self, const std::vector<node_base*>& nodes)> connect;
};

// A topic the application creates and owns.
struct internal_topic {
  std::string name;
  enum class kind { repartition, changelog } type = kind::repartition;
  std::optional<std::int32_t> partitions;  // nullopt: as many as the upstream sources have
  int upstream_subtopology = -1;           // repartition: the sub-topology writing it
  std::string store;                       // changelog: the store it backs
};

struct subtopology {
  int id = 0;
  std::vector<int> nodes;                 // ascending ids
  std::vector<std::string> source_topics; // user and repartition topics, co-partitioned
  std::vector<std::string> stores;
  std::vector<std::string> sink_topics;
};

class graph {
 public:
  explicit graph(std::string application_id) : application_id_(std::move(application_id)) {}

  const std::string& application_id() const { return application_id_; }
  const std::vector<node_spec>& nodes() const { return nodes_; }
  const node_spec& node(int id) const { return nodes_.at(static_cast<std::size_t>(id)); }

  // Appends a node; returns its id. Throws streams_error when a topic is used as a
  // source twice.
  int add(node_spec spec) {
    spec.id = static_cast<int>(nodes_.size());
    for (int p : spec.parents) {
      if (p < 0 || p >= spec.id) throw streams_error("node " + spec.name + ": bad parent");
    }
    if (!spec.source_topic.empty()) {
      if (!source_topics_.insert(spec.source_topic).second) {
        throw streams_error("topic '" + spec.source_topic +
                            "' is read twice: call stream()/table() once and reuse the result");
      }
    }
    nodes_.push_back(std::move(spec));
    return nodes_.back().id;
  }
  node_spec& mutable_node(int id) { return nodes_.at(static_cast<std::size_t>(id)); }

  // Declares a store; throws on a duplicate name.
  void add_store(store_def def) {
    if (def.name.empty()) throw streams_error("a store needs a name");
    if (stores_.contains(def.name)) {
      throw streams_error("store name '" + def.name + "' is used twice in the topology");
    }
    stores_.emplace(def.name, std::move(def));
  }
  const std::map<std::string, store_def>& stores() const { return stores_; }
  const store_def& store(const std::string& name) const {
    auto it = stores_.find(name);
    if (it == stores_.end()) throw streams_error("unknown store '" + name + "'");
    return it->second;
  }

  void add_internal_topic(internal_topic t) {
    for (const auto& e : internal_topics_) {
      if (e.name == t.name) throw streams_error("internal topic name '" + t.name + "' is used twice");
    }
    internal_topics_.push_back(std::move(t));
  }
  // Repartition topics, plus one changelog per logged store (computed).
  std::vector<internal_topic> internal_topics() const {
    std::vector<internal_topic> all = internal_topics_;
    const auto subs = subtopologies();
    for (const auto& s : subs) {
      for (const auto& name : s.stores) {
        if (!stores_.at(name).logged) continue;
        all.push_back({application_id_ + "-" + name + "-changelog", internal_topic::kind::changelog,
                       std::nullopt, s.id, name});
      }
    }
    for (auto& t : all) {
      if (t.type == internal_topic::kind::repartition) {
        for (const auto& s : subs) {
          if (std::count(s.sink_topics.begin(), s.sink_topics.end(), t.name)) t.upstream_subtopology = s.id;
        }
      }
    }
    return all;
  }
  bool is_internal(const std::string& topic) const {
    return std::any_of(internal_topics_.begin(), internal_topics_.end(),
                       [&](const internal_topic& t) { return t.name == topic; });
  }

  // Connected components of the parent edges (repartition hops are not edges; a store
  // shared by two nodes is). Numbered in order of their smallest node id.
  std::vector<subtopology> subtopologies() const {
    const std::size_t n = nodes_.size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::size_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    auto unite = [&](std::size_t a, std::size_t b) { parent[find(a)] = find(b); };
    std::map<std::string, std::size_t> store_owner;
    for (const auto& spec : nodes_) {
      for (int p : spec.parents) unite(static_cast<std::size_t>(spec.id), static_cast<std::size_t>(p));
      for (const auto& s : spec.stores) {
        auto [it, fresh] = store_owner.emplace(s, static_cast<std::size_t>(spec.id));
        if (!fresh) unite(it->second, static_cast<std::size_t>(spec.id));
      }
    }
    std::map<std::size_t, int> number;
    std::vector<subtopology> subs;
    for (const auto& spec : nodes_) {
      const std::size_t root = find(static_cast<std::size_t>(spec.id));
      auto [it, fresh] = number.emplace(root, static_cast<int>(subs.size()));
      if (fresh) {
        subs.emplace_back();
        subs.back().id = it->second;
      }
      auto& s = subs[static_cast<std::size_t>(it->second)];
      s.nodes.push_back(spec.id);
      if (!spec.source_topic.empty()) s.source_topics.push_back(spec.source_topic);
      if (!spec.sink_topic.empty()) s.sink_topics.push_back(spec.sink_topic);
      for (const auto& st : spec.stores) {
        if (std::find(s.stores.begin(), s.stores.end(), st) == s.stores.end()) s.stores.push_back(st);
      }
    }
    return subs;
  }

 private:
  std::string application_id_;
  std::vector<node_spec> nodes_;
  std::set<std::string> source_topics_;
  std::map<std::string, store_def> stores_;
  std::vector<internal_topic> internal_topics_;
};

}  // namespace fjord::streams
