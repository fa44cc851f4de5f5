// cli/latency_histogram.h: bucket layout, percentile accuracy, exact extremes.
#include "cli/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

namespace fjord::cli {
namespace {

TEST(LatencyHistogram, EmptyAnswersZero) {
    latency_histogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(50), 0u);
    EXPECT_EQ(h.max(), 0u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    latency_histogram h;
    for (uint64_t v = 0; v < 64; ++v) {
        h.record(v);
    }
    EXPECT_EQ(h.percentile(50), 31u);
    EXPECT_EQ(h.percentile(100), 63u);
    EXPECT_EQ(h.percentile(1), 0u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.max(), 63u);
    EXPECT_DOUBLE_EQ(h.mean(), 31.5);
}

TEST(LatencyHistogram, BucketsAreContiguousAndCoverUint64) {
    // Every bucket's highest value + 1 is the next bucket's first value.
    for (size_t i = 0; i + 1 < latency_histogram::bucket_count; ++i) {
        const uint64_t hi = latency_histogram::highest_in_bucket(i);
        ASSERT_EQ(latency_histogram::index_of(hi), i) << i;
        ASSERT_EQ(latency_histogram::index_of(hi + 1), i + 1) << i;
    }
    EXPECT_EQ(latency_histogram::index_of(UINT64_MAX), latency_histogram::bucket_count - 1);
    EXPECT_EQ(latency_histogram::highest_in_bucket(latency_histogram::bucket_count - 1), UINT64_MAX);
}

TEST(LatencyHistogram, RelativeErrorIsBelowOneBucket) {
    for (uint64_t v : {64ull, 65ull, 1000ull, 123456ull, 987654321ull, 1ull << 40, (1ull << 50) + 12345}) {
        latency_histogram h;
        h.record(v);
        h.record(UINT64_MAX / 2);  // keeps max from clipping the answer
        const uint64_t p = h.percentile(50);
        EXPECT_GE(p, v);
        EXPECT_LE(static_cast<double>(p - v), static_cast<double>(v) / 32.0) << v;
    }
}

TEST(LatencyHistogram, PercentilesMatchSortedSamplesWithinThreePercent) {
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> dist(8.0, 1.5);  // µs, long tail
    auto h = std::make_unique<latency_histogram>();
    std::vector<uint64_t> samples;
    for (int i = 0; i < 100000; ++i) {
        const auto v = static_cast<uint64_t>(dist(rng));
        samples.push_back(v);
        h->record(v);
    }
    std::sort(samples.begin(), samples.end());
    for (double q : {50.0, 90.0, 99.0, 99.9}) {
        const auto rank = static_cast<size_t>(q / 100.0 * static_cast<double>(samples.size()) + 0.999999999);
        const uint64_t truth = samples[rank - 1];
        const uint64_t got = h->percentile(q);
        EXPECT_GE(got, truth) << q;
        EXPECT_LE(static_cast<double>(got), static_cast<double>(truth) * 1.032 + 1) << q;
    }
    EXPECT_EQ(h->max(), samples.back());
    EXPECT_EQ(h->percentile(100), samples.back());
    EXPECT_LE(h->percentile(50), h->percentile(99));
    EXPECT_LE(h->percentile(99), h->percentile(99.9));
    EXPECT_LE(h->percentile(99.9), h->max());
}

TEST(LatencyHistogram, PercentileNeverExceedsMax) {
    latency_histogram h;
    h.record(1000);  // bucket [992, 1007]: the answer must clip to 1000
    EXPECT_EQ(h.percentile(50), 1000u);
    EXPECT_EQ(h.percentile(99.9), 1000u);
}

TEST(LatencyHistogram, MergeAddsCountsAndExtremes) {
    latency_histogram a, b;
    a.record(10);
    b.record(5000);
    b.record(3);
    a.merge(b);
    EXPECT_EQ(a.count(), 3u);
    EXPECT_EQ(a.min(), 3u);
    EXPECT_EQ(a.max(), 5000u);
    EXPECT_EQ(a.percentile(34), 10u);
}

}  // namespace
}  // namespace fjord::cli
