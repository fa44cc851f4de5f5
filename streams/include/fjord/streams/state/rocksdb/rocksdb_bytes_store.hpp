// fjord-streams: the RocksDB bytes_store: one column family of one rocksdb::DB.
//
// A non-owning view: the rocksdb_store_backend owns the DB (one per task and store) and
// the column family handles (the default family is the main keyspace, one family per time
// segment). Writes skip the WAL (WriteOptions::disableWAL): the changelog topic is the
// log, and flush() + the checkpoint file bound what a crash can lose. Failures throw
// streams_error (rocksdb_status.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <rocksdb/db.h>

#include "fjord/streams/state/bytes_store.hpp"
#include "fjord/streams/state/rocksdb/rocksdb_status.hpp"

namespace fjord::streams {

class rocksdb_bytes_store final : public bytes_store {
 public:
  rocksdb_bytes_store(rocksdb::DB& db, rocksdb::ColumnFamilyHandle& cf, std::string store_name)
      : db_(&db), cf_(&cf), name_(std::move(store_name)) {
    write_.disableWAL = true;
  }

  rocksdb::ColumnFamilyHandle& column_family() const noexcept { return *cf_; }
  // Points this view at another DB / column family (the backend reopened after a wipe).
  void rebind(rocksdb::DB& db, rocksdb::ColumnFamilyHandle& cf) noexcept {
    db_ = &db;
    cf_ = &cf;
  }

  std::optional<std::string> get(std::string_view key) override {
    std::string value;
    const auto s = db_->Get(rocksdb::ReadOptions(), cf_, to_slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    detail::check_rocksdb(s, name_, "get");
    return value;
  }

  void put(std::string_view key, std::string_view value) override {
    detail::check_rocksdb(db_->Put(write_, cf_, to_slice(key), to_slice(value)), name_, "put");
  }

  void remove(std::string_view key) override {
    detail::check_rocksdb(db_->Delete(write_, cf_, to_slice(key)), name_, "delete");
  }

  void range(std::string_view from, std::string_view to, const bytes_visitor& visit) override {
    rocksdb::ReadOptions ro;
    const rocksdb::Slice upper = to_slice(to);
    if (!to.empty()) ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
    for (it->Seek(to_slice(from)); it->Valid(); it->Next()) {
      const auto k = it->key();
      const auto v = it->value();
      if (!visit(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
    }
    detail::check_rocksdb(it->status(), name_, "iterate");
  }

  void flush() override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    detail::check_rocksdb(db_->Flush(fo, cf_), name_, "flush");
  }

  std::uint64_t approximate_entries() override {
    std::uint64_t n = 0;
    db_->GetIntProperty(cf_, "rocksdb.estimate-num-keys", &n);
    return n;
  }

  std::uint64_t approximate_bytes() override {
    std::uint64_t live = 0;
    std::uint64_t mem = 0;
    db_->GetIntProperty(cf_, "rocksdb.estimate-live-data-size", &live);
    db_->GetIntProperty(cf_, "rocksdb.cur-size-all-mem-tables", &mem);
    return live + mem;
  }

  // Deletes every entry of this column family (the backend deletes files).
  void destroy() override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_));
    it->SeekToFirst();
    if (!it->Valid()) return;
    const std::string first = it->key().ToString();
    it->SeekToLast();
    std::string last = it->key().ToString();
    detail::check_rocksdb(it->status(), name_, "iterate");
    it.reset();
    last.push_back('\0');  // DeleteRange's end is exclusive
    detail::check_rocksdb(db_->DeleteRange(write_, cf_, first, last), name_, "delete range");
  }

 private:
  static rocksdb::Slice to_slice(std::string_view s) { return {s.data(), s.size()}; }

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  std::string name_;
  rocksdb::WriteOptions write_;
};

}  // namespace fjord::streams
