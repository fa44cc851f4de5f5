// fjord-streams: the per-task registry of state stores.
//
// One state_manager per task. It opens the task's stores (RocksDB in
// state_dir/<application_id>/<task_id>/<store>/, or in memory), hands out typed store
// handles (cheap views, valid until close()), routes every write of a logged store to the
// task's changelog_writer, applies changelog records during restore without re-logging
// them, and owns the task's checkpoint file (checkpoint_file.hpp).
//
// Restore contract for the runtime, per logged store after open():
//   offset = checkpointed_offset(store) (nullopt → from the beginning); feed every
//   changelog record from there through restore(); on "offset out of range" call
//   wipe(store) and restore from the beginning. On commit: flush() then checkpoint().
// A persistent logged store opened without a valid checkpoint entry (file absent, corrupt,
// or no line for it) is wiped first: its local files reflect an unknown changelog
// position, and restoring from the beginning into an empty store is always correct.
// Persistent unlogged stores are never wiped implicitly (they have nothing to restore).
//
// Errors: configuration mistakes (bad names, unknown store, wrong kind, duplicate open)
// and RocksDB failures throw streams_error (see rocksdb/rocksdb_status.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/state/bytes_store.hpp"
#include "fjord/streams/state/checkpoint_file.hpp"
#include "fjord/streams/state/key_layout.hpp"
#include "fjord/streams/state/kv_store.hpp"
#include "fjord/streams/state/memory/memory_store_backend.hpp"
#include "fjord/streams/state/rocksdb/rocksdb_budget.hpp"
#include "fjord/streams/state/rocksdb/rocksdb_store_backend.hpp"
#include "fjord/streams/state/segment_math.hpp"
#include "fjord/streams/state/session_store.hpp"
#include "fjord/streams/state/store_backend.hpp"
#include "fjord/streams/state/store_layout.hpp"
#include "fjord/streams/state/store_spec.hpp"
#include "fjord/streams/state/window_store.hpp"

namespace fjord::streams {

struct state_config {
  std::filesystem::path state_dir;
  std::string application_id;
  // The application's one RocksDB memory budget, shared by every task. Null: this manager
  // creates a private default one (64 MiB), which is only right for tests and one-task apps.
  std::shared_ptr<rocksdb_budget> budget;
};

class state_manager {
 public:
  static constexpr millis min_default_segment_interval{60'000};

  // `writer` may be null (no store is logged anywhere, e.g. some tests).
  state_manager(state_config cfg, std::string task_id, changelog_writer* writer)
      : cfg_(std::move(cfg)), task_id_(std::move(task_id)), writer_(writer) {
    check_name(cfg_.application_id, "application id");
    check_name(task_id_, "task id");
    if (!cfg_.budget) cfg_.budget = std::make_shared<rocksdb_budget>();
    task_dir_ = cfg_.state_dir / cfg_.application_id / task_id_;
    if (auto read = checkpoint_file::read(checkpoint_path())) offsets_ = std::move(*read);
  }

  ~state_manager() {
    try {
      close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): call close() explicitly to see errors
    }
  }

  state_manager(const state_manager&) = delete;
  state_manager& operator=(const state_manager&) = delete;

  // Opens (creating when missing) the store described by def. Window and session stores
  // with segment_interval == 0 get max(retention / 2, 60 s).
  void open(const store_def& def) {
    check_name(def.name, "store name");
    if (changelog_topic(cfg_.application_id, def.name).size() > 249) {
      throw streams_error("store name '" + def.name + "': changelog topic name would exceed 249 characters");
    }
    if (stores_.contains(def.name)) throw streams_error("state store '" + def.name + "' opened twice");
    store_def d = def;
    if (d.kind != store_kind::key_value) {
      if (d.retention.count() < 0 || d.segment_interval.count() < 0) {
        throw streams_error("state store '" + d.name + "': negative retention or segment interval");
      }
      if (d.segment_interval.count() == 0) d.segment_interval = std::max(millis{d.retention / 2}, min_default_segment_interval);
    }
    entry e{.def = std::move(d), .backend = nullptr};
    if (e.def.persistent) {
      const auto dir = store_dir(e.def.name);
      if (e.def.logged && !offsets_.contains(e.def.name)) remove_dir(dir);
      e.backend = std::make_unique<rocksdb_store_backend>(dir, e.def.name, *cfg_.budget);
      check_layout(e);
    } else {
      e.backend = std::make_unique<memory_store_backend>();
    }
    const std::string name = e.def.name;
    stores_.emplace(name, std::move(e));
  }

  bool has(std::string_view name) const { return stores_.find(name) != stores_.end(); }
  const store_def& def(std::string_view name) const { return find(name).def; }

  template <class K, class V, class KS, class VS>
  kv_store<K, V, KS, VS> kv(std::string_view name) {
    entry& e = find_kind(name, store_kind::key_value);
    return kv_store<K, V, KS, VS>(e.backend->main(), e.def.name, writer_for(e));
  }

  template <class K, class V, class KS, class VS>
  window_store<K, V, KS, VS> window(std::string_view name) {
    entry& e = find_kind(name, store_kind::window);
    return window_store<K, V, KS, VS>(*e.backend, e.def, writer_for(e));
  }

  template <class K, class V, class KS, class VS>
  session_store<K, V, KS, VS> session(std::string_view name) {
    entry& e = find_kind(name, store_kind::session);
    return session_store<K, V, KS, VS>(*e.backend, e.def, writer_for(e));
  }

  // Names of the open logged stores, sorted.
  std::vector<std::string> logged_stores() const {
    std::vector<std::string> out;
    for (const auto& [name, e] : stores_) {
      if (e.def.logged) out.push_back(name);
    }
    return out;
  }

  static std::string changelog_topic(std::string_view application_id, std::string_view store_name) {
    std::string t;
    t.reserve(application_id.size() + store_name.size() + 11);
    t.append(application_id).append("-").append(store_name).append("-changelog");
    return t;
  }

  // Where restore starts for this store: the checkpointed next offset, only for persistent
  // logged stores; nullopt → restore from the beginning. REQUIRES: the store is open.
  std::optional<std::int64_t> checkpointed_offset(std::string_view store) const {
    const entry& e = find(store);
    if (!e.def.persistent || !e.def.logged) return std::nullopt;
    auto it = offsets_.find(store);
    if (it == offsets_.end()) return std::nullopt;
    return it->second;
  }

  // Applies one changelog record (value nullopt = tombstone) without logging it again.
  // A malformed window/session key throws streams_error (the changelog is ours).
  void restore(std::string_view store, std::string_view key, std::optional<std::string_view> value) {
    entry& e = find(store);
    store_backend& b = *e.backend;
    bytes_store* target = nullptr;
    switch (e.def.kind) {
      case store_kind::key_value:
        target = &b.main();
        break;
      case store_kind::window: {
        const auto k = key_layout::parse_window_key(key, e.def.retain_duplicates);
        if (!k) throw streams_error("state store '" + e.def.name + "': malformed window changelog key");
        const auto id = detail::segment_id(k->start, e.def.segment_interval.count());
        target = value ? b.get_or_create_segment(id) : b.find_segment(id);
        break;
      }
      case store_kind::session: {
        const auto k = key_layout::parse_session_key(key);
        if (!k) throw streams_error("state store '" + e.def.name + "': malformed session changelog key");
        const auto id = detail::segment_id(k->end, e.def.segment_interval.count());
        target = value ? b.get_or_create_segment(id) : b.find_segment(id);
        break;
      }
    }
    if (target == nullptr) return;  // expired (or absent) segment
    if (value) {
      target->put(key, *value);
    } else {
      target->remove(key);
    }
  }

  // Makes every store's writes durable (RocksDB: memtables flushed; the WAL is disabled).
  void flush() {
    for (auto& [name, e] : stores_) e.backend->flush();
  }

  // flush(), then records next_offsets_by_store (merged over earlier entries) in
  // `<task dir>/.checkpoint`, atomically. Only persistent logged stores are recorded;
  // other open stores are ignored; a name that is not open throws streams_error.
  void checkpoint(const std::map<std::string, std::int64_t>& next_offsets_by_store) {
    flush();
    for (const auto& [name, offset] : next_offsets_by_store) {
      const entry& e = find(name);
      if (e.def.persistent && e.def.logged) offsets_[name] = offset;
    }
    for (const auto& [name, e] : stores_) {
      if (!e.def.persistent || !e.def.logged) offsets_.erase(name);
    }
    write_checkpoint();
  }

  // Deletes the checkpoint file durably (and forgets its entries): a crash before the next
  // checkpoint() then wipes the persistent logged stores on reopen. The runtime calls it
  // when a task's local state may be ahead of its committed progress (fatal error, lost
  // assignment, failed offset commit). Throws streams_error when the file cannot be
  // removed or the directory not synced (the entries are forgotten either way).
  void remove_checkpoint() {
    offsets_.clear();
    checkpoint_file::remove(checkpoint_path());
  }

  // Empties a store: persistent stores lose their files (and checkpoint entry) and are
  // reopened empty; in-memory stores are cleared. Handles taken before stay valid.
  void wipe(std::string_view store) {
    entry& e = find(store);
    e.backend->wipe();
    if (offsets_.erase(e.def.name) > 0) write_checkpoint();
    if (e.def.persistent) store_layout::write(*e.backend, e.def);
  }

  // Key-value stores: entries of the store; window/session stores: entries of all live
  // segments. RocksDB: an estimate (exact after flush() when there were no overwrites).
  std::uint64_t approximate_entries(std::string_view store) {
    entry& e = find(store);
    if (e.def.kind == store_kind::key_value) return e.backend->main().approximate_entries();
    return approximate_segment_entries(*e.backend);
  }

  // Flushes and closes every store. Idempotent; the destructor calls it. Afterwards the
  // manager has no stores (has() is false) and every handle is dangling.
  void close() {
    while (!stores_.empty()) {
      auto node = stores_.extract(stores_.begin());
      node.mapped().backend->close();
    }
  }

  // ---- for the runtime, the test driver and tests ----
  const std::string& task_id() const noexcept { return task_id_; }
  const std::string& application_id() const noexcept { return cfg_.application_id; }
  const std::filesystem::path& task_dir() const noexcept { return task_dir_; }
  std::filesystem::path store_dir(std::string_view store) const { return task_dir_ / std::string(store); }
  std::filesystem::path checkpoint_path() const { return task_dir_ / ".checkpoint"; }
  const std::shared_ptr<rocksdb_budget>& budget() const noexcept { return cfg_.budget; }
  changelog_writer* writer() const noexcept { return writer_; }
  // Handles taken afterwards log to the new writer (null: none).
  void set_changelog_writer(changelog_writer* w) noexcept { writer_ = w; }
  store_backend& backend(std::string_view store) { return *find(store).backend; }

 private:
  struct entry {
    store_def def;
    std::unique_ptr<store_backend> backend;
  };

  // Store, application and task names become directory names and topic names: Kafka's
  // topic characters only, and not "." or "..".
  static void check_name(std::string_view name, const char* what) {
    const bool ok = !name.empty() && name != "." && name != ".." &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                             c == '.' || c == '_' || c == '-';
                    });
    if (!ok) {
      throw streams_error(std::string(what) + " '" + std::string(name) +
                          "' is invalid: use 1+ characters of [a-zA-Z0-9._-], not '.' or '..'");
    }
  }

  static void remove_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec) throw streams_error("cannot delete state directory " + dir.string() + ": " + ec.message());
  }

  entry& find(std::string_view name) {
    auto it = stores_.find(name);
    if (it == stores_.end()) throw streams_error("state store '" + std::string(name) + "' is not open in task " + task_id_);
    return it->second;
  }
  const entry& find(std::string_view name) const { return const_cast<state_manager*>(this)->find(name); }

  entry& find_kind(std::string_view name, store_kind kind) {
    entry& e = find(name);
    if (e.def.kind != kind) throw streams_error("state store '" + std::string(name) + "' is not of the requested kind");
    return e;
  }

  // On a layout mismatch (store_layout.hpp) a logged store is wiped (restore rebuilds
  // it, or fails loudly if its changelog keys are in another layout); an unlogged one is
  // a start-up failure.
  void check_layout(entry& e) {
    if (auto found = store_layout::mismatch(*e.backend, e.def)) {
      if (!e.def.logged) {
        throw streams_error("state store '" + e.def.name + "': local data in " + store_dir(e.def.name).string() +
                            " has another layout (" + *found + "); delete it or use a new store name");
      }
      e.backend->wipe();
      if (offsets_.erase(e.def.name) > 0) write_checkpoint();
    }
    store_layout::write(*e.backend, e.def);
  }

  changelog_writer* writer_for(const entry& e) const { return e.def.logged ? writer_ : nullptr; }

  void write_checkpoint() {
    std::error_code ec;
    std::filesystem::create_directories(task_dir_, ec);
    if (ec) throw streams_error("cannot create " + task_dir_.string() + ": " + ec.message());
    checkpoint_file::write(checkpoint_path(), offsets_);
  }

  state_config cfg_;
  std::string task_id_;
  changelog_writer* writer_;
  std::filesystem::path task_dir_;
  checkpoint_file::offsets offsets_;
  std::map<std::string, entry, std::less<>> stores_;
};

}  // namespace fjord::streams
