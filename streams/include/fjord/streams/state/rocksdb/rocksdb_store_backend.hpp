// fjord-streams: the RocksDB store_backend: one rocksdb::DB per (task, store).
//
// Owns the DB at `dir` (state.dir/<application.id>/<task id>/<store>) and its column
// family handles: "default" is the main keyspace (key-value stores); window and session
// stores keep each time segment in a column family named "segment.<id>" (id = floor(time /
// segment_interval), decimal, may be negative), so expiry is one DropColumnFamily.
//
// Options: the application's shared rocksdb_budget supplies the block cache (index and
// filter blocks cached too, at high priority) and the WriteBufferManager charged to it;
// WAL disabled on every write (the changelog is the log); create_if_missing and
// create_missing_column_families. An open failure throws streams_error with RocksDB's
// status (start-up failure, e.g. the directory is locked by another live instance).
// Handles are wrapped in unique_ptr as soon as RocksDB returns them; they are destroyed
// before the DB (member order).
#pragma once

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include "fjord/streams/state/rocksdb/rocksdb_budget.hpp"
#include "fjord/streams/state/rocksdb/rocksdb_bytes_store.hpp"
#include "fjord/streams/state/rocksdb/rocksdb_status.hpp"
#include "fjord/streams/state/store_backend.hpp"

namespace fjord::streams {

class rocksdb_store_backend final : public store_backend {
 public:
  rocksdb_store_backend(std::filesystem::path dir, std::string store_name, const rocksdb_budget& budget)
      : name_(std::move(store_name)), dir_(std::move(dir)), options_(make_options(budget)) {
    open_db();
  }

  ~rocksdb_store_backend() override {
    try {
      close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw; close() explicitly to see errors
    }
  }

  rocksdb_store_backend(const rocksdb_store_backend&) = delete;
  rocksdb_store_backend& operator=(const rocksdb_store_backend&) = delete;

  bytes_store& main() override { return *main_; }

  bytes_store* find_segment(std::int64_t id) override {
    auto it = segments_.find(id);
    return it == segments_.end() ? nullptr : it->second.store.get();
  }

  bytes_store* get_or_create_segment(std::int64_t id) override {
    if (id < first_live_) return nullptr;
    if (auto* s = find_segment(id)) return s;
    rocksdb::ColumnFamilyHandle* raw = nullptr;
    const auto s = db_->CreateColumnFamily(options_, segment_name(id), &raw);
    std::unique_ptr<rocksdb::ColumnFamilyHandle> handle(raw);
    detail::check_rocksdb(s, name_, "create column family " + segment_name(id));
    return add_segment(id, std::move(handle));
  }

  std::vector<std::int64_t> segment_ids() override {
    std::vector<std::int64_t> ids;
    ids.reserve(segments_.size());
    for (const auto& [id, seg] : segments_) ids.push_back(id);
    return ids;
  }

  void drop_segments_before(std::int64_t first_live) override {
    if (first_live <= first_live_) return;
    first_live_ = first_live;
    while (!segments_.empty() && segments_.begin()->first < first_live) {
      auto node = segments_.extract(segments_.begin());
      detail::check_rocksdb(db_->DropColumnFamily(node.mapped().cf.get()), name_,
                            "drop column family " + segment_name(node.key()));
    }
  }

  void flush() override {
    if (!db_) return;
    std::vector<rocksdb::ColumnFamilyHandle*> cfs{default_cf_.get()};
    for (const auto& [id, seg] : segments_) cfs.push_back(seg.cf.get());
    rocksdb::FlushOptions fo;
    fo.wait = true;
    detail::check_rocksdb(db_->Flush(fo, cfs), name_, "flush");
  }

  std::uint64_t approximate_entries() override {
    std::uint64_t n = main_->approximate_entries();
    for (const auto& [id, seg] : segments_) n += seg.store->approximate_entries();
    return n;
  }

  // Closes the DB, deletes its directory and opens a fresh, empty one.
  void wipe() override {
    close_db(/*flush_first=*/false);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    if (ec) throw streams_error("state store '" + name_ + "': cannot delete " + dir_.string() + ": " + ec.message());
    first_live_ = std::numeric_limits<std::int64_t>::min();
    open_db();
  }

  // Flushes, releases the handles and closes the DB (releasing its LOCK file).
  void close() override { close_db(/*flush_first=*/true); }

  const std::filesystem::path& dir() const noexcept { return dir_; }

  // The block cache this DB's tables actually use (tests check it is the shared one).
  const rocksdb::Cache* block_cache() const {
    const auto* t = db_->GetOptions(default_cf_.get()).table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    return t == nullptr ? nullptr : t->block_cache.get();
  }
  const rocksdb::WriteBufferManager* write_buffer_manager() const {
    return db_->GetDBOptions().write_buffer_manager.get();
  }

  static std::string segment_name(std::int64_t id) { return "segment." + std::to_string(id); }

  static std::optional<std::int64_t> parse_segment_name(std::string_view cf) {
    constexpr std::string_view prefix = "segment.";
    if (cf.substr(0, prefix.size()) != prefix) return std::nullopt;
    const std::string_view digits = cf.substr(prefix.size());
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
    return id;
  }

 private:
  struct segment {
    std::unique_ptr<rocksdb::ColumnFamilyHandle> cf;
    std::unique_ptr<rocksdb_bytes_store> store;
  };

  void close_db(bool flush_first) {
    if (!db_) return;
    if (flush_first) flush();
    segments_.clear();
    default_cf_.reset();
    const auto s = db_->Close();
    db_.reset();
    detail::check_rocksdb(s, name_, "close");
  }

  void open_db() {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw streams_error("state store '" + name_ + "': cannot create " + dir_.string() + ": " + ec.message());

    std::vector<std::string> families;
    if (std::filesystem::exists(dir_ / "CURRENT")) {
      detail::check_rocksdb(rocksdb::DB::ListColumnFamilies(options_, dir_.string(), &families), name_,
                            "list column families");
    }
    if (families.empty()) families.push_back(rocksdb::kDefaultColumnFamilyName);

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& f : families) descriptors.emplace_back(f, options_);
    std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
    rocksdb::DB* raw_db = nullptr;
    const auto s = rocksdb::DB::Open(options_, dir_.string(), descriptors, &raw_handles, &raw_db);
    db_.reset(raw_db);
    std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles;
    for (auto* h : raw_handles) handles.emplace_back(h);
    detail::check_rocksdb(s, name_, "open of " + dir_.string());

    for (std::size_t i = 0; i < families.size(); ++i) {
      if (families[i] == rocksdb::kDefaultColumnFamilyName) {
        default_cf_ = std::move(handles[i]);
        continue;
      }
      const auto id = parse_segment_name(families[i]);
      if (!id) {
        throw streams_error("state store '" + name_ + "': unexpected column family '" + families[i] + "' in " +
                            dir_.string());
      }
      add_segment(*id, std::move(handles[i]));
    }
    if (main_) {
      main_->rebind(*db_, *default_cf_);
    } else {
      main_ = std::make_unique<rocksdb_bytes_store>(*db_, *default_cf_, name_);
    }
  }

  static rocksdb::Options make_options(const rocksdb_budget& budget) {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.create_missing_column_families = true;
    o.write_buffer_manager = budget.write_buffer_manager();
    o.write_buffer_size = budget.write_buffer_size();
    o.keep_log_file_num = 2;
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = budget.cache();
    t.cache_index_and_filter_blocks = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
    t.pin_top_level_index_and_filter = true;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    return o;
  }

  bytes_store* add_segment(std::int64_t id, std::unique_ptr<rocksdb::ColumnFamilyHandle> cf) {
    auto store = std::make_unique<rocksdb_bytes_store>(*db_, *cf, name_);
    auto& seg = segments_[id];
    seg.cf = std::move(cf);
    seg.store = std::move(store);
    return seg.store.get();
  }

  std::string name_;
  std::filesystem::path dir_;
  rocksdb::Options options_;
  std::unique_ptr<rocksdb::DB> db_;  // declared before the handles: destroyed after them
  std::unique_ptr<rocksdb::ColumnFamilyHandle> default_cf_;
  std::map<std::int64_t, segment> segments_;
  std::unique_ptr<rocksdb_bytes_store> main_;
  std::int64_t first_live_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace fjord::streams
