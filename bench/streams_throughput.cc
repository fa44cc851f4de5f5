// streams-throughput: fjord-streams through a real broker with plain records (the
// issue's "filter-only and windowed-count throughput through the broker with 1 KiB
// records"). Reads `bench-in` (any keys; values as written by `fjord perf produce`:
// capital letters) and writes `bench-out`:
//   --mode filter          values whose first byte is before 'N' (about half) pass through
//   --mode windowed-count  records counted per value prefix (2 bytes, 676 keys) in 1 s
//                          tumbling windows, final results only; the re-key goes through
//                          `<app-id>-by-prefix-repartition`
// Other flags and the JSON-lines output (incl. cpu_s of this process) are every example's:
// streams/examples/common/run_app.hpp. scripts/bench-streams runs it.
#include "common/run_app.hpp"

namespace {

namespace fs = fjord::streams;
using namespace std::chrono_literals;

const fs::topic<std::string, std::string, fs::utf8, fs::utf8> in{"bench-in"};
const fs::topic<std::string, std::string, fs::utf8, fs::utf8> filtered{"bench-out"};
const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> counted{"bench-out"};

void build(fs::topology& t, const std::string& mode) {
  if (mode == "filter") {
    t.stream(in).filter([](const std::string& v) { return !v.empty() && v[0] < 'N'; }).to(filtered);
  } else if (mode == "windowed-count") {
    t.stream(in)
        .group_by([](const std::string&, const std::string& v) { return v.substr(0, 2); }, fs::named{"by-prefix"})
        .windowed_by(fs::tumbling(1s).grace(0ms))
        .emit_final()
        .count(fs::store::rocksdb{"prefix-counts"})
        .to_stream()
        .map([](const fs::windowed<std::string>& w, std::int64_t n) { return std::pair{w.key, n}; })
        .to(counted);
  } else {
    throw fs::streams_error("--mode must be filter or windowed-count, not '" + mode + "'");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = "filter";
  const auto options = examples::parse_options(argc, argv, "streams-throughput", [&](const std::string& flag, const std::string& v) {
    if (flag != "--mode") return false;
    mode = v;
    return true;
  });
  return examples::main_with_signals([&](std::stop_token stop) {
    fs::topology t{options.app_id};
    build(t, mode);
    return examples::run_topology(t, options, stop);
  });
}
