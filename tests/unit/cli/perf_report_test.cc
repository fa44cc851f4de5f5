// cli/perf_report.h: the perf result the benchmark script parses.
#include "cli/perf_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace fjord::cli {
namespace {

TEST(PerfReport, SummarizeComputesRatesAndPercentilesInMilliseconds) {
    auto h = std::make_unique<latency_histogram>();
    for (uint64_t us = 1; us <= 1000; ++us) {
        h->record(us * 10);  // 10 µs .. 10 ms
    }
    const auto s = summarize(2000, 2 * 1024 * 1024, 2.0, *h);
    EXPECT_DOUBLE_EQ(s.records_per_sec(), 1000.0);
    EXPECT_DOUBLE_EQ(s.mb_per_sec(), 1.0);
    EXPECT_NEAR(s.latency_ms_p50, 5.0, 5.0 * 0.032);
    EXPECT_NEAR(s.latency_ms_p99, 9.9, 9.9 * 0.032);
    EXPECT_DOUBLE_EQ(s.latency_ms_max, 10.0);
    EXPECT_LE(s.latency_ms_p50, s.latency_ms_p99);
    EXPECT_LE(s.latency_ms_p99, s.latency_ms_p999);
    EXPECT_LE(s.latency_ms_p999, s.latency_ms_max);
}

TEST(PerfReport, ZeroSecondsGivesZeroRatesNotInfinity) {
    latency_histogram h;
    const auto s = summarize(1, 100, 0.0, h);
    EXPECT_EQ(s.records_per_sec(), 0.0);
    EXPECT_EQ(s.mb_per_sec(), 0.0);
}

TEST(PerfReport, JsonHasTheKeysTheBenchmarkScriptReads) {
    latency_histogram h;
    h.record(1500);
    const auto j = nlohmann::json::parse(result_json(summarize(10, 10240, 0.5, h)));
    for (const char* key : {"records", "seconds", "records_per_sec", "mb_per_sec", "latency_ms_p50", "latency_ms_p99",
                            "latency_ms_p999", "latency_ms_max"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_EQ(j["records"], 10);
    EXPECT_DOUBLE_EQ(j["records_per_sec"].get<double>(), 20.0);
    EXPECT_DOUBLE_EQ(j["latency_ms_max"].get<double>(), 1.5);
}

TEST(PerfReport, WindowKnowsAverageAndMax) {
    perf_window w;
    w.add(100, 1000);
    w.add(300, 3000);
    const auto s = w.summary(1.0);
    EXPECT_EQ(s.records, 2u);
    EXPECT_EQ(s.bytes, 400u);
    EXPECT_DOUBLE_EQ(s.latency_ms_avg, 2.0);
    EXPECT_DOUBLE_EQ(s.latency_ms_max, 3.0);
    EXPECT_NE(progress_line(s).find("2 records"), std::string::npos);
}

}  // namespace
}  // namespace fjord::cli
