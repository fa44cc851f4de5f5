// fjord-streams: window specifications for windowed aggregations.
//
// A spec starts without a grace period and must be finished with `.grace(d)` or
// `.no_grace()` (anchors pain point 7: no hidden default grace):
//
//   tumbling{1h}.grace(2min)              -> time_windows     [start, start + size)
//   hopping{10s, 2s}.no_grace()           -> time_windows     every start = k * advance
//   sliding{5s}.grace(1s)                 -> sliding_windows  [t - diff, t] (KIP-450)
//   session{30s}.grace(10s)               -> session_windows  gaps <= inactivity gap merge
//
// Only the finished types are accepted by grouped_stream::windowed_by; passing a graceless
// spec hits a deleted overload whose declaration says what to do.
//
// Time windows are aligned to the epoch like Kafka's TimeWindows: the windows holding
// timestamp t are those with start = k * advance and start <= t < start + size.
// Invariants (checked with streams_error): size > 0, 0 < advance <= size, gap > 0,
// time difference > 0, grace >= 0.
//
// Closing rule shared by every window kind: a window closes when stream time >=
// its exclusive end + grace, where the exclusive end is `end` for time windows,
// `end + 1` for sliding windows (inclusive ends) and `end + 1 + gap` for sessions (a
// session [start, end] can still be extended by a record up to end + gap).
#pragma once

#include <string>
#include <type_traits>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"

namespace fjord::streams {

namespace detail {
inline millis checked_grace(millis g, const char* what) {
  if (g.count() < 0) throw streams_error(std::string(what) + ": grace must not be negative");
  return g;
}
inline millis checked_positive(millis d, const char* what) {
  if (d.count() <= 0) throw streams_error(std::string(what) + " must be positive");
  return d;
}
// floor(a / b) for b > 0.
inline timestamp_ms floor_div(timestamp_ms a, timestamp_ms b) {
  timestamp_ms q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}
}  // namespace detail

// Tumbling (advance == size) or hopping (advance < size) windows with a grace period.
struct time_windows {
  millis size;
  millis advance;
  millis grace;

  // The start of the earliest and the latest window holding `ts` (every multiple of
  // `advance` in between is one).
  timestamp_ms first_start(timestamp_ms ts) const {
    const timestamp_ms a = advance.count();
    return detail::floor_div(ts - size.count() + a, a) * a;
  }
  timestamp_ms last_start(timestamp_ms ts) const {
    const timestamp_ms a = advance.count();
    return detail::floor_div(ts, a) * a;
  }
  // Exclusive end of the window starting at `start`.
  timestamp_ms end_of(timestamp_ms start) const { return start + size.count(); }
};

// Sliding windows: a window [t - diff, t] ends at every record time t, and one
// [t + 1, t + 1 + diff] starts just after it when later records fall in it.
struct sliding_windows {
  millis time_difference;
  millis grace;
};

// Session windows: records of one key closer than `gap` form one session
// [first ts, last ts] (both inclusive).
struct session_windows {
  millis gap;
  millis grace;
};

struct tumbling {
  millis size;
  explicit tumbling(millis s) : size(detail::checked_positive(s, "tumbling: the window size")) {}
  time_windows grace(millis g) const { return {size, size, detail::checked_grace(g, "tumbling")}; }
  time_windows no_grace() const { return {size, size, millis{0}}; }
};

struct hopping {
  millis size;
  millis advance;
  hopping(millis s, millis a)
      : size(detail::checked_positive(s, "hopping: the window size")),
        advance(detail::checked_positive(a, "hopping: the advance")) {
    if (advance > size) throw streams_error("hopping: the advance must not exceed the window size");
  }
  time_windows grace(millis g) const { return {size, advance, detail::checked_grace(g, "hopping")}; }
  time_windows no_grace() const { return {size, advance, millis{0}}; }
};

struct sliding {
  millis time_difference;
  explicit sliding(millis d) : time_difference(detail::checked_positive(d, "sliding: the time difference")) {}
  sliding_windows grace(millis g) const { return {time_difference, detail::checked_grace(g, "sliding")}; }
  sliding_windows no_grace() const { return {time_difference, millis{0}}; }
};

struct session {
  millis gap;
  explicit session(millis g) : gap(detail::checked_positive(g, "session: the inactivity gap")) {}
  session_windows grace(millis g) const { return {gap, detail::checked_grace(g, "session")}; }
  session_windows no_grace() const { return {gap, millis{0}}; }
};

// A window spec that still lacks its grace period.
template <class W>
concept graceless_window = std::is_same_v<W, tumbling> || std::is_same_v<W, hopping> ||
                           std::is_same_v<W, sliding> || std::is_same_v<W, session>;

}  // namespace fjord::streams
