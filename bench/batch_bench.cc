// RecordBatch v2 costs on the append path: validate() of a 16 KiB batch of 16 ~1 KiB records
// (and of a 1 MiB batch of 1,024; uncompressed; with the per-record walk on, as a leader
// append does, and off, as a replica append and recovery do), read_header(), and
// batch_builder::build() of the 16 KiB batch.
#include <benchmark/benchmark.h>

#include "bench_util.h"
#include "record/batch.h"
#include "record/builder.h"

namespace fjord::bench {
namespace {

constexpr size_t batch_target_bytes = 16 * 1024;

void BM_validate(benchmark::State& state) {
    const bytes batch = make_batch(static_cast<size_t>(state.range(0)));
    const record::validate_options opts{.require_contiguous_offsets = true, .check_records = state.range(1) != 0};
    for (auto _ : state) {
        auto h = record::validate(batch, opts);
        if (!h) {
            state.SkipWithError("validate failed");
            break;
        }
        benchmark::DoNotOptimize(h);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
    state.SetItemsProcessed(state.iterations() * state.range(0) / 1024);  // records
    state.counters["batch_bytes"] = static_cast<double>(batch.size());
}

void BM_read_header(benchmark::State& state) {
    const bytes batch = make_batch(batch_target_bytes);
    for (auto _ : state) {
        auto h = record::read_header(batch);
        benchmark::DoNotOptimize(h);
    }
}

void BM_build(benchmark::State& state) {
    // The same 16 records make_batch() builds, added once; build() encodes them each time.
    const bytes reference = make_batch(batch_target_bytes);
    auto decoded = record::decode_records(reference, 1 << 20);
    if (!decoded) {
        state.SkipWithError("decode_records failed");
        return;
    }
    record::batch_builder b;
    for (auto& r : *decoded) {
        b.add(r.timestamp, r.key, r.value);
    }
    for (auto _ : state) {
        auto built = b.build();
        benchmark::DoNotOptimize(built);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(reference.size()));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(decoded->size()));
}

BENCHMARK(BM_validate)->ArgNames({"bytes", "check_records"})->ArgsProduct({{16 * 1024, 1024 * 1024}, {1, 0}});
BENCHMARK(BM_read_header);
BENCHMARK(BM_build);

}  // namespace
}  // namespace fjord::bench

BENCHMARK_MAIN();
