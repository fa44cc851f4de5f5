// The consumer-group APIs end to end below the socket: request frames built with the codec
// go through make_request_handler's handler into the fixture's group::coordinator, and the
// responses are decoded with the codec. These tests check the translation between the
// wire versions and the coordinator (which fields each version carries, where errors go);
// the group semantics themselves are tested in tests/unit/group.
#include <chrono>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include <gtest/gtest.h>

#include "group/consumer_protocol.h"
#include "handler_fixture.h"

namespace fjord::kafka {
namespace {

constexpr int16_t none = 0;
constexpr int16_t unknown_topic_or_partition = 3;
constexpr int16_t coordinator_not_available = 15;
constexpr int16_t illegal_generation = 22;
constexpr int16_t invalid_group_id = 24;
constexpr int16_t unknown_member_id = 25;
constexpr int16_t rebalance_in_progress = 27;
constexpr int16_t group_id_not_found = 69;
constexpr int16_t member_id_required = 79;

struct GroupHandlerTest : testing::handler_fixture {
    void SetUp() override {
        handler_fixture::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        create_topics_request req;
        req.topics.push_back({.name = "t", .num_partitions = 3, .replication_factor = 1, .assignments = {},
                              .configs = {}});
        auto resp = call<create_topics_response>(4, req);
        ASSERT_EQ(resp.topics.at(0).error_code, 0);
    }

    static bytes subscription(std::vector<std::string> topics) {
        return group::encode_subscription({.version = 0, .topics = std::move(topics)});
    }

    static join_group_request join_req(const std::string& group_id, const std::string& member_id) {
        join_group_request req;
        req.group_id = group_id;
        req.session_timeout_ms = 10000;
        req.rebalance_timeout_ms = 60000;
        req.member_id = member_id;
        req.protocol_type = "consumer";
        req.protocols.push_back({.name = "range", .metadata = subscription({"t"})});
        return req;
    }

    // Joins `group_id` as a new dynamic member at `version` (the MEMBER_ID_REQUIRED round
    // trip first from v4), the only member of a new group: generation 1, its own leader.
    join_group_response join_new(const std::string& group_id, int16_t version) {
        auto first = call<join_group_response>(version, join_req(group_id, ""));
        if (version < 4) {
            return first;
        }
        EXPECT_EQ(first.error_code, member_id_required);
        EXPECT_FALSE(first.member_id.empty());
        return call<join_group_response>(version, join_req(group_id, first.member_id));
    }

    sync_group_response sync(int16_t version, const std::string& group_id, int32_t generation,
                             const std::string& member_id, std::vector<sync_group_request::member_assignment> a) {
        sync_group_request req;
        req.group_id = group_id;
        req.generation_id = generation;
        req.member_id = member_id;
        req.assignments = std::move(a);
        return call<sync_group_response>(version, req);
    }

    int16_t heartbeat(int16_t version, const std::string& group_id, int32_t generation, const std::string& member_id) {
        heartbeat_request req;
        req.group_id = group_id;
        req.generation_id = generation;
        req.member_id = member_id;
        return call<heartbeat_response>(version, req).error_code;
    }

    // A member of a Stable group `group_id` (joined and synced at v3; the v4+ round trip
    // has tests of its own).
    struct member {
        std::string id;
        int32_t generation = -1;
    };
    member stable_member(const std::string& group_id) {
        auto j = join_new(group_id, 3);
        EXPECT_EQ(j.error_code, none);
        auto s = sync(3, group_id, j.generation_id, j.member_id, {{.member_id = j.member_id, .assignment = {}}});
        EXPECT_EQ(s.error_code, none);
        return {j.member_id, j.generation_id};
    }

    offset_commit_request commit_req(const std::string& group_id, const member& m,
                                     std::vector<std::tuple<std::string, int32_t, int64_t>> offsets) {
        offset_commit_request req;
        req.group_id = group_id;
        req.generation_id = m.generation;
        req.member_id = m.id;
        for (auto& [topic, partition, offset] : offsets) {
            if (req.topics.empty() || req.topics.back().name != topic) {
                req.topics.emplace_back().name = topic;
            }
            req.topics.back().partitions.push_back(
                {.partition_index = partition, .committed_offset = offset, .committed_leader_epoch = 3,
                 .commit_timestamp = -1, .committed_metadata = "meta-" + std::to_string(offset)});
        }
        return req;
    }

    static offset_fetch_request fetch_req(const std::string& group_id, std::vector<int32_t> partitions) {
        offset_fetch_request req;
        req.group_id = group_id;
        req.topics.emplace().push_back({.name = "t", .partition_indexes = std::move(partitions)});
        return req;
    }

    // Runs the io_context until `out` holds a result (for requests that park while others
    // are sent).
    void run_until(const std::shared_ptr<std::optional<testing::handle_result>>& out) {
        io.restart();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!out->has_value() && std::chrono::steady_clock::now() < deadline) {
            io.run_for(std::chrono::milliseconds(5));
        }
        ASSERT_TRUE(out->has_value()) << "request still parked";
    }
    // A request started without running the io_context, and the correlation id it carries.
    struct started {
        std::shared_ptr<std::optional<testing::handle_result>> out;
        int32_t correlation_id = 0;
    };
    template<typename Req>
    started start(int16_t version, const Req& req) {
        auto out = start_frame(frame_of(version, req));
        return {std::move(out), correlation};
    }
    template<typename Resp>
    Resp response_of(int16_t version, const started& s) {
        EXPECT_TRUE(s.out->has_value() && **s.out && (**s.out)->has_value());
        if (!s.out->has_value() || !**s.out || !(**s.out)->has_value()) {
            return Resp{};
        }
        const int32_t latest = std::exchange(correlation, s.correlation_id);  // what decode_response checks
        auto r = decode_response<Resp>(version, *(***s.out));
        correlation = latest;
        return r;
    }
    // call<Resp>(), for while another request is parked (call() would wait for it too).
    template<typename Resp, typename Req>
    Resp call_beside_parked(int16_t version, const Req& req) {
        auto s = start(version, req);
        run_until(s.out);
        return response_of<Resp>(version, s);
    }
};

TEST_F(GroupHandlerTest, FindCoordinatorV0AndV2NameThisBroker) {
    find_coordinator_request req;
    req.coordinator_key = "g";
    auto v0 = call<find_coordinator_response>(0, req);
    EXPECT_EQ(v0.error_code, none);
    EXPECT_EQ(v0.node_id, cluster->config().node_id);
    EXPECT_EQ(v0.host, cluster->config().advertised_host);
    EXPECT_EQ(v0.port, cluster->config().advertised_port);
    auto v2 = call<find_coordinator_response>(2, req);
    EXPECT_EQ(v2.error_code, none);
    EXPECT_EQ(v2.error_message, std::nullopt);
    EXPECT_EQ(v2.node_id, cluster->config().node_id);
    req.key_type = 1;  // transactions: not served yet, with a message (v1+)
    auto txn = call<find_coordinator_response>(2, req);
    EXPECT_EQ(txn.error_code, coordinator_not_available);
    EXPECT_TRUE(txn.error_message.has_value());
}

TEST_F(GroupHandlerTest, JoinV5MemberIdRequiredThenLeaderOfGenerationOne) {
    auto first = call<join_group_response>(5, join_req("g", ""));
    EXPECT_EQ(first.error_code, member_id_required);
    EXPECT_EQ(first.generation_id, -1);
    EXPECT_EQ(first.leader, "");
    EXPECT_EQ(first.protocol_name, "");
    EXPECT_TRUE(first.members.empty());
    EXPECT_TRUE(first.member_id.starts_with("unit-test-")) << first.member_id;  // client id + "-" + uuid

    auto j = call<join_group_response>(5, join_req("g", first.member_id));
    EXPECT_EQ(j.error_code, none);
    EXPECT_EQ(j.generation_id, 1);
    EXPECT_EQ(j.member_id, first.member_id);
    EXPECT_EQ(j.leader, first.member_id);
    EXPECT_EQ(j.protocol_name, "range");
    ASSERT_EQ(j.members.size(), 1u);  // the leader gets every member's metadata
    EXPECT_EQ(j.members[0].member_id, first.member_id);
    EXPECT_EQ(j.members[0].group_instance_id, std::nullopt);
    EXPECT_EQ(j.members[0].metadata, subscription({"t"}));
}

TEST_F(GroupHandlerTest, SyncGivesTheLeaderItsAssignmentAndHeartbeatChecksGeneration) {
    auto j = join_new("g", 5);
    ASSERT_EQ(j.error_code, none);
    const bytes assignment =
        group::encode_assignment({.version = 0, .partitions = {{"t", {0, 1, 2}}}, .user_data = {}});
    auto s = sync(3, "g", j.generation_id, j.member_id, {{.member_id = j.member_id, .assignment = assignment}});
    EXPECT_EQ(s.error_code, none);
    EXPECT_EQ(s.assignment, assignment);
    EXPECT_EQ(heartbeat(3, "g", j.generation_id, j.member_id), none);
    EXPECT_EQ(heartbeat(0, "g", j.generation_id, j.member_id), none);
    EXPECT_EQ(heartbeat(3, "g", j.generation_id + 1, j.member_id), illegal_generation);
    EXPECT_EQ(heartbeat(1, "g", j.generation_id, "nobody"), unknown_member_id);
    // A sync v0 from the same member (no group_instance_id on the wire) gets the same bytes.
    auto again = sync(0, "g", j.generation_id, j.member_id, {});
    EXPECT_EQ(again.error_code, none);
    EXPECT_EQ(again.assignment, assignment);
}

TEST_F(GroupHandlerTest, JoinGroupV0V1V2V3Encodings) {
    // Before v4 a new member gets its id at once (no MEMBER_ID_REQUIRED round trip); v0
    // has no rebalance timeout (the session timeout is used) and v0-1 no throttle.
    for (int16_t v = 0; v <= 3; ++v) {
        SCOPED_TRACE("JoinGroup v" + std::to_string(v));
        const std::string g = "g-v" + std::to_string(v);
        auto j = call<join_group_response>(v, join_req(g, ""));
        EXPECT_EQ(j.error_code, none);
        EXPECT_EQ(j.generation_id, 1);
        EXPECT_FALSE(j.member_id.empty());
        EXPECT_EQ(j.leader, j.member_id);
        EXPECT_EQ(j.protocol_name, "range");
        ASSERT_EQ(j.members.size(), 1u);
        EXPECT_EQ(j.members[0].metadata, subscription({"t"}));
    }
}

TEST_F(GroupHandlerTest, JoinGroupErrorAnswerKeepsTheGivenMemberId) {
    auto r = call<join_group_response>(2, join_req("g", "stranger"));  // unknown member of an unknown group
    EXPECT_EQ(r.error_code, unknown_member_id);
    EXPECT_EQ(r.generation_id, -1);
    EXPECT_EQ(r.member_id, "stranger");
    EXPECT_EQ(r.leader, "");
    EXPECT_EQ(r.protocol_name, "");
}

TEST_F(GroupHandlerTest, EmptyGroupIdIsInvalidForMemberApis) {
    auto j = call<join_group_response>(5, join_req("", ""));
    EXPECT_EQ(j.error_code, invalid_group_id);
    EXPECT_EQ(j.generation_id, -1);
    EXPECT_EQ(sync(3, "", 1, "m", {}).error_code, invalid_group_id);
    EXPECT_EQ(heartbeat(3, "", 1, "m"), invalid_group_id);
    leave_group_request leave;
    leave.member_id = "m";
    EXPECT_EQ(call<leave_group_response>(0, leave).error_code, invalid_group_id);
    leave.members.push_back({.member_id = "m", .group_instance_id = std::nullopt});
    auto v3 = call<leave_group_response>(3, leave);
    EXPECT_EQ(v3.error_code, invalid_group_id);
    EXPECT_TRUE(v3.members.empty());
}

TEST_F(GroupHandlerTest, CommitV7ThenFetchV7V5V1AndV2AllTopics) {
    auto m = stable_member("g");
    auto req = commit_req("g", m, {{"t", 0, 5}, {"t", 1, 7}, {"nope", 0, 1}, {"t", 9, 1}});
    req.group_instance_id = std::nullopt;
    auto c = call<offset_commit_response>(7, req);
    ASSERT_EQ(c.topics.size(), 3u);  // request order, per partition
    EXPECT_EQ(c.topics[0].name, "t");
    ASSERT_EQ(c.topics[0].partitions.size(), 2u);
    EXPECT_EQ(c.topics[0].partitions[0].partition_index, 0);
    EXPECT_EQ(c.topics[0].partitions[0].error_code, none);
    EXPECT_EQ(c.topics[0].partitions[1].partition_index, 1);
    EXPECT_EQ(c.topics[0].partitions[1].error_code, none);
    EXPECT_EQ(c.topics[1].name, "nope");
    EXPECT_EQ(c.topics[1].partitions.at(0).error_code, unknown_topic_or_partition);
    EXPECT_EQ(c.topics[2].partitions.at(0).partition_index, 9);
    EXPECT_EQ(c.topics[2].partitions.at(0).error_code, unknown_topic_or_partition);

    auto f7req = fetch_req("g", {0, 1, 2});
    f7req.require_stable = true;
    auto f7 = call<offset_fetch_response>(7, f7req);
    EXPECT_EQ(f7.error_code, none);
    ASSERT_EQ(f7.topics.size(), 1u);
    ASSERT_EQ(f7.topics[0].partitions.size(), 3u);
    const auto& p0 = f7.topics[0].partitions[0];
    EXPECT_EQ(p0.partition_index, 0);
    EXPECT_EQ(p0.committed_offset, 5);
    EXPECT_EQ(p0.committed_leader_epoch, 3);
    EXPECT_EQ(p0.metadata, "meta-5");
    EXPECT_EQ(p0.error_code, none);
    EXPECT_EQ(f7.topics[0].partitions[1].committed_offset, 7);
    const auto& p2 = f7.topics[0].partitions[2];  // nothing committed
    EXPECT_EQ(p2.partition_index, 2);
    EXPECT_EQ(p2.committed_offset, -1);
    EXPECT_EQ(p2.committed_leader_epoch, -1);
    EXPECT_EQ(p2.metadata, "");
    EXPECT_EQ(p2.error_code, none);

    auto f5 = call<offset_fetch_response>(5, fetch_req("g", {1}));
    EXPECT_EQ(f5.topics.at(0).partitions.at(0).committed_offset, 7);
    EXPECT_EQ(f5.topics.at(0).partitions.at(0).committed_leader_epoch, 3);

    auto f1 = call<offset_fetch_response>(1, fetch_req("g", {0}));
    ASSERT_EQ(f1.topics.size(), 1u);
    EXPECT_EQ(f1.topics[0].partitions.at(0).committed_offset, 5);
    EXPECT_EQ(f1.topics[0].partitions.at(0).committed_leader_epoch, -1);  // not on the wire before v5
    EXPECT_EQ(f1.topics[0].partitions.at(0).metadata, "meta-5");

    offset_fetch_request all;
    all.group_id = "g";  // topics null: every committed offset
    auto f2 = call<offset_fetch_response>(2, all);
    EXPECT_EQ(f2.error_code, none);
    ASSERT_EQ(f2.topics.size(), 1u);
    EXPECT_EQ(f2.topics[0].name, "t");
    ASSERT_EQ(f2.topics[0].partitions.size(), 2u);
    EXPECT_EQ(f2.topics[0].partitions[0].partition_index, 0);
    EXPECT_EQ(f2.topics[0].partitions[0].committed_offset, 5);
    EXPECT_EQ(f2.topics[0].partitions[1].partition_index, 1);
    EXPECT_EQ(f2.topics[0].partitions[1].committed_offset, 7);
    auto f6 = call<offset_fetch_response>(6, all);  // flexible, with leader epochs (v5+)
    ASSERT_EQ(f6.topics.size(), 1u);
    ASSERT_EQ(f6.topics[0].partitions.size(), 2u);
    EXPECT_EQ(f6.topics[0].partitions[1].committed_offset, 7);
    EXPECT_EQ(f6.topics[0].partitions[1].committed_leader_epoch, 3);
    EXPECT_EQ(f6.topics[0].partitions[1].metadata, "meta-7");
}

TEST_F(GroupHandlerTest, CommitWithAStaleGenerationFailsPerPartition) {
    auto m = stable_member("g");
    member stale{m.id, m.generation + 1};
    auto c = call<offset_commit_response>(6, commit_req("g", stale, {{"t", 0, 1}, {"t", 1, 1}}));
    ASSERT_EQ(c.topics.at(0).partitions.size(), 2u);
    EXPECT_EQ(c.topics[0].partitions[0].error_code, illegal_generation);
    EXPECT_EQ(c.topics[0].partitions[1].error_code, illegal_generation);
}

TEST_F(GroupHandlerTest, SimpleCommitV0AndV2ThenFetch) {
    // v0 has no generation or member: a simple commit, allowed on a group with no members.
    offset_commit_request req;
    req.group_id = "simple";
    req.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .committed_offset = 11,
                                                       .committed_leader_epoch = -1, .commit_timestamp = -1,
                                                       .committed_metadata = std::nullopt}}});
    auto c0 = call<offset_commit_response>(0, req);
    EXPECT_EQ(c0.topics.at(0).partitions.at(0).error_code, none);
    req.retention_time_ms = 1000;  // v2-4: accepted and ignored
    req.topics[0].partitions[0].partition_index = 1;
    req.topics[0].partitions[0].committed_offset = 12;
    auto c2 = call<offset_commit_response>(2, req);
    EXPECT_EQ(c2.topics.at(0).partitions.at(0).error_code, none);
    auto f = call<offset_fetch_response>(3, fetch_req("simple", {0, 1}));
    ASSERT_EQ(f.topics.at(0).partitions.size(), 2u);
    EXPECT_EQ(f.topics[0].partitions[0].committed_offset, 11);
    EXPECT_EQ(f.topics[0].partitions[0].metadata, "");  // null metadata is stored as ""
    EXPECT_EQ(f.topics[0].partitions[1].committed_offset, 12);
}

TEST_F(GroupHandlerTest, OffsetFetchGroupErrorIsTopLevelFromV2AndPerPartitionBefore) {
    // An empty group id is refused by the coordinator for every group API.
    auto v1 = call<offset_fetch_response>(1, fetch_req("", {0, 2}));
    ASSERT_EQ(v1.topics.size(), 1u);
    ASSERT_EQ(v1.topics[0].partitions.size(), 2u);
    for (const auto& p : v1.topics[0].partitions) {
        EXPECT_EQ(p.error_code, invalid_group_id);
        EXPECT_EQ(p.committed_offset, -1);
        EXPECT_EQ(p.metadata, "");
    }
    EXPECT_EQ(v1.topics[0].partitions[1].partition_index, 2);
    auto v2 = call<offset_fetch_response>(2, fetch_req("", {0, 2}));
    EXPECT_EQ(v2.error_code, invalid_group_id);
    EXPECT_TRUE(v2.topics.empty());
}

TEST_F(GroupHandlerTest, DescribeGroupsV0AndV4) {
    auto m = stable_member("g");
    describe_groups_request req;
    req.groups = {"g", "unknown"};
    req.include_authorized_operations = true;
    auto d = call<describe_groups_response>(4, req);
    ASSERT_EQ(d.groups.size(), 2u);
    const auto& g = d.groups[0];
    EXPECT_EQ(g.error_code, none);
    EXPECT_EQ(g.group_id, "g");
    EXPECT_EQ(g.group_state, "Stable");
    EXPECT_EQ(g.protocol_type, "consumer");
    EXPECT_EQ(g.protocol_data, "range");
    EXPECT_EQ(g.authorized_operations, std::numeric_limits<int32_t>::min());
    ASSERT_EQ(g.members.size(), 1u);
    EXPECT_EQ(g.members[0].member_id, m.id);
    EXPECT_EQ(g.members[0].group_instance_id, std::nullopt);
    EXPECT_EQ(g.members[0].client_id, "unit-test");
    EXPECT_EQ(g.members[0].client_host, "/test");  // the fixture's peer is "test:1"
    EXPECT_EQ(g.members[0].member_metadata, subscription({"t"}));
    EXPECT_EQ(g.members[0].member_assignment, bytes{});  // synced with an empty assignment
    const auto& u = d.groups[1];  // Kafka: no error, state Dead
    EXPECT_EQ(u.error_code, none);
    EXPECT_EQ(u.group_id, "unknown");
    EXPECT_EQ(u.group_state, "Dead");
    EXPECT_TRUE(u.members.empty());

    auto d0 = call<describe_groups_response>(0, req);
    ASSERT_EQ(d0.groups.size(), 2u);
    EXPECT_EQ(d0.groups[0].group_state, "Stable");
    EXPECT_EQ(d0.groups[0].members.at(0).member_id, m.id);
}

TEST_F(GroupHandlerTest, ListGroupsV4StatesFilterAndV0) {
    stable_member("stable-group");
    offset_commit_request simple;  // a group with offsets and no members: Empty
    simple.group_id = "empty-group";
    simple.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .committed_offset = 1,
                                                          .committed_leader_epoch = -1, .commit_timestamp = -1,
                                                          .committed_metadata = std::nullopt}}});
    ASSERT_EQ(call<offset_commit_response>(2, simple).topics.at(0).partitions.at(0).error_code, none);

    auto list = [&](int16_t version, std::vector<std::string> filter) {
        list_groups_request req;
        req.states_filter = std::move(filter);
        auto r = call<list_groups_response>(version, req);
        EXPECT_EQ(r.error_code, none);
        std::map<std::string, std::string> out;  // id -> state
        for (const auto& g : r.groups) {
            out[g.group_id] = g.group_state;
        }
        return std::pair{out, r};
    };
    auto [all, all_resp] = list(4, {});
    EXPECT_EQ(all, (std::map<std::string, std::string>{{"empty-group", "Empty"}, {"stable-group", "Stable"}}));
    EXPECT_EQ(list(4, {"Stable"}).first, (std::map<std::string, std::string>{{"stable-group", "Stable"}}));
    EXPECT_EQ(list(4, {"empty", "PreparingRebalance"}).first,
              (std::map<std::string, std::string>{{"empty-group", "Empty"}}));  // case-insensitive
    EXPECT_TRUE(list(4, {"NoSuchState"}).first.empty());                        // unknown names match nothing
    EXPECT_EQ(list(4, {"NoSuchState", "Stable"}).first.size(), 1u);

    auto [v0, v0_resp] = list(0, {});
    EXPECT_EQ(v0.size(), 2u);
    for (const auto& g : v0_resp.groups) {
        EXPECT_EQ(g.group_state, "");  // v4+ only
        if (g.group_id == "stable-group") {
            EXPECT_EQ(g.protocol_type, "consumer");
        }
    }
    EXPECT_EQ(list(3, {}).first.size(), 2u);  // flexible, no filter
}

TEST_F(GroupHandlerTest, LeaveGroupV0AndV3) {
    auto a = stable_member("g0");
    leave_group_request v0;
    v0.group_id = "g0";
    v0.member_id = "nobody";
    EXPECT_EQ(call<leave_group_response>(0, v0).error_code, unknown_member_id);  // the member's error, top level
    v0.member_id = a.id;
    EXPECT_EQ(call<leave_group_response>(1, v0).error_code, none);

    auto b = stable_member("g3");
    leave_group_request v3;
    v3.group_id = "g3";
    v3.members.push_back({.member_id = b.id, .group_instance_id = std::nullopt});
    v3.members.push_back({.member_id = "nobody", .group_instance_id = std::nullopt});
    auto r = call<leave_group_response>(3, v3);
    EXPECT_EQ(r.error_code, none);  // per-member errors only
    ASSERT_EQ(r.members.size(), 2u);
    EXPECT_EQ(r.members[0].member_id, b.id);
    EXPECT_EQ(r.members[0].error_code, none);
    EXPECT_EQ(r.members[1].member_id, "nobody");
    EXPECT_EQ(r.members[1].error_code, unknown_member_id);

    describe_groups_request d;
    d.groups = {"g0", "g3"};
    auto desc = call<describe_groups_response>(1, d);
    EXPECT_EQ(desc.groups.at(0).group_state, "Empty");
    EXPECT_EQ(desc.groups.at(1).group_state, "Empty");
}

TEST_F(GroupHandlerTest, SecondMemberJoinParksUntilTheFirstRejoins) {
    auto a = stable_member("g");
    auto b_first = call<join_group_response>(5, join_req("g", ""));  // v5: MEMBER_ID_REQUIRED first
    ASSERT_EQ(b_first.error_code, member_id_required);
    auto b_rejoin = start(5, join_req("g", b_first.member_id));  // parks: a rebalance starts
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
    ASSERT_FALSE(b_rejoin.out->has_value());
    heartbeat_request hb;
    hb.group_id = "g";
    hb.generation_id = a.generation;
    hb.member_id = a.id;
    EXPECT_EQ(call_beside_parked<heartbeat_response>(3, hb).error_code, rebalance_in_progress);
    auto a_rejoin = call_beside_parked<join_group_response>(5, join_req("g", a.id));  // ends the join phase
    EXPECT_EQ(a_rejoin.error_code, none);
    EXPECT_EQ(a_rejoin.generation_id, a.generation + 1);
    run_until(b_rejoin.out);
    auto b = response_of<join_group_response>(5, b_rejoin);
    EXPECT_EQ(b.error_code, none);
    EXPECT_EQ(b.generation_id, a.generation + 1);
    EXPECT_EQ(b.member_id, b_first.member_id);
    EXPECT_EQ(b.leader, a_rejoin.leader);
    // Only the leader gets the member list.
    auto& leader = a_rejoin.leader == a.id ? a_rejoin : b;
    auto& follower = a_rejoin.leader == a.id ? b : a_rejoin;
    EXPECT_EQ(leader.members.size(), 2u);
    EXPECT_TRUE(follower.members.empty());
}

TEST_F(GroupHandlerTest, DeleteGroupsV0V1) {
    auto m = stable_member("busy");
    offset_commit_request simple;
    simple.group_id = "idle";
    simple.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .committed_offset = 1,
                                                          .committed_leader_epoch = -1, .commit_timestamp = -1,
                                                          .committed_metadata = std::nullopt}}});
    ASSERT_EQ(call<offset_commit_response>(1, simple).topics.at(0).partitions.at(0).error_code, none);
    delete_groups_request req;
    req.groups_names = {"idle", "busy", "never"};
    auto r = call<delete_groups_response>(1, req);
    ASSERT_EQ(r.results.size(), 3u);
    EXPECT_EQ(r.results[0].group_id, "idle");
    EXPECT_EQ(r.results[0].error_code, none);
    EXPECT_EQ(r.results[1].group_id, "busy");
    EXPECT_EQ(r.results[1].error_code, 68);  // NON_EMPTY_GROUP
    EXPECT_EQ(r.results[2].group_id, "never");
    EXPECT_EQ(r.results[2].error_code, group_id_not_found);
    auto f = call<offset_fetch_response>(1, fetch_req("idle", {0}));
    EXPECT_EQ(f.topics.at(0).partitions.at(0).committed_offset, -1);  // its offsets went with it
    req.groups_names = {"idle"};
    EXPECT_EQ(call<delete_groups_response>(0, req).results.at(0).error_code, group_id_not_found);
}

TEST_F(GroupHandlerTest, OffsetDeleteV0) {
    offset_commit_request simple;
    simple.group_id = "g";
    simple.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .committed_offset = 4,
                                                          .committed_leader_epoch = -1, .commit_timestamp = -1,
                                                          .committed_metadata = std::nullopt},
                                                         {.partition_index = 1, .committed_offset = 5,
                                                          .committed_leader_epoch = -1, .commit_timestamp = -1,
                                                          .committed_metadata = std::nullopt}}});
    ASSERT_EQ(call<offset_commit_response>(2, simple).topics.at(0).partitions.at(1).error_code, none);
    offset_delete_request req;
    req.group_id = "g";
    req.topics.push_back({.name = "t", .partitions = {{.partition_index = 0}}});
    auto r = call<offset_delete_response>(0, req);
    EXPECT_EQ(r.error_code, none);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].name, "t");
    ASSERT_EQ(r.topics[0].partitions.size(), 1u);
    EXPECT_EQ(r.topics[0].partitions[0].partition_index, 0);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, none);
    auto f = call<offset_fetch_response>(4, fetch_req("g", {0, 1}));
    EXPECT_EQ(f.topics.at(0).partitions.at(0).committed_offset, -1);
    EXPECT_EQ(f.topics.at(0).partitions.at(1).committed_offset, 5);

    req.group_id = "never";
    auto missing = call<offset_delete_response>(0, req);
    EXPECT_EQ(missing.error_code, group_id_not_found);
    EXPECT_TRUE(missing.topics.empty());

    // A topic the group's members subscribe to: per-partition GROUP_SUBSCRIBED_TO_TOPIC.
    stable_member("sub");
    req.group_id = "sub";
    auto sub = call<offset_delete_response>(0, req);
    EXPECT_EQ(sub.error_code, none);
    EXPECT_EQ(sub.topics.at(0).partitions.at(0).error_code, 86);
}

}  // namespace
}  // namespace fjord::kafka
