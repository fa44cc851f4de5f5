// fjord-streams: a key qualified by the window it belongs to.
//
// `windowed<K>` is the key type of every windowed aggregation's output: the original key
// plus the window bounds in epoch milliseconds. For time windows (tumbling, hopping)
// the window is [start, end), end exclusive, end - start == the window size; for session
// windows it is [start, end], both inclusive (the first and last record times of the
// session). Invariant: start <= end. Serialised by `windowed_serde<S>`
// (serde/windowed.hpp); drop the window with the DSL's unwindow step.
#pragma once

#include "fjord/streams/record.hpp"

namespace fjord::streams {

template <class K>
struct windowed {
  K key{};
  timestamp_ms start = 0;
  timestamp_ms end = 0;
  friend bool operator==(const windowed&, const windowed&) = default;
};

}  // namespace fjord::streams
