// Golden bytes, checked by hand against the facts sheet (§1.2 headers, §1.3 primitives,
// §2.1 ApiVersions) and Kafka's message JSON field order. Each test states the bytes it
// expects field by field; each message is also decoded back from those bytes.
#include <gtest/gtest.h>

#include "kafka/protocol/frame.h"
#include "test_util.h"

namespace fjord::kafka {
namespace {

using test::append;
using test::hex;
using test::make_bytes;

request_header header(int16_t key, int16_t version, int32_t correlation_id, std::optional<std::string> client_id) {
    request_header h;
    h.api_key = key;
    h.api_version = version;
    h.correlation_id = correlation_id;
    h.client_id = std::move(client_id);
    return h;
}

void expect_frame_round_trip(const bytes& expected, const request_header& h, const request& body) {
    EXPECT_EQ(hex(encode_request_frame(h, body)), hex(expected));
    auto decoded = decode_request_frame(expected);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(decoded->header, h);
    EXPECT_TRUE(decoded->body == body);
}

TEST(Golden, ApiVersionsV0RequestIsHeaderV1AndEmptyBody) {
    // kafka-python's bootstrap probe: header v1 (key 18, version 0, correlation 1,
    // client id "kafka-python-2.0.2" as int16 length + bytes), then no body at all.
    bytes expected = make_bytes({0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12});
    append(expected, "kafka-python-2.0.2");
    expect_frame_round_trip(expected, header(18, 0, 1, "kafka-python-2.0.2"), api_versions_request{});
}

TEST(Golden, MetadataV0RequestWithOneTopic) {
    // header v1 (key 3, version 0, correlation 2, client id null = ff ff),
    // topics: int32 count 1, then name "foo" as int16 length + bytes.
    bytes expected = make_bytes({0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xff,
                                 0x00, 0x00, 0x00, 0x01, 0x00, 0x03});
    append(expected, "foo");
    metadata_request body;
    body.topics.emplace().push_back({.name = "foo"});
    expect_frame_round_trip(expected, header(3, 0, 2, std::nullopt), body);
}

TEST(Golden, MetadataV1NullTopicsMeansAllAndV0EmptyMeansAll) {
    metadata_request all;  // topics null
    writer v1;
    all.encode(v1, 1);
    EXPECT_EQ(v1.view().size(), 4u);
    EXPECT_EQ(hex(v1.view()), "ff ff ff ff ");
    writer v0;  // v0 cannot say null: the same meaning is an empty array
    all.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()), "00 00 00 00 ");
}

TEST(Golden, ApiVersionsV3RequestAsLibrdkafkaSendsIt) {
    // header v2: key 18, version 3, correlation 1, client id "rdkafka" still as an int16
    // length (not compact), then an empty header tag buffer (00).
    // body: compact strings "librdkafka" (0b = 10 + 1) and "2.0.2" (06), empty tag buffer.
    bytes expected = make_bytes({0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07});
    append(expected, "rdkafka");
    append(expected, {0x00, 0x0b});
    append(expected, "librdkafka");
    append(expected, {0x06});
    append(expected, "2.0.2");
    append(expected, {0x00});
    api_versions_request body;
    body.client_software_name = "librdkafka";
    body.client_software_version = "2.0.2";
    expect_frame_round_trip(expected, header(18, 3, 1, "rdkafka"), body);
}

TEST(Golden, RequestHeaderV2WithClientIdAndEmptyTagBuffer) {
    // InitProducerId v2 is flexible: header v2; body: transactional id null as a compact
    // string (00), transaction_timeout_ms 60000 (00 00 ea 60), empty tag buffer.
    bytes expected = make_bytes({0x00, 0x16, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x03, 'c', 'l', 'i',
                                 0x00, 0x00, 0x00, 0x00, 0xea, 0x60, 0x00});
    init_producer_id_request body;
    body.transaction_timeout_ms = 60000;
    expect_frame_round_trip(expected, header(22, 2, 7, "cli"), body);
}

TEST(Golden, ProduceV3RequestWithNullTransactionalId) {
    // transactional_id null (ff ff), acks -1 (ff ff), timeout 1000 (00 00 03 e8),
    // topics [ {"t", partitions [ {0, records = 3 opaque bytes (int32 length)} ]} ].
    bytes expected = make_bytes({0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x05, 0xff, 0xff,  // header
                                 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x03, 0xe8,              //
                                 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't',                     //
                                 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,              //
                                 0x00, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc});
    produce_request body;
    body.acks = -1;
    body.timeout_ms = 1000;
    auto& topic = body.topics.emplace_back();
    topic.name = "t";
    topic.partitions.push_back({.partition_index = 0, .records = make_bytes({0xaa, 0xbb, 0xcc})});
    expect_frame_round_trip(expected, header(0, 3, 5, std::nullopt), body);
}

TEST(Golden, ApiVersionsV0Response) {
    // response header v0 (correlation 1); error 0; api_keys int32 count 1, {18, 0, 3}.
    writer w;
    encode_response_header(w, 1, 18, 0);
    api_versions_response r;
    r.api_keys.push_back({.api_key = 18, .min_version = 0, .max_version = 3});
    r.encode(w, 0);
    EXPECT_EQ(hex(w.view()), "00 00 00 01 00 00 00 00 00 01 00 12 00 00 00 03 ");
}

TEST(Golden, ApiVersionsV3ResponseKeepsHeaderV0) {
    // header v0 even though v3 is flexible (KIP-511: no tag buffer after the correlation id);
    // error 0; compact array (02 = 1 + 1) of {18, 0, 3, tags 00}; throttle 0; tags 00.
    writer w;
    encode_response_header(w, 1, 18, 3);
    api_versions_response r;
    r.api_keys.push_back({.api_key = 18, .min_version = 0, .max_version = 3});
    r.encode(w, 3);
    EXPECT_EQ(hex(w.view()), "00 00 00 01 00 00 02 00 12 00 00 00 03 00 00 00 00 00 00 ");
}

TEST(Golden, FlexibleResponseUsesHeaderV1WithTagBuffer) {
    writer w;
    encode_response_header(w, 9, 22, 2);  // InitProducerId v2
    EXPECT_EQ(hex(w.view()), "00 00 00 09 00 ");
    writer w1;
    encode_response_header(w1, 9, 22, 1);
    EXPECT_EQ(hex(w1.view()), "00 00 00 09 ");
}

TEST(Golden, KnownTaggedFieldIsWrittenWithTagAndSize) {
    // ApiVersions v3 response with FinalizedFeaturesEpoch (tag 1, int64) = 5:
    // ... throttle, then tag buffer: count 01, tag 01, size 08, value.
    api_versions_response r;
    r.finalized_features_epoch = 5;
    writer w;
    r.encode(w, 3);
    EXPECT_EQ(hex(w.view()), "00 00 01 00 00 00 00 01 01 08 00 00 00 00 00 00 00 05 ");
    reader rd(w.view());
    auto back = api_versions_response::decode(rd, 3);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->finalized_features_epoch, 5);
}

TEST(Golden, UnknownTaggedFieldsAreSkipped) {
    // ApiVersions v3 request whose tag buffer carries tags 7 and 300 we do not know.
    bytes b = make_bytes({0x02, 'n', 0x02, 'v', 0x02, 0x07, 0x02, 0xaa, 0xbb, 0xac, 0x02, 0x00});
    reader r(b);
    auto m = api_versions_request::decode(r, 3);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->client_software_name, "n");
    EXPECT_EQ(m->client_software_version, "v");
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(Golden, ListOffsetsV0HasMaxNumOffsetsAndV1DoesNot) {
    list_offsets_request m;
    m.replica_id = -1;
    auto& t = m.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .timestamp = -1, .max_num_offsets = 1});
    writer v0;
    m.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()),
              "ff ff ff ff 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 ff ff ff ff ff ff ff ff 00 00 00 01 ");
    writer v1;
    m.encode(v1, 1);
    EXPECT_EQ(hex(v1.view()), "ff ff ff ff 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 ff ff ff ff ff ff ff ff ");
}

TEST(Golden, MetadataV1Response) {
    // v1: no throttle (v3+) and no cluster id (v2+); controller id and is_internal (v1+),
    // broker rack as a nullable string (ff ff), no offline replicas (v5+).
    metadata_response m;
    m.brokers.push_back({.node_id = 1, .host = "h", .port = 9092, .rack = std::nullopt});
    m.controller_id = 1;
    auto& t = m.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .leader_id = 1, .replica_nodes = {1}, .isr_nodes = {1}});
    writer w;
    m.encode(w, 1);
    EXPECT_EQ(hex(w.view()),
              "00 00 00 01 00 00 00 01 00 01 68 00 00 23 84 ff ff "  // brokers
              "00 00 00 01 "                                         // controller_id
              "00 00 00 01 00 00 00 01 74 00 "                       // topics: error, name, is_internal
              "00 00 00 01 00 00 00 00 00 00 00 00 00 01 "           // partition: error, index, leader
              "00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 01 ");   // replicas, isr
}

TEST(Golden, ProduceV7ResponseHasThrottleAfterResponses) {
    produce_response m;
    auto& t = m.responses.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .error_code = 0, .base_offset = 5, .log_append_time_ms = -1,
                            .log_start_offset = 0});
    m.throttle_time_ms = 7;
    writer w;
    m.encode(w, 7);
    EXPECT_EQ(hex(w.view()),
              "00 00 00 01 00 01 74 00 00 00 01 "                    // responses: name, partitions
              "00 00 00 00 00 00 00 00 00 00 00 00 00 05 "           // index, error, base_offset
              "ff ff ff ff ff ff ff ff 00 00 00 00 00 00 00 00 "     // log_append_time, log_start
              "00 00 00 07 ");                                       // throttle_time_ms last
}

TEST(Golden, FetchV11Response) {
    // throttle, error_code and session_id (v7+) first; per partition: index, error, high
    // watermark, last stable offset (v4+), log start (v5+), aborted transactions null
    // (ff ff ff ff), preferred read replica -1 (v11+), records with an int32 length.
    fetch_response m;
    auto& t = m.responses.emplace_back();
    t.topic = "t";
    auto& p = t.partitions.emplace_back();
    p.high_watermark = 10;
    p.last_stable_offset = 10;
    p.log_start_offset = 0;
    p.records = make_bytes({0xab, 0xcd});
    writer w;
    m.encode(w, 11);
    EXPECT_EQ(hex(w.view()),
              "00 00 00 00 00 00 00 00 00 00 "                       // throttle, error, session
              "00 00 00 01 00 01 74 00 00 00 01 "                    // topic "t", 1 partition
              "00 00 00 00 00 00 00 00 00 00 00 00 00 0a "           // index, error, high watermark
              "00 00 00 00 00 00 00 0a 00 00 00 00 00 00 00 00 "     // last stable, log start
              "ff ff ff ff ff ff ff ff 00 00 00 02 ab cd ");         // aborted null, replica -1, records
}

TEST(Golden, InitProducerIdV2ResponseIsFlexible) {
    // throttle 0, error 0, producer id 42, epoch 1, empty tag buffer; header v1 (+ 00).
    writer w;
    encode_response_header(w, 3, 22, 2);
    init_producer_id_response m;
    m.producer_id = 42;
    m.producer_epoch = 1;
    m.encode(w, 2);
    EXPECT_EQ(hex(w.view()), "00 00 00 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 2a 00 01 00 ");
}

// --- Consumer-group APIs (facts §4.3, §6) ---------------------------------------------

// Encodes `m` at `version` after its response header, checks the bytes, and decodes the
// body back from them.
template<typename Response>
void expect_response(const std::string& expected_hex, int32_t correlation_id, int16_t version, const Response& m) {
    writer w;
    encode_response_header(w, correlation_id, Response::key, version);
    m.encode(w, version);
    EXPECT_EQ(hex(w.view()), expected_hex);
    reader r(w.view());
    response_header h;
    ASSERT_TRUE(h.decode_from(r, response_header_version(Response::key, version)));
    EXPECT_EQ(h.correlation_id, correlation_id);
    auto back = Response::decode(r, version);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_TRUE(*back == m);
}

TEST(Golden, JoinGroupV5RequestAsLibrdkafkaSendsIt) {
    // header v1 (key 11, version 5, correlation 4, client id "rdkafka"); group_id "g";
    // session 45000 (00 00 af c8); rebalance 300000 (00 04 93 e0, v1+); member_id "";
    // group_instance_id null (ff ff, v5+); protocol_type "consumer"; protocols [ {"range",
    // metadata = a v0 subscription of ["t"] with empty user data, as int32-length bytes} ].
    bytes subscription = make_bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x00});
    bytes expected = make_bytes({0x00, 0x0b, 0x00, 0x05, 0x00, 0x00, 0x00, 0x04, 0x00, 0x07});
    append(expected, "rdkafka");
    append(expected, {0x00, 0x01, 'g', 0x00, 0x00, 0xaf, 0xc8, 0x00, 0x04, 0x93, 0xe0, 0x00, 0x00, 0xff, 0xff,
                      0x00, 0x08});
    append(expected, "consumer");
    append(expected, {0x00, 0x00, 0x00, 0x01, 0x00, 0x05});
    append(expected, "range");
    append(expected, {0x00, 0x00, 0x00, 0x0d});
    expected.insert(expected.end(), subscription.begin(), subscription.end());
    join_group_request body;
    body.group_id = "g";
    body.session_timeout_ms = 45000;
    body.rebalance_timeout_ms = 300000;
    body.protocol_type = "consumer";
    body.protocols.push_back({.name = "range", .metadata = subscription});
    expect_frame_round_trip(expected, header(11, 5, 4, "rdkafka"), body);
}

TEST(Golden, JoinGroupV0RequestHasNoRebalanceTimeout) {
    // Same fields as v5 minus rebalance_timeout_ms (v1+) and group_instance_id (v5+).
    join_group_request m;
    m.group_id = "g";
    m.session_timeout_ms = 10000;
    m.rebalance_timeout_ms = 60000;  // not on the wire at v0
    m.member_id = "m";
    m.protocol_type = "consumer";
    writer w;
    m.encode(w, 0);
    EXPECT_EQ(hex(w.view()), "00 01 67 00 00 27 10 00 01 6d 00 08 63 6f 6e 73 75 6d 65 72 00 00 00 00 ");
    reader r(w.view());
    auto back = join_group_request::decode(r, 0);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rebalance_timeout_ms, -1);  // Kafka's placeholder default
}

TEST(Golden, JoinGroupV5ResponseToTheLeader) {
    // throttle (v2+), error 0, generation 1, protocol_name "range", leader "m", member_id
    // "m", members [ {"m", group_instance_id null (ff ff, v5+), metadata 01 02} ].
    join_group_response m;
    m.generation_id = 1;
    m.protocol_name = "range";
    m.leader = "m";
    m.member_id = "m";
    m.members.push_back({.member_id = "m", .group_instance_id = std::nullopt, .metadata = make_bytes({1, 2})});
    expect_response("00 00 00 05 "                                      // header v0
                    "00 00 00 00 00 00 00 00 00 01 "                    // throttle, error, generation
                    "00 05 72 61 6e 67 65 00 01 6d 00 01 6d "           // protocol, leader, member id
                    "00 00 00 01 00 01 6d ff ff 00 00 00 02 01 02 ",    // members
                    5, 5, m);
}

TEST(Golden, SyncGroupV3Request) {
    // header v1 (key 14, version 3, correlation 6, client id null); group_id "g",
    // generation 1, member_id "m", group_instance_id null (v3+), assignments [ {"m",
    // 4 opaque bytes with an int32 length} ].
    bytes expected = make_bytes({0x00, 0x0e, 0x00, 0x03, 0x00, 0x00, 0x00, 0x06, 0xff, 0xff,   // header
                                 0x00, 0x01, 'g', 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 'm',     //
                                 0xff, 0xff,                                                   //
                                 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 'm',                      //
                                 0x00, 0x00, 0x00, 0x04, 0xaa, 0xbb, 0xcc, 0xdd});
    sync_group_request body;
    body.group_id = "g";
    body.generation_id = 1;
    body.member_id = "m";
    body.assignments.push_back({.member_id = "m", .assignment = make_bytes({0xaa, 0xbb, 0xcc, 0xdd})});
    expect_frame_round_trip(expected, header(14, 3, 6, std::nullopt), body);
}

TEST(Golden, SyncGroupV3Response) {
    // header v0; throttle (v1+), error 0, assignment as int32-length bytes.
    sync_group_response m;
    m.assignment = make_bytes({0x01, 0x02});
    expect_response("00 00 00 06 00 00 00 00 00 00 00 00 00 02 01 02 ", 6, 3, m);
    writer v0;  // v0: no throttle
    m.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()), "00 00 00 00 00 02 01 02 ");
}

TEST(Golden, OffsetCommitV7Request) {
    // header v1 (OffsetCommit is flexible only from v8); group_id "g", generation 1,
    // member_id "m", group_instance_id "i" (v7+), no retention (v2-4 only); topics [ {"t",
    // partitions [ {0, offset 42, leader epoch -1 (v6+), metadata null} ]} ].
    bytes expected = make_bytes({0x00, 0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x07, 0xff, 0xff,   // header
                                 0x00, 0x01, 'g', 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 'm',     //
                                 0x00, 0x01, 'i',                                              //
                                 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x01,
                                 0x00, 0x00, 0x00, 0x00,                                       // partition
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,               // offset
                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});                         // epoch, meta
    offset_commit_request body;
    body.group_id = "g";
    body.generation_id = 1;
    body.member_id = "m";
    body.group_instance_id = "i";
    auto& t = body.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .committed_offset = 42, .committed_metadata = std::nullopt});
    expect_frame_round_trip(expected, header(8, 7, 7, std::nullopt), body);
}

TEST(Golden, OffsetCommitV1HasCommitTimestampAndV2RetentionTime) {
    offset_commit_request m;
    m.group_id = "g";
    m.generation_id = 1;
    m.member_id = "m";
    m.retention_time_ms = -1;
    auto& t = m.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .committed_offset = 1, .commit_timestamp = -1,
                            .committed_metadata = ""});
    writer v1;
    m.encode(v1, 1);
    EXPECT_EQ(hex(v1.view()),
              "00 01 67 00 00 00 01 00 01 6d "                      // group, generation, member
              "00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 "       // topic "t", partition 0
              "00 00 00 00 00 00 00 01 ff ff ff ff ff ff ff ff "    // offset, commit timestamp (v1)
              "00 00 ");                                            // metadata ""
    writer v2;
    m.encode(v2, 2);
    EXPECT_EQ(hex(v2.view()),
              "00 01 67 00 00 00 01 00 01 6d ff ff ff ff ff ff ff ff "  // ..., retention (v2-4)
              "00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 "
              "00 00 00 00 00 00 00 01 00 00 ");                        // no timestamp
    writer v0;  // v0: group id, then the topics
    m.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()),
              "00 01 67 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 01 00 00 ");
}

TEST(Golden, OffsetCommitV7Response) {
    // header v0; throttle (v3+); topics [ {"t", [ {0, error 0} ]} ].
    offset_commit_response m;
    auto& t = m.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .error_code = 0});
    expect_response("00 00 00 07 00 00 00 00 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 00 00 ", 7, 7, m);
}

TEST(Golden, OffsetFetchV7RequestIsFlexible) {
    // librdkafka's read_committed fetch. header v2: key 9, version 7, correlation 8,
    // client id "rdkafka" as an int16 string, empty header tags (00). body (compact):
    // group_id "g" (02 67); topics compact array of 1 (02): name "t" (02 74),
    // partition_indexes [0] (02 00 00 00 00), topic tags 00; require_stable true (01);
    // tags 00.
    bytes expected = make_bytes({0x00, 0x09, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07});
    append(expected, "rdkafka");
    append(expected, {0x00, 0x02, 'g', 0x02, 0x02, 't', 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00});
    offset_fetch_request body;
    body.group_id = "g";
    body.topics.emplace().push_back({.name = "t", .partition_indexes = {0}});
    body.require_stable = true;
    expect_frame_round_trip(expected, header(9, 7, 8, "rdkafka"), body);
}

TEST(Golden, OffsetFetchNullTopicsMeansAllFromV2) {
    offset_fetch_request m;  // topics null
    m.group_id = "g";
    writer v7;
    m.encode(v7, 7);
    EXPECT_EQ(hex(v7.view()), "02 67 00 00 00 ");  // compact null array is 00
    writer v2;
    m.encode(v2, 2);
    EXPECT_EQ(hex(v2.view()), "00 01 67 ff ff ff ff ");
    // v0-1 cannot say null: a null array on the wire is refused.
    bytes v1_null = make_bytes({0x00, 0x01, 'g', 0xff, 0xff, 0xff, 0xff});
    reader r(v1_null);
    auto d = offset_fetch_request::decode(r, 1);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::unexpected_null);
}

TEST(Golden, OffsetFetchV7ResponseIsFlexible) {
    // header v1 (correlation + empty tags); throttle; topics compact array of 1: "t",
    // partitions [ {0, offset 42, leader epoch -1 (v5+), metadata "" (01), error 0,
    // tags 00} ], tags 00; top-level error 0 (v2+); tags 00.
    offset_fetch_response m;
    auto& t = m.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .committed_offset = 42, .committed_leader_epoch = -1,
                            .metadata = "", .error_code = 0});
    expect_response("00 00 00 08 00 "                                       // header v1
                    "00 00 00 00 02 02 74 02 00 00 00 00 "                  // throttle, "t", 1 partition
                    "00 00 00 00 00 00 00 2a ff ff ff ff 01 00 00 00 00 "   // offset, epoch, "", error, tags
                    "00 00 00 ",                                            // topic tags, error, tags
                    8, 7, m);
}

TEST(Golden, OffsetFetchV1ResponseHasNoTopLevelError) {
    offset_fetch_response m;
    auto& t = m.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .committed_offset = -1, .metadata = "", .error_code = 25});
    m.error_code = 25;  // not on the wire before v2
    writer w;
    m.encode(w, 1);
    EXPECT_EQ(hex(w.view()),
              "00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 ff ff ff ff ff ff ff ff 00 00 00 19 ");
}

TEST(Golden, FindCoordinatorV0AndV1) {
    find_coordinator_request m;
    m.coordinator_key = "g";
    m.key_type = 0;
    writer v0;
    m.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()), "00 01 67 ");
    writer v1;
    m.encode(v1, 1);
    EXPECT_EQ(hex(v1.view()), "00 01 67 00 ");
    // Response v0: error, node, host, port; v1 adds throttle first and a nullable message.
    find_coordinator_response r;
    r.node_id = 1;
    r.host = "h";
    r.port = 9092;
    expect_response("00 00 00 09 00 00 00 00 00 01 00 01 68 00 00 23 84 ", 9, 0, r);
    expect_response("00 00 00 09 00 00 00 00 00 00 ff ff 00 00 00 01 00 01 68 00 00 23 84 ", 9, 1, r);
}

TEST(Golden, ListGroupsV4RequestIsFlexibleWithStatesFilter) {
    // header v2 (key 16, version 4, correlation 10, client id "rdkafka", tags 00); body:
    // states_filter compact array of 1 (02) holding "Stable" (07 + 6 bytes); tags 00.
    bytes expected = make_bytes({0x00, 0x10, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x07});
    append(expected, "rdkafka");
    append(expected, {0x00, 0x02, 0x07});
    append(expected, "Stable");
    append(expected, {0x00});
    list_groups_request body;
    body.states_filter = {"Stable"};
    expect_frame_round_trip(expected, header(16, 4, 10, "rdkafka"), body);
    // v3 is flexible too but has no states filter: an empty body is just the tag buffer.
    writer v3;
    body.encode(v3, 3);
    EXPECT_EQ(hex(v3.view()), "00 ");
}

TEST(Golden, ListGroupsV4ResponseHasGroupState) {
    // header v1; throttle, error 0; groups compact array of 1: "g" (02 67), "consumer"
    // (09 + 8 bytes), group_state "Stable" (07 + 6 bytes, v4+), tags 00; tags 00.
    list_groups_response m;
    m.groups.push_back({.group_id = "g", .protocol_type = "consumer", .group_state = "Stable"});
    expect_response("00 00 00 0a 00 "
                    "00 00 00 00 00 00 02 02 67 09 63 6f 6e 73 75 6d 65 72 "
                    "07 53 74 61 62 6c 65 00 00 ",
                    10, 4, m);
    writer v0;  // v0: no throttle, no state, classic encodings
    m.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()), "00 00 00 00 00 01 00 01 67 00 08 63 6f 6e 73 75 6d 65 72 ");
}

TEST(Golden, LeaveGroupV3HasMembersAndV0OneMemberId) {
    leave_group_request m;
    m.group_id = "g";
    m.member_id = "m";
    m.members.push_back({.member_id = "m", .group_instance_id = "i"});
    writer v0;
    m.encode(v0, 0);
    EXPECT_EQ(hex(v0.view()), "00 01 67 00 01 6d ");
    writer v3;
    m.encode(v3, 3);
    EXPECT_EQ(hex(v3.view()), "00 01 67 00 00 00 01 00 01 6d 00 01 69 ");
    leave_group_response r;
    r.members.push_back({.member_id = "m", .group_instance_id = std::nullopt, .error_code = 25});
    expect_response("00 00 00 0b 00 00 00 00 00 00 00 00 00 01 00 01 6d ff ff 00 19 ", 11, 3, r);
}

TEST(Golden, DescribeGroupsV4Response) {
    // throttle; groups [ {error, "g", "Stable", "consumer", protocol_data "range",
    // members [ {"m", instance null (v4+), client "c", host "/h", metadata 01,
    // assignment 02} ], authorized_operations INT32_MIN (80 00 00 00, v3+)} ].
    describe_groups_response m;
    auto& g = m.groups.emplace_back();
    g.group_id = "g";
    g.group_state = "Stable";
    g.protocol_type = "consumer";
    g.protocol_data = "range";
    g.members.push_back({.member_id = "m", .group_instance_id = std::nullopt, .client_id = "c",
                         .client_host = "/h", .member_metadata = make_bytes({1}),
                         .member_assignment = make_bytes({2})});
    expect_response("00 00 00 0c 00 00 00 00 00 00 00 01 00 00 00 01 67 "
                    "00 06 53 74 61 62 6c 65 00 08 63 6f 6e 73 75 6d 65 72 00 05 72 61 6e 67 65 "
                    "00 00 00 01 00 01 6d ff ff 00 01 63 00 02 2f 68 "
                    "00 00 00 01 01 00 00 00 01 02 80 00 00 00 ",
                    12, 4, m);
}

TEST(Golden, DeleteGroupsV1AndOffsetDeleteV0Responses) {
    // DeleteGroups: throttle first in every version; results [ {"g", error 69} ].
    delete_groups_response d;
    d.results.push_back({.group_id = "g", .error_code = 69});
    expect_response("00 00 00 0d 00 00 00 00 00 00 00 01 00 01 67 00 45 ", 13, 1, d);
    // OffsetDelete: error before throttle; topics [ {"t", [ {0, error 0} ]} ].
    offset_delete_response o;
    auto& t = o.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .error_code = 0});
    expect_response("00 00 00 0e 00 00 00 00 00 00 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 00 00 ", 14, 0, o);
}

}  // namespace
}  // namespace fjord::kafka
