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

}  // namespace
}  // namespace fjord::kafka
