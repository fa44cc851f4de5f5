// Golden legacy message sets: the Produce v0-v2 request frames that kafka-python 2.0.2
// (api_version 0.8.2 / 0.9 / 0.10) and kcat / librdkafka 2.0.2 (broker.version.fallback
// 0.9.0, and MsgVer1 against an old broker's ranges) really sent, each codec
// (tests/data/protocol/<client>-produce-v<0|1|2>-<codec>.bin; tests/data/capture/README.md
// says how they were captured). Every one must parse, hold exactly the three messages the
// capture flow sent (request_flows.py LEGACY_MESSAGES), and up-convert to a valid v2 batch
// with the same records and the client's codec. Missing captures fail the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "record/batch.h"
#include "record/compression.h"
#include "record/legacy_convert.h"
#include "record/legacy_message_set.h"

namespace fjord::record {
namespace {

namespace fs = std::filesystem;

const fs::path captures_dir = fs::path(FJORD_TEST_DATA_DIR) / "protocol";
constexpr size_t limit_bytes = 64 << 20;
constexpr int64_t flow_timestamp = 1'700'000'000'000;  // request_flows.py TIMESTAMP_MS

bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes out(raw.size());
    std::transform(raw.begin(), raw.end(), out.begin(), [](char c) { return static_cast<std::byte>(c); });
    return out;
}

// The records field of a Produce v0-v2 frame holding one topic with one partition:
// header v1 (key, version, correlation id, client id), acks, timeout, topics[1]
// {name, partitions[1] {index, records}}. Walked by hand: this test links only fjord_record.
struct produce_frame {
    int16_t version = -1;
    bytes records;
};

produce_frame records_of(const bytes& frame) {
    produce_frame out;
    size_t pos = 0;
    auto need = [&](size_t n) {
        if (frame.size() - pos < n) {
            throw std::runtime_error("frame too short");
        }
    };
    auto i16 = [&] { need(2); auto v = read_be<int16_t>(frame, pos); pos += 2; return v; };
    auto i32 = [&] { need(4); auto v = read_be<int32_t>(frame, pos); pos += 4; return v; };
    auto skip = [&](int n) { if (n > 0) { need(static_cast<size_t>(n)); pos += static_cast<size_t>(n); } };
    if (i16() != 0) {
        throw std::runtime_error("not a Produce frame");
    }
    out.version = i16();
    skip(4);      // correlation id
    skip(i16());  // client id
    skip(2 + 4);  // acks, timeout
    if (i32() != 1) {
        throw std::runtime_error("expected one topic");
    }
    skip(i16());  // topic name
    if (i32() != 1) {
        throw std::runtime_error("expected one partition");
    }
    skip(4);  // partition index
    const int32_t n = i32();
    need(static_cast<size_t>(n));
    out.records.assign(frame.begin() + static_cast<std::ptrdiff_t>(pos), frame.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += static_cast<size_t>(n);
    if (pos != frame.size()) {
        throw std::runtime_error("bytes after the records");
    }
    return out;
}

struct capture {
    fs::path path;
    std::string client;
    int version = 0;
    compression codec = compression::none;
};

std::vector<capture> legacy_captures() {
    static const std::regex name(R"(^([a-z_]+)-produce-v([0-2])-(none|gzip|snappy|lz4)\.bin$)");
    std::vector<capture> out;
    if (!fs::is_directory(captures_dir)) {
        return out;
    }
    for (const auto& e : fs::directory_iterator(captures_dir)) {
        std::smatch m;
        const std::string fname = e.path().filename().string();
        if (!std::regex_match(fname, m, name)) {
            continue;
        }
        const std::string c = m[3];
        const compression codec = c == "gzip"     ? compression::gzip
                                  : c == "snappy" ? compression::snappy
                                  : c == "lz4"    ? compression::lz4
                                                  : compression::none;
        out.push_back({e.path(), m[1], std::stoi(m[2]), codec});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

std::optional<std::string> str(const std::optional<bytes_view>& v) {
    return v ? std::optional<std::string>(std::string(as_string_view(*v))) : std::nullopt;
}
std::optional<std::string> str(const std::optional<bytes>& v) {
    return v ? std::optional<std::string>(std::string(as_string_view(*v))) : std::nullopt;
}

// request_flows.py LEGACY_MESSAGES: (key, value); None = null.
const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> sent = {
    {"key-1", "legacy value one, legacy value one, legacy value one"},
    {std::nullopt, "value without key"},
    {"key-3", std::nullopt},
};

TEST(LegacyGolden, EveryCapturedLegacySetParsesToTheMessagesTheClientSent) {
    const auto files = legacy_captures();
    // kafka-python: 3 versions x 4 codecs; kcat: MsgVer0 (v1) and MsgVer1 (v2) x 4 codecs.
    ASSERT_EQ(files.size(), 20u) << "legacy Produce captures missing from " << captures_dir;
    for (const auto& c : files) {
        SCOPED_TRACE(c.path.filename().string());
        const produce_frame f = records_of(read_file(c.path));
        ASSERT_EQ(f.version, c.version);
        ASSERT_TRUE(looks_like_legacy_set(f.records));
        auto s = parse_legacy_message_set(f.records, limit_bytes);
        ASSERT_TRUE(s) << s.error().message();
        // Produce v0/v1 carry magic 0, v2 magic 1 (both clients follow Kafka's pairing).
        EXPECT_EQ(s->magic, c.version == 2 ? 1 : 0);
        EXPECT_EQ(s->codec, c.codec);
        EXPECT_EQ(s->ts_type, timestamp_type::create_time);
        ASSERT_EQ(s->messages.size(), sent.size());
        for (size_t i = 0; i < sent.size(); ++i) {
            EXPECT_EQ(str(s->messages[i].key), sent[i].first) << "message " << i;
            EXPECT_EQ(str(s->messages[i].value), sent[i].second) << "message " << i;
            if (s->magic == 0) {
                EXPECT_EQ(s->messages[i].timestamp, no_timestamp);
            } else if (c.client == "kafka_python") {
                EXPECT_EQ(s->messages[i].timestamp, flow_timestamp + static_cast<int64_t>(i));  // timestamp_ms
            } else {
                EXPECT_GT(s->messages[i].timestamp, flow_timestamp);  // kcat stamps the send time
            }
        }

        auto batch = up_convert(*s);
        ASSERT_TRUE(batch) << batch.error().message();
        auto h = validate(*batch, {.require_contiguous_offsets = true, .check_records = true,
                                   .decompress_limit_bytes = limit_bytes});
        ASSERT_TRUE(h) << h.error().message();
        EXPECT_EQ(h->compression_type(), c.codec);
        EXPECT_EQ(h->producer_id, -1);
        auto records = decode_records(*batch, limit_bytes);
        ASSERT_TRUE(records) << records.error().message();
        ASSERT_EQ(records->size(), sent.size());
        for (size_t i = 0; i < sent.size(); ++i) {
            EXPECT_EQ(str((*records)[i].key), sent[i].first);
            EXPECT_EQ(str((*records)[i].value), sent[i].second);
            EXPECT_EQ((*records)[i].timestamp, s->messages[i].timestamp);
        }
    }
}

// The magic-0 LZ4 captures carry KAFKA-3160's wrong frame header checksum: liblz4 refuses
// the wrapper value as it is, so the test above passing proves the fix-up path works.
TEST(LegacyGolden, Magic0Lz4CapturesReallyHaveTheBrokenHeaderChecksum) {
    int checked = 0;
    for (const auto& c : legacy_captures()) {
        if (c.codec != compression::lz4) {
            continue;
        }
        SCOPED_TRACE(c.path.filename().string());
        const produce_frame f = records_of(read_file(c.path));
        // One wrapper entry: offset, size, crc, magic, attributes, [timestamp], key, value.
        const auto magic = read_be<int8_t>(f.records, 16);
        size_t pos = 12 + 4 + 1 + 1 + (magic == 1 ? 8 : 0);
        const auto key_len = read_be<int32_t>(f.records, pos);
        pos += 4 + static_cast<size_t>(std::max(key_len, 0));
        const auto value_len = read_be<int32_t>(f.records, pos);
        pos += 4;
        ASSERT_GT(value_len, 0);
        const bytes_view value = bytes_view(f.records).subspan(pos, static_cast<size_t>(value_len));
        EXPECT_EQ(static_cast<bool>(decompress(compression::lz4, value, limit_bytes)), magic == 1);
        ++checked;
    }
    EXPECT_EQ(checked, 5);  // kafka-python v0, v1, v2 and kcat v1, v2
}

}  // namespace
}  // namespace fjord::record
