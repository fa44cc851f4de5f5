#include "base/clock.h"

namespace fjord {
namespace {

class real_clock final : public clock {
public:
    timestamp_ms wall_ms() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    duration monotonic() const override {
        return std::chrono::duration_cast<duration>(std::chrono::steady_clock::now().time_since_epoch());
    }
};

}  // namespace

clock& system_clock() {
    static real_clock instance;
    return instance;
}

}  // namespace fjord
