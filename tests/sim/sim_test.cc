// ctest `sim.*`: the seed sweep (zero violations), determinism, and the checker self-test
// (every raft::bug is caught within 1,000 seeds).
// FJORD_SIM_SEEDS / FJORD_SIM_EVENTS / FJORD_SIM_SEED override the sweep from the shell.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "sim/world.h"

namespace fjord::sim {
namespace {

#ifndef FJORD_SIM_DEFAULT_SEEDS
#define FJORD_SIM_DEFAULT_SEEDS 1000
#endif

uint64_t env_u64(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::stoull(v) : fallback;
}

TEST(Simulation, SeedSweepHasNoViolations) {
    const uint64_t seeds = env_u64("FJORD_SIM_SEEDS", FJORD_SIM_DEFAULT_SEEDS);
    const uint64_t events = env_u64("FJORD_SIM_EVENTS", 10'000);
    const uint64_t first = env_u64("FJORD_SIM_SEED", 1);
    uint64_t acked = 0;
    for (uint64_t s = first; s < first + seeds; ++s) {
        const options opt{s, events, raft::bug::none, false};
        const outcome o = run(opt);
        ASSERT_TRUE(o.ok) << "seed " << s << ": " << o.failure << "\n  profile: " << o.profile
                          << "\n  repro: " << repro_command(opt);
        acked += o.acked;
    }
    EXPECT_GT(acked, seeds);  // the sweep is not vacuous: clients get acks
}

TEST(Simulation, SameSeedGivesSameTraceHash) {
    for (uint64_t s : {1ULL, 7ULL, 12345ULL}) {
        const options opt{s, 5'000, raft::bug::none, false};
        const outcome a = run(opt);
        const outcome b = run(opt);
        EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << s;
        EXPECT_EQ(a.acked, b.acked) << "seed " << s;
    }
    EXPECT_NE(run({1, 5'000, raft::bug::none, false}).trace_hash, run({2, 5'000, raft::bug::none, false}).trace_hash);
}

// Runs seeds until the checker reports a violation; returns the first failing seed, or 0.
uint64_t first_catching_seed(raft::bug b) {
    for (uint64_t s = 1; s <= 1000; ++s) {
        const outcome o = run({s, 10'000, b, false});
        if (!o.ok) {
            std::printf("bug %s caught at seed %llu: %s\n", std::string(raft::to_string(b)).c_str(),
                        static_cast<unsigned long long>(s), o.failure.c_str());
            return s;
        }
    }
    return 0;
}

TEST(CheckerCatches, VoteBeforePersist) { EXPECT_NE(first_catching_seed(raft::bug::vote_before_persist), 0U); }
TEST(CheckerCatches, CommitPreviousTermByCounting) {
    EXPECT_NE(first_catching_seed(raft::bug::commit_previous_term_by_counting), 0U);
}
TEST(CheckerCatches, SkipPrevLogTermCheck) { EXPECT_NE(first_catching_seed(raft::bug::skip_prev_log_term_check), 0U); }
TEST(CheckerCatches, AckBeforeFsync) { EXPECT_NE(first_catching_seed(raft::bug::ack_before_fsync), 0U); }
TEST(CheckerCatches, ServeBeforeOwnTermCommit) {
    EXPECT_NE(first_catching_seed(raft::bug::serve_before_own_term_commit), 0U);
}
TEST(CheckerCatches, TruncateCommittedOnConflict) {
    EXPECT_NE(first_catching_seed(raft::bug::truncate_committed_on_conflict), 0U);
}
TEST(CheckerCatches, AllowTwoUncommittedConfigChanges) {
    EXPECT_NE(first_catching_seed(raft::bug::allow_two_uncommitted_config_changes), 0U);
}
TEST(CheckerCatches, IgnoreLogFsyncFailure) {
    EXPECT_NE(first_catching_seed(raft::bug::ignore_log_fsync_failure), 0U);
}

}  // namespace
}  // namespace fjord::sim
