// What `fjord perf produce|consume` print: the live progress line (stderr, once a second)
// and the final result, as text or as one JSON object (--json; bench scripts parse it).
// Pure; unit-tested in tests/unit/cli/perf_report_test.cc.
//
// JSON keys (docs/cli.md): records, bytes, seconds, records_per_sec, mb_per_sec,
// latency_ms_avg, latency_ms_p50, latency_ms_p99, latency_ms_p999, latency_ms_max.
// MB is 2^20 bytes, as in Kafka's perf tools.
#pragma once

#include <cstdint>
#include <string>

#include "cli/latency_histogram.h"

namespace fjord::cli {

struct perf_summary {
    uint64_t records = 0;
    uint64_t bytes = 0;
    double seconds = 0;
    double latency_ms_avg = 0;
    double latency_ms_p50 = 0;
    double latency_ms_p99 = 0;
    double latency_ms_p999 = 0;
    double latency_ms_max = 0;

    double records_per_sec() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
    double mb_per_sec() const { return seconds > 0 ? static_cast<double>(bytes) / (1024.0 * 1024.0) / seconds : 0; }
};

// Counts for one progress window (a second) of a perf run.
struct perf_window {
    uint64_t records = 0;
    uint64_t bytes = 0;
    double latency_us_sum = 0;
    uint64_t latency_us_max = 0;

    void add(uint64_t record_bytes, uint64_t latency_us) {
        ++records;
        bytes += record_bytes;
        latency_us_sum += static_cast<double>(latency_us);
        latency_us_max = latency_us > latency_us_max ? latency_us : latency_us_max;
    }
    // The window as a summary over `seconds` (only avg and max latency are known).
    perf_summary summary(double seconds) const;
};

// A summary from counts, elapsed time and a histogram of latencies in microseconds.
perf_summary summarize(uint64_t records, uint64_t bytes, double seconds, const latency_histogram& latency_us);

// "12345 records, 23456.7 records/s (22.91 MB/s), latency avg 1.20 ms, max 9.80 ms" —
// one progress line (no newline) for a window of `s.seconds`.
std::string progress_line(const perf_summary& s);

// The final result in words, with percentiles (no trailing newline).
std::string result_text(const perf_summary& s);

// The final result as one JSON object on one line (no trailing newline).
std::string result_json(const perf_summary& s);

}  // namespace fjord::cli
