// Produce v0-v2 with legacy message sets (magic 0/1), end to end below the socket: request
// frames (real captured client frames from tests/data/protocol, and sets built by
// ../record/legacy_test_util.h) go through make_request_handler's handler, and what was
// stored is read back with Fetch v4, the version every consumer uses. Proves: the set is
// up-converted to one magic-2 batch with the client's records and codec; the responses
// have each version's fields; the error codes match Kafka's; v3+ still refuses legacy sets.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "../record/legacy_test_util.h"
#include "handler_fixture.h"
#include "record/batch.h"
#include "record/builder.h"

namespace fjord::kafka {
namespace {

namespace fs = std::filesystem;
using record::test::encode_set;
using record::test::legacy_msg;
using record::test::opt;

constexpr int64_t ts0 = 1'700'000'000'000;
const fs::path captures_dir = fs::path(FJORD_TEST_DATA_DIR) / "protocol";

bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes out(raw.size());
    std::transform(raw.begin(), raw.end(), out.begin(), [](char c) { return static_cast<std::byte>(c); });
    return out;
}

std::vector<legacy_msg> three(int8_t magic, int8_t attributes = 0) {
    return {{.magic = magic, .attributes = attributes, .timestamp = ts0, .key = opt("key-1"), .value = opt("v1")},
            {.magic = magic, .attributes = attributes, .timestamp = ts0 + 1, .key = std::nullopt, .value = opt("v2")},
            {.magic = magic, .attributes = attributes, .timestamp = ts0 + 2, .key = opt("key-3"), .value = std::nullopt}};
}

bytes gzip_wrapper(int8_t magic, const bytes& inner) {
    auto c = record::compress(record::compression::gzip, inner);
    EXPECT_TRUE(c);
    return record::test::encode_entry(0, {.magic = magic, .attributes = 1, .timestamp = ts0, .key = std::nullopt,
                                          .value = *c});
}

std::optional<std::string> str(const std::optional<bytes>& v) {
    return v ? std::optional<std::string>(std::string(as_string_view(*v))) : std::nullopt;
}

struct ProduceLegacyTest : testing::handler_fixture {
    void create_topic(const std::string& name,
                      std::vector<create_topics_request::creatable_topic::creatable_topic_config> configs = {}) {
        create_topics_request req;
        req.topics.push_back({.name = name, .num_partitions = 1, .replication_factor = 1, .assignments = {},
                              .configs = std::move(configs)});
        auto resp = call<create_topics_response>(4, req);
        ASSERT_EQ(resp.topics.at(0).error_code, 0);
    }
    produce_response::topic_response::partition_response produce(int16_t version, const std::string& topic, bytes records) {
        produce_request req;
        req.acks = -1;
        req.timeout_ms = 1000;
        req.topics.push_back({.name = topic, .partitions = {{.partition_index = 0, .records = std::move(records)}}});
        auto resp = call<produce_response>(version, req);
        EXPECT_EQ(resp.throttle_time_ms, 0);
        return resp.responses.at(0).partitions.at(0);
    }
    // Every batch stored in the partition, fetched with v4 from offset 0.
    bytes fetch_all(const std::string& topic) {
        fetch_request req;
        req.replica_id = -1;
        req.min_bytes = 1;
        req.max_bytes = 1 << 20;
        req.topics.push_back({.topic = topic, .partitions = {{.partition = 0, .current_leader_epoch = -1,
                                                              .fetch_offset = 0, .log_start_offset = -1,
                                                              .partition_max_bytes = 1 << 20}}});
        auto f = call<fetch_response>(4, req);
        const auto& p = f.responses.at(0).partitions.at(0);
        EXPECT_EQ(p.error_code, 0);
        return p.records.value_or(bytes{});
    }
    // The one batch in `topic`, checked, and its records.
    std::pair<record::batch_header, std::vector<record::decoded_record>> stored_batch(const std::string& topic) {
        const bytes data = fetch_all(topic);
        auto h = record::validate(data, {.require_contiguous_offsets = true, .check_records = true,
                                         .decompress_limit_bytes = 1 << 20});
        EXPECT_TRUE(h) << "stored data is not exactly one valid v2 batch: " << h.error().message();
        auto records = record::decode_records(data, 1 << 20);
        EXPECT_TRUE(records);
        if (!h || !records) {
            return {};
        }
        return {*h, *records};
    }
};

// --- real client frames ------------------------------------------------------------------

TEST_F(ProduceLegacyTest, KafkaPythonV0GzipFrameIsStoredAsOneGzipV2Batch) {
    const bytes frame = read_file(captures_dir / "kafka_python-produce-v0-gzip.bin");
    ASSERT_FALSE(frame.empty()) << "capture missing";
    create_topic("golden");
    correlation = read_be<int32_t>(frame, 4);
    auto resp = call_raw<produce_response>(0, frame);  // v0 response: no throttle field
    const auto& p = resp.responses.at(0).partitions.at(0);
    EXPECT_EQ(p.error_code, 0);
    EXPECT_EQ(p.base_offset, 0);

    auto [h, records] = stored_batch("golden");
    EXPECT_EQ(h.magic, 2);
    EXPECT_EQ(h.compression_type(), record::compression::gzip);
    EXPECT_EQ(h.producer_id, -1);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(str(records[0].key), "key-1");
    EXPECT_EQ(str(records[0].value), "legacy value one, legacy value one, legacy value one");
    EXPECT_EQ(str(records[1].key), std::nullopt);
    EXPECT_EQ(str(records[1].value), "value without key");
    EXPECT_EQ(str(records[2].key), "key-3");
    EXPECT_EQ(str(records[2].value), std::nullopt);
    for (const auto& r : records) {
        EXPECT_EQ(r.timestamp, no_timestamp);  // magic 0 has none
    }
}

TEST_F(ProduceLegacyTest, KcatV2SnappyFrameKeepsTimestampsAndAnswersWithLogAppendTimeField) {
    const bytes frame = read_file(captures_dir / "kcat-produce-v2-snappy.bin");
    ASSERT_FALSE(frame.empty()) << "capture missing";
    create_topic("golden");
    correlation = read_be<int32_t>(frame, 4);
    auto resp = call_raw<produce_response>(2, frame);
    const auto& p = resp.responses.at(0).partitions.at(0);
    EXPECT_EQ(p.error_code, 0);
    EXPECT_EQ(p.log_append_time_ms, -1);  // CreateTime topic

    auto [h, records] = stored_batch("golden");
    EXPECT_EQ(h.compression_type(), record::compression::snappy);
    EXPECT_EQ(h.timestamp_kind(), record::timestamp_type::create_time);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_GT(records[0].timestamp, ts0);  // kcat stamped the send time
    EXPECT_EQ(h.max_timestamp, records[2].timestamp);
}

// --- built sets ----------------------------------------------------------------------------

TEST_F(ProduceLegacyTest, V0AndV1Magic0AppendAtTheNextOffsets) {
    create_topic("t");
    EXPECT_EQ(produce(0, "t", encode_set(three(0))).base_offset, 0);
    auto second = produce(1, "t", gzip_wrapper(0, encode_set(three(0), 17)));
    EXPECT_EQ(second.error_code, 0);
    EXPECT_EQ(second.base_offset, 3);
    const bytes data = fetch_all("t");
    auto first = record::read_header(data);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->compression_type(), record::compression::none);
    auto next = record::read_header(bytes_view(data).subspan(first->size_bytes()));
    ASSERT_TRUE(next);
    EXPECT_EQ(next->base_offset, offset(3));
    EXPECT_EQ(next->compression_type(), record::compression::gzip);
}

TEST_F(ProduceLegacyTest, V2Magic1OnALogAppendTimeTopicReportsTheAppendTime) {
    create_topic("lat", {{.name = "message.timestamp.type", .value = "LogAppendTime"}});
    auto p = produce(2, "lat", encode_set(three(1)));
    EXPECT_EQ(p.error_code, 0);
    EXPECT_EQ(p.log_append_time_ms, clk.wall_ms());
    auto [h, records] = stored_batch("lat");
    EXPECT_EQ(h.timestamp_kind(), record::timestamp_type::log_append_time);
    EXPECT_EQ(h.max_timestamp, clk.wall_ms());
}

TEST_F(ProduceLegacyTest, V2Magic1KeepsEachTimestamp) {
    create_topic("t");
    EXPECT_EQ(produce(2, "t", gzip_wrapper(1, encode_set(three(1)))).error_code, 0);
    auto [h, records] = stored_batch("t");
    ASSERT_EQ(records.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(records[static_cast<size_t>(i)].timestamp, ts0 + i);
    }
    EXPECT_EQ(h.max_timestamp, ts0 + 2);
}

TEST_F(ProduceLegacyTest, V2AcceptsAMagic2BatchAsKafkaDoes) {
    create_topic("t");
    auto batch = record::batch_builder().add(ts0, to_bytes("k"), to_bytes("v")).build();
    ASSERT_TRUE(batch);
    EXPECT_EQ(produce(2, "t", *batch).error_code, 0);
    EXPECT_EQ(produce(0, "t", *batch).error_code, 0);
}

TEST_F(ProduceLegacyTest, V3AndLaterRefuseLegacySetsWithInvalidRecord) {
    create_topic("t");
    for (int16_t v : {int16_t{3}, int16_t{7}}) {
        EXPECT_EQ(produce(v, "t", encode_set(three(1))).error_code, 87) << v;
        EXPECT_EQ(produce(v, "t", gzip_wrapper(0, encode_set(three(0)))).error_code, 87) << v;
    }
    EXPECT_TRUE(fetch_all("t").empty());
}

TEST_F(ProduceLegacyTest, DamagedSetsAreCorruptMessageAndNothingIsAppended) {
    create_topic("t");
    auto msgs = three(1);
    msgs[1].crc = 42;
    EXPECT_EQ(produce(2, "t", encode_set(msgs)).error_code, 2);
    bytes truncated = encode_set(three(0));
    truncated.resize(truncated.size() - 3);
    EXPECT_EQ(produce(0, "t", truncated).error_code, 2);
    EXPECT_EQ(produce(1, "t", bytes(20, std::byte{0})).error_code, 2);  // size 0 < the minimum
    EXPECT_TRUE(fetch_all("t").empty());
}

TEST_F(ProduceLegacyTest, StructurallyInvalidSetsAreInvalidRecord) {
    create_topic("t");
    EXPECT_EQ(produce(0, "t", bytes{}).error_code, 87);  // empty
    auto mixed = three(0);
    mixed[2].magic = 1;
    EXPECT_EQ(produce(2, "t", encode_set(mixed)).error_code, 87);
    const bytes nested = gzip_wrapper(1, gzip_wrapper(1, encode_set(three(1))));
    EXPECT_EQ(produce(2, "t", nested).error_code, 87);
    bytes two_wrappers = gzip_wrapper(0, encode_set(three(0)));
    const bytes another = gzip_wrapper(0, encode_set(three(0)));
    two_wrappers.insert(two_wrappers.end(), another.begin(), another.end());
    EXPECT_EQ(produce(1, "t", two_wrappers).error_code, 87);
    EXPECT_TRUE(fetch_all("t").empty());
}

TEST_F(ProduceLegacyTest, NegativeTimestampIsInvalidTimestamp) {
    create_topic("t");
    auto msgs = three(1);
    msgs[0].timestamp = -5;
    EXPECT_EQ(produce(2, "t", encode_set(msgs)).error_code, 32);
    EXPECT_TRUE(fetch_all("t").empty());
}

TEST_F(ProduceLegacyTest, MaxMessageBytesAppliesToTheConvertedBatch) {
    create_topic("small", {{.name = "max.message.bytes", .value = "200"}});
    std::vector<legacy_msg> big = {{.magic = 1, .key = std::nullopt, .value = bytes(300, std::byte{'x'})}};
    EXPECT_EQ(produce(2, "small", encode_set(big)).error_code, 10);
    EXPECT_EQ(produce(2, "small", encode_set(three(1))).error_code, 0);
}

TEST_F(ProduceLegacyTest, AcksZeroV0SendsNoResponseButAppends) {
    create_topic("t");
    produce_request req;
    req.acks = 0;
    req.topics.push_back({.name = "t", .partitions = {{.partition_index = 0, .records = encode_set(three(0))}}});
    request_header h{.api_key = produce_request::key, .api_version = 0, .correlation_id = ++correlation,
                     .client_id = "sarama"};
    auto r = call_frame(encode_request_frame(h, request{req}));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(stored_batch("t").second.size(), 3u);
}

TEST_F(ProduceLegacyTest, AcksZeroWithAFailedPartitionClosesTheConnectionAsKafkaDoes) {
    produce_request req;
    req.acks = 0;
    req.topics.push_back({.name = "nope", .partitions = {{.partition_index = 0, .records = encode_set(three(0))}}});
    request_header h{.api_key = produce_request::key, .api_version = 0, .correlation_id = ++correlation,
                     .client_id = "sarama"};
    auto r = call_frame(encode_request_frame(h, request{req}));
    EXPECT_FALSE(r) << "an acks=0 produce that failed must close the connection";
}

TEST_F(ProduceLegacyTest, ACompressionBombIsBoundedByMaxMessageBytes) {
    // ~4 KB on the wire, 4 MB once decompressed: converting it would cost many times that in
    // memory, so decompression stops at a multiple of max.message.bytes and the set is
    // refused as too large, with nothing appended.
    create_topic("small", {{.name = "max.message.bytes", .value = "10000"}});
    std::vector<legacy_msg> bomb = {{.magic = 0, .key = std::nullopt, .value = bytes(4 << 20, std::byte{'x'})}};
    const bytes wire = gzip_wrapper(0, encode_set(bomb));
    ASSERT_LT(wire.size(), 10000u);
    EXPECT_EQ(produce(0, "small", wire).error_code, 10);
    EXPECT_TRUE(fetch_all("small").empty());
}

}  // namespace
}  // namespace fjord::kafka
