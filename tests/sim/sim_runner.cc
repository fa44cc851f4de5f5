// sim_runner --seeds N --events M [--seed S] [--first S] [--bug NAME] [--trace]
// Runs N seeds (S, S+1, ...) of the deterministic raft simulation; prints every failure
// with a one-line reproduction and exits 1 if any seed failed.
// sim_runner --bench ENTRIES: a fault-free 3-node group in the scripted cluster; reports
// committed entries per wall-clock second (a benchmark, not a test).
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "sim/cluster.h"
#include "sim/world.h"

namespace {

int bench(uint64_t entries) {
    using namespace fjord;
    sim::cluster c(3);
    const int l = c.run_until_leader();
    if (l == 0) {
        fmt::print(stderr, "no leader\n");
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    raft::index last = raft::no_index;
    for (uint64_t done = 0; done < entries;) {
        for (int k = 0; k < 1000 && done < entries; ++k, ++done) {  // 1,000 proposals per virtual ms
            auto r = c.propose(l, std::to_string(done));
            if (!r) {
                fmt::print(stderr, "propose failed\n");
                return 1;
            }
            last = *r;
        }
        c.run_for(std::chrono::milliseconds(1));
    }
    if (!c.run_until_committed(last, std::chrono::milliseconds(60'000)) || !c.ok()) {
        fmt::print(stderr, "not committed: {}\n", c.failure());
        return 1;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("3-node group, batch<=64 x 4 in flight: {} entries committed in {:.2f}s wall = {:.0f} entries/s\n",
               entries, secs, static_cast<double>(entries) / secs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace fjord;
    uint64_t seeds = 1, first = 1, events = 10'000;
    raft::bug b = raft::bug::none;
    bool trace = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                fmt::print(stderr, "missing value after {}\n", a);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--seeds") {
            seeds = std::stoull(next());
        } else if (a == "--seed" || a == "--first") {
            first = std::stoull(next());
        } else if (a == "--events") {
            events = std::stoull(next());
        } else if (a == "--bench") {
            return bench(std::stoull(next()));
        } else if (a == "--trace") {
            trace = true;
        } else if (a == "--bug") {
            const std::string name = next();
            bool found = name == "none";
            for (raft::bug x : raft::all_bugs) {
                if (raft::to_string(x) == name) {
                    b = x;
                    found = true;
                }
            }
            if (!found) {
                fmt::print(stderr, "unknown bug {}\n", name);
                return 2;
            }
        } else {
            fmt::print(stderr, "usage: sim_runner --seeds N --events M [--seed S] [--bug NAME]\n");
            return 2;
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t failed = 0, total_events = 0, acked = 0, config_changes = 0, refused = 0, log_failures = 0;
    for (uint64_t s = first; s < first + seeds; ++s) {
        sim::options opt{s, events, b, trace};
        const sim::outcome o = sim::run(opt);
        total_events += o.events_run;
        acked += o.acked;
        config_changes += o.config_changes;
        refused += o.promotions_refused;
        log_failures += o.log_fsync_failures;
        if (seeds == 1) {
            fmt::print("seed {}: trace hash {:016x}, {} acked, committed up to {}\n", s, o.trace_hash, o.acked,
                       o.committed);
        }
        if (!o.ok) {
            ++failed;
            fmt::print("FAIL seed {}: {}\n  profile: {}\n  repro: {}\n", s, o.failure, o.profile, sim::repro_command(opt));
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("{} seeds x {} events: {} failed; {} events, {} acked, {} membership changes ({} promotions refused: "
               "not caught up), {} log fsync failures, {:.2f}s ({:.0f} events/s)\n",
               seeds, events, failed, total_events, acked, config_changes, refused, log_failures, secs,
               static_cast<double>(total_events) / secs);
    return failed == 0 ? 0 : 1;
}
