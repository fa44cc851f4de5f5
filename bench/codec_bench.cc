// Kafka codec micro-benchmarks: request decode and response encode for the requests that
// carry a broker's load (Produce, Fetch, Metadata), each next to its bound.
//
// The bound for Produce decode is memcpy of the same frame: decoding must at least copy the
// record batches out of the frame, and everything else it does is the overhead we measure.
// The small requests and the responses are reported as latencies (ns per message), since no
// meaningful bound exists below "parse a few dozen fields".
#include <benchmark/benchmark.h>

#include <cstring>

#include "bench_util.h"
#include "kafka/protocol/frame.h"

namespace fjord::bench {
namespace {

using namespace fjord::kafka;

constexpr int partitions = 8;

// A Produce v7 frame (header v1 + body) with one batch of `batch_bytes` per partition.
bytes produce_frame(size_t batch_bytes) {
    produce_request req;
    req.acks = -1;
    req.timeout_ms = 30'000;
    auto& t = req.topics.emplace_back();
    t.name = "perf";
    const bytes batch = make_batch(batch_bytes);
    for (int p = 0; p < partitions; ++p) {
        auto& pd = t.partitions.emplace_back();
        pd.partition_index = p;
        pd.records = batch;
    }
    request_header h{.api_key = produce_request::key, .api_version = 7, .correlation_id = 1, .client_id = "bench"};
    return encode_request_frame(h, request{std::move(req)});
}

bytes fetch_frame() {
    fetch_request req;
    req.replica_id = -1;
    req.max_wait_ms = 500;
    req.min_bytes = 1;
    req.max_bytes = 52'428'800;
    auto& t = req.topics.emplace_back();
    t.topic = "perf";
    for (int p = 0; p < partitions; ++p) {
        auto& pd = t.partitions.emplace_back();
        pd.partition = p;
        pd.fetch_offset = 123'456'789;
        pd.partition_max_bytes = 1'048'576;
    }
    request_header h{.api_key = fetch_request::key, .api_version = 11, .correlation_id = 1, .client_id = "bench"};
    return encode_request_frame(h, request{std::move(req)});
}

void BM_decode_produce_v7(benchmark::State& state) {
    const bytes frame = produce_frame(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        auto d = decode_request_frame(frame);
        FJORD_ASSERT(d.has_value(), "decode failed: {}", d.error().message());
        benchmark::DoNotOptimize(d);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(BM_decode_produce_v7)->Arg(16 << 10)->Arg(256 << 10);

void BM_bound_memcpy_produce_frame(benchmark::State& state) {
    const bytes frame = produce_frame(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        bytes copy(frame.size());
        std::memcpy(copy.data(), frame.data(), frame.size());
        benchmark::DoNotOptimize(copy);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(BM_bound_memcpy_produce_frame)->Arg(16 << 10)->Arg(256 << 10);

void BM_decode_fetch_v11(benchmark::State& state) {
    const bytes frame = fetch_frame();
    for (auto _ : state) {
        auto d = decode_request_frame(frame);
        FJORD_ASSERT(d.has_value(), "decode failed: {}", d.error().message());
        benchmark::DoNotOptimize(d);
    }
}
BENCHMARK(BM_decode_fetch_v11);

void BM_encode_produce_response_v7(benchmark::State& state) {
    produce_response resp;
    auto& t = resp.responses.emplace_back();
    t.name = "perf";
    for (int p = 0; p < partitions; ++p) {
        auto& pr = t.partitions.emplace_back();
        pr.partition_index = p;
        pr.base_offset = 1'000'000 + p;
    }
    for (auto _ : state) {
        writer w;
        encode_response_header(w, 1, produce_response::key, 7);
        resp.encode(w, 7);
        benchmark::DoNotOptimize(std::move(w).take());
    }
}
BENCHMARK(BM_encode_produce_response_v7);

// The Fetch response around the records (which net/ sends with sendfile).
void BM_encode_fetch_response_v11(benchmark::State& state) {
    fetch_response resp;
    auto& t = resp.responses.emplace_back();
    t.topic = "perf";
    for (int p = 0; p < partitions; ++p) {
        auto& pd = t.partitions.emplace_back();
        pd.partition_index = p;
        pd.high_watermark = 1'000'000;
        pd.log_start_offset = 0;
        pd.records = bytes{};
    }
    for (auto _ : state) {
        writer w;
        encode_response_header(w, 1, fetch_response::key, 11);
        resp.encode(w, 11);
        benchmark::DoNotOptimize(std::move(w).take());
    }
}
BENCHMARK(BM_encode_fetch_response_v11);

// Metadata for 100 topics of 8 partitions: what a client's periodic refresh costs.
void BM_encode_metadata_response_v6(benchmark::State& state) {
    metadata_response resp;
    resp.brokers.push_back({.node_id = 1, .host = "localhost", .port = 9092, .rack = std::nullopt});
    resp.cluster_id = "fjord-bench-cluster-id";
    resp.controller_id = 1;
    for (int i = 0; i < 100; ++i) {
        auto& t = resp.topics.emplace_back();
        t.name = fmt::format("topic-{:03}", i);
        for (int p = 0; p < partitions; ++p) {
            auto& pm = t.partitions.emplace_back();
            pm.partition_index = p;
            pm.leader_id = 1;
            pm.replica_nodes = {1};
            pm.isr_nodes = {1};
        }
    }
    for (auto _ : state) {
        writer w;
        encode_response_header(w, 1, metadata_response::key, 6);
        resp.encode(w, 6);
        benchmark::DoNotOptimize(std::move(w).take());
    }
}
BENCHMARK(BM_encode_metadata_response_v6);

}  // namespace
}  // namespace fjord::bench

BENCHMARK_MAIN();
