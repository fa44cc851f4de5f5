// fjord-streams: the in-memory bytes_store (a std::map with memcmp key order).
//
// Owns its entries; nothing survives the process. Used for store::in_memory stores (one
// per keyspace: main or a segment) and by tests. Exact entry counts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fjord/streams/state/bytes_store.hpp"

namespace fjord::streams {

class memory_bytes_store final : public bytes_store {
 public:
  std::optional<std::string> get(std::string_view key) override {
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

  void put(std::string_view key, std::string_view value) override {
    auto it = map_.find(key);
    if (it == map_.end()) {
      bytes_ += key.size() + value.size();
      map_.emplace(std::string(key), std::string(value));
    } else {
      bytes_ = bytes_ - it->second.size() + value.size();
      it->second.assign(value);
    }
  }

  void remove(std::string_view key) override {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    bytes_ -= it->first.size() + it->second.size();
    map_.erase(it);
  }

  // The visitor must not modify this store.
  void range(std::string_view from, std::string_view to, const bytes_visitor& visit) override {
    auto it = map_.lower_bound(from);
    for (; it != map_.end(); ++it) {
      if (!to.empty() && std::string_view(it->first) >= to) break;
      if (!visit(it->first, it->second)) break;
    }
  }

  void flush() override {}
  std::uint64_t approximate_entries() override { return map_.size(); }
  std::uint64_t approximate_bytes() override { return bytes_; }
  void destroy() override {
    map_.clear();
    bytes_ = 0;
  }

 private:
  // std::string compares as unsigned bytes (char_traits<char>::compare is memcmp-like).
  std::map<std::string, std::string, std::less<>> map_;
  std::uint64_t bytes_ = 0;
};

}  // namespace fjord::streams
