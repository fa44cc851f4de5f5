// Helpers shared by the benchmark programs: the record batches they append and validate,
// environment knobs, and a scratch directory that is removed when the program exits.
// Header-only so each benchmark stays one .cc file per area.
#pragma once

#include <sys/statvfs.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include <fmt/format.h>

#include "base/assert.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "record/builder.h"

namespace fjord::bench {

// A valid, uncompressed RecordBatch v2 of `target_bytes` or a little less, holding
// target_bytes / 1024 records of about 1 KiB each (an 8-byte key, a random value).
// The values are random so the bytes are what a real producer sends, not zero pages.
inline bytes make_batch(size_t target_bytes, uint64_t seed = 42) {
    constexpr size_t record_bytes = 1024;
    constexpr size_t key_bytes = 8;
    // Per-record framing of a ~1 KiB record: length (2), attributes (1), timestamp delta
    // (1), offset delta (<= 2), key length (1), value length (2), header count (1).
    constexpr size_t framing_bytes = 12;
    FJORD_ASSERT(target_bytes >= record_bytes + record::layout::header_size, "batch target {} too small", target_bytes);
    const size_t count = target_bytes / record_bytes;
    const size_t value_bytes = (target_bytes - record::layout::header_size) / count - key_bytes - framing_bytes;

    std::mt19937_64 rng(seed);
    record::batch_builder b;
    const timestamp_ms now = system_clock().wall_ms();
    for (size_t i = 0; i < count; ++i) {
        bytes value(value_bytes);
        for (size_t j = 0; j + 8 <= value.size(); j += 8) {
            const uint64_t r = rng();
            std::memcpy(value.data() + j, &r, 8);
        }
        b.add(now, to_bytes(fmt::format("k{:07}", i % 10'000'000)), std::move(value));
    }
    auto built = b.build();
    FJORD_ASSERT(built.has_value(), "batch_builder failed: {}", built.error().message());
    // Invariant: the batch fills its target to within 1 %, and never exceeds it.
    FJORD_ASSERT(built->size() <= target_bytes && built->size() * 100 >= target_bytes * 99,
                 "batch of {} bytes for a target of {}", built->size(), target_bytes);
    return std::move(*built);
}

// An unsigned integer from the environment, or `fallback` when unset or unparsable.
inline uint64_t env_u64(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
        return fallback;
    }
    char* end = nullptr;
    const unsigned long long parsed = std::strtoull(v, &end, 10);
    return (end != nullptr && *end == '\0') ? parsed : fallback;
}

// Bytes available to an unprivileged writer on the filesystem holding `path`.
inline uint64_t free_bytes(const std::string& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) {
        return 0;
    }
    return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

// A fresh directory under $FJORD_BENCH_DIR (default /tmp), removed with everything in it
// when the object dies (at program exit for the function-local statics that hold one).
class scratch_dir {
public:
    scratch_dir() {
        const char* root = std::getenv("FJORD_BENCH_DIR");
        std::string base = (root != nullptr && *root != '\0') ? root : "/tmp";
        std::filesystem::create_directories(base);
        std::string templ = base + "/fjord-bench-XXXXXX";
        FJORD_ASSERT(::mkdtemp(templ.data()) != nullptr, "mkdtemp {} failed", templ);
        path_ = templ;
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;

    const std::string& path() const { return path_; }
    std::string sub(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

}  // namespace fjord::bench
