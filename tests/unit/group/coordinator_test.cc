// The group coordinator over a real local_cluster on a temp directory, with a manual
// clock: commits and their durability, fencing of bad commits, rebuilding groups and
// offsets by replaying __consumer_offsets after a restart, offset expiry, group and offset
// deletion, the partition choice (Java's String.hashCode), and stop() answering parked
// joins. Coroutines run on a local io_context.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "cluster/local_cluster.h"
#include "group/coordinator.h"
#include "io/fault_injecting_filesystem.h"
#include "io/file.h"

namespace fjord::group {
namespace {

using namespace std::chrono_literals;

template<typename T>
boost::asio::awaitable<void> store(boost::asio::awaitable<T> a, std::shared_ptr<std::optional<T>> out) {
    auto v = co_await std::move(a);
    out->emplace(std::move(v));
}

bytes sub(std::vector<std::string> topics) {
    return encode_subscription(subscription{.version = 0, .topics = std::move(topics)});
}

class CoordinatorTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/fjord-group-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        config_.offsets_topic_partitions = 4;
        config_.groups.initial_rebalance_delay = 0ms;
        config_.groups.min_session_timeout = 1000ms;
        open();
        ASSERT_TRUE(cluster_->create_topic({.name = "t", .partitions = 6, .replication_factor = 1, .configs = {}}));
    }
    void TearDown() override {
        close();
        std::filesystem::remove_all(dir_);
    }

    void open() {
        cluster::cluster_config cfg;
        cfg.log_dirs = {dir_};
        cfg.log_defaults.segment_bytes = 1 << 20;
        auto c = cluster::make_local_cluster(*fs_, clk_, cfg);
        ASSERT_TRUE(c) << c.error().message();
        cluster_ = std::move(*c);
        coord_ = std::make_unique<coordinator>(*cluster_, clk_, config_);
        ASSERT_TRUE(coord_->start());
        coord_->wait_loaded();
    }
    void close() {
        if (coord_) {
            coord_->stop();
        }
        io_.restart();
        io_.poll();
        cluster_->stop_flusher();
        coord_.reset();
        ASSERT_TRUE(cluster_->close());
        cluster_.reset();
    }
    void restart() {
        close();
        open();
    }

    template<typename T>
    std::shared_ptr<std::optional<T>> start(boost::asio::awaitable<T> a) {
        auto out = std::make_shared<std::optional<T>>();
        boost::asio::co_spawn(io_, store(std::move(a), out), boost::asio::detached);
        io_.restart();
        io_.poll();
        return out;
    }
    template<typename T>
    T finish(const std::shared_ptr<std::optional<T>>& out) {
        for (int i = 0; i < 5000 && !out->has_value(); ++i) {
            io_.restart();
            io_.run_one_for(std::chrono::milliseconds(2));
        }
        EXPECT_TRUE(out->has_value());
        return out->has_value() ? std::move(**out) : T{};
    }
    template<typename T>
    T run(boost::asio::awaitable<T> a) {
        return finish(start(std::move(a)));
    }

    join_request member_join(const std::string& member_id, const std::string& client = "c") {
        return join_request{.member_id = member_id,
                            .client_id = client,
                            .client_host = "/127.0.0.1",
                            .session_timeout_ms = 10000,
                            .rebalance_timeout_ms = 10000,
                            .protocol_type = "consumer",
                            .protocols = {{"range", sub({"t"})}}};
    }
    // One member joins and syncs, taking all of "t": returns (member id, generation).
    std::pair<std::string, int32_t> stable_single_member(const std::string& group) {
        auto j = run(coord_->join(group, member_join("")));
        EXPECT_EQ(j.error_code, err::none);
        auto assignment = encode_assignment({.version = 0, .partitions = {{"t", {0, 1, 2, 3, 4, 5}}}});
        auto s = run(coord_->sync(group, sync_request{.member_id = j.member_id,
                                                      .generation_id = j.generation_id,
                                                      .assignments = {{j.member_id, assignment}}}));
        EXPECT_EQ(s.error_code, err::none);
        return {j.member_id, j.generation_id};
    }
    std::vector<int16_t> commit(const std::string& group, int32_t generation, const std::string& member,
                                std::vector<commit_partition> parts) {
        return run(coord_->commit_offsets(commit_request{
            .group_id = group, .generation_id = generation, .member_id = member, .partitions = std::move(parts)}));
    }
    int64_t committed(const std::string& group, const std::string& topic, int32_t p) {
        auto r = coord_->fetch_offsets(group, std::vector<requested_partitions>{{topic, {p}}}, false);
        EXPECT_EQ(r.error_code, err::none);
        return r.offsets.at(0).offset;
    }

    std::string dir_;
    std::unique_ptr<io::filesystem> fs_ = io::make_posix_filesystem();
    manual_clock clk_;
    coordinator_config config_;
    std::unique_ptr<cluster::local_cluster> cluster_;
    std::unique_ptr<coordinator> coord_;
    boost::asio::io_context io_;
};

TEST(OffsetsPartition, MatchesJavaStringHashCode) {
    // "abc".hashCode() = 96354; 96354 % 50 = 4.
    EXPECT_EQ(offsets_partition_for("abc", 50), 4);
    // "polygenelubricants".hashCode() = Integer.MIN_VALUE; Utils.abs masks it to 0.
    EXPECT_EQ(offsets_partition_for("polygenelubricants", 50), 0);
    // U+00E9 is one UTF-16 unit (233); U+1F600 is the pair D83D DE00.
    EXPECT_EQ(offsets_partition_for("\xC3\xA9", 1000), 233);
    EXPECT_EQ(offsets_partition_for("\xF0\x9F\x98\x80", 10000000), (31 * 0xD83D + 0xDE00) % 10000000);
    // An invalid UTF-8 byte counts as itself.
    EXPECT_EQ(offsets_partition_for("\xFF", 1000), 255);
    EXPECT_EQ(offsets_partition_for("", 7), 0);
}

TEST_F(CoordinatorTest, GroupsOfAPartitionStillLoadingAreAnsweredLoadInProgress) {
    close();
    auto faulty = std::make_unique<io::fault_injecting_filesystem>();
    auto* disk = faulty.get();
    fs_ = std::move(faulty);
    ASSERT_TRUE(fs_->create_directories(dir_));
    open();
    ASSERT_TRUE(cluster_->create_topic({.name = "t", .partitions = 6, .replication_factor = 1, .configs = {}}));
    commit("g", -1, "", {{"t", 0, 5, -1, std::nullopt}});
    close();
    // Reopen with an unreadable disk: the replay fails, so the partition stays loading
    // (and is retried) until the disk reads again.
    cluster::cluster_config cfg;
    cfg.log_dirs = {dir_};
    cfg.log_defaults.segment_bytes = 1 << 20;
    auto c = cluster::make_local_cluster(*fs_, clk_, cfg);
    ASSERT_TRUE(c) << c.error().message();
    cluster_ = std::move(*c);
    disk->fail_reads();
    coord_ = std::make_unique<coordinator>(*cluster_, clk_, config_);
    ASSERT_TRUE(coord_->start());
    auto r = coord_->fetch_offsets("g", std::vector<requested_partitions>{{"t", {0}}}, false);
    EXPECT_EQ(r.error_code, err::coordinator_load_in_progress);
    EXPECT_EQ(coord_->heartbeat({"g", 1, "m", std::nullopt}), err::coordinator_load_in_progress);
    EXPECT_EQ(run(coord_->join("g", member_join(""))).error_code, err::coordinator_load_in_progress);
    EXPECT_EQ(commit("g", -1, "", {{"t", 0, 9, -1, std::nullopt}})[0], err::coordinator_load_in_progress);
    EXPECT_EQ(coord_->list_groups({}).first, err::coordinator_load_in_progress);
    disk->clear_faults();
    coord_->wait_loaded();  // the retry (within a second) succeeds
    EXPECT_EQ(committed("g", "t", 0), 5);
    EXPECT_EQ(coord_->list_groups({}).first, err::none);
}

TEST_F(CoordinatorTest, OffsetsTopicIsCreatedCompactedOnFirstUse) {
    EXPECT_FALSE(cluster_->find_topic(std::string(offsets_topic)));
    auto loc = coord_->find_coordinator("g", 0);
    EXPECT_EQ(loc.error_code, err::none);
    EXPECT_EQ(loc.node_id, cluster_->node_id());
    auto t = cluster_->find_topic(std::string(offsets_topic));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->partitions, 4);
    auto d = cluster_->describe_topic_config(std::string(offsets_topic));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->overrides.at("cleanup.policy"), "compact");
}

TEST_F(CoordinatorTest, FindCoordinatorRefusesBadKeys) {
    EXPECT_EQ(coord_->find_coordinator("", 0).error_code, err::invalid_request);
    EXPECT_EQ(coord_->find_coordinator("txn", 1).error_code, err::coordinator_not_available);
    EXPECT_EQ(coord_->find_coordinator("g", 7).error_code, err::invalid_request);
}

TEST_F(CoordinatorTest, SimpleCommitIsReadBackAndSurvivesRestart) {
    auto errors = commit("g", -1, "", {{"t", 0, 42, -1, "meta"}, {"t", 5, 7, 3, std::nullopt}});
    EXPECT_EQ(errors, (std::vector<int16_t>{err::none, err::none}));
    EXPECT_EQ(committed("g", "t", 0), 42);
    EXPECT_EQ(committed("g", "t", 1), -1);
    restart();
    auto all = coord_->fetch_offsets("g", std::nullopt, true);
    ASSERT_EQ(all.offsets.size(), 2u);
    EXPECT_EQ(all.offsets[0].offset, 42);
    EXPECT_EQ(all.offsets[0].metadata, "meta");
    EXPECT_EQ(all.offsets[1].partition, 5);
    EXPECT_EQ(all.offsets[1].leader_epoch, 3);
    auto listed = coord_->list_groups({});
    ASSERT_EQ(listed.second.size(), 1u);
    EXPECT_EQ(listed.second[0].group_id, "g");
    EXPECT_EQ(listed.second[0].state, group_state::empty);
}

TEST_F(CoordinatorTest, LaterCommitWins) {
    commit("g", -1, "", {{"t", 0, 1, -1, std::nullopt}});
    commit("g", -1, "", {{"t", 0, 2, -1, std::nullopt}});
    EXPECT_EQ(committed("g", "t", 0), 2);
    restart();
    EXPECT_EQ(committed("g", "t", 0), 2);
}

TEST_F(CoordinatorTest, CommitToUnknownPartitionOrWithHugeMetadataIsRefusedAlone) {
    auto errors = commit("g", -1, "",
                         {{"nope", 0, 1, -1, std::nullopt},
                          {"t", 6, 1, -1, std::nullopt},
                          {"t", 1, 9, -1, std::string(5000, 'm')},
                          {"t", 2, 9, -1, std::nullopt}});
    EXPECT_EQ(errors, (std::vector<int16_t>{err::unknown_topic_or_partition, err::unknown_topic_or_partition,
                                            err::offset_metadata_too_large, err::none}));
    EXPECT_EQ(committed("g", "t", 1), -1);
    EXPECT_EQ(committed("g", "t", 2), 9);
}

TEST_F(CoordinatorTest, CommitsFromUnknownMembersOrStaleGenerationsChangeNothing) {
    auto [member, generation] = stable_single_member("g");
    EXPECT_EQ(commit("g", generation, member, {{"t", 0, 10, -1, std::nullopt}})[0], err::none);
    EXPECT_EQ(commit("g", generation, "intruder", {{"t", 0, 99, -1, std::nullopt}})[0], err::unknown_member_id);
    EXPECT_EQ(commit("g", generation - 1, member, {{"t", 0, 99, -1, std::nullopt}})[0], err::illegal_generation);
    EXPECT_EQ(commit("g", generation + 1, member, {{"t", 0, 99, -1, std::nullopt}})[0], err::illegal_generation);
    // A simple (admin) commit is refused while the group has members.
    EXPECT_EQ(commit("g", -1, "", {{"t", 0, 99, -1, std::nullopt}})[0], err::unknown_member_id);
    // A member commit to a group that does not exist.
    EXPECT_EQ(commit("other", 3, "m", {{"t", 0, 99, -1, std::nullopt}})[0], err::illegal_generation);
    EXPECT_EQ(committed("g", "t", 0), 10);
    EXPECT_EQ(committed("other", "t", 0), -1);
}

TEST_F(CoordinatorTest, GroupStateIsRebuiltFromTheLog) {
    auto [member, generation] = stable_single_member("g");
    EXPECT_EQ(commit("g", generation, member, {{"t", 3, 33, -1, std::nullopt}})[0], err::none);
    restart();
    auto d = coord_->describe_group("g");
    EXPECT_EQ(d.error_code, err::none);
    EXPECT_EQ(d.description.state, group_state::stable);
    EXPECT_EQ(d.description.generation_id, generation);
    EXPECT_EQ(d.description.protocol_name, "range");
    ASSERT_EQ(d.description.members.size(), 1u);
    EXPECT_EQ(d.description.members[0].member_id, member);
    auto a = parse_assignment(d.description.members[0].assignment);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->partitions.at(0).partitions.size(), 6u);
    // The member carries on: heartbeats and commits with its generation are accepted.
    EXPECT_EQ(coord_->heartbeat({"g", generation, member, std::nullopt}), err::none);
    EXPECT_EQ(commit("g", generation, member, {{"t", 3, 34, -1, std::nullopt}})[0], err::none);
    EXPECT_EQ(committed("g", "t", 3), 34);
}

TEST_F(CoordinatorTest, RestoredMemberThatNeverReturnsIsEvicted) {
    auto [member, generation] = stable_single_member("g");
    restart();
    clk_.advance(11s);
    coord_->run_timers();
    auto d = coord_->describe_group("g");
    EXPECT_EQ(d.description.state, group_state::empty);
    EXPECT_EQ(coord_->heartbeat({"g", generation, member, std::nullopt}), err::unknown_member_id);
}

TEST_F(CoordinatorTest, OffsetsOfEmptyGroupsExpire) {
    config_.offsets_retention = std::chrono::minutes(10);
    config_.offsets_retention_check_interval = 1000ms;
    restart();
    commit("old", -1, "", {{"t", 0, 5, -1, std::nullopt}});
    clk_.advance(6min);
    commit("young", -1, "", {{"t", 0, 6, -1, std::nullopt}});
    clk_.advance(5min);
    coord_->run_timers();
    EXPECT_EQ(committed("old", "t", 0), -1);
    EXPECT_EQ(committed("young", "t", 0), 6);
    auto listed = coord_->list_groups({});
    ASSERT_EQ(listed.second.size(), 1u);
    EXPECT_EQ(listed.second[0].group_id, "young");
    restart();  // the tombstones were written: it stays gone
    EXPECT_EQ(committed("old", "t", 0), -1);
    EXPECT_EQ(committed("young", "t", 0), 6);
}

TEST_F(CoordinatorTest, ExpiryNeitherTakesNorLosesACommitInFlight) {
    config_.offsets_retention = std::chrono::minutes(10);
    config_.offsets_retention_check_interval = 1000ms;
    restart();
    commit("g", -1, "", {{"t", 0, 5, -1, std::nullopt}});
    clk_.advance(11min);  // offset 5 is now past retention
    auto in_flight = start(coord_->commit_offsets(
        commit_request{.group_id = "g", .partitions = {{"t", 0, 6, -1, std::nullopt}}}));
    coord_->run_timers();  // must not expire the group under the commit
    EXPECT_EQ(finish(in_flight), std::vector<int16_t>{err::none});
    EXPECT_EQ(committed("g", "t", 0), 6);
    restart();
    EXPECT_EQ(committed("g", "t", 0), 6);
}

TEST_F(CoordinatorTest, SimpleCommitGroupsExpireByCommitTimeAcrossRestarts) {
    config_.offsets_retention = std::chrono::minutes(10);
    config_.offsets_retention_check_interval = 1000ms;
    restart();
    commit("g", -1, "", {{"t", 0, 5, -1, std::nullopt}});
    clk_.advance(6min);
    restart();  // the replayed group must not count from this restart
    clk_.advance(5min);
    coord_->run_timers();
    EXPECT_EQ(committed("g", "t", 0), -1);
}

TEST_F(CoordinatorTest, ZeroRebalanceTimeoutStillCompletesARebalance) {
    auto a = member_join("");
    a.rebalance_timeout_ms = 0;
    auto first = run(coord_->join("g", a));
    ASSERT_EQ(first.error_code, err::none);
    // A second member: the first never rejoins; the join phase ends after the session
    // timeout that replaced the 0 (a 0-length phase would spin the timer thread).
    auto parked = start(coord_->join("g", member_join("")));
    clk_.advance(11s);
    coord_->run_timers();
    auto second = finish(parked);
    EXPECT_EQ(second.error_code, err::none);
    EXPECT_EQ(second.generation_id, 2);
}

TEST_F(CoordinatorTest, OffsetsOfActiveGroupsDoNotExpire) {
    config_.offsets_retention = std::chrono::minutes(1);
    config_.offsets_retention_check_interval = 1000ms;
    config_.groups.max_session_timeout = 3600000ms;
    restart();
    auto [member, generation] = stable_single_member("g");
    commit("g", generation, member, {{"t", 0, 5, -1, std::nullopt}});
    for (int i = 0; i < 8; ++i) {  // 72 s of heartbeats, each inside the 10 s session
        clk_.advance(9s);
        EXPECT_EQ(coord_->heartbeat({"g", generation, member, std::nullopt}), err::none);
    }
    coord_->run_timers();  // more than a minute after the commit
    EXPECT_EQ(committed("g", "t", 0), 5);
}

TEST_F(CoordinatorTest, DeleteGroups) {
    auto [member, generation] = stable_single_member("busy");
    commit("idle", -1, "", {{"t", 0, 5, -1, std::nullopt}});
    auto r = run(coord_->delete_groups({"busy", "idle", "missing", ""}));
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0].second, err::non_empty_group);
    EXPECT_EQ(r[1].second, err::none);
    EXPECT_EQ(r[2].second, err::group_id_not_found);
    EXPECT_EQ(r[3].second, err::invalid_group_id);
    EXPECT_EQ(committed("idle", "t", 0), -1);
    restart();
    EXPECT_EQ(committed("idle", "t", 0), -1);
    EXPECT_EQ(coord_->describe_group("idle").description.state, group_state::dead);
    EXPECT_NE(coord_->describe_group("busy").description.state, group_state::dead);
}

TEST_F(CoordinatorTest, OffsetDeleteRefusesSubscribedTopicsOfActiveGroups) {
    ASSERT_TRUE(cluster_->create_topic({.name = "u", .partitions = 1, .replication_factor = 1, .configs = {}}));
    auto [member, generation] = stable_single_member("g");
    commit("g", generation, member, {{"t", 0, 5, -1, std::nullopt}, {"u", 0, 6, -1, std::nullopt}});
    auto r = run(coord_->delete_offsets("g", {{"t", {0}}, {"u", {0}}}));
    EXPECT_EQ(r.error_code, err::none);
    ASSERT_EQ(r.partition_errors.size(), 2u);
    EXPECT_EQ(r.partition_errors[0].second, std::vector<int16_t>{err::group_subscribed_to_topic});
    EXPECT_EQ(r.partition_errors[1].second, std::vector<int16_t>{err::none});
    EXPECT_EQ(committed("g", "t", 0), 5);
    EXPECT_EQ(committed("g", "u", 0), -1);
    restart();
    EXPECT_EQ(committed("g", "u", 0), -1);
    EXPECT_EQ(run(coord_->delete_offsets("missing", {{"t", {0}}})).error_code, err::group_id_not_found);
}

TEST_F(CoordinatorTest, StopAnswersParkedJoins) {
    auto first = run(coord_->join("g", member_join("")));
    ASSERT_EQ(first.error_code, err::none);
    // A second member makes the group rebalance; its join parks until the first rejoins.
    auto parked = start(coord_->join("g", member_join("")));
    EXPECT_FALSE(parked->has_value());
    coord_->stop();
    auto r = finish(parked);
    EXPECT_EQ(r.error_code, err::coordinator_not_available);
}

TEST_F(CoordinatorTest, RequestsForBadGroupIdsAreRefused) {
    EXPECT_EQ(run(coord_->join("", member_join(""))).error_code, err::invalid_group_id);
    EXPECT_EQ(coord_->heartbeat({"", 1, "m", std::nullopt}), err::invalid_group_id);
    EXPECT_EQ(run(coord_->join("g", member_join("made-up"))).error_code, err::unknown_member_id);
    EXPECT_EQ(coord_->heartbeat({"g", 1, "m", std::nullopt}), err::unknown_member_id);
    // A join refused for its session timeout leaves no group behind.
    auto bad = member_join("");
    bad.session_timeout_ms = 10;
    EXPECT_EQ(run(coord_->join("g", bad)).error_code, err::invalid_session_timeout);
    EXPECT_TRUE(coord_->list_groups({}).second.empty());
}

TEST_F(CoordinatorTest, MemberIdRequiredRoundTripKeepsTheNewGroup) {
    auto req = member_join("");
    req.require_known_member_id = true;  // JoinGroup v4+
    auto first = run(coord_->join("fresh", req));
    ASSERT_EQ(first.error_code, err::member_id_required);
    ASSERT_FALSE(first.member_id.empty());
    req.member_id = first.member_id;
    auto second = run(coord_->join("fresh", req));
    EXPECT_EQ(second.error_code, err::none);
    EXPECT_EQ(second.member_id, first.member_id);
    EXPECT_EQ(second.generation_id, 1);
    EXPECT_EQ(second.leader, first.member_id);
}

}  // namespace
}  // namespace fjord::group
