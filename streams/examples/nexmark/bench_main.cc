// nexmark-bench: NEXMark mode A — the in-process generator, a query's operators, a null
// sink — printing one JSON line per query: events, outputs, wall and CPU seconds and
// events per second per core (events ÷ CPU seconds of this process).
//
//   nexmark-bench [--events N] [--extra-bytes] q0 q1 q2 ...
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "nexmark/in_process.hpp"

int main(int argc, char** argv) {
  namespace nx = fjord::streams::nexmark;
  std::uint64_t events = 1'000'000;
  nx::generator_config gen{};
  std::vector<std::string> queries;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
      events = std::stoull(argv[++i]);
    } else if (std::strcmp(argv[i], "--java-sizes") == 0) {
      // NEXMark's average event sizes (person 200 B, auction 500 B, bid 100 B).
      gen.avg_person_byte_size = 200;
      gen.avg_auction_byte_size = 500;
      gen.avg_bid_byte_size = 100;
    } else if (argv[i][0] == '-') {
      std::fprintf(stderr, "usage: nexmark-bench [--events N] [--java-sizes] q0 q1 ...\n");
      return 2;
    } else {
      queries.emplace_back(argv[i]);
    }
  }
  if (queries.empty()) queries = {"q0", "q1", "q2", "q3", "q5", "q7", "q8", "q11"};
  try {
    for (const auto& q : queries) {
      const auto r = nx::run_in_process(q, events, gen);
      std::printf(
          "{\"query\":\"%s\",\"mode\":\"A\",\"events\":%llu,\"outputs\":%llu,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
          "\"events_per_core_s\":%.0f}\n",
          q.c_str(), static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.outputs),
          r.wall_seconds, r.cpu_seconds, r.events_per_core_second());
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nexmark-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
