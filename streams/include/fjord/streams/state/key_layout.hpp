// fjord-streams: the byte layouts of window and session store keys.
//
// Every integer is big-endian so that memcmp order (the bytes_store order) is numeric
// order. Timestamps are stored as u64(ts) XOR 2^63 ("sign bit flipped") so negative times
// sort before positive ones. A user key is length-prefixed ([u32 len][bytes]) so that one
// key's entries are contiguous and a key is never a prefix-match of another key.
//
//   window key : [u32 key len][key][ts window start][u32 seq, only with retain_duplicates]
//   session key: [u32 key len][key][ts session end][ts session start]
//
// The same bytes are the changelog record key. docs/formats/streams-state.md has diagrams
// and a worked example.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"

namespace fjord::streams::key_layout {

inline void append_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline std::uint32_t read_u32(std::string_view in) {  // REQUIRES: in.size() >= 4
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

inline void append_ts(std::string& out, timestamp_ms ts) {
  const std::uint64_t v = static_cast<std::uint64_t>(ts) ^ (std::uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline timestamp_ms read_ts(std::string_view in) {  // REQUIRES: in.size() >= 8
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<timestamp_ms>(v ^ (std::uint64_t{1} << 63));
}

// floor(a / b) for b > 0 (C++ division truncates towards zero; segments must not).
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

// [u32 len][key]
inline void append_key_prefix(std::string& out, std::string_view key) {
  if (key.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw streams_error("state store key longer than 4 GiB");
  }
  append_u32(out, static_cast<std::uint32_t>(key.size()));
  out.append(key);
}

// The smallest string greater than every string starting with `prefix`; empty when
// there is none (prefix all 0xff), which bytes_store::range reads as "to the end".
inline std::string prefix_successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(s.back());
    if (c != 0xff) {
      ++c;
      return s;
    }
    s.pop_back();
  }
  return s;
}

// ---- window keys ----

inline std::string window_key(std::string_view key, timestamp_ms start,
                              std::optional<std::uint32_t> seq = std::nullopt) {
  std::string out;
  out.reserve(4 + key.size() + 8 + (seq ? 4 : 0));
  append_key_prefix(out, key);
  append_ts(out, start);
  if (seq) append_u32(out, *seq);
  return out;
}

struct parsed_window_key {
  std::string_view key;
  timestamp_ms start = 0;
  std::optional<std::uint32_t> seq;
};

// nullopt when `bytes` is not a well-formed window key (for this duplicates setting).
inline std::optional<parsed_window_key> parse_window_key(std::string_view bytes, bool with_seq) {
  if (bytes.size() < 4) return std::nullopt;
  const std::uint64_t len = read_u32(bytes);
  const std::uint64_t want = 4 + len + 8 + (with_seq ? 4 : 0);
  if (bytes.size() != want) return std::nullopt;
  parsed_window_key k;
  k.key = bytes.substr(4, len);
  k.start = read_ts(bytes.substr(4 + len));
  if (with_seq) k.seq = read_u32(bytes.substr(4 + len + 8));
  return k;
}

// ---- session keys ----

inline std::string session_key(std::string_view key, timestamp_ms start, timestamp_ms end) {
  std::string out;
  out.reserve(4 + key.size() + 16);
  append_key_prefix(out, key);
  append_ts(out, end);
  append_ts(out, start);
  return out;
}

struct parsed_session_key {
  std::string_view key;
  timestamp_ms start = 0;
  timestamp_ms end = 0;
};

inline std::optional<parsed_session_key> parse_session_key(std::string_view bytes) {
  if (bytes.size() < 4) return std::nullopt;
  const std::uint64_t len = read_u32(bytes);
  if (bytes.size() != 4 + len + 16) return std::nullopt;
  parsed_session_key k;
  k.key = bytes.substr(4, len);
  k.end = read_ts(bytes.substr(4 + len));
  k.start = read_ts(bytes.substr(4 + len + 8));
  return k;
}

}  // namespace fjord::streams::key_layout
