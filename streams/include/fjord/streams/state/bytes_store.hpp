// fjord-streams: the byte-level state store every typed store is built on.
//
// A bytes_store is an ordered map from byte strings to byte strings, owned by exactly one
// task (so it is used by one thread at a time and needs no locking). Keys compare as
// unsigned bytes (memcmp order, RocksDB's default comparator), which is why every typed
// key layout in state/ is big-endian: range scans then follow numeric order.
//
// Implementations: state/memory/memory_bytes_store.hpp (std::map) and
// state/rocksdb/rocksdb_bytes_store.hpp (one column family of the store's RocksDB
// instance). A store's storage is a store_backend (state/store_backend.hpp): a main
// bytes_store plus, for window and session stores, one bytes_store per time segment.
//
// Durability contract: after flush() returns, everything put so far survives a process
// crash (RocksDB: memtable flushed, WAL disabled because the changelog is the log).
// In-memory stores lose everything on restart and are restored from their changelog.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fjord/streams/error.hpp"

namespace fjord::streams {

// Return false to stop an iteration early.
using bytes_visitor = std::function<bool(std::string_view key, std::string_view value)>;

class bytes_store {
 public:
  virtual ~bytes_store() = default;

  virtual std::optional<std::string> get(std::string_view key) = 0;
  virtual void put(std::string_view key, std::string_view value) = 0;
  virtual void remove(std::string_view key) = 0;
  // Visits keys in [from, to) in ascending order; an empty `to` means "to the end".
  virtual void range(std::string_view from, std::string_view to, const bytes_visitor& visit) = 0;
  virtual void flush() = 0;
  virtual std::uint64_t approximate_entries() = 0;
  virtual std::uint64_t approximate_bytes() = 0;
  // Removes every entry. Files, if any, are the owning store_backend's business.
  virtual void destroy() = 0;
};

// Receives every write a logged store makes, so the runtime can append it to the store's
// changelog topic (key = the store key bytes; value nullopt = tombstone). The test driver
// records them in an in-memory topic.
class changelog_writer {
 public:
  virtual ~changelog_writer() = default;
  virtual void log(std::string_view store_name, std::string_view key,
                   std::optional<std::string_view> value) = 0;
};

}  // namespace fjord::streams
