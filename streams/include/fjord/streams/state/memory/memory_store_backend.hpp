// fjord-streams: the in-memory store_backend (store::in_memory).
//
// main() and each segment are separate memory_bytes_stores; a segment is dropped by
// erasing its map entry. Everything is lost on close(): in-memory stores are restored
// from their changelog from the beginning on every assignment.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "fjord/streams/state/memory/memory_bytes_store.hpp"
#include "fjord/streams/state/store_backend.hpp"

namespace fjord::streams {

class memory_store_backend final : public store_backend {
 public:
  bytes_store& main() override { return main_; }

  bytes_store* find_segment(std::int64_t id) override {
    auto it = segments_.find(id);
    return it == segments_.end() ? nullptr : it->second.get();
  }

  bytes_store* get_or_create_segment(std::int64_t id) override {
    if (id < first_live_) return nullptr;
    auto& slot = segments_[id];
    if (!slot) slot = std::make_unique<memory_bytes_store>();
    return slot.get();
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
    segments_.erase(segments_.begin(), segments_.lower_bound(first_live));
  }

  void flush() override {}

  std::uint64_t approximate_entries() override {
    std::uint64_t n = main_.approximate_entries();
    for (const auto& [id, seg] : segments_) n += seg->approximate_entries();
    return n;
  }

  void wipe() override {
    main_.destroy();
    segments_.clear();
    first_live_ = std::numeric_limits<std::int64_t>::min();
  }

  void close() override {
    main_.destroy();
    segments_.clear();
  }

 private:
  memory_bytes_store main_;
  std::map<std::int64_t, std::unique_ptr<memory_bytes_store>> segments_;
  std::int64_t first_live_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace fjord::streams
