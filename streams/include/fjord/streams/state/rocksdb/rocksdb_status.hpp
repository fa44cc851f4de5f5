// fjord-streams: turning a RocksDB status into the library's failure policy.
//
// Any RocksDB failure (open, put, get, delete, iterate, flush, column family changes)
// throws streams_error naming the store and the operation. At open time that is a
// start-up failure; on the data path a failed local-disk operation is a broken invariant
// we cannot skip past without corrupting state, so it fails the task (the runtime closes
// it; a restart restores from the changelog).
#pragma once

#include <string>
#include <string_view>

#include <rocksdb/status.h>

#include "fjord/streams/error.hpp"

namespace fjord::streams::detail {

inline void check_rocksdb(const rocksdb::Status& s, std::string_view store, std::string_view op) {
  if (!s.ok()) {
    throw streams_error("state store '" + std::string(store) + "': RocksDB " + std::string(op) +
                        " failed: " + s.ToString());
  }
}

}  // namespace fjord::streams::detail
