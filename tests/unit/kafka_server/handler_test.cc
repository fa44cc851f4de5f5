// The Kafka request handler end to end below the socket: request frames built with the
// codec go into make_request_handler's handler (its coroutine run on a local io_context),
// and the responses — file chunks read back with pread — are decoded with the codec.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "kafka/protocol/errc.h"
#include "record/builder.h"

namespace fjord::kafka {
namespace {

using testing::handle_result;

bytes make_batch(int n, size_t value_bytes = 8) {
    record::batch_builder b;
    for (int i = 0; i < n; ++i) {
        b.add(1'700'000'000'000 + i, to_bytes("k" + std::to_string(i)), bytes(value_bytes, std::byte{'x'}));
    }
    auto r = b.build();
    EXPECT_TRUE(r);
    return *r;
}

struct HandlerTest : testing::handler_fixture {
    void configure(cluster::cluster_config& cfg) override { cfg.num_partitions = 3; }

    void create_topic(const std::string& name, int32_t partitions,
                      std::vector<create_topics_request::creatable_topic::creatable_topic_config> configs = {}) {
        create_topics_request req;
        req.topics.push_back({.name = name, .num_partitions = partitions, .replication_factor = 1,
                              .assignments = {}, .configs = std::move(configs)});
        auto resp = call<create_topics_response>(4, req);
        ASSERT_EQ(resp.topics.size(), 1u);
        ASSERT_EQ(resp.topics[0].error_code, 0);
    }
    produce_response produce(const std::string& topic, int32_t partition, bytes batch, int16_t acks = -1) {
        produce_request req;
        req.acks = acks;
        req.timeout_ms = 1000;
        req.topics.push_back({.name = topic, .partitions = {{.partition_index = partition, .records = batch}}});
        return call<produce_response>(7, req);
    }
    fetch_request fetch_req(const std::string& topic, int32_t partition, int64_t offset, int32_t max_wait_ms = 0) {
        fetch_request req;
        req.replica_id = -1;
        req.max_wait_ms = max_wait_ms;
        req.min_bytes = 1;
        req.max_bytes = 1 << 20;
        req.topics.push_back({.topic = topic,
                              .partitions = {{.partition = partition, .current_leader_epoch = -1,
                                              .fetch_offset = offset, .log_start_offset = -1,
                                              .partition_max_bytes = 1 << 20}}});
        return req;
    }
    int64_t list_offset(const std::string& topic, int32_t partition, int64_t ts, int16_t version = 1) {
        list_offsets_request req;
        req.replica_id = -1;
        req.topics.push_back({.name = topic, .partitions = {{.partition_index = partition, .timestamp = ts,
                                                             .max_num_offsets = 1}}});
        auto resp = call<list_offsets_response>(version, req);
        EXPECT_EQ(resp.topics.at(0).partitions.at(0).error_code, 0);
        const auto& p = resp.topics.at(0).partitions.at(0);
        return version == 0 ? (p.old_style_offsets.empty() ? -1 : p.old_style_offsets[0]) : p.offset;
    }
};

const api_versions_response::api_version* find_key(const api_versions_response& r, int16_t key) {
    for (const auto& k : r.api_keys) {
        if (k.api_key == key) {
            return &k;
        }
    }
    return nullptr;
}

TEST_F(HandlerTest, ApiVersionsV0AndV3ListOurRanges) {
    for (int16_t v : {int16_t{0}, int16_t{3}}) {
        api_versions_request req;
        req.client_software_name = "unit-test";
        req.client_software_version = "1.0";
        auto resp = call<api_versions_response>(v, req);
        EXPECT_EQ(resp.error_code, 0);
        ASSERT_NE(find_key(resp, 0), nullptr);
        EXPECT_EQ(find_key(resp, 0)->min_version, 0);  // v0-2: legacy message sets, up-converted
        EXPECT_EQ(find_key(resp, 0)->max_version, 7);
        EXPECT_EQ(find_key(resp, 1)->min_version, 4);
        EXPECT_EQ(find_key(resp, 1)->max_version, 11);
        EXPECT_EQ(find_key(resp, 3)->max_version, 6);
        EXPECT_EQ(find_key(resp, 18)->max_version, 3);
        EXPECT_EQ(find_key(resp, 22)->max_version, 1);
        // The consumer-group APIs (facts §4.2; librdkafka needs 0 of Join/Sync/Heartbeat/
        // Leave/FindCoordinator and OffsetFetch 1).
        const std::pair<int16_t, int16_t> group_apis[] = {{8, 7},  {9, 7},  {10, 2}, {11, 5}, {12, 3}, {13, 3},
                                                          {14, 3}, {15, 4}, {16, 4}, {42, 1}, {47, 0}};
        for (auto [key, max] : group_apis) {
            ASSERT_NE(find_key(resp, key), nullptr) << key;
            EXPECT_EQ(find_key(resp, key)->min_version, 0) << key;
            EXPECT_EQ(find_key(resp, key)->max_version, max) << key;
        }
        EXPECT_EQ(resp.api_keys.size(), api_table.size());
    }
}

TEST_F(HandlerTest, ApiVersionsUnsupportedVersionGetsV0BodyWithError35) {
    writer w;
    request_header h{.api_key = 18, .api_version = 9, .correlation_id = ++correlation, .client_id = "probe"};
    encode_request_header(w, h);
    w.write_string("x", true);
    w.write_string("1", true);
    w.write_uvarint(0);
    auto r = call_frame(std::move(w).take());
    ASSERT_TRUE(r && r->has_value());
    auto resp = decode_response<api_versions_response>(0, **r);
    EXPECT_EQ(resp.error_code, 35);
    ASSERT_NE(find_key(resp, 18), nullptr);
    EXPECT_EQ(find_key(resp, 18)->max_version, 3);
}

TEST_F(HandlerTest, UnknownApiKeyIsAnError) {
    writer w;
    request_header h{.api_key = 99, .api_version = 0, .correlation_id = 1, .client_id = "x"};
    encode_request_header(w, h);
    auto r = call_frame(std::move(w).take());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::unknown_api));
}

TEST_F(HandlerTest, UnadvertisedVersionIsAnError) {
    auto r = call_frame(frame_of(2, init_producer_id_request{}));  // the codec serves v2, we advertise 0-1
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::unsupported_version));
}

TEST_F(HandlerTest, TruncatedBodyIsAnError) {
    bytes frame = frame_of(1, metadata_request{.topics = std::vector<metadata_request::request_topic>{{"abc"}}});
    frame.resize(frame.size() - 2);
    EXPECT_FALSE(call_frame(frame));
}

TEST_F(HandlerTest, MetadataAutoCreatesRequestedTopic) {
    metadata_request req;
    req.topics = std::vector<metadata_request::request_topic>{{.name = "auto"}};
    auto resp = call<metadata_response>(1, req);
    ASSERT_EQ(resp.topics.size(), 1u);
    EXPECT_EQ(resp.topics[0].error_code, 0);
    EXPECT_EQ(resp.topics[0].partitions.size(), 3u);
    EXPECT_EQ(resp.topics[0].partitions[0].leader_id, 1);
    ASSERT_EQ(resp.brokers.size(), 1u);
    EXPECT_EQ(resp.brokers[0].port, 9092);
    EXPECT_EQ(resp.controller_id, 1);

    // v4 with allow_auto_topic_creation=false: unknown stays unknown.
    metadata_request no;
    no.topics = std::vector<metadata_request::request_topic>{{.name = "other"}};
    no.allow_auto_topic_creation = false;
    auto resp4 = call<metadata_response>(4, no);
    EXPECT_EQ(resp4.topics.at(0).error_code, 3);
    EXPECT_FALSE(cluster->find_topic("other"));

    // v0 with an empty list: every topic.
    auto all = call<metadata_response>(0, metadata_request{.topics = std::vector<metadata_request::request_topic>{}});
    ASSERT_EQ(all.topics.size(), 1u);
    EXPECT_EQ(all.topics[0].name, "auto");
}

TEST_F(HandlerTest, ProduceThenFetchReturnsTheSameBatchBytes) {
    create_topic("t", 1);
    bytes b1 = make_batch(3);
    bytes b2 = make_batch(2);
    auto p1 = produce("t", 0, b1);
    ASSERT_EQ(p1.responses.at(0).partitions.at(0).error_code, 0);
    EXPECT_EQ(p1.responses[0].partitions[0].base_offset, 0);
    auto p2 = produce("t", 0, b2, 1);
    EXPECT_EQ(p2.responses.at(0).partitions.at(0).base_offset, 3);
    EXPECT_EQ(p2.responses[0].partitions[0].log_start_offset, 0);

    for (int16_t v : {int16_t{4}, int16_t{11}}) {
        auto f = call<fetch_response>(v, fetch_req("t", 0, 0));
        const auto& p = f.responses.at(0).partitions.at(0);
        EXPECT_EQ(p.error_code, 0);
        EXPECT_EQ(p.high_watermark, 5);
        EXPECT_EQ(p.last_stable_offset, 5);
        ASSERT_TRUE(p.records);
        bytes expected = b1;
        bytes second = b2;
        record::set_base_offset(second, offset(3));
        expected.insert(expected.end(), second.begin(), second.end());
        EXPECT_EQ(*p.records, expected);
    }
    // At the high watermark: empty records, no error.
    auto f = call<fetch_response>(7, fetch_req("t", 0, 5));
    EXPECT_EQ(f.responses.at(0).partitions.at(0).error_code, 0);
    EXPECT_TRUE(f.responses[0].partitions[0].records && f.responses[0].partitions[0].records->empty());
    // Past it: OFFSET_OUT_OF_RANGE.
    auto oor = call<fetch_response>(7, fetch_req("t", 0, 6));
    EXPECT_EQ(oor.responses.at(0).partitions.at(0).error_code, 1);
}

TEST_F(HandlerTest, FetchLongPollWakesOnProduce) {
    create_topic("t", 1);
    auto out = start_frame(frame_of(11, fetch_req("t", 0, 0, 30'000)));
    io.restart();
    io.poll();
    EXPECT_FALSE(out->has_value());  // parked
    bytes b = make_batch(1);
    ASSERT_TRUE(cluster->produce({"t", partition_id(0)}, b, 1));
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(out->has_value());
    ASSERT_TRUE(**out && (**out)->has_value());
    auto f = decode_response<fetch_response>(11, ****out);
    EXPECT_EQ(f.responses.at(0).partitions.at(0).high_watermark, 1);
    EXPECT_EQ(f.responses[0].partitions[0].records->size(), b.size());
}

TEST_F(HandlerTest, CorruptCrcIsRefusedAndNothingAppended) {
    create_topic("t", 1);
    bytes b = make_batch(2);
    b[b.size() - 1] ^= std::byte{0x40};
    auto p = produce("t", 0, b);
    EXPECT_EQ(p.responses.at(0).partitions.at(0).error_code, 2);
    EXPECT_EQ(list_offset("t", 0, -1), 0);
}

TEST_F(HandlerTest, TwoBatchesInOnePartitionIsInvalidRecord) {
    create_topic("t", 1);
    bytes b = make_batch(1);
    bytes two = b;
    two.insert(two.end(), b.begin(), b.end());
    EXPECT_EQ(produce("t", 0, two).responses.at(0).partitions.at(0).error_code, 87);
}

TEST_F(HandlerTest, UnknownTopicOrPartition) {
    EXPECT_EQ(produce("nope", 0, make_batch(1)).responses.at(0).partitions.at(0).error_code, 3);
    create_topic("t", 1);
    EXPECT_EQ(produce("t", 4, make_batch(1)).responses.at(0).partitions.at(0).error_code, 3);
    auto f = call<fetch_response>(4, fetch_req("nope", 0, 0));
    EXPECT_EQ(f.responses.at(0).partitions.at(0).error_code, 3);
}

TEST_F(HandlerTest, OversizedBatchIsMessageTooLarge) {
    create_topic("small", 1, {{.name = "max.message.bytes", .value = "200"}});
    EXPECT_EQ(produce("small", 0, make_batch(1, 500)).responses.at(0).partitions.at(0).error_code, 10);
    EXPECT_EQ(list_offset("small", 0, -1), 0);
}

TEST_F(HandlerTest, AcksZeroSendsNoResponse) {
    create_topic("t", 1);
    produce_request req;
    req.acks = 0;
    req.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .records = make_batch(1)}}});
    auto r = call_frame(frame_of(3, req));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(list_offset("t", 0, -1), 1);
}

TEST_F(HandlerTest, ListOffsetsEarliestLatestAndByTimestamp) {
    create_topic("t", 1);
    produce("t", 0, make_batch(4));
    EXPECT_EQ(list_offset("t", 0, -2), 0);
    EXPECT_EQ(list_offset("t", 0, -1), 4);
    EXPECT_EQ(list_offset("t", 0, -1, 0), 4);
    EXPECT_EQ(list_offset("t", 0, 1'700'000'000'002, 2), 2);
    EXPECT_EQ(list_offset("t", 0, 1'800'000'000'000, 3), -1);
    delete_records_request dr;
    dr.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .offset = 2}}});
    auto d = call<delete_records_response>(1, dr);
    EXPECT_EQ(d.topics.at(0).partitions.at(0).error_code, 0);
    EXPECT_EQ(d.topics[0].partitions[0].low_watermark, 2);
    EXPECT_EQ(list_offset("t", 0, -2), 2);
}

TEST_F(HandlerTest, CreateAndDeleteTopics) {
    create_topic("a", 2);
    create_topics_request dup;
    dup.topics.push_back({.name = "a", .num_partitions = 1, .replication_factor = 1, .assignments = {}, .configs = {}});
    dup.topics.push_back({.name = "b", .num_partitions = 1, .replication_factor = 3, .assignments = {}, .configs = {}});
    dup.topics.push_back({.name = "c", .num_partitions = -1, .replication_factor = -1, .assignments = {}, .configs = {}});
    dup.validate_only = false;
    auto r = call<create_topics_response>(4, dup);
    EXPECT_EQ(r.topics.at(0).error_code, 36);
    EXPECT_EQ(r.topics.at(1).error_code, 38);
    EXPECT_EQ(r.topics.at(2).error_code, 0);
    EXPECT_EQ(cluster->find_topic("c")->partitions, 3);

    create_partitions_request cp;
    cp.topics.push_back({.name = "a", .count = 5, .assignments = std::nullopt});
    cp.topics.push_back({.name = "c", .count = 1, .assignments = std::nullopt});
    auto cpr = call<create_partitions_response>(1, cp);
    EXPECT_EQ(cpr.results.at(0).error_code, 0);
    EXPECT_EQ(cpr.results.at(1).error_code, 37);

    delete_topics_request del;
    del.topic_names = {"a", "zzz"};
    auto d = call<delete_topics_response>(3, del);
    EXPECT_EQ(d.responses.at(0).error_code, 0);
    EXPECT_EQ(d.responses.at(1).error_code, 3);
    EXPECT_FALSE(cluster->find_topic("a"));
}

TEST_F(HandlerTest, DescribeAndAlterConfigs) {
    create_topic("t", 1, {{.name = "retention.ms", .value = "1234"}});
    describe_configs_request dc;
    dc.resources.push_back({.resource_type = 2, .resource_name = "t", .configuration_keys = std::nullopt});
    auto d = call<describe_configs_response>(1, dc);
    ASSERT_EQ(d.results.at(0).error_code, 0);
    bool seen = false;
    for (const auto& c : d.results[0].configs) {
        if (c.name == "retention.ms") {
            seen = true;
            EXPECT_EQ(c.value, "1234");
            EXPECT_EQ(c.config_source, 1);
        }
    }
    EXPECT_TRUE(seen);
    alter_configs_request ac;
    ac.resources.push_back({.resource_type = 2, .resource_name = "t",
                            .configs = {{.name = "cleanup.policy", .value = "compact"}}});
    EXPECT_EQ(call<alter_configs_response>(1, ac).responses.at(0).error_code, 0);
    auto desc = cluster->describe_topic_config("t");
    EXPECT_EQ(desc->effective.cleanup, storage::cleanup_policy::compact);
    EXPECT_FALSE(desc->overrides.contains("retention.ms"));
    ac.resources[0].configs[0].name = "bogus.key";
    EXPECT_EQ(call<alter_configs_response>(0, ac).responses.at(0).error_code, 40);
}

TEST_F(HandlerTest, InitProducerIdThenIdempotentRetryIsDeduplicated) {
    auto ip = call<init_producer_id_response>(0, init_producer_id_request{});
    ASSERT_EQ(ip.error_code, 0);
    ASSERT_GE(ip.producer_id, 0);
    create_topic("t", 1);
    record::batch_builder b({.producer_id = ip.producer_id, .producer_epoch = ip.producer_epoch, .base_sequence = 0});
    b.add(1'700'000'000'000, std::nullopt, to_bytes("v"));
    bytes batch = *b.build();
    EXPECT_EQ(produce("t", 0, batch).responses.at(0).partitions.at(0).base_offset, 0);
    EXPECT_EQ(produce("t", 0, batch).responses.at(0).partitions.at(0).base_offset, 0);
    EXPECT_EQ(list_offset("t", 0, -1), 1);
}

}  // namespace
}  // namespace fjord::kafka
