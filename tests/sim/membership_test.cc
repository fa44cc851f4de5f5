// ctest `sim.Membership.*`: scripted membership changes (one server at a time, learners)
// on the scripted cluster, with the checker running after every step.
#include <gtest/gtest.h>

#include "raft/errc.h"
#include "sim/cluster.h"

namespace fjord::sim {
namespace {

using ms = std::chrono::milliseconds;

raft::index propose_ok(cluster& c, int leader, const std::string& v) {
    auto r = c.propose(leader, v);
    EXPECT_TRUE(r.has_value()) << "propose on node " << leader;
    return r ? *r : raft::no_index;
}

cluster::tuning spares(int voters) {
    cluster::tuning t;
    t.voters = voters;
    return t;
}

// Retries a membership change on whichever node is the ready leader until it is accepted
// (a leader change or an uncommitted change refuses it for a while); returns its index.
template<typename Change>
raft::index change_until_ok(cluster& c, Change change, ms max = ms(10000)) {
    raft::index out = raft::no_index;
    c.run_until(
        [&] {
            const int l = c.leader();
            if (l == 0) {
                return false;
            }
            auto r = change(c.node(l));
            if (r) {
                out = *r;
            }
            return r.has_value();
        },
        max);
    return out;
}

TEST(Membership, ASecondUncommittedChangeIsRefused) {
    cluster c(5, 1, 2, spares(3));
    const int l = c.run_until_leader();
    ASSERT_NE(l, 0);
    auto first = c.node(l).add_learner(node_id{4});
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(c.node(l).configuration_index(), *first);
    EXPECT_TRUE(c.node(l).configuration().is_learner(node_id{4}));  // effective when appended
    EXPECT_EQ(c.node(l).add_learner(node_id{5}).error(), raft::errc::config_change_in_progress);
    EXPECT_EQ(c.node(l).add_learner(node_id{4}).error(), raft::errc::config_change_in_progress);
    ASSERT_TRUE(c.run_until_committed_on({1, 2, 3, 4}, *first));
    EXPECT_EQ(c.node(l).add_learner(node_id{4}).error(), raft::errc::already_member);
    EXPECT_EQ(c.node(l).promote_learner(node_id{1}).error(), raft::errc::not_a_learner);
    EXPECT_EQ(c.node(l).remove_member(node_id{5}).error(), raft::errc::not_a_member);
    auto second = c.node(l).add_learner(node_id{5});
    ASSERT_TRUE(second.has_value());
    ASSERT_TRUE(c.run_until_committed_on({1, 2, 3, 4, 5}, *second));
    EXPECT_EQ(c.node(5).configuration().learners.size(), 2U);
    EXPECT_TRUE(c.ok()) << c.failure();
}

TEST(Membership, LearnersReplicateButNeverVoteOrCampaign) {
    cluster c(4, 2, 2, spares(3));
    const int l = c.run_until_leader();
    ASSERT_NE(l, 0);
    const raft::index a = change_until_ok(c, [](raft::node& n) { return n.add_learner(node_id{4}); });
    ASSERT_TRUE(c.run_until_committed_on({1, 2, 3, 4}, a));
    // Two voters down: the learner does not make a majority, nothing commits, and the
    // learner never starts an election however long it waits.
    const int f1 = l % 3 + 1, f2 = f1 % 3 + 1;
    c.crash(f1);
    c.crash(f2);
    const raft::index stuck = propose_ok(c, l, "stuck");
    c.run_for(ms(3000));
    EXPECT_LT(c.node(l).commit_index(), stuck);
    EXPECT_EQ(c.node(4).current_role(), raft::role::follower);
    EXPECT_FALSE(c.node(4).is_leader());
    c.restart(f1);
    c.restart(f2);
    const int l2 = c.run_until_leader(ms(10000));
    ASSERT_NE(l2, 0);
    EXPECT_NE(l2, 4);
    const raft::index j = propose_ok(c, l2, "after");
    EXPECT_TRUE(c.run_until_committed_on({1, 2, 3, 4}, j, ms(10000)));
    EXPECT_TRUE(c.ok()) << c.failure();
}

TEST(Membership, AddANodeUnderFaults) {
    cluster c(4, 3, 2, spares(3));
    int l = c.run_until_leader();
    ASSERT_NE(l, 0);
    for (int v = 0; v < 100; ++v) {
        propose_ok(c, l, std::to_string(v));
    }
    const raft::index a = change_until_ok(c, [](raft::node& n) { return n.add_learner(node_id{4}); });
    // Faults while the learner catches up: a flapping follower, the new node crashing.
    c.flap(l % 3 + 1, ms(70), ms(700));
    c.crash(4);
    c.run_for(ms(300));
    c.restart(4);
    const raft::index p = change_until_ok(c, [](raft::node& n) { return n.promote_learner(node_id{4}); });
    ASSERT_GT(p, a);
    l = c.run_until_leader();
    ASSERT_NE(l, 0);
    c.crash(l);  // the leader goes away; the four-voter group (4 included) elects another
    const int l2 = c.run_until_leader(ms(10000));
    ASSERT_NE(l2, 0);
    const raft::index j = propose_ok(c, l2, "after");
    std::vector<int> live;
    for (int id = 1; id <= 4; ++id) {
        if (c.alive(id)) {
            live.push_back(id);
        }
    }
    ASSERT_TRUE(c.run_until_committed_on(live, j, ms(10000)));
    EXPECT_TRUE(c.node(4).configuration().is_voter(node_id{4}));
    EXPECT_EQ(c.node(4).configuration().voters.size(), 4U);
    EXPECT_TRUE(c.ok()) << c.failure();
}

TEST(Membership, RemovingTheLeaderMakesItStepDownOnceCommitted) {
    cluster c(3, 4);
    const int old = c.run_until_leader();
    ASSERT_NE(old, 0);
    const raft::index r = c.node(old).remove_member(node_id{old}).value();
    EXPECT_TRUE(c.node(old).is_leader());  // leads (without counting itself) until it commits
    std::vector<int> rest;
    for (int id = 1; id <= 3; ++id) {
        if (id != old) {
            rest.push_back(id);
        }
    }
    ASSERT_TRUE(c.run_until_committed_on(rest, r));
    c.run_until([&] { return !c.node(old).is_leader(); }, ms(1000));
    EXPECT_FALSE(c.node(old).is_leader());
    const int l = c.run_until_leader(ms(10000));
    ASSERT_NE(l, 0);
    EXPECT_NE(l, old);
    const raft::index j = propose_ok(c, l, "after");
    ASSERT_TRUE(c.run_until_committed_on(rest, j));
    EXPECT_EQ(c.node(l).configuration().voters.size(), 2U);
    c.run_for(ms(2000));  // the removed node never campaigns again
    EXPECT_FALSE(c.node(old).is_leader());
    EXPECT_EQ(c.leader(), l);
    EXPECT_TRUE(c.ok()) << c.failure();
}

TEST(Membership, AFarBehindLearnerIsPromotedOnlyAfterCatchingUp) {
    cluster c(4, 5, 2, spares(3));
    const int l = c.run_until_leader();
    ASSERT_NE(l, 0);
    const raft::index a = c.node(l).add_learner(node_id{4}).value();
    ASSERT_TRUE(c.run_until_committed_on({1, 2, 3}, a));
    c.isolate(4);
    raft::index last = raft::no_index;
    for (int v = 0; v < 300; ++v) {
        last = propose_ok(c, l, std::to_string(v));
    }
    ASSERT_TRUE(c.run_until_committed_on({1, 2, 3}, last));
    EXPECT_EQ(c.node(l).promote_learner(node_id{4}).error(), raft::errc::not_caught_up);
    // Retention on the voters: the learner needs install_start, which carries the
    // configuration in effect at the new start.
    for (int id = 1; id <= 3; ++id) {
        ASSERT_TRUE(c.node(id).delete_prefix(last - 5).has_value());
    }
    c.crash(4);
    c.heal();
    c.restart(4);
    ASSERT_TRUE(c.run_until_committed_on({4}, last));
    EXPECT_EQ(c.disk_of(4).start, (last - 5).value());
    EXPECT_TRUE(c.node(4).configuration().is_learner(node_id{4}));
    // A restart recovers the configuration from install_start state (no config entry left).
    c.crash(4);
    c.restart(4);
    EXPECT_TRUE(c.node(4).configuration_entries().empty());
    EXPECT_TRUE(c.node(4).configuration().is_learner(node_id{4}));
    EXPECT_EQ(c.node(4).configuration().voters.size(), 3U);
    const raft::index p = change_until_ok(c, [](raft::node& n) { return n.promote_learner(node_id{4}); });
    ASSERT_GT(p, last);
    ASSERT_TRUE(c.run_until_committed_on({1, 2, 3, 4}, p));
    // And from its log: the promotion entry is there after a restart.
    c.crash(4);
    c.restart(4);
    EXPECT_TRUE(c.node(4).configuration().is_voter(node_id{4}));
    EXPECT_EQ(c.node(4).configuration_index(), p);
    EXPECT_TRUE(c.ok()) << c.failure();
}

}  // namespace
}  // namespace fjord::sim
