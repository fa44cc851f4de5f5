// ctest `sim.Figure8.*`: the history of Figure 8 of the Raft paper, scripted on 5 nodes.
// With bug::commit_previous_term_by_counting a leader commits an entry of an older term
// by counting replicas, and a later leader that lacks it is elected and overwrites it: the
// checker must report that. With the correct algorithm the same script is safe.
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/cluster.h"

namespace fjord::sim {
namespace {

using ms = std::chrono::milliseconds;

// Cuts every link between two different members of `group`, both ways.
void cut_within(cluster& c, const std::vector<int>& group) {
    for (int a : group) {
        for (int b : group) {
            if (a != b) {
                c.cut_one_way(a, b);
            }
        }
    }
}

struct verdict {
    bool script_ok = false;  // every step of the history happened as scripted
    std::string failure;     // the checker's first violation, "" if none
};

// Runs the history. The white-box commit-rule check is off: the black-box invariants
// (leader completeness, state machine safety) must see the bug.
verdict run_figure8(raft::bug b, uint64_t seed) {
    cluster::tuning t;
    t.injected_bug = b;
    t.max_batch_entries = 1;  // one entry per AppendEntries: the old entry travels alone
    t.max_inflight = 1;
    cluster c(5, seed, /*fsync_ms=*/1, t);
    c.invariants().set_check_commit_rule(false);
    const int l1 = c.run_until_leader();
    if (l1 == 0 || !c.run_until_committed(c.node(l1).commit_index())) {
        return {false, c.failure()};
    }
    std::vector<int> others;
    for (int id = 1; id <= 5; ++id) {
        if (id != l1) {
            others.push_back(id);
        }
    }
    const int f = others[0];
    const std::vector<int> abc{others[1], others[2], others[3]};

    // 1. X (term t1) reaches only l1 and f.
    for (int id : abc) {
        c.isolate(id);
    }
    const raft::index x = *c.propose(l1, "X");
    if (!c.run_until([&] { return c.disk_of(f).durable >= x.value(); })) {
        return {false, c.failure()};
    }

    // 2. l1 crashes; a, b, c elect l2, whose no-op Y lands at index x and goes nowhere.
    c.crash(l1);
    c.drop_outbox(l1);
    c.heal();
    c.isolate(f);
    const int l2 = c.run_until_elected();
    if (l2 == 0) {
        return {false, c.failure()};
    }
    c.isolate(l2);
    c.drop_outbox(l2);
    c.run_for(ms(5));
    c.crash(l2);

    // 3. l1 returns. a, b, c cannot reach each other, so only a holder of X can win.
    c.heal();
    cut_within(c, abc);
    c.restart(l1);
    const int l3 = c.run_until_elected();
    if (l3 != l1 && l3 != f) {
        return {false, c.failure()};
    }
    // The other holder of X must not get l3's no-op Z: X then needs a, b, c to commit.
    const int other = l3 == l1 ? f : l1;
    c.drop_outbox(l3);
    c.cut_one_way(l3, other);
    c.cut_one_way(other, l3);
    // It copies X to the two of a, b, c that are up; once they hold it, its links towards
    // them are cut so its no-op Z cannot follow, while their acknowledgements still arrive.
    std::vector<int> ab;
    for (int id : abc) {
        if (id != l2) {
            ab.push_back(id);
        }
    }
    const fjord::term x_term = c.disk_of(l3).at(x.value()).term;
    auto holds_x = [&](int id) { return c.disk_of(id).last() >= x.value() && c.disk_of(id).at(x.value()).term == x_term; };
    if (!c.run_until([&] { return holds_x(ab[0]) && holds_x(ab[1]); })) {
        return {false, c.failure()};
    }
    for (int id : ab) {
        c.cut_one_way(l3, id);
    }
    c.drop_outbox(l3);
    // Crash it as soon as it commits anything at x.
    c.run_until([&] { return !c.alive(l3) || c.node(l3).commit_index() >= x; });
    const bool committed_old_entry_alone = c.alive(l3) && c.node(l3).commit_index() == x;
    c.crash(l3);
    c.drop_outbox(l3);

    // 4. l2 returns with Y (term t2): only it can collect votes.
    c.heal();
    for (int a = 1; a <= 5; ++a) {
        for (int bb = 1; bb <= 5; ++bb) {
            if (a != bb && a != l2 && bb != l2) {
                c.cut_one_way(a, bb);
            }
        }
    }
    c.restart(l2);
    c.run_for(ms(3000));
    // With the bug, l3 committed X before its own no-op; without, X committed with Z.
    const bool reached = b == raft::bug::none || committed_old_entry_alone;
    return {reached, c.failure()};
}

TEST(Figure8, CorrectRaftStaysSafe) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        const verdict v = run_figure8(raft::bug::none, seed);
        EXPECT_TRUE(v.script_ok) << "seed " << seed;
        EXPECT_EQ(v.failure, "") << "seed " << seed;
    }
}

TEST(Figure8, CommittingAPreviousTermEntryByCountingIsCaught) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        const verdict v = run_figure8(raft::bug::commit_previous_term_by_counting, seed);
        EXPECT_TRUE(v.script_ok) << "seed " << seed << ": the history did not reach Figure 8's state";
        EXPECT_NE(v.failure, "") << "seed " << seed;
        if (seed == 1) {
            std::printf("checker: %s\n", v.failure.c_str());
        }
    }
}

}  // namespace
}  // namespace fjord::sim
