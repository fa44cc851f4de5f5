// classic_group_test: the classic rebalance state machine driven by a manual clock.
// Replies are captured in vectors so a test sees whether a call parked (no reply yet),
// was answered, or (a bug) was answered twice.
#include "group/classic_group.h"

#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "group/consumer_protocol.h"
#include "group/group_errors.h"

namespace fjord::group {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

bytes b(std::string_view s) {
    bytes out;
    for (char c : s) {
        out.push_back(static_cast<std::byte>(c));
    }
    return out;
}

std::vector<protocol_entry> range_only(std::string_view md = "m") {
    return {{"range", b(md)}};
}

// A JoinGroup's replies (exactly one once answered).
struct joined {
    std::shared_ptr<std::vector<join_result>> replies = std::make_shared<std::vector<join_result>>();
    bool answered() const { return !replies->empty(); }
    const join_result& get() const {
        static const join_result none;
        EXPECT_EQ(replies->size(), 1u) << "JoinGroup must be answered exactly once";
        return replies->empty() ? none : replies->front();
    }
    const join_result* operator->() const { return &get(); }
};

struct synced {
    std::shared_ptr<std::vector<sync_result>> replies = std::make_shared<std::vector<sync_result>>();
    bool answered() const { return !replies->empty(); }
    const sync_result& get() const {
        static const sync_result none;
        EXPECT_EQ(replies->size(), 1u) << "SyncGroup must be answered exactly once";
        return replies->empty() ? none : replies->front();
    }
    const sync_result* operator->() const { return &get(); }
};

class ClassicGroupTest : public ::testing::Test {
protected:
    ClassicGroupTest() { cfg.initial_rebalance_delay = 0ms; }

    static join_request req(std::string member_id = "", std::vector<protocol_entry> protocols = range_only()) {
        join_request r;
        r.member_id = std::move(member_id);
        r.client_id = "client";
        r.client_host = "/127.0.0.1";
        r.session_timeout_ms = 10000;
        r.rebalance_timeout_ms = 30000;
        r.protocol_type = "consumer";
        r.protocols = std::move(protocols);
        return r;
    }

    static join_request static_req(std::string instance, std::string member_id = "",
                                   std::vector<protocol_entry> protocols = range_only()) {
        join_request r = req(std::move(member_id), std::move(protocols));
        r.group_instance_id = std::move(instance);
        return r;
    }

    joined join(join_request r) {
        joined j;
        g.join(std::move(r), [rep = j.replies](join_result x) { rep->push_back(std::move(x)); });
        return j;
    }

    synced sync(std::string member_id, int32_t generation, std::vector<member_assignment> assignments = {},
                std::optional<std::string> instance = std::nullopt) {
        synced s;
        sync_request r;
        r.member_id = std::move(member_id);
        r.group_instance_id = std::move(instance);
        r.generation_id = generation;
        r.assignments = std::move(assignments);
        g.sync(std::move(r), [rep = s.replies](sync_result x) { rep->push_back(std::move(x)); });
        return s;
    }

    int16_t heartbeat(const std::string& id, std::optional<std::string> instance = std::nullopt) {
        return g.heartbeat(id, instance, g.generation_id());
    }

    // Moves time forward by d the way the coordinator would: advance() at every deadline.
    void tick(milliseconds d) {
        const fjord::clock::duration end = clk.monotonic() + d;
        for (int i = 0; i < 10000; ++i) {
            auto next = g.next_deadline();
            if (!next || *next > end) {
                clk.advance(std::chrono::duration_cast<milliseconds>(end - clk.monotonic()));
                g.advance();
                return;
            }
            if (*next > clk.monotonic()) {
                clk.advance(std::chrono::duration_cast<milliseconds>(*next - clk.monotonic()));
            }
            g.advance();
            auto after = g.next_deadline();
            if (after && *after <= clk.monotonic()) {
                ADD_FAILURE() << "advance() left a deadline in the past";
                return;
            }
        }
        ADD_FAILURE() << "tick did not converge";
    }

    // n dynamic members join an Empty group within the initial delay; returns their ids
    // in join order. The group ends CompletingRebalance, generation +1.
    std::vector<std::string> form_group(int n, const std::vector<std::vector<protocol_entry>>& protocols = {}) {
        cfg.initial_rebalance_delay = 3000ms;
        std::vector<joined> js;
        for (int i = 0; i < n; ++i) {
            js.push_back(join(req("", protocols.empty() ? range_only() : protocols[static_cast<size_t>(i)])));
        }
        tick(10s);
        std::vector<std::string> ids;
        for (const joined& j : js) {
            EXPECT_EQ(j->error_code, err::none);
            ids.push_back(j->member_id);
        }
        EXPECT_EQ(g.state(), group_state::completing_rebalance);
        return ids;
    }

    // Leader syncs assignments "a0", "a1", ...; everyone then has its assignment. Stable.
    void stabilize(const std::vector<std::string>& ids) {
        std::vector<member_assignment> as;
        for (size_t i = 0; i < ids.size(); ++i) {
            as.push_back({ids[i], b("a" + std::to_string(i))});
        }
        const std::string leader = g.describe().leader;
        std::vector<synced> followers;
        for (const std::string& id : ids) {
            if (id != leader) {
                followers.push_back(sync(id, g.generation_id()));
            }
        }
        EXPECT_EQ(sync(leader, g.generation_id(), as)->error_code, err::none);
        for (const synced& s : followers) {
            EXPECT_EQ(s->error_code, err::none);
        }
        EXPECT_EQ(g.state(), group_state::stable);
    }

    std::vector<std::string> stable_group(int n) {
        auto ids = form_group(n);
        stabilize(ids);
        g.take_persist_request();
        return ids;
    }

    manual_clock clk;
    group_config cfg;
    classic_group g{"g", cfg, clk};
};

TEST_F(ClassicGroupTest, StateNamesRoundTrip) {
    EXPECT_EQ(to_string(group_state::preparing_rebalance), "PreparingRebalance");
    EXPECT_EQ(to_string(group_state::completing_rebalance), "CompletingRebalance");
    EXPECT_EQ(parse_group_state("stable"), group_state::stable);
    EXPECT_EQ(parse_group_state("EMPTY"), group_state::empty);
    EXPECT_EQ(parse_group_state("Dead"), group_state::dead);
    EXPECT_EQ(parse_group_state("Stabl"), std::nullopt);
}

TEST_F(ClassicGroupTest, MemberIdRequiredRoundTrip) {
    join_request r = req();
    r.require_known_member_id = true;
    joined first = join(r);
    ASSERT_EQ(first->error_code, err::member_id_required);
    const std::string id = first->member_id;
    EXPECT_TRUE(std::regex_match(id, std::regex("client-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << id;
    EXPECT_EQ(g.state(), group_state::empty);
    EXPECT_FALSE(g.has_members());

    joined second = join(req(id));
    ASSERT_TRUE(second.answered());  // no initial delay configured: completes at once
    EXPECT_EQ(second->error_code, err::none);
    EXPECT_EQ(second->member_id, id);
    EXPECT_EQ(second->leader, id);
    EXPECT_EQ(second->generation_id, 1);
    EXPECT_EQ(second->protocol_name, "range");
    EXPECT_EQ(second->protocol_type, "consumer");
    ASSERT_EQ(second->members.size(), 1u);
    EXPECT_EQ(g.state(), group_state::completing_rebalance);
}

TEST_F(ClassicGroupTest, MemberIdsAreUnique) {
    join_request r = req();
    r.require_known_member_id = true;
    joined a = join(r);
    joined c = join(r);
    EXPECT_NE(a->member_id, c->member_id);
}

TEST_F(ClassicGroupTest, PendingMemberExpiresAfterSessionTimeout) {
    join_request r = req();
    r.require_known_member_id = true;
    const std::string id = join(r)->member_id;
    ASSERT_TRUE(g.next_deadline().has_value());
    tick(10001ms);
    EXPECT_FALSE(g.next_deadline().has_value());
    EXPECT_EQ(join(req(id))->error_code, err::unknown_member_id);
}

TEST_F(ClassicGroupTest, PendingMemberBlocksJoinCompletionUntilItJoins) {
    auto ids = stable_group(1);
    join_request r = req();
    r.require_known_member_id = true;
    const std::string pending = join(r)->member_id;
    joined leader = join(req(ids[0]));  // the leader rejoins: rebalance, but the pending one may come
    EXPECT_FALSE(leader.answered());
    joined newcomer = join(req(pending));
    ASSERT_TRUE(leader.answered());
    ASSERT_TRUE(newcomer.answered());
    EXPECT_EQ(leader->members.size(), 2u);
    EXPECT_EQ(newcomer->generation_id, 2);
}

TEST_F(ClassicGroupTest, UnknownMemberIdOnJoin) {
    EXPECT_EQ(join(req("nobody"))->error_code, err::unknown_member_id);
    EXPECT_EQ(join(req("nobody"))->member_id, "nobody");
}

TEST_F(ClassicGroupTest, SingleMemberWithoutDelayCompletesAtOnce) {
    joined j = join(req());
    ASSERT_TRUE(j.answered());
    EXPECT_EQ(j->generation_id, 1);
    EXPECT_EQ(g.generation_id(), 1);
    EXPECT_EQ(g.state(), group_state::completing_rebalance);
}

TEST_F(ClassicGroupTest, ThreeMembersJoinWithinExtendedInitialDelay) {
    cfg.initial_rebalance_delay = 3000ms;
    joined m1 = join(req("", range_only("md1")));
    clk.advance(1000ms);
    joined m2 = join(req("", range_only("md2")));
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    tick(1500ms);
    joined m3 = join(req("", range_only("md3")));
    tick(499ms);  // t = 2999
    EXPECT_FALSE(m1.answered());
    tick(1ms);  // t = 3000: members joined during the delay, so it is extended to 6000
    EXPECT_FALSE(m1.answered());
    tick(2999ms);
    EXPECT_FALSE(m1.answered());
    tick(1ms);
    ASSERT_TRUE(m1.answered());
    ASSERT_TRUE(m2.answered());
    ASSERT_TRUE(m3.answered());
    EXPECT_EQ(m1->generation_id, 1);
    EXPECT_EQ(m1->leader, m1->member_id);
    EXPECT_EQ(m2->leader, m1->member_id);
    ASSERT_EQ(m1->members.size(), 3u);
    EXPECT_EQ(m1->members[0].member_id, m1->member_id);
    EXPECT_EQ(m1->members[1].member_id, m2->member_id);
    EXPECT_EQ(m1->members[2].member_id, m3->member_id);
    EXPECT_EQ(m1->members[2].metadata, b("md3"));
    EXPECT_TRUE(m2->members.empty());
    EXPECT_TRUE(m3->members.empty());
    EXPECT_EQ(m3->protocol_name, "range");
    EXPECT_EQ(g.state(), group_state::completing_rebalance);
}

TEST_F(ClassicGroupTest, InitialDelayWithoutNewMembersEndsAfterOneDelay) {
    cfg.initial_rebalance_delay = 3000ms;
    joined m1 = join(req());
    tick(2999ms);
    EXPECT_FALSE(m1.answered());
    tick(1ms);
    EXPECT_TRUE(m1.answered());
}

TEST_F(ClassicGroupTest, InitialDelayNeverExtendsPastTheRebalanceTimeout) {
    cfg.initial_rebalance_delay = 3000ms;
    join_request r = req();
    r.rebalance_timeout_ms = 5000;
    joined m1 = join(r);
    clk.advance(1000ms);
    joined m2 = join(r);
    tick(2000ms);  // t = 3000: extended, but only to 5000
    EXPECT_FALSE(m1.answered());
    tick(1000ms);
    joined m3 = join(r);  // t = 4000
    tick(999ms);
    EXPECT_FALSE(m1.answered());
    tick(1ms);  // t = 5000: limit reached although m3 just joined
    ASSERT_TRUE(m1.answered());
    EXPECT_EQ(m1->members.size(), 3u);
    EXPECT_TRUE(m3.answered());
}

TEST_F(ClassicGroupTest, ProtocolSelectedByVote) {
    auto ids = form_group(3, {{{"RoundRobinAssigner", b("rr1")}, {"range", b("r1")}},
                              {{"range", b("r2")}, {"RoundRobinAssigner", b("rr2")}},
                              {{"RoundRobinAssigner", b("rr3")}, {"range", b("r3")}}});
    auto d = g.describe();
    EXPECT_EQ(d.protocol_name, "RoundRobinAssigner");
    ASSERT_EQ(d.members.size(), 3u);
    EXPECT_EQ(d.members[1].metadata, b("rr2"));
}

TEST_F(ClassicGroupTest, OnlyProtocolsEveryoneSupportsAreCandidates) {
    form_group(3, {{{"sticky", b("")}, {"range", b("")}},
                   {{"range", b("")}},
                   {{"sticky", b("")}, {"range", b("")}}});
    EXPECT_EQ(g.describe().protocol_name, "range");
}

TEST_F(ClassicGroupTest, VoteTieGoesToTheLeadersPreference) {
    form_group(2, {{{"x", b("")}, {"y", b("")}}, {{"y", b("")}, {"x", b("")}}});
    EXPECT_EQ(g.describe().protocol_name, "x");
}

TEST_F(ClassicGroupTest, InconsistentProtocolsRejected) {
    auto ids = form_group(1);
    joined other = join(req("", {{"RoundRobinAssigner", b("")}}));
    EXPECT_EQ(other->error_code, err::inconsistent_group_protocol);
    join_request wrong_type = req();
    wrong_type.protocol_type = "connect";
    EXPECT_EQ(join(wrong_type)->error_code, err::inconsistent_group_protocol);
    join_request none = req(ids[0], {});
    EXPECT_EQ(join(none)->error_code, err::inconsistent_group_protocol);
    EXPECT_EQ(join(none)->member_id, ids[0]);
    EXPECT_EQ(g.state(), group_state::completing_rebalance);
}

TEST_F(ClassicGroupTest, EmptyProtocolTypeRejectedEvenWhenEmpty) {
    join_request r = req();
    r.protocol_type = "";
    EXPECT_EQ(join(r)->error_code, err::inconsistent_group_protocol);
    EXPECT_EQ(g.state(), group_state::empty);
}

TEST_F(ClassicGroupTest, SoleMemberMayChangeItsProtocols) {
    auto ids = form_group(1);
    joined j = join(req(ids[0], {{"RoundRobinAssigner", b("")}}));
    ASSERT_TRUE(j.answered());
    EXPECT_EQ(j->error_code, err::none);
    EXPECT_EQ(j->protocol_name, "RoundRobinAssigner");
    EXPECT_EQ(j->generation_id, 2);
}

TEST_F(ClassicGroupTest, InvalidSessionTimeoutBothBounds) {
    join_request low = req();
    low.session_timeout_ms = 5999;
    EXPECT_EQ(join(low)->error_code, err::invalid_session_timeout);
    join_request high = req();
    high.session_timeout_ms = 1800001;
    EXPECT_EQ(join(high)->error_code, err::invalid_session_timeout);
    EXPECT_EQ(g.state(), group_state::empty);
    join_request edge = req();
    edge.session_timeout_ms = 6000;
    EXPECT_EQ(join(edge)->error_code, err::none);
}

TEST_F(ClassicGroupTest, SyncDistributesAssignmentsFollowersWaitForLeader) {
    auto ids = form_group(3);
    const int32_t gen = g.generation_id();
    synced f1 = sync(ids[1], gen);
    synced f2 = sync(ids[2], gen);
    EXPECT_FALSE(f1.answered());
    EXPECT_FALSE(f2.answered());
    EXPECT_FALSE(g.take_persist_request());
    synced leader = sync(ids[0], gen, {{ids[0], b("a0")}, {ids[1], b("a1")}, {"ghost", b("zz")}});
    ASSERT_TRUE(f1.answered());
    ASSERT_TRUE(f2.answered());
    EXPECT_EQ(leader->assignment, b("a0"));
    EXPECT_EQ(f1->assignment, b("a1"));
    EXPECT_EQ(f2->error_code, err::none);
    EXPECT_TRUE(f2->assignment.empty());  // missing from the leader's list: nothing assigned
    EXPECT_EQ(g.state(), group_state::stable);
    EXPECT_TRUE(g.take_persist_request());
    // In Stable a SyncGroup is answered at once.
    EXPECT_EQ(sync(ids[1], gen)->assignment, b("a1"));
    auto d = g.describe();
    EXPECT_EQ(d.members[0].assignment, b("a0"));
    EXPECT_EQ(d.members.size(), 3u);
}

TEST_F(ClassicGroupTest, SyncErrors) {
    EXPECT_EQ(sync("nobody", 0)->error_code, err::unknown_member_id);
    auto ids = form_group(2);
    EXPECT_EQ(sync(ids[1], g.generation_id() + 1)->error_code, err::illegal_generation);
    EXPECT_EQ(sync("nobody", g.generation_id())->error_code, err::unknown_member_id);
    stabilize(ids);
    joined rejoin = join(req(ids[0]));  // the leader rejoins: PreparingRebalance
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(sync(ids[1], g.generation_id())->error_code, err::rebalance_in_progress);
    g.mark_dead();
    EXPECT_EQ(sync(ids[1], g.generation_id())->error_code, err::coordinator_not_available);
}

TEST_F(ClassicGroupTest, HeartbeatErrorsInEachState) {
    EXPECT_EQ(g.heartbeat("nobody", std::nullopt, 0), err::unknown_member_id);  // Empty
    auto ids = form_group(2);                                                     // CompletingRebalance
    EXPECT_EQ(heartbeat(ids[1]), err::none);
    EXPECT_EQ(g.heartbeat(ids[1], std::nullopt, g.generation_id() - 1), err::illegal_generation);
    EXPECT_EQ(heartbeat("nobody"), err::unknown_member_id);
    EXPECT_EQ(heartbeat(ids[1], "not-static"), err::unknown_member_id);
    stabilize(ids);
    EXPECT_EQ(heartbeat(ids[0]), err::none);  // Stable
    joined rejoin = join(req(ids[0]));
    EXPECT_EQ(heartbeat(ids[1]), err::rebalance_in_progress);  // PreparingRebalance
    EXPECT_EQ(g.heartbeat(ids[1], std::nullopt, 99), err::illegal_generation);
    g.mark_dead();
    EXPECT_EQ(heartbeat(ids[1]), err::coordinator_not_available);
}

TEST_F(ClassicGroupTest, NewMemberJoiningStableGroupTriggersRebalance) {
    auto ids = stable_group(2);
    joined m3 = join(req());
    EXPECT_FALSE(m3.answered());
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(heartbeat(ids[0]), err::rebalance_in_progress);
    EXPECT_EQ(heartbeat(ids[1]), err::rebalance_in_progress);
    joined r0 = join(req(ids[0]));
    EXPECT_FALSE(r0.answered());
    joined r1 = join(req(ids[1]));
    ASSERT_TRUE(m3.answered());
    ASSERT_TRUE(r0.answered());
    EXPECT_EQ(r1->generation_id, 2);
    EXPECT_EQ(r0->leader, ids[0]);
    EXPECT_EQ(r0->members.size(), 3u);
    EXPECT_TRUE(m3->members.empty());
    EXPECT_EQ(g.state(), group_state::completing_rebalance);
}

TEST_F(ClassicGroupTest, FollowerRejoinInStableGetsCurrentInfoWithoutRebalance) {
    auto ids = stable_group(2);
    joined j = join(req(ids[1]));
    ASSERT_TRUE(j.answered());
    EXPECT_EQ(j->generation_id, 1);
    EXPECT_TRUE(j->members.empty());
    EXPECT_EQ(g.state(), group_state::stable);
}

TEST_F(ClassicGroupTest, ChangedMetadataInStableTriggersRebalance) {
    auto ids = stable_group(2);
    joined j = join(req(ids[1], range_only("new-subscription")));
    EXPECT_FALSE(j.answered());
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
}

TEST_F(ClassicGroupTest, JoinInCompletingRebalance) {
    auto ids = form_group(2);
    joined same = join(req(ids[0]));  // unchanged: current info at once, the leader gets members
    ASSERT_TRUE(same.answered());
    EXPECT_EQ(same->generation_id, 1);
    EXPECT_EQ(same->members.size(), 2u);
    EXPECT_EQ(g.state(), group_state::completing_rebalance);
    EXPECT_EQ(sync(ids[0], 1)->error_code, err::none);  // the leader's (empty) assignment: Stable
    EXPECT_EQ(g.state(), group_state::stable);
}

TEST_F(ClassicGroupTest, ChangedProtocolsInCompletingRebalanceAbortParkedSyncs) {
    auto ids = form_group(2);
    synced follower = sync(ids[1], 1);
    EXPECT_FALSE(follower.answered());
    joined changed = join(req(ids[0], range_only("changed")));
    EXPECT_FALSE(changed.answered());
    ASSERT_TRUE(follower.answered());
    EXPECT_EQ(follower->error_code, err::rebalance_in_progress);
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
}

TEST_F(ClassicGroupTest, RetriedJoinAnswersTheSupersededOne) {
    auto ids = stable_group(2);
    joined first = join(req(ids[0]));
    EXPECT_FALSE(first.answered());
    joined retry = join(req(ids[0]));
    ASSERT_TRUE(first.answered());
    EXPECT_EQ(first->error_code, err::rebalance_in_progress);
    EXPECT_FALSE(retry.answered());
    joined other = join(req(ids[1]));
    EXPECT_TRUE(retry.answered());
    EXPECT_EQ(first.replies->size(), 1u);
}

TEST_F(ClassicGroupTest, SessionExpiryEvictsAndRebalances) {
    auto ids = stable_group(2);
    tick(5000ms);
    EXPECT_EQ(heartbeat(ids[0]), err::none);
    tick(5000ms);  // ids[1] silent for 10 s: removed
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(heartbeat(ids[1]), err::unknown_member_id);
    EXPECT_EQ(heartbeat(ids[0]), err::rebalance_in_progress);
    joined r0 = join(req(ids[0]));
    ASSERT_TRUE(r0.answered());
    EXPECT_EQ(r0->generation_id, 2);
    ASSERT_EQ(r0->members.size(), 1u);
}

TEST_F(ClassicGroupTest, HeartbeatsKeepAMemberAlive) {
    auto ids = stable_group(1);
    for (int i = 0; i < 10; ++i) {
        tick(9000ms);
        ASSERT_EQ(heartbeat(ids[0]), err::none);
    }
    EXPECT_EQ(g.state(), group_state::stable);
}

TEST_F(ClassicGroupTest, MemberNotRejoiningWithinRebalanceTimeoutIsRemoved) {
    auto ids = stable_group(3);
    joined r0 = join(req(ids[0]));
    joined r1 = join(req(ids[1]));
    for (int i = 0; i < 5; ++i) {  // ids[2] heartbeats (REBALANCE_IN_PROGRESS) but never rejoins
        tick(5000ms);
        EXPECT_EQ(heartbeat(ids[2]), err::rebalance_in_progress);
    }
    EXPECT_FALSE(r0.answered());
    tick(5000ms);  // 30 s: the rebalance timeout
    ASSERT_TRUE(r0.answered());
    EXPECT_EQ(r0->generation_id, 2);
    EXPECT_EQ(r0->members.size(), 2u);
    EXPECT_EQ(heartbeat(ids[2]), err::unknown_member_id);
}

TEST_F(ClassicGroupTest, LeaderNotRejoiningIsReplaced) {
    auto ids = stable_group(2);
    joined r1 = join(req(ids[1], range_only("changed")));  // follower rejoins with new metadata
    tick(5000ms);
    EXPECT_EQ(heartbeat(ids[0]), err::rebalance_in_progress);
    tick(30000ms);
    ASSERT_TRUE(r1.answered());
    EXPECT_EQ(r1->leader, ids[1]);
    EXPECT_EQ(r1->members.size(), 1u);
}

TEST_F(ClassicGroupTest, CleanLeaveTriggersImmediateRebalance) {
    auto ids = stable_group(2);
    EXPECT_EQ(g.leave({{ids[1], std::nullopt}}), std::vector<int16_t>{err::none});
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    joined r0 = join(req(ids[0]));
    ASSERT_TRUE(r0.answered());
    EXPECT_EQ(r0->generation_id, 2);
    EXPECT_EQ(r0->members.size(), 1u);
    EXPECT_EQ(g.leave({{"nobody", std::nullopt}}), std::vector<int16_t>{err::unknown_member_id});
}

TEST_F(ClassicGroupTest, LeavingWhileParkedAnswersTheJoinAndCompletesTheRest) {
    auto ids = stable_group(2);
    joined r0 = join(req(ids[0]));
    joined r1_first = join(req("", range_only()));  // a newcomer parks too
    EXPECT_FALSE(r0.answered());
    // ids[1] was the only member not rejoined: once it leaves, the join phase completes
    // with ids[0] and the newcomer.
    EXPECT_EQ(g.leave({{ids[1], std::nullopt}}), std::vector<int16_t>{err::none});
    ASSERT_TRUE(r0.answered());
    EXPECT_EQ(r0->members.size(), 2u);
    // The newcomer leaves while awaiting sync: its parked sync is answered, a rebalance starts.
    synced s = sync(r1_first->member_id, g.generation_id());
    EXPECT_EQ(g.leave({{r1_first->member_id, std::nullopt}}), std::vector<int16_t>{err::none});
    ASSERT_TRUE(s.answered());
    EXPECT_EQ(s->error_code, err::unknown_member_id);
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
}

TEST_F(ClassicGroupTest, LeaveOfAParkedMemberAnswersItsJoin) {
    cfg.initial_rebalance_delay = 3000ms;
    joined m1 = join(req());
    joined m2 = join(req());
    tick(10s);
    const std::string id1 = m1->member_id;
    const std::string id2 = m2->member_id;
    joined r1 = join(req(id1, range_only("x")));  // parks (leader rejoins)
    ASSERT_FALSE(r1.answered());
    EXPECT_EQ(g.leave({{id1, std::nullopt}}), std::vector<int16_t>{err::none});
    ASSERT_TRUE(r1.answered());
    EXPECT_EQ(r1->error_code, err::unknown_member_id);
    joined r2 = join(req(id2));
    ASSERT_TRUE(r2.answered());
    EXPECT_EQ(r2->leader, id2);
}

TEST_F(ClassicGroupTest, PendingMemberLeaveIsAccepted) {
    join_request r = req();
    r.require_known_member_id = true;
    const std::string id = join(r)->member_id;
    EXPECT_EQ(g.leave({{id, std::nullopt}}), std::vector<int16_t>{err::none});
    EXPECT_EQ(join(req(id))->error_code, err::unknown_member_id);
}

TEST_F(ClassicGroupTest, LastLeaveEmptiesGroupBumpsGenerationAndPersists) {
    auto ids = stable_group(1);
    EXPECT_FALSE(g.take_persist_request());
    const int64_t before = g.current_state_timestamp();
    clk.advance(1000ms);
    EXPECT_EQ(g.leave({{ids[0], std::nullopt}}), std::vector<int16_t>{err::none});
    EXPECT_EQ(g.state(), group_state::empty);
    EXPECT_EQ(g.generation_id(), 2);
    EXPECT_TRUE(g.take_persist_request());
    EXPECT_FALSE(g.take_persist_request());
    EXPECT_EQ(g.current_state_timestamp(), before + 1000);
    auto d = g.describe();
    EXPECT_EQ(d.protocol_type, "consumer");
    EXPECT_EQ(d.protocol_name, "");
    EXPECT_TRUE(d.members.empty());
    auto snap = g.snapshot();
    EXPECT_EQ(snap.protocol_type, "consumer");
    EXPECT_EQ(snap.generation_id, 2);
    EXPECT_FALSE(snap.protocol.has_value());
    EXPECT_FALSE(snap.leader.has_value());
    EXPECT_TRUE(snap.members.empty());
    EXPECT_FALSE(g.next_deadline().has_value());
}

TEST_F(ClassicGroupTest, StaticRejoinInStableKeepsGenerationAndFencesOldId) {
    cfg.initial_rebalance_delay = 3000ms;
    joined s1 = join(static_req("i1"));
    joined s2 = join(static_req("i2"));
    tick(10s);
    const std::string id1 = s1->member_id;
    const std::string old2 = s2->member_id;
    EXPECT_EQ(old2.rfind("i2-", 0), 0u) << old2;
    stabilize({id1, old2});
    g.take_persist_request();

    joined again = join(static_req("i2"));  // restarted: no member id
    ASSERT_TRUE(again.answered());
    EXPECT_EQ(again->error_code, err::none);
    EXPECT_EQ(again->generation_id, 1);
    EXPECT_NE(again->member_id, old2);
    EXPECT_EQ(again->leader, id1);
    EXPECT_TRUE(again->members.empty());
    EXPECT_EQ(g.state(), group_state::stable);
    EXPECT_TRUE(g.take_persist_request());

    EXPECT_EQ(heartbeat(old2, "i2"), err::fenced_instance_id);
    EXPECT_EQ(sync(old2, 1, {}, "i2")->error_code, err::fenced_instance_id);
    EXPECT_EQ(g.validate_commit(old2, "i2", 1), err::fenced_instance_id);
    EXPECT_EQ(heartbeat(again->member_id, "i2"), err::none);
    EXPECT_EQ(sync(again->member_id, 1, {}, "i2")->assignment, b("a1"));  // kept its assignment
    EXPECT_EQ(join(static_req("i2", old2))->error_code, err::fenced_instance_id);
    EXPECT_EQ(join(static_req("i9", "made-up"))->error_code, err::unknown_member_id);
}

TEST_F(ClassicGroupTest, StaticLeaderRejoinGetsMembersAndStaysLeader) {
    cfg.initial_rebalance_delay = 3000ms;
    joined s1 = join(static_req("i1"));
    joined s2 = join(static_req("i2"));
    tick(10s);
    stabilize({s1->member_id, s2->member_id});
    joined again = join(static_req("i1"));
    ASSERT_TRUE(again.answered());
    EXPECT_EQ(again->leader, again->member_id);
    ASSERT_EQ(again->members.size(), 2u);
    EXPECT_EQ(again->members[0].member_id, again->member_id);
    EXPECT_EQ(again->members[0].group_instance_id, "i1");
    EXPECT_EQ(g.state(), group_state::stable);
    EXPECT_EQ(g.describe().leader, again->member_id);
}

TEST_F(ClassicGroupTest, StaticRejoinWithNewProtocolRebalances) {
    cfg.initial_rebalance_delay = 3000ms;
    joined s1 = join(static_req("i1"));
    tick(10s);
    stabilize({s1->member_id});
    joined again = join(static_req("i1", "", {{"RoundRobinAssigner", b("")}}));
    ASSERT_TRUE(again.answered());  // sole member: the rebalance completes at once
    EXPECT_EQ(again->generation_id, 2);
    EXPECT_EQ(again->protocol_name, "RoundRobinAssigner");
}

TEST_F(ClassicGroupTest, StaticReplacementFencesParkedCalls) {
    cfg.initial_rebalance_delay = 3000ms;
    joined s1 = join(static_req("i1"));
    joined s2 = join(static_req("i2"));
    tick(10s);
    const std::string old2 = s2->member_id;
    synced parked = sync(old2, 1, {}, "i2");
    EXPECT_FALSE(parked.answered());
    joined again = join(static_req("i2"));  // CompletingRebalance: replaced, and a rebalance starts
    ASSERT_TRUE(parked.answered());
    EXPECT_EQ(parked->error_code, err::fenced_instance_id);
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    joined r1 = join(static_req("i1", s1->member_id));
    ASSERT_TRUE(again.answered());
    EXPECT_EQ(again->generation_id, 2);
    EXPECT_EQ(r1->members.size(), 2u);
}

TEST_F(ClassicGroupTest, StaticMemberNotRejoiningStaysUntilItsSessionExpires) {
    cfg.initial_rebalance_delay = 3000ms;
    joined s1 = join(static_req("i1"));
    joined s2 = join(static_req("i2"));
    tick(10s);
    stabilize({s1->member_id, s2->member_id});
    joined r1 = join(static_req("i1", s1->member_id, range_only("changed")));
    for (int i = 0; i < 6; ++i) {  // i2 heartbeats but never rejoins: the join phase still ends
        tick(5000ms);
        heartbeat(s2->member_id, "i2");
    }
    ASSERT_TRUE(r1.answered());
    EXPECT_EQ(r1->members.size(), 2u);  // the static member is still in the group
    EXPECT_EQ(heartbeat(s2->member_id, "i2"), err::none);
}

TEST_F(ClassicGroupTest, StaticLeaveV3) {
    cfg.initial_rebalance_delay = 3000ms;
    joined s1 = join(static_req("i1"));
    joined s2 = join(static_req("i2"));
    tick(10s);
    stabilize({s1->member_id, s2->member_id});
    auto errs = g.leave({{"", std::string("i2")}, {"wrong", std::string("i1")}, {"", std::string("nope")}});
    EXPECT_EQ(errs, (std::vector<int16_t>{err::none, err::fenced_instance_id, err::unknown_member_id}));
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(g.describe().members.size(), 1u);
    EXPECT_EQ(g.leave({{s1->member_id, std::string("i1")}}), std::vector<int16_t>{err::none});
    EXPECT_EQ(g.state(), group_state::empty);
}

TEST_F(ClassicGroupTest, ValidateCommitInEveryState) {
    // Empty: only admin/simple commits.
    EXPECT_EQ(g.validate_commit("", std::nullopt, -1), err::none);
    EXPECT_EQ(g.validate_commit("m", std::nullopt, 0), err::unknown_member_id);
    auto ids = form_group(2);  // CompletingRebalance
    EXPECT_EQ(g.validate_commit(ids[0], std::nullopt, 1), err::rebalance_in_progress);
    EXPECT_EQ(g.validate_commit(ids[0], std::nullopt, 0), err::illegal_generation);
    EXPECT_EQ(g.validate_commit("", std::nullopt, -1), err::unknown_member_id);
    stabilize(ids);  // Stable
    EXPECT_EQ(g.validate_commit(ids[1], std::nullopt, 1), err::none);
    EXPECT_EQ(g.validate_commit(ids[1], std::nullopt, 0), err::illegal_generation);
    EXPECT_EQ(g.validate_commit("ghost", std::nullopt, 1), err::unknown_member_id);
    EXPECT_EQ(g.validate_commit(ids[1], std::string("i1"), 1), err::unknown_member_id);
    joined j = join(req());  // PreparingRebalance: old generation still commits
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(g.validate_commit(ids[1], std::nullopt, 1), err::none);
    EXPECT_EQ(g.validate_commit(ids[1], std::nullopt, 2), err::illegal_generation);
    EXPECT_EQ(g.validate_commit("", std::nullopt, -1), err::unknown_member_id);
    g.mark_dead();
    EXPECT_EQ(g.validate_commit(ids[1], std::nullopt, 1), err::coordinator_not_available);
    EXPECT_EQ(g.validate_commit("", std::nullopt, -1), err::coordinator_not_available);
}

TEST_F(ClassicGroupTest, SyncTimeoutRemovesMembersThatNeverSynced) {
    auto ids = form_group(2);
    synced follower = sync(ids[1], 1);
    for (int i = 0; i < 5; ++i) {  // the leader stays alive but never syncs
        tick(5000ms);
        ASSERT_EQ(heartbeat(ids[0]), err::none);
    }
    EXPECT_FALSE(follower.answered());
    tick(5000ms);  // 30 s after the join phase: the sync timeout
    ASSERT_TRUE(follower.answered());
    EXPECT_EQ(follower->error_code, err::rebalance_in_progress);
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(heartbeat(ids[0]), err::unknown_member_id);
    joined r1 = join(req(ids[1]));
    ASSERT_TRUE(r1.answered());
    EXPECT_EQ(r1->leader, ids[1]);
    EXPECT_EQ(r1->generation_id, 2);
}

TEST_F(ClassicGroupTest, FollowerThatNeverSyncsInStableIsRemovedAtSyncTimeout) {
    auto ids = form_group(2);
    EXPECT_EQ(sync(ids[0], 1, {{ids[0], b("a0")}})->error_code, err::none);
    ASSERT_EQ(g.state(), group_state::stable);
    for (int i = 0; i < 6; ++i) {
        tick(5000ms);
        heartbeat(ids[0]);
        heartbeat(ids[1]);
    }
    EXPECT_EQ(g.state(), group_state::preparing_rebalance);
    EXPECT_EQ(g.describe().members.size(), 1u);
}

TEST_F(ClassicGroupTest, SnapshotRestoreRoundTrip) {
    auto ids = form_group(2, {{{"range", b("sub0")}}, {{"range", b("sub1")}}});
    stabilize(ids);
    group_snapshot snap = g.snapshot();
    EXPECT_EQ(snap.protocol_type, "consumer");
    EXPECT_EQ(snap.generation_id, 1);
    EXPECT_EQ(snap.protocol, "range");
    EXPECT_EQ(snap.leader, ids[0]);
    EXPECT_EQ(snap.current_state_timestamp, g.current_state_timestamp());
    ASSERT_EQ(snap.members.size(), 2u);
    EXPECT_EQ(snap.members[1].member_id, ids[1]);
    EXPECT_EQ(snap.members[1].subscription, b("sub1"));
    EXPECT_EQ(snap.members[1].assignment, b("a1"));
    EXPECT_EQ(snap.members[1].session_timeout_ms, 10000);
    EXPECT_EQ(snap.members[1].rebalance_timeout_ms, 30000);
    EXPECT_EQ(snap.members[1].client_id, "client");

    clk.advance(60s);
    classic_group r = classic_group::restore("g", snap, cfg, clk);
    EXPECT_EQ(r.state(), group_state::stable);
    EXPECT_EQ(r.generation_id(), 1);
    EXPECT_EQ(r.snapshot(), snap);
    auto d = r.describe();
    EXPECT_EQ(d.leader, ids[0]);
    EXPECT_EQ(d.protocol_name, "range");
    EXPECT_EQ(d.members[0].metadata, b("sub0"));
    EXPECT_EQ(d.members[1].assignment, b("a1"));
    EXPECT_EQ(r.heartbeat(ids[1], std::nullopt, 1), err::none);
    EXPECT_EQ(r.validate_commit(ids[0], std::nullopt, 1), err::none);
    // Session timers started at restore: a silent member expires 10 s later.
    ASSERT_TRUE(r.next_deadline().has_value());
    EXPECT_EQ(*r.next_deadline(), clk.monotonic() + 10s);
}

TEST_F(ClassicGroupTest, RestoreEmptySnapshotKeepsProtocolType) {
    group_snapshot snap;
    snap.protocol_type = "consumer";
    snap.generation_id = 7;
    snap.current_state_timestamp = 1234;
    classic_group r = classic_group::restore("g", snap, cfg, clk);
    EXPECT_EQ(r.state(), group_state::empty);
    EXPECT_EQ(r.generation_id(), 7);
    EXPECT_EQ(r.current_state_timestamp(), 1234);
    EXPECT_EQ(r.describe().protocol_type, "consumer");
    EXPECT_EQ(r.validate_commit("", std::nullopt, -1), err::none);
    EXPECT_EQ(r.snapshot(), snap);
}

TEST_F(ClassicGroupTest, TakePersistRequestOncePerChange) {
    EXPECT_FALSE(g.take_persist_request());
    auto ids = form_group(2);
    EXPECT_FALSE(g.take_persist_request());  // a completed join phase alone is not persisted
    stabilize(ids);
    EXPECT_TRUE(g.take_persist_request());
    EXPECT_FALSE(g.take_persist_request());
    EXPECT_EQ(heartbeat(ids[0]), err::none);
    EXPECT_FALSE(g.take_persist_request());
}

TEST_F(ClassicGroupTest, MarkDeadAnswersParkedCalls) {
    auto ids = form_group(2);
    synced parked_sync = sync(ids[1], 1);
    joined parked_join = join(req(ids[0], range_only("changed")));
    ASSERT_FALSE(parked_join.answered());
    ASSERT_TRUE(parked_sync.answered());  // the rebalance already answered it
    synced late = sync(ids[1], 1);
    EXPECT_EQ(late->error_code, err::rebalance_in_progress);
    g.mark_dead();
    ASSERT_TRUE(parked_join.answered());
    EXPECT_EQ(parked_join->error_code, err::coordinator_not_available);
    EXPECT_EQ(g.state(), group_state::dead);
    EXPECT_FALSE(g.has_members());
    EXPECT_FALSE(g.next_deadline().has_value());
    EXPECT_EQ(join(req())->error_code, err::coordinator_not_available);
    EXPECT_EQ(g.leave({{ids[0], std::nullopt}, {"x", std::nullopt}}),
              (std::vector<int16_t>{err::coordinator_not_available, err::coordinator_not_available}));
}

TEST_F(ClassicGroupTest, MarkDeadAnswersParkedSync) {
    auto ids = form_group(2);
    synced parked = sync(ids[1], 1);
    ASSERT_FALSE(parked.answered());
    g.mark_dead();
    ASSERT_TRUE(parked.answered());
    EXPECT_EQ(parked->error_code, err::coordinator_not_available);
}

TEST_F(ClassicGroupTest, GroupMaxSize) {
    cfg.max_size = 2;
    auto ids = form_group(2);
    joined third = join(req());
    EXPECT_EQ(third->error_code, err::group_max_size_reached);
    joined third_static = join(static_req("i3"));
    EXPECT_EQ(third_static->error_code, err::group_max_size_reached);
    EXPECT_EQ(join(req(ids[1]))->error_code, err::none);  // members still rejoin
}

TEST_F(ClassicGroupTest, GroupMaxSizeCountsPendingMembers) {
    cfg.max_size = 1;
    join_request r = req();
    r.require_known_member_id = true;
    EXPECT_EQ(join(r)->error_code, err::member_id_required);
    EXPECT_EQ(join(r)->error_code, err::group_max_size_reached);
}

TEST_F(ClassicGroupTest, NextDeadlineTracksTheEarliestTimer) {
    EXPECT_FALSE(g.next_deadline().has_value());
    cfg.initial_rebalance_delay = 3000ms;
    joined m1 = join(req());
    ASSERT_TRUE(g.next_deadline().has_value());
    EXPECT_EQ(*g.next_deadline(), clk.monotonic() + 3s);  // the initial delay
    tick(3s);
    ASSERT_TRUE(m1.answered());
    EXPECT_EQ(*g.next_deadline(), clk.monotonic() + 10s);  // its session
    stabilize({m1->member_id});
    clk.advance(4s);
    heartbeat(m1->member_id);
    EXPECT_EQ(*g.next_deadline(), clk.monotonic() + 10s);
}

TEST_F(ClassicGroupTest, DescribeWhileRebalancing) {
    auto ids = stable_group(2);
    joined j = join(req(ids[0]));
    auto d = g.describe();
    EXPECT_EQ(d.state, group_state::preparing_rebalance);
    EXPECT_EQ(d.protocol_name, "");
    ASSERT_EQ(d.members.size(), 2u);
    EXPECT_TRUE(d.members[0].metadata.empty());
    EXPECT_TRUE(d.members[0].assignment.empty());
    EXPECT_EQ(d.members[0].client_id, "client");
    EXPECT_EQ(d.members[0].client_host, "/127.0.0.1");
}

TEST_F(ClassicGroupTest, SubscribedTopicsFromConsumerMetadata) {
    subscription s1;
    s1.topics = {"a", "b"};
    subscription s2;
    s2.version = 1;
    s2.topics = {"b", "c"};
    auto ids = form_group(3, {{{"range", encode_subscription(s1)}},
                              {{"range", encode_subscription(s2)}},
                              {{"range", b("\x01")}}});  // unparsable: ignored
    EXPECT_EQ(g.subscribed_topics(), (std::set<std::string>{"a", "b", "c"}));
}

TEST_F(ClassicGroupTest, SubscribedTopicsBeforeSelectionAndForOtherProtocolTypes) {
    subscription s1;
    s1.topics = {"x"};
    subscription s2;
    s2.topics = {"y"};
    cfg.initial_rebalance_delay = 3000ms;
    joined j = join(req("", {{"range", encode_subscription(s1)}, {"roundrobin", encode_subscription(s2)}}));
    EXPECT_EQ(g.subscribed_topics(), (std::set<std::string>{"x", "y"}));
    tick(3s);
    EXPECT_EQ(g.subscribed_topics(), (std::set<std::string>{"x"}));

    classic_group other("h", cfg, clk);
    join_request r = req("", {{"range", encode_subscription(s1)}});
    r.protocol_type = "connect";
    other.join(r, [](join_result) {});
    EXPECT_TRUE(other.subscribed_topics().empty());
}

}  // namespace
}  // namespace fjord::group
