// Helpers shared by the state store tests: tiny serdes, a recording changelog_writer and
// a per-test temporary state directory. Header-only; included by the .cc files here.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "fjord/streams/error.hpp"
#include <gtest/gtest.h>

#include "fjord/streams/state/bytes_store.hpp"
#include "fjord/streams/state/state_manager.hpp"

namespace fjord::streams::state_test {

struct str_serde {
  static void encode(const std::string& v, std::string& out) { out += v; }
  static result<std::string> decode(std::string_view b) { return std::string(b); }
};

// Plain big-endian two's complement (8 bytes exactly).
struct i64_serde {
  static void encode(const std::int64_t& v, std::string& out) {
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> s) & 0xff));
  }
  static result<std::int64_t> decode(std::string_view b) {
    if (b.size() != 8) return decode_error("i64: want 8 bytes");
    std::uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<unsigned char>(c);
    return static_cast<std::int64_t>(v);
  }
};

struct logged_write {
  std::string store;
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const logged_write&, const logged_write&) = default;
};

class recording_writer final : public changelog_writer {
 public:
  void log(std::string_view store, std::string_view key, std::optional<std::string_view> value) override {
    writes.push_back({std::string(store), std::string(key),
                      value ? std::optional<std::string>(std::string(*value)) : std::nullopt});
  }
  std::vector<logged_write> writes;
};

// A fresh directory under the system temp dir, removed with the object.
class temp_dir {
 public:
  temp_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("fjord-state-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(static_cast<char>(b));
  return s;
}

// Base for tests run against both implementations: GetParam() true = RocksDB.
class both_backends : public ::testing::TestWithParam<bool> {
 protected:
  bool persistent() const { return GetParam(); }

  store_def def(std::string name, store_kind kind, millis retention = millis{0}, millis interval = millis{0},
                bool dups = false) const {
    store_def d;
    d.name = std::move(name);
    d.kind = kind;
    d.persistent = persistent();
    d.logged = true;
    d.retention = retention;
    d.segment_interval = interval;
    d.retain_duplicates = dups;
    return d;
  }

  state_manager& mgr() {
    if (!mgr_) mgr_ = std::make_unique<state_manager>(state_config{dir_.path(), "app", nullptr}, "0_0", &writer_);
    return *mgr_;
  }

  temp_dir dir_;
  recording_writer writer_;
  std::unique_ptr<state_manager> mgr_;
};

inline std::string backend_name(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "rocksdb" : "memory";
}

}  // namespace fjord::streams::state_test
