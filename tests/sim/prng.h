// The simulator's own PRNG: splitmix64 to expand the seed, xoshiro256** for draws, and
// explicit distributions (std:: distributions differ between standard libraries, which
// would break "same seed => same trace" across g++ and clang).
#pragma once

#include <cstdint>

namespace fjord::sim {

inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

class prng {
public:
    explicit prng(uint64_t seed) {
        uint64_t sm = seed;
        for (auto& w : s_) {
            w = splitmix64(sm);
        }
    }

    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n). REQUIRES: n > 0. (Modulo bias is irrelevant for n << 2^64.)
    uint64_t below(uint64_t n) { return next() % n; }
    // Uniform in [lo, hi]. REQUIRES: lo <= hi.
    int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1))); }
    // True with probability pct/100.
    bool chance_pct(uint64_t pct) { return below(100) < pct; }
    // True with probability per_mille/1000.
    bool chance_pm(uint64_t per_mille) { return below(1000) < per_mille; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4]{};
};

// FNV-1a style mixing for the trace hash and prefix hashes.
inline uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h * 0x100000001B3ULL;
}

}  // namespace fjord::sim
