// Golden bytes captured from real clients (tests/data/protocol/<client>-<api>-v<N>.bin: the
// request frame after its 4-byte size, i.e. header + body; manifest.json describes them).
// Every capture of an API and version we serve must decode and re-encode to the identical
// bytes. An empty folder fails: this test must never pass vacuously.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "base/assert.h"
#include "kafka/protocol/frame.h"
#include "test_util.h"

namespace fjord::kafka {
namespace {

namespace fs = std::filesystem;

const fs::path captures_dir = fs::path(FJORD_TEST_DATA_DIR) / "protocol";

bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes b(chars.size());
    std::transform(chars.begin(), chars.end(), b.begin(), [](char c) { return static_cast<std::byte>(c); });
    return b;
}

std::vector<fs::path> captures() {
    std::vector<fs::path> files;
    if (fs::is_directory(captures_dir)) {
        for (const auto& e : fs::directory_iterator(captures_dir)) {
            if (e.is_regular_file() && e.path().extension() == ".bin") {
                files.push_back(e.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

TEST(CapturedGolden, EveryCapturedRequestReencodesToIdenticalBytes) {
    auto files = captures();
    ASSERT_FALSE(files.empty()) << "no captured request frames (*.bin) in " << captures_dir
                                << ": the client captures (tests/data/capture) must be recorded there";
    size_t checked = 0;
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        bytes frame = read_file(file);
        reader hr(frame);
        auto header = decode_request_header(hr);
        ASSERT_TRUE(header) << "header: " << header.error().message();
        const api_info* api = find_api(header->api_key);
        if (api == nullptr || header->api_version < api->version_min || header->api_version > api->version_max) {
            // An API or version we do not serve: the server refuses it; nothing to compare.
            std::cout << "[ note ] " << file.filename().string() << ": api " << header->api_key << " v"
                      << header->api_version << " not served, skipped\n";
            continue;
        }
        // The file name says which API and version the client sent:
        // <client>-<api_name>-v<version>[-<variant>].bin
        std::string stem = file.stem().string();
        auto dash = stem.find('-');
        auto vpos = stem.find("-v", dash + 1);
        ASSERT_TRUE(dash != std::string::npos && vpos != std::string::npos) << "unexpected file name";
        EXPECT_EQ(stem.substr(dash + 1, vpos - dash - 1), api->name);
        EXPECT_EQ(std::stoi(stem.substr(vpos + 2)), header->api_version);
        auto decoded = decode_request_frame(frame);
        ASSERT_TRUE(decoded) << decoded.error().message() << "\n" << test::hex(frame);
        EXPECT_EQ(test::hex(encode_request_frame(decoded->header, decoded->body)), test::hex(frame));
        ++checked;
    }
    EXPECT_GT(checked, 0u) << "none of the captures in " << captures_dir << " is of an API version we serve";
}

template<typename T>
T captured(const std::string& name, request_header* header_out = nullptr) {
    bytes frame = read_file(captures_dir / name);
    auto decoded = decode_request_frame(frame);
    FJORD_ASSERT(decoded, "{}: {}", name, decoded.error().message());
    if (header_out != nullptr) {
        *header_out = decoded->header;
    }
    return std::get<T>(decoded->body);
}

bool has_capture(const std::string& name) { return fs::exists(captures_dir / name); }

// Field values the clients sent, from tests/data/protocol/README.md: the codec must read
// them where the clients put them, not merely reproduce the bytes.
TEST(CapturedGolden, LibrdkafkaApiVersionsV3AndFlexibleInitProducerId) {
    if (!has_capture("kcat-api_versions-v3.bin") || !has_capture("kcat-init_producer_id-v4.bin")) {
        GTEST_SKIP() << "capture missing";
    }
    request_header h;
    auto av = captured<api_versions_request>("kcat-api_versions-v3.bin", &h);
    EXPECT_EQ(h.client_id, "rdkafka");
    EXPECT_EQ(av.client_software_name, "librdkafka");
    EXPECT_EQ(av.client_software_version, "2.0.2");
    auto ip = captured<init_producer_id_request>("kcat-init_producer_id-v4.bin");
    EXPECT_EQ(ip.transactional_id, std::nullopt);
    EXPECT_EQ(ip.transaction_timeout_ms, -1);
    EXPECT_EQ(ip.producer_id, -1);
    EXPECT_EQ(ip.producer_epoch, -1);
}

TEST(CapturedGolden, MetadataNullVersusEmptyTopics) {
    for (const char* f : {"kafka_python-metadata-v0.bin", "kafka_python-metadata-v1.bin",
                          "kafka_python-metadata-v5.bin", "confluent_kafka-metadata-v4.bin"}) {
        if (!has_capture(f)) {
            GTEST_SKIP() << f << " missing";
        }
    }
    auto v0 = captured<metadata_request>("kafka_python-metadata-v0.bin");
    ASSERT_TRUE(v0.topics.has_value());
    EXPECT_TRUE(v0.topics->empty());  // v0: empty = all topics
    EXPECT_EQ(captured<metadata_request>("kafka_python-metadata-v1.bin").topics, std::nullopt);
    auto v5 = captured<metadata_request>("kafka_python-metadata-v5.bin");
    EXPECT_EQ(v5.topics, std::nullopt);
    EXPECT_FALSE(v5.allow_auto_topic_creation);
    auto v4 = captured<metadata_request>("confluent_kafka-metadata-v4.bin");
    ASSERT_TRUE(v4.topics.has_value());
    EXPECT_TRUE(v4.topics->empty());
    EXPECT_FALSE(v4.allow_auto_topic_creation);
}

TEST(CapturedGolden, FetchListOffsetsAndProduceFromKcat) {
    for (const char* f : {"kcat-fetch-v11.bin", "kcat-list_offsets-v2.bin", "kcat-produce-v7.bin"}) {
        if (!has_capture(f)) {
            GTEST_SKIP() << f << " missing";
        }
    }
    auto fetch = captured<fetch_request>("kcat-fetch-v11.bin");
    EXPECT_EQ(fetch.max_wait_ms, 500);
    EXPECT_EQ(fetch.min_bytes, 1);
    EXPECT_EQ(fetch.max_bytes, 52428800);
    EXPECT_EQ(fetch.isolation_level, 1);
    EXPECT_EQ(fetch.session_id, 0);
    EXPECT_EQ(fetch.session_epoch, -1);
    ASSERT_EQ(fetch.topics.size(), 1u);
    EXPECT_EQ(fetch.topics[0].topic, "golden");
    ASSERT_EQ(fetch.topics[0].partitions.size(), 1u);
    EXPECT_EQ(fetch.topics[0].partitions[0].current_leader_epoch, -1);
    EXPECT_EQ(fetch.topics[0].partitions[0].fetch_offset, 0);
    EXPECT_EQ(fetch.topics[0].partitions[0].partition_max_bytes, 1048576);
    EXPECT_TRUE(fetch.forgotten_topics_data.empty());
    EXPECT_EQ(fetch.rack_id, "");

    auto lo = captured<list_offsets_request>("kcat-list_offsets-v2.bin");
    EXPECT_EQ(lo.replica_id, -1);
    EXPECT_EQ(lo.isolation_level, 1);
    ASSERT_EQ(lo.topics.size(), 1u);
    ASSERT_EQ(lo.topics[0].partitions.size(), 1u);
    EXPECT_EQ(lo.topics[0].partitions[0].timestamp, -2);

    auto produce = captured<produce_request>("kcat-produce-v7.bin");
    EXPECT_EQ(produce.transactional_id, std::nullopt);
    EXPECT_EQ(produce.acks, -1);
    EXPECT_EQ(produce.timeout_ms, 30000);
    ASSERT_EQ(produce.topics.size(), 1u);
    EXPECT_EQ(produce.topics[0].name, "golden");
    ASSERT_EQ(produce.topics[0].partitions.size(), 1u);
    ASSERT_TRUE(produce.topics[0].partitions[0].records.has_value());
    EXPECT_EQ(produce.topics[0].partitions[0].records->size(), 99u);
}

TEST(CapturedGolden, AdminRequestsWithNullableArrays) {
    for (const char* f : {"confluent_kafka-create_partitions-v0.bin", "confluent_kafka-describe_configs-v1.bin",
                          "confluent_kafka-create_topics-v4.bin", "kafka_python-delete_topics-v3.bin"}) {
        if (!has_capture(f)) {
            GTEST_SKIP() << f << " missing";
        }
    }
    auto cp = captured<create_partitions_request>("confluent_kafka-create_partitions-v0.bin");
    ASSERT_EQ(cp.topics.size(), 1u);
    EXPECT_EQ(cp.topics[0].name, "fjord-admin");
    EXPECT_EQ(cp.topics[0].count, 2);
    EXPECT_EQ(cp.topics[0].assignments, std::nullopt);
    EXPECT_EQ(cp.timeout_ms, 5000);

    auto dc = captured<describe_configs_request>("confluent_kafka-describe_configs-v1.bin");
    ASSERT_EQ(dc.resources.size(), 1u);
    EXPECT_EQ(dc.resources[0].resource_type, 2);
    EXPECT_EQ(dc.resources[0].resource_name, "fjord-admin");
    EXPECT_EQ(dc.resources[0].configuration_keys, std::nullopt);
    EXPECT_TRUE(dc.include_synonyms);

    auto ct = captured<create_topics_request>("confluent_kafka-create_topics-v4.bin");
    ASSERT_EQ(ct.topics.size(), 1u);
    EXPECT_EQ(ct.topics[0].num_partitions, 1);
    EXPECT_EQ(ct.topics[0].replication_factor, 1);
    ASSERT_EQ(ct.topics[0].configs.size(), 1u);
    EXPECT_EQ(ct.topics[0].configs[0].name, "cleanup.policy");
    EXPECT_EQ(ct.topics[0].configs[0].value, "delete");
    EXPECT_EQ(ct.timeout_ms, 5000);
    EXPECT_FALSE(ct.validate_only);

    auto dt = captured<delete_topics_request>("kafka_python-delete_topics-v3.bin");
    EXPECT_EQ(dt.topic_names, std::vector<std::string>{"fjord-admin"});
    EXPECT_EQ(dt.timeout_ms, 5000);
}

}  // namespace
}  // namespace fjord::kafka
