// fjord-streams: the layout record that stops a persistent store being misread.
//
// A persistent window or session store keeps, in its main() keyspace (which their handles
// never use), the key `fjord.layout` with its kind, segment interval and duplicates
// setting, e.g. "window v1 segment_interval_ms=300000 duplicates=0". A key-value store
// must have no time segments. state_manager checks this on open: a mismatch means the
// topology changed how the store is laid out (docs/formats/streams-state.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fjord/streams/state/store_backend.hpp"
#include "fjord/streams/state/store_spec.hpp"

namespace fjord::streams::store_layout {

inline constexpr std::string_view key = "fjord.layout";

// The record for a window/session store (REQUIRES: def.kind != key_value).
inline std::string record(const store_def& def) {
  std::string s = def.kind == store_kind::window ? "window" : "session";
  s += " v1 segment_interval_ms=" + std::to_string(def.segment_interval.count());
  if (def.kind == store_kind::window) s += def.retain_duplicates ? " duplicates=1" : " duplicates=0";
  return s;
}

// nullopt when the backend's contents fit def (or it is empty); otherwise a description
// of what was found.
inline std::optional<std::string> mismatch(store_backend& b, const store_def& def) {
  if (def.kind == store_kind::key_value) {
    if (b.segment_ids().empty()) return std::nullopt;
    return std::string("time segments");
  }
  if (auto have = b.main().get(key)) {
    if (*have == record(def)) return std::nullopt;
    return *have;
  }
  bool main_empty = true;
  b.main().range({}, {}, [&](std::string_view, std::string_view) {
    main_empty = false;
    return false;
  });
  if (main_empty && b.segment_ids().empty()) return std::nullopt;
  return std::string("data without a layout record");
}

// Records def's layout (no-op for key-value stores).
inline void write(store_backend& b, const store_def& def) {
  if (def.kind == store_kind::key_value) return;
  const std::string want = record(def);
  auto have = b.main().get(key);
  if (!have || *have != want) b.main().put(key, want);
}

}  // namespace fjord::streams::store_layout
