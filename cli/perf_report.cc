// Implementation of cli/perf_report.h.
#include "cli/perf_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fjord::cli {
namespace {

double us_to_ms(uint64_t us) { return static_cast<double>(us) / 1000.0; }

}  // namespace

perf_summary summarize(uint64_t records, uint64_t bytes, double seconds, const latency_histogram& latency_us) {
    return perf_summary{
        .records = records,
        .bytes = bytes,
        .seconds = seconds,
        .latency_ms_avg = latency_us.mean() / 1000.0,
        .latency_ms_p50 = us_to_ms(latency_us.percentile(50)),
        .latency_ms_p99 = us_to_ms(latency_us.percentile(99)),
        .latency_ms_p999 = us_to_ms(latency_us.percentile(99.9)),
        .latency_ms_max = us_to_ms(latency_us.max()),
    };
}

perf_summary perf_window::summary(double seconds) const {
    return perf_summary{
        .records = records,
        .bytes = bytes,
        .seconds = seconds,
        .latency_ms_avg = records == 0 ? 0 : latency_us_sum / static_cast<double>(records) / 1000.0,
        .latency_ms_max = us_to_ms(latency_us_max),
    };
}

std::string progress_line(const perf_summary& s) {
    return fmt::format("{} records, {:.1f} records/s ({:.2f} MB/s), latency avg {:.2f} ms, max {:.2f} ms", s.records,
                       s.records_per_sec(), s.mb_per_sec(), s.latency_ms_avg, s.latency_ms_max);
}

std::string result_text(const perf_summary& s) {
    return fmt::format(
        "{} records in {:.3f} s: {:.1f} records/s ({:.2f} MB/s), latency avg {:.2f} ms, p50 {:.2f} ms, "
        "p99 {:.2f} ms, p99.9 {:.2f} ms, max {:.2f} ms",
        s.records, s.seconds, s.records_per_sec(), s.mb_per_sec(), s.latency_ms_avg, s.latency_ms_p50,
        s.latency_ms_p99, s.latency_ms_p999, s.latency_ms_max);
}

std::string result_json(const perf_summary& s) {
    nlohmann::ordered_json j;
    j["records"] = s.records;
    j["bytes"] = s.bytes;
    j["seconds"] = s.seconds;
    j["records_per_sec"] = s.records_per_sec();
    j["mb_per_sec"] = s.mb_per_sec();
    j["latency_ms_avg"] = s.latency_ms_avg;
    j["latency_ms_p50"] = s.latency_ms_p50;
    j["latency_ms_p99"] = s.latency_ms_p99;
    j["latency_ms_p999"] = s.latency_ms_p999;
    j["latency_ms_max"] = s.latency_ms_max;
    return j.dump();
}

}  // namespace fjord::cli
