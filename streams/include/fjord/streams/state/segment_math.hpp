// fjord-streams: which time segment a timestamp falls in and which segments are expired.
//
// Segment id = floor(t / segment_interval) (floor, so negative times get negative ids and
// segments stay contiguous). A segment is expired when every time it can hold is
// < stream_time - retention, i.e. when id < floor((stream_time - retention) / interval).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "fjord/streams/record.hpp"
#include "fjord/streams/state/key_layout.hpp"

namespace fjord::streams::detail {

inline std::int64_t segment_id(timestamp_ms t, std::int64_t interval_ms) {
  return key_layout::floor_div(t, interval_ms);
}

// The first segment id that survives expire(stream_time); nullopt when nothing can be
// expired (stream_time - retention would underflow).
inline std::optional<std::int64_t> first_live_segment(timestamp_ms stream_time, std::int64_t retention_ms,
                                                      std::int64_t interval_ms) {
  timestamp_ms cutoff = 0;
  if (__builtin_sub_overflow(stream_time, retention_ms, &cutoff)) return std::nullopt;
  return key_layout::floor_div(cutoff, interval_ms);
}

}  // namespace fjord::streams::detail
