// fjord-streams: the time bounds of a stream–stream join.
//
// Two records join when their timestamps differ by at most `before` (other earlier than
// this) / `after` (other later than this). A record stays joinable until stream time
// passes its timestamp + window + grace; records arriving later than that are dropped as
// late. The grace period is required: `join_windows::within(10s)` alone does not compile
// into an operator; finish it with `.grace(d)` or `.no_grace()`.
#pragma once

#include <stdexcept>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"

namespace fjord::streams {

struct join_windows {
  millis before{0};
  millis after{0};
  millis grace{0};

  struct without_grace {
    millis before, after;
    join_windows grace(millis g) const {
      if (g.count() < 0) throw streams_error("join_windows: grace must not be negative");
      return {before, after, g};
    }
    join_windows no_grace() const { return {before, after, millis{0}}; }
  };
  // |this.ts - other.ts| <= d.
  static without_grace within(millis d) {
    if (d.count() < 0) throw streams_error("join_windows: the window must not be negative");
    return {d, d};
  }
  // other.ts in [this.ts - before, this.ts + after].
  static without_grace between(millis before, millis after) {
    if (before.count() < 0 || after.count() < 0) throw streams_error("join_windows: bounds must not be negative");
    return {before, after};
  }
};

}  // namespace fjord::streams
