// latency_histogram: a log-linear histogram of non-negative integer samples (the perf
// commands record microseconds), so percentiles need no stored samples.
//
// Layout: values below 2^sub_bits (64) each have their own bucket (exact). Above, each
// power-of-two range [2^e, 2^(e+1)) is split into 2^(sub_bits-1) = 32 equal buckets, so a
// bucket is at most 1/32 (3.1%) of its lower bound wide. 1920 buckets (15 KiB) cover all
// of uint64_t. percentile() answers the highest value of the bucket that holds
// the sample of that rank, clipped to the largest sample recorded: an over-estimate by at
// most one bucket width, never below the true value (HdrHistogram's "highest equivalent").
// max(), min(), count() and mean() are exact.
//
// Not thread-safe: record from one thread (the perf commands record in librdkafka's
// delivery callback, which runs on the thread that calls rd_kafka_poll).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace fjord::cli {

class latency_histogram {
public:
    static constexpr int sub_bits = 6;
    static constexpr uint64_t exact_limit = uint64_t{1} << sub_bits;             // 64
    static constexpr uint64_t half = exact_limit / 2;                            // 32 buckets per range
    static constexpr size_t bucket_count = (64 - sub_bits + 2) * half;           // 1920

    void record(uint64_t v) {
        ++buckets_[index_of(v)];
        ++count_;
        sum_ += static_cast<double>(v);
        max_ = std::max(max_, v);
        min_ = std::min(min_, v);
    }

    uint64_t count() const { return count_; }
    uint64_t max() const { return count_ == 0 ? 0 : max_; }
    uint64_t min() const { return count_ == 0 ? 0 : min_; }
    double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

    // The value at or below which `q` percent (0 < q ≤ 100) of the samples fall; 0 when empty.
    uint64_t percentile(double q) const {
        if (count_ == 0) {
            return 0;
        }
        auto rank = static_cast<uint64_t>(q / 100.0 * static_cast<double>(count_) + 0.999999999);
        rank = std::clamp<uint64_t>(rank, 1, count_);
        uint64_t seen = 0;
        for (size_t i = 0; i < bucket_count; ++i) {
            seen += buckets_[i];
            if (seen >= rank) {
                return std::min(highest_in_bucket(i), max_);
            }
        }
        return max_;
    }

    void merge(const latency_histogram& other) {
        for (size_t i = 0; i < bucket_count; ++i) {
            buckets_[i] += other.buckets_[i];
        }
        count_ += other.count_;
        sum_ += other.sum_;
        max_ = std::max(max_, other.max_);
        min_ = std::min(min_, other.min_);
    }

    // Bucket index of a value. Below 64 the value itself; above, 32 buckets per power of two.
    static size_t index_of(uint64_t v) {
        if (v < exact_limit) {
            return static_cast<size_t>(v);
        }
        const int e = std::bit_width(v) - 1;  // e >= sub_bits
        const int shift = e - (sub_bits - 1);
        return static_cast<size_t>(e - (sub_bits - 2)) * half + static_cast<size_t>((v >> shift) - half);
    }

    // The largest value whose index_of is `i`.
    static uint64_t highest_in_bucket(size_t i) {
        if (i < exact_limit) {
            return i;
        }
        const auto range = i / half;  // >= 2
        const auto sub = i % half;
        const auto shift = static_cast<int>(range) - 1;
        const uint64_t low = (half + sub) << shift;
        const uint64_t width = uint64_t{1} << shift;
        return low + (width - 1);
    }

private:
    std::array<uint64_t, bucket_count> buckets_{};
    uint64_t count_ = 0;
    double sum_ = 0;
    uint64_t max_ = 0;
    uint64_t min_ = std::numeric_limits<uint64_t>::max();
};

}  // namespace fjord::cli
