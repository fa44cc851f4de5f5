// CRC-32C throughput, hardware (SSE4.2) and portable (slicing-by-8), next to memcpy of the
// same sizes: memcpy is the bound a checksum pass over bytes already in cache is judged by.
// Every figure is bytes_per_second of the buffer size.
#include <cstring>
#include <random>

#include <benchmark/benchmark.h>

#include "base/bytes.h"
#include "record/crc32c.h"

namespace fjord::bench {
namespace {

bytes random_bytes(size_t n) {
    std::mt19937_64 rng(7);
    bytes b(n);
    for (auto& x : b) {
        x = static_cast<std::byte>(rng());
    }
    return b;
}

void BM_crc32c_hw(benchmark::State& state) {
    if (!record::crc32c_hardware_available()) {
        state.SkipWithError("no SSE4.2 on this CPU");
        return;
    }
    const auto buf = random_bytes(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        benchmark::DoNotOptimize(record::crc32c_sse42(buf));
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_crc32c_portable(benchmark::State& state) {
    const auto buf = random_bytes(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        benchmark::DoNotOptimize(record::crc32c_portable(buf));
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

// What the broker calls: the dispatcher (one indirect call, then the hardware loop).
void BM_crc32c_dispatch(benchmark::State& state) {
    const auto buf = random_bytes(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        benchmark::DoNotOptimize(record::crc32c(buf));
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_memcpy(benchmark::State& state) {
    const auto src = random_bytes(static_cast<size_t>(state.range(0)));
    bytes dst(src.size());
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), src.size());
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

constexpr int64_t kib = 1024;
BENCHMARK(BM_crc32c_hw)->Arg(4 * kib)->Arg(64 * kib)->Arg(1024 * kib);
BENCHMARK(BM_crc32c_portable)->Arg(4 * kib)->Arg(64 * kib)->Arg(1024 * kib);
BENCHMARK(BM_crc32c_dispatch)->Arg(4 * kib)->Arg(64 * kib)->Arg(1024 * kib);
BENCHMARK(BM_memcpy)->Arg(4 * kib)->Arg(64 * kib)->Arg(1024 * kib);

}  // namespace
}  // namespace fjord::bench

BENCHMARK_MAIN();
