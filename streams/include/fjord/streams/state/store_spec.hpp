// fjord-streams: how a topology declares a state store, and the per-task registry that
// opens them.
//
// The DSL takes a store spec (`store::rocksdb{"counts"}` or `store::in_memory{"counts"}`);
// the operator that owns the store completes it (kind, retention, segment interval) into a
// `store_def`. A task opens each of its stores through its `state_manager`, which knows
// where state lives (`state.dir/<application.id>/<task id>/<store>/`), which changelog
// topic backs each store (`<application.id>-<store>-changelog`, partition = the task's
// partition), the one shared RocksDB memory budget, and the checkpoint file.
#pragma once

#include <cstdint>
#include <string>

#include "fjord/streams/record.hpp"

namespace fjord::streams {

namespace store {
// A RocksDB-backed store (persistent; survives restarts, restored only past its checkpoint).
struct rocksdb {
  std::string name;
  bool logged = true;  // false: no changelog topic (state is lost with the disk)
};
// An in-memory store (restored from its changelog from the beginning on every assignment).
struct in_memory {
  std::string name;
  bool logged = true;
};
}  // namespace store

template <class S>
concept store_spec = std::same_as<S, store::rocksdb> || std::same_as<S, store::in_memory>;

enum class store_kind { key_value, window, session };

// Everything needed to open one store. Names are unique within a topology.
struct store_def {
  std::string name;
  store_kind kind = store_kind::key_value;
  bool persistent = true;  // RocksDB (true) or memory (false)
  bool logged = true;      // backed by a changelog topic
  // window / session stores only: windows (sessions) whose end is before
  // stream time - retention are dropped; segments are `segment_interval` wide.
  millis retention{0};
  millis segment_interval{0};
  // window stores only: keep every put for the same (key, window start) (stream-stream
  // join buffers), instead of overwriting.
  bool retain_duplicates = false;
};

template <store_spec S>
store_def make_store_def(const S& spec, store_kind kind) {
  return store_def{.name = spec.name,
                   .kind = kind,
                   .persistent = std::same_as<S, store::rocksdb>,
                   .logged = spec.logged};
}

}  // namespace fjord::streams
