// fjord-streams: the storage behind one state store: a main keyspace plus time segments.
//
// A store_backend owns every byte of one (task, store) pair. Key-value stores use only
// main(); window and session stores use one keyspace per time segment (segment id =
// floor(time / segment_interval)), so expiring old data drops a whole segment at once
// (RocksDB: DropColumnFamily; memory: erase one std::map) instead of deleting key by key.
//
// Invariants:
//   * single-threaded: a backend belongs to one task (no locking);
//   * segments below the expiry watermark (see drop_segments_before) are never recreated:
//     writes aimed at them are dropped, so replaying an old changelog record cannot
//     resurrect expired data;
//   * segment_ids() is ascending.
//
// Implementations: memory/memory_store_backend.hpp, rocksdb/rocksdb_store_backend.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "fjord/streams/state/bytes_store.hpp"

namespace fjord::streams {

class store_backend {
 public:
  virtual ~store_backend() = default;

  // The unsegmented keyspace (key-value stores). Always exists.
  virtual bytes_store& main() = 0;
  // The segment with this id, or nullptr when it does not exist.
  virtual bytes_store* find_segment(std::int64_t id) = 0;
  // The segment with this id, created when missing; nullptr when the id is below the
  // expiry watermark (the segment was already expired).
  virtual bytes_store* get_or_create_segment(std::int64_t id) = 0;
  // Ids of the existing segments, ascending.
  virtual std::vector<std::int64_t> segment_ids() = 0;
  // Drops every segment whose id < first_live and raises the expiry watermark to
  // first_live (it never goes down).
  virtual void drop_segments_before(std::int64_t first_live) = 0;

  // Makes everything written so far durable (no-op in memory).
  virtual void flush() = 0;
  // Sum over main() and all segments (RocksDB: an estimate).
  virtual std::uint64_t approximate_entries() = 0;
  // Deletes everything (RocksDB: the files too) and leaves the backend open and empty,
  // expiry watermark reset. main() keeps its identity, so typed handles stay valid.
  virtual void wipe() = 0;
  // Releases the storage (RocksDB: flushes and closes the DB; the files stay).
  // Idempotent. The backend is unusable afterwards.
  virtual void close() = 0;
};

// Entries in the segments only (window and session stores keep no user data in main()).
inline std::uint64_t approximate_segment_entries(store_backend& b) {
  std::uint64_t n = 0;
  for (std::int64_t id : b.segment_ids()) {
    if (bytes_store* seg = b.find_segment(id)) n += seg->approximate_entries();
  }
  return n;
}

}  // namespace fjord::streams
