// raft::node driven message by message: hints, votes, pre-vote, durability of acks.
#include "raft/node.h"

#include <gtest/gtest.h>

#include "raft/errc.h"

namespace fjord::raft {
namespace {

using std::chrono::milliseconds;

// A log in memory whose durable index moves only when the test says so. e[k] has index
// start+k; base is the term of the entry at start-1.
class mem_log final : public log {
public:
    index start_index() const override { return index{start}; }
    index last_index() const override { return index{start + static_cast<int64_t>(e.size()) - 1}; }
    index durable_index() const override { return durable; }
    std::optional<term> term_at(index i) const override {
        if (i.value() == start - 1) {
            return base;
        }
        if (i.value() < start || i > last_index()) {
            return std::nullopt;
        }
        return e[static_cast<std::size_t>(i.value() - start)].term;
    }
    result<void> append(const std::vector<entry>& es) override {
        e.insert(e.end(), es.begin(), es.end());
        return ok();
    }
    void truncate_suffix(index from) override {
        e.resize(static_cast<std::size_t>(from.value() - start));
        durable = std::min(durable, from - 1);
    }
    std::vector<entry> read(index from, std::size_t max_count) const override {
        std::vector<entry> out;
        for (auto i = from.value(); i <= last_index().value() && out.size() < max_count; ++i) {
            out.push_back(e[static_cast<std::size_t>(i - start)]);
        }
        return out;
    }
    void delete_prefix(index new_start, std::string base_cfg) override {
        base = *term_at(new_start - 1);
        base_config_ = std::move(base_cfg);
        e.erase(e.begin(), e.begin() + (new_start.value() - start));
        start = new_start.value();
        durable = std::max(durable, new_start - 1);
    }
    void reset_to(index new_start, term prev_term, std::string base_cfg) override {
        base_config_ = std::move(base_cfg);
        e.clear();
        start = new_start.value();
        base = prev_term;
        durable = new_start - 1;
    }
    std::string base_config() const override { return base_config_; }
    void sync() { durable = last_index(); }

    std::string base_config_;
    std::vector<entry> e;
    int64_t start = 0;
    term base = no_term;
    index durable = no_index;
};

struct outbox final : transport {
    void send(message m) override { sent.push_back(std::move(m)); }
    std::vector<message> sent;
};

struct store final : state_store {
    hard_state load() const override { return hs; }
    result<void> save(const hard_state& s) override {
        hs = s;
        ++saves;
        return ok();
    }
    hard_state hs;
    int saves = 0;
};

struct fixed_random final : random_source {
    uint64_t next_u64() override { return 0; }
};

struct Node : ::testing::Test {
    config cfg(int self, int n) {
        config c;
        c.self = node_id{self};
        for (int i = 1; i <= n; ++i) {
            c.voters.push_back(node_id{i});
        }
        return c;
    }
    node make(int self, int n) { return node(cfg(self, n), lg, out, st, clk, rnd); }
    static entry e(int t) { return entry{term{t}, entry_kind::data, "v"}; }
    message from(int who, int t, message_body b) { return message{node_id{who}, node_id{1}, term{t}, std::move(b)}; }
    template<typename T>
    const T& last_sent() {
        EXPECT_FALSE(out.sent.empty());
        return std::get<T>(out.sent.back().body);
    }

    mem_log lg;
    outbox out;
    store st;
    manual_clock clk;
    fixed_random rnd;
};

TEST_F(Node, FollowerRejectsAShortLogWithItsNextIndexAsHint) {
    lg.e = {e(1), e(1)};
    node n = make(1, 3);
    n.step(from(2, 2, append_request{index{5}, term{2}, {e(2)}, no_index}));
    const auto& r = last_sent<append_response>();
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.conflict_index, index{2});
    EXPECT_EQ(r.conflict_term, no_term);
}

TEST_F(Node, FollowerRejectsAConflictWithTheFirstIndexOfItsConflictingTerm) {
    lg.e = {e(1), e(2), e(2), e(2)};
    node n = make(1, 3);
    n.step(from(2, 3, append_request{index{3}, term{3}, {}, no_index}));
    const auto& r = last_sent<append_response>();
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.conflict_term, term{2});
    EXPECT_EQ(r.conflict_index, index{1});
}

TEST_F(Node, FollowerAcksOnlyDurableEntriesAndAcksAgainAfterFsync) {
    node n = make(1, 3);
    n.step(from(2, 1, append_request{no_index, no_term, {e(1), e(1)}, no_index}));
    EXPECT_TRUE(last_sent<append_response>().success);
    EXPECT_EQ(last_sent<append_response>().match, no_index);  // nothing fsynced yet
    lg.sync();
    n.on_log_durable();
    EXPECT_EQ(last_sent<append_response>().match, index{1});
}

TEST_F(Node, FollowerTruncatesOnlyFromTheFirstConflictingEntry) {
    lg.e = {e(1), e(1), e(1)};
    lg.sync();
    node n = make(1, 3);
    n.step(from(2, 2, append_request{index{0}, term{1}, {e(1), e(2)}, no_index}));
    ASSERT_EQ(lg.e.size(), 3U);
    EXPECT_EQ(lg.e[1].term, term{1});
    EXPECT_EQ(lg.e[2].term, term{2});
    EXPECT_EQ(lg.durable, index{1});  // truncation lowered the durable index
}

TEST_F(Node, VoteIsPersistedBeforeTheReply) {
    node n = make(1, 3);
    n.step(from(2, 1, vote_request{no_index, no_term, false, false}));
    EXPECT_TRUE(last_sent<vote_response>().granted);
    EXPECT_EQ(st.hs.current_term, term{1});
    EXPECT_EQ(st.hs.voted_for, node_id{2});
    // A second candidate in the same term is refused.
    n.step(from(3, 1, vote_request{no_index, no_term, false, false}));
    EXPECT_FALSE(last_sent<vote_response>().granted);
}

TEST_F(Node, VoteIsRefusedToACandidateWithAStaleLog) {
    lg.e = {e(1), e(2)};
    node n = make(1, 3);
    n.step(from(2, 3, vote_request{index{5}, term{1}, false, false}));
    EXPECT_FALSE(last_sent<vote_response>().granted);
    EXPECT_EQ(n.current_term(), term{3});
}

TEST_F(Node, PreVoteNeitherChangesTermNorRecordsAVote) {
    node n = make(1, 3);
    n.step(from(2, 5, vote_request{no_index, no_term, true, false}));
    EXPECT_TRUE(last_sent<vote_response>().granted);
    EXPECT_EQ(n.current_term(), term{0});
    EXPECT_EQ(st.saves, 0);
}

TEST_F(Node, SingleVoterLeadsAndCommitsOnlyAfterFsync) {
    node n = make(1, 1);
    clk.advance(milliseconds(1000));
    n.tick();
    ASSERT_TRUE(n.is_leader());
    EXPECT_FALSE(n.is_ready());  // the no-op is not durable yet
    auto idx = n.propose("x");
    ASSERT_TRUE(idx.has_value());
    EXPECT_EQ(n.commit_index(), no_index);
    lg.sync();
    n.on_log_durable();
    EXPECT_TRUE(n.is_ready());
    EXPECT_EQ(n.commit_index(), *idx);
}

TEST_F(Node, ALeaderWhoseLogFsyncFailsStepsDownAndNeverCommitsTheUnsyncedTail) {
    node n = make(1, 1);
    clk.advance(milliseconds(1000));
    n.tick();
    ASSERT_TRUE(n.is_leader());
    lg.sync();
    n.on_log_durable();
    ASSERT_TRUE(n.is_ready());
    const index committed = n.commit_index();
    ASSERT_TRUE(n.propose("x").has_value());
    n.on_log_failed();  // EIO: "x" may or may not be on disk
    EXPECT_TRUE(n.log_failed());
    EXPECT_FALSE(n.is_leader());
    EXPECT_FALSE(n.is_ready());
    // A later fsync that "succeeds" is not trusted, and nothing more commits.
    lg.sync();
    n.on_log_durable();
    EXPECT_EQ(n.commit_index(), committed);
    auto r = n.propose("y");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(errc::log_failed));
    EXPECT_EQ(n.delete_prefix(index{0}).error(), make_error_code(errc::log_failed));
    // Fenced: never campaigns again in this lifetime.
    out.sent.clear();
    clk.advance(milliseconds(5000));
    n.tick();
    EXPECT_FALSE(n.is_leader());
    EXPECT_TRUE(out.sent.empty());
}

TEST_F(Node, AFollowerWhoseLogFsyncFailedNeitherAcksNorVotes) {
    node n = make(1, 3);
    n.step(from(2, 1, append_request{no_index, no_term, {e(1), e(1)}, no_index}));
    n.on_log_failed();
    out.sent.clear();
    lg.sync();
    n.on_log_durable();  // not trusted: no acknowledgement
    n.step(from(2, 1, append_request{index{1}, term{1}, {e(1)}, no_index}));
    n.step(from(3, 2, vote_request{index{5}, term{1}, false, false}));
    n.step(from(3, 2, vote_request{index{5}, term{1}, true, false}));
    EXPECT_TRUE(out.sent.empty());
    EXPECT_EQ(lg.e.size(), 2U);               // nothing appended after the failure
    EXPECT_EQ(n.current_term(), term{1});     // no term change either
    EXPECT_EQ(st.hs.voted_for, std::nullopt);
    // Restart over the same log: a fresh node participates again.
    node again = make(1, 3);
    again.step(from(2, 1, append_request{index{1}, term{1}, {e(1)}, no_index}));
    EXPECT_TRUE(last_sent<append_response>().success);
}

TEST_F(Node, ProposeOnAFollowerIsRefusedWithNotLeader) {
    node n = make(1, 3);
    auto r = n.propose("x");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(errc::not_leader));
}

TEST_F(Node, InstallStartResetsAFollowerWhoseLogDiverges) {
    lg.e = {e(1), e(1), e(1)};
    lg.sync();
    node n = make(1, 3);
    n.step(from(2, 5, install_start{index{10}, term{4}, index{12}}));
    EXPECT_EQ(lg.start, 10);
    EXPECT_TRUE(lg.e.empty());
    EXPECT_EQ(lg.term_at(index{9}), term{4});
    EXPECT_TRUE(last_sent<append_response>().success);
    EXPECT_EQ(last_sent<append_response>().match, index{9});
    EXPECT_EQ(n.commit_index(), index{9});  // everything below the leader's start is committed
}

TEST_F(Node, InstallStartKeepsAFollowerThatHoldsThePrefix) {
    lg.e = {e(1), e(2), e(2)};
    lg.sync();
    node n = make(1, 3);
    n.step(from(2, 3, install_start{index{2}, term{2}, index{1}}));
    EXPECT_EQ(lg.start, 0);
    EXPECT_EQ(lg.e.size(), 3U);
    EXPECT_EQ(last_sent<append_response>().match, index{1});
}

TEST_F(Node, PrefixDeletionStopsAtTheCommitIndex) {
    node n = make(1, 1);
    clk.advance(milliseconds(1000));
    n.tick();
    ASSERT_TRUE(n.is_leader());
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(n.propose("x").has_value());
    }
    lg.sync();
    n.on_log_durable();
    ASSERT_EQ(n.commit_index(), index{5});
    EXPECT_FALSE(n.delete_prefix(index{7}).has_value());  // past the commit index
    ASSERT_TRUE(n.delete_prefix(index{4}).has_value());
    EXPECT_EQ(lg.start, 4);
}

TEST_F(Node, LeaderSendsInstallStartToAFollowerBelowItsStart) {
    node n = make(1, 3);
    clk.advance(milliseconds(1000));
    n.tick();  // pre-vote for term 1
    n.step(from(2, 1, vote_response{true, true}));
    n.step(from(2, 1, vote_response{true, false}));
    ASSERT_TRUE(n.is_leader());
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(n.propose("x").has_value());
    }
    lg.sync();
    n.on_log_durable();
    n.step(from(2, 1, append_response{true, index{5}, no_index, no_term}));
    ASSERT_EQ(n.commit_index(), index{5});
    ASSERT_TRUE(n.delete_prefix(index{4}).has_value());
    // Node 3 has nothing: the entries it needs are gone, so it is moved to our start.
    n.step(message{node_id{3}, node_id{1}, term{1}, append_response{false, no_index, index{0}, no_term}});
    const auto& inst = std::get<install_start>(out.sent.back().body);
    EXPECT_EQ(out.sent.back().to, node_id{3});
    EXPECT_EQ(inst.start, index{4});
    EXPECT_EQ(inst.prev_term, term{1});
    EXPECT_EQ(inst.leader_commit, index{5});
}

TEST(Membership, EncodesAndDecodes) {
    const membership m{{node_id{1}, node_id{2}, node_id{3}}, {node_id{4}}};
    EXPECT_EQ(m.encode(), "v=1,2,3;l=4");
    EXPECT_EQ(membership::decode(m.encode()), m);
    EXPECT_EQ(membership::decode("v=;l="), membership{});
    EXPECT_FALSE(membership::decode("v=1,x;l=").has_value());
    EXPECT_FALSE(membership::decode("").has_value());
}

TEST_F(Node, RestartRecoversTheConfigurationFromTheLogAndTheBase) {
    lg.start = 5;
    lg.base = term{1};
    lg.base_config_ = "v=1,2;l=3";
    {
        node n = make(1, 3);  // bootstrap 1..3 is overridden by the recorded base
        EXPECT_EQ(n.configuration(), (membership{{node_id{1}, node_id{2}}, {node_id{3}}}));
        EXPECT_EQ(n.configuration_index(), index{4});
    }
    lg.e = {e(1), entry{term{1}, entry_kind::config, "v=1,2,3;l="}, e(1)};
    node n = make(1, 3);
    EXPECT_EQ(n.configuration().voters.size(), 3U);
    EXPECT_EQ(n.configuration_index(), index{6});
}

TEST_F(Node, ALearnerNeverStartsAnElection) {
    config c = cfg(3, 2);  // voters 1, 2; node 3 is a learner
    c.learners = {node_id{3}};
    node n(c, lg, out, st, clk, rnd);
    for (int k = 0; k < 20; ++k) {
        clk.advance(milliseconds(1000));
        n.tick();
    }
    EXPECT_EQ(n.current_role(), role::follower);
    EXPECT_TRUE(out.sent.empty());
    EXPECT_EQ(st.saves, 0);
    n.step(message{node_id{1}, node_id{3}, term{0}, timeout_now{}});  // not even on TimeoutNow
    EXPECT_EQ(n.current_role(), role::follower);
    EXPECT_TRUE(out.sent.empty());
}

TEST_F(Node, InstallStartRecordsTheLeadersConfiguration) {
    lg.e = {e(1)};
    node n = make(1, 3);
    n.step(from(2, 2, install_start{index{10}, term{2}, index{9}, "v=1,2,3,4;l=5"}));
    EXPECT_EQ(lg.base_config_, "v=1,2,3,4;l=5");
    EXPECT_EQ(n.configuration().voters.size(), 4U);
    EXPECT_TRUE(n.configuration().is_learner(node_id{5}));
    EXPECT_EQ(n.configuration_index(), index{9});
}

TEST_F(Node, ConfigurationChangesNeedAReadyLeader) {
    node n = make(1, 3);
    EXPECT_EQ(n.add_learner(node_id{4}).error(), errc::not_leader);
    EXPECT_EQ(n.remove_member(node_id{2}).error(), errc::not_leader);
}

TEST_F(Node, ASingleVoterLeaderChangesItsConfigurationOneAtATime) {
    config c = cfg(1, 1);
    c.promote_max_lag = 0;
    node n(c, lg, out, st, clk, rnd);
    clk.advance(milliseconds(1000));
    n.tick();
    ASSERT_TRUE(n.is_leader());
    EXPECT_EQ(n.add_learner(node_id{2}).error(), errc::not_ready);  // no-op not durable yet
    lg.sync();
    n.on_log_durable();
    ASSERT_TRUE(n.is_ready());
    const auto a = n.add_learner(node_id{2});
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(n.add_voter(node_id{3}).error(), errc::config_change_in_progress);
    lg.sync();
    n.on_log_durable();  // a learner does not count: the single voter commits alone
    EXPECT_EQ(n.commit_index(), *a);
    EXPECT_EQ(n.promote_learner(node_id{2}).error(), errc::not_caught_up);  // never acknowledged
    EXPECT_EQ(n.remove_member(node_id{1}).error(), errc::last_voter);
    EXPECT_TRUE(n.add_voter(node_id{3}).has_value());
}

}  // namespace
}  // namespace fjord::raft
