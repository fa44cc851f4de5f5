// The clock seam. Code that needs time takes a `clock&`; production passes system_clock(),
// tests pass a manual_clock they advance by hand, so no unit test ever waits in real time.
//
// wall_ms() is Unix-epoch milliseconds (record timestamps, segment.ms, retention.ms, which
// Kafka also measures in wall time). monotonic() never goes backwards (timeouts, fsync
// intervals).
#pragma once

#include <atomic>
#include <chrono>

#include "base/ids.h"

namespace fjord {

class clock {
public:
    using duration = std::chrono::nanoseconds;

    virtual ~clock() = default;
    virtual timestamp_ms wall_ms() const = 0;
    virtual duration monotonic() const = 0;
};

// The process's real clocks. Thread-safe; lives for the whole program.
clock& system_clock();

// A clock that moves only when told to. Thread-safe.
class manual_clock final : public clock {
public:
    explicit manual_clock(timestamp_ms start_wall_ms = 1'700'000'000'000) : wall_ms_(start_wall_ms) {}

    timestamp_ms wall_ms() const override { return wall_ms_.load(); }
    duration monotonic() const override { return duration(mono_ns_.load()); }

    void advance(std::chrono::milliseconds d) {
        wall_ms_ += d.count();
        mono_ns_ += std::chrono::duration_cast<duration>(d).count();
    }

private:
    std::atomic<timestamp_ms> wall_ms_;
    std::atomic<int64_t> mono_ns_{0};
};

}  // namespace fjord
