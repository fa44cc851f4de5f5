// fjord-streams: the ONE RocksDB memory budget of an application (pain point 3).
//
// A rocksdb_budget owns one LRU block cache of `memory_budget_bytes` and one
// WriteBufferManager whose memtable memory (at most half the budget) is charged to that
// same cache. Every RocksDB store of every task of the application shares one budget
// (the runtime creates it once and hands it to each task's state_manager), so total
// RocksDB memory (blocks + index/filter blocks + memtables) stays near that single knob,
// however many stores and tasks there are. The cache is not strict: a read never fails
// for lack of memory, it may overshoot briefly. Thread-safe (RocksDB's cache and write
// buffer manager are).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>

#include <rocksdb/cache.h>
#include <rocksdb/write_buffer_manager.h>

namespace fjord::streams {

class rocksdb_budget {
 public:
  static constexpr std::size_t default_memory_budget_bytes = std::size_t{64} << 20;  // 64 MiB

  explicit rocksdb_budget(std::size_t memory_budget_bytes = default_memory_budget_bytes)
      : bytes_(std::max<std::size_t>(memory_budget_bytes, std::size_t{1} << 20)),
        // 10% high-priority pool for index and filter blocks (cached, pinned at top level).
        cache_(rocksdb::NewLRUCache(bytes_, /*num_shard_bits=*/-1, /*strict_capacity_limit=*/false,
                                    /*high_pri_pool_ratio=*/0.1)),
        wbm_(std::make_shared<rocksdb::WriteBufferManager>(bytes_ / 2, cache_)) {}

  std::size_t memory_budget_bytes() const noexcept { return bytes_; }
  const std::shared_ptr<rocksdb::Cache>& cache() const noexcept { return cache_; }
  const std::shared_ptr<rocksdb::WriteBufferManager>& write_buffer_manager() const noexcept { return wbm_; }
  // Bytes currently charged to the shared cache (blocks + memtables).
  std::size_t usage() const { return cache_->GetUsage(); }
  // Size of one memtable for each column family: small enough that many stores fit the
  // budget (the WriteBufferManager flushes earlier when their sum gets too large).
  std::size_t write_buffer_size() const noexcept {
    return std::clamp<std::size_t>(bytes_ / 8, std::size_t{1} << 20, std::size_t{64} << 20);
  }

 private:
  std::size_t bytes_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> wbm_;
};

}  // namespace fjord::streams
