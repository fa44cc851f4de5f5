// batch_builder: build -> validate -> decode round trips for every codec, and every option
// of batch_options landing in the right header field.
#include "record/builder.h"

#include <limits>

#include <gtest/gtest.h>

#include <string>

#include "record_test_util.h"

namespace fjord::record {
namespace {

using test::b;

constexpr compression all_codecs[] = {compression::none, compression::gzip, compression::snappy, compression::lz4,
                                      compression::zstd};
const validate_options walk_everything{.decompress_limit_bytes = 64 << 20};

class BuilderCodec : public ::testing::TestWithParam<compression> {
protected:
    // Builds, validates (walking compressed records too) and decodes.
    static std::vector<decoded_record> round_trip(const batch_builder& builder, batch_header* header_out = nullptr) {
        auto batch = builder.build();
        EXPECT_TRUE(batch) << batch.error().message();
        if (!batch) return {};
        auto h = validate(*batch, walk_everything);
        EXPECT_TRUE(h) << h.error().message();
        if (h && header_out) *header_out = *h;
        auto d = decode_records(*batch, 64 << 20);
        EXPECT_TRUE(d) << d.error().message();
        return d ? *d : std::vector<decoded_record>{};
    }
};

TEST_P(BuilderCodec, SimpleRecords) {
    batch_builder builder({.base_offset = offset{10}, .codec = GetParam()});
    builder.add(1'000, b("k0"), b("v0")).add(1'001, b("k1"), b("v1"));
    batch_header h;
    auto d = round_trip(builder, &h);
    EXPECT_EQ(h.compression_type(), GetParam());
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].abs_offset, offset{10});
    EXPECT_EQ(d[1].abs_offset, offset{11});
    EXPECT_EQ(d[1].key, b("k1"));
    EXPECT_EQ(d[1].value, b("v1"));
    EXPECT_EQ(d[1].timestamp, 1'001);
}

TEST_P(BuilderCodec, NullKeyTombstoneAndHeadersWithNullValues) {
    batch_builder builder({.codec = GetParam()});
    builder.add(5, std::nullopt, b("no key"));
    builder.add(6, b("deleted"), std::nullopt);
    builder.add(7, b("k"), b(""), {{"trace", b("abc")}, {"empty", std::nullopt}, {"", b("")}});
    auto d = round_trip(builder);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_FALSE(d[0].key);
    EXPECT_EQ(d[0].value, b("no key"));
    EXPECT_EQ(d[1].key, b("deleted"));
    EXPECT_FALSE(d[1].value);
    EXPECT_EQ(d[2].value, b(""));
    ASSERT_EQ(d[2].headers.size(), 3u);
    EXPECT_EQ(d[2].headers[0], (record_header{"trace", b("abc")}));
    EXPECT_EQ(d[2].headers[1], (record_header{"empty", std::nullopt}));
    EXPECT_EQ(d[2].headers[2], (record_header{"", b("")}));
}

TEST_P(BuilderCodec, ManyRecords) {
    batch_builder builder({.base_offset = offset{1'000'000}, .codec = GetParam()});
    for (int i = 0; i < 10'000; ++i) {
        builder.add(1'700'000'000'000 + i, b("key-" + std::to_string(i % 100)), b("value-" + std::to_string(i)));
    }
    batch_header h;
    auto d = round_trip(builder, &h);
    EXPECT_EQ(h.records_count, 10'000);
    EXPECT_EQ(h.last_offset_delta, 9'999);
    ASSERT_EQ(d.size(), 10'000u);
    for (int i = 0; i < 10'000; ++i) {
        ASSERT_EQ(d[i].abs_offset, offset{1'000'000 + i});
        ASSERT_EQ(d[i].value, b("value-" + std::to_string(i)));
        ASSERT_EQ(d[i].timestamp, 1'700'000'000'000 + i);
    }
}

TEST_P(BuilderCodec, LogAppendTime) {
    batch_builder builder({.codec = GetParam(), .ts_type = timestamp_type::log_append_time});
    builder.add(100, b("a"), b("1")).add(300, b("b"), b("2")).add(200, b("c"), b("3"));
    batch_header h;
    auto d = round_trip(builder, &h);
    EXPECT_EQ(h.timestamp_kind(), timestamp_type::log_append_time);
    EXPECT_EQ(h.max_timestamp, 300);
    ASSERT_EQ(d.size(), 3u);
    for (const auto& r : d) EXPECT_EQ(r.timestamp, 300);
}

TEST_P(BuilderCodec, CompactedGapsWithExplicitSpan) {
    batch_builder builder({.codec = GetParam(), .last_offset_delta = 20});
    builder.add(2, 10, b("a"), b("1")).add(9, 11, b("b"), b("2"));
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    EXPECT_FALSE(validate(*batch, walk_everything));  // not a client append
    auto h = validate(*batch, {.require_contiguous_offsets = false, .decompress_limit_bytes = 1 << 20});
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->last_offset_delta, 20);
    EXPECT_EQ(h->records_count, 2);
    auto d = decode_records(*batch, 1 << 20);
    ASSERT_TRUE(d);
    EXPECT_EQ((*d)[0].offset_delta, 2);
    EXPECT_EQ((*d)[1].offset_delta, 9);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, BuilderCodec, ::testing::ValuesIn(all_codecs),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Builder, MaxTimestampIsTheLargestAndBaseIsTheFirst) {
    batch_builder builder;
    builder.add(500, b("a"), b("1")).add(900, b("b"), b("2")).add(100, b("c"), b("3"));
    auto batch = builder.build();
    auto h = validate(*batch);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->base_timestamp, 500);
    EXPECT_EQ(h->max_timestamp, 900);
    auto d = decode_records(*batch, 1 << 20);
    EXPECT_EQ((*d)[2].timestamp_delta, -400);
    EXPECT_EQ((*d)[2].timestamp, 100);
}

TEST(Builder, TimestampsWhoseDifferenceOverflowsRoundTrip) {
    // Hostile but storable: a base of -1 and a record at INT64_MAX (compaction rebuilds such
    // batches). The delta wraps instead of overflowing, and decoding wraps it back.
    batch_builder builder;
    builder.add(-1, b("a"), b("1")).add(std::numeric_limits<int64_t>::max(), b("b"), b("2"));
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    auto d = decode_records(*batch, 1 << 20);
    ASSERT_TRUE(d);
    EXPECT_EQ((*d)[0].timestamp, -1);
    EXPECT_EQ((*d)[1].timestamp, std::numeric_limits<int64_t>::max());
}

TEST(Builder, HonoursEveryHeaderOption) {
    batch_builder builder({.base_offset = offset{123},
                           .partition_leader_epoch = 7,
                           .codec = compression::lz4,
                           .ts_type = timestamp_type::create_time,
                           .producer_id = 4242,
                           .producer_epoch = 3,
                           .base_sequence = 17,
                           .transactional = true,
                           .base_timestamp = 50,
                           .delete_horizon = true});
    builder.add(60, b("k"), b("v"));
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    auto h = validate(*batch, walk_everything);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->base_offset, offset{123});
    EXPECT_EQ(h->partition_leader_epoch, 7);
    EXPECT_EQ(h->compression_type(), compression::lz4);
    EXPECT_EQ(h->producer_id, 4242);
    EXPECT_EQ(h->producer_epoch, 3);
    EXPECT_EQ(h->base_sequence, 17);
    EXPECT_TRUE(h->is_transactional());
    EXPECT_FALSE(h->is_control());
    EXPECT_TRUE(h->has_delete_horizon());
    EXPECT_EQ(h->base_timestamp, 50);
    EXPECT_EQ(h->max_timestamp, 60);
    auto d = decode_records(*batch, 1 << 20);
    EXPECT_EQ((*d)[0].timestamp_delta, 10);
    EXPECT_EQ((*d)[0].timestamp, 60);
}

TEST(Builder, ControlBatch) {
    batch_builder builder({.producer_id = 9, .producer_epoch = 1, .transactional = true, .control = true});
    const bytes commit_key = {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}};
    builder.add(1, commit_key, bytes(6, std::byte{0}));
    auto batch = builder.build();
    auto h = validate(*batch);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_TRUE(h->is_control());
    EXPECT_EQ(h->attributes, attr::transactional | attr::control);
}

TEST(Builder, SizeMatchesHeaderAndCrcIsCorrect) {
    batch_builder builder;
    builder.add(1, b("k"), b("v"));
    auto batch = builder.build();
    auto h = read_header(*batch);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->size_bytes(), batch->size());
    EXPECT_EQ(h->crc, compute_crc(*batch));
    EXPECT_EQ(builder.record_count(), 1u);
}

TEST(Builder, ExactBytesOfASmallBatch) {
    // The worked example of docs/formats/record-batch.md.
    batch_builder builder;
    builder.add(1'700'000'000'000, b("k"), b("v"));
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    bytes want = test::enc()
                     .hex({0, 0, 0, 0, 0, 0, 0, 0,  // baseOffset 0
                           0, 0, 0, 0x3a,           // batchLength 58
                           0, 0, 0, 0,              // partitionLeaderEpoch 0
                           0x02})                   // magic
                     .b;
    bytes crc(4);
    write_be<uint32_t>(crc, 0, compute_crc(*batch));
    want.insert(want.end(), crc.begin(), crc.end());
    want = test::enc()
               .raw(want)
               .hex({0, 0,                                      // attributes
                     0, 0, 0, 0,                                // lastOffsetDelta
                     0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00,  // baseTimestamp
                     0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00,  // maxTimestamp
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                     0, 0, 0, 1,                                // recordsCount
                     0x10, 0x00, 0x00, 0x00, 0x02, 'k', 0x02, 'v', 0x00})
               .b;
    EXPECT_EQ(*batch, want);
}

}  // namespace
}  // namespace fjord::record
