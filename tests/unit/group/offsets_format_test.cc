// offsets_format_test: the __consumer_offsets records against bytes built by hand from
// Kafka's schemas (OffsetCommitKey/Value, GroupMetadataKey/Value JSON), every value version
// we read (0-3), malformed input (truncation, trailing bytes, unknown versions, forged
// lengths), and for_each_offsets_record over plain, compressed and control batches.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/errc.h"
#include "group/offsets_format.h"
#include "kafka/protocol/errc.h"
#include "record/batch.h"
#include "record/builder.h"

namespace fjord::group {
namespace {

// Big-endian field writer for hand-made records; mirrors the schema field by field.
struct be {
    bytes b;
    be& i16(int16_t v) { append_be<int16_t>(b, v); return *this; }
    be& i32(int32_t v) { append_be<int32_t>(b, v); return *this; }
    be& i64(int64_t v) { append_be<int64_t>(b, v); return *this; }
    be& str(std::string_view s) {
        i16(static_cast<int16_t>(s.size()));
        auto v = as_bytes_view(s);
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
    be& null_str() { return i16(-1); }
    be& blob(std::string_view s) {
        i32(static_cast<int32_t>(s.size()));
        auto v = as_bytes_view(s);
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
    be& hex(std::initializer_list<unsigned> xs) {
        for (unsigned x : xs) b.push_back(static_cast<std::byte>(x));
        return *this;
    }
};

bytes hex(std::initializer_list<unsigned> xs) { return be().hex(xs).b; }

bytes with_trailing_byte(bytes b) {
    b.push_back(std::byte{0});
    return b;
}

member_snapshot sample_member() {
    return {.member_id = "m-1",
            .group_instance_id = "i-1",
            .client_id = "c",
            .client_host = "/10.0.0.1",
            .rebalance_timeout_ms = 300000,
            .session_timeout_ms = 45000,
            .subscription = to_bytes("sub"),
            .assignment = to_bytes("asg")};
}

group_snapshot sample_group() {
    return {.protocol_type = "consumer",
            .generation_id = 7,
            .protocol = "range",
            .leader = "m-1",
            .current_state_timestamp = 1'700'000'000'000,
            .members = {sample_member()}};
}

// A GroupMetadataValue member of `version`, field by field from the schema.
void put_member(be& e, int16_t version, const member_snapshot& m) {
    e.str(m.member_id);
    if (version >= 3) {
        if (m.group_instance_id) e.str(*m.group_instance_id); else e.null_str();
    }
    e.str(m.client_id).str(m.client_host);
    if (version >= 1) e.i32(m.rebalance_timeout_ms);
    e.i32(m.session_timeout_ms);
    e.blob(as_string_view(m.subscription)).blob(as_string_view(m.assignment));
}

// sample_group() as GroupMetadataValue `version`.
bytes group_value_bytes(int16_t version) {
    const auto g = sample_group();
    be e;
    e.i16(version).str(g.protocol_type).i32(g.generation_id).str(*g.protocol).str(*g.leader);
    if (version >= 2) e.i64(g.current_state_timestamp);
    e.i32(1);
    put_member(e, version, g.members[0]);
    return e.b;
}

// ---- keys ----

TEST(OffsetsFormatKey, OffsetCommitKeyGoldenBytes) {
    // version 1, group "g", topic "t", partition 3.
    EXPECT_EQ(encode_key(offset_key{.group = "g", .topic = "t", .partition = 3}),
              hex({0x00, 0x01, 0x00, 0x01, 0x67, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00, 0x03}));
}

TEST(OffsetsFormatKey, GroupMetadataKeyGoldenBytes) {
    EXPECT_EQ(encode_key(group_key{.group = "g"}), hex({0x00, 0x02, 0x00, 0x01, 0x67}));
}

TEST(OffsetsFormatKey, RoundTrips) {
    const offset_key ok{.group = "my-group", .topic = "orders", .partition = 41};
    auto k1 = decode_key(encode_key(ok));
    ASSERT_TRUE(k1) << k1.error().message();
    ASSERT_TRUE(std::holds_alternative<offset_key>(*k1));
    EXPECT_EQ(std::get<offset_key>(*k1), ok);

    const group_key gk{.group = "my-group"};
    auto k2 = decode_key(encode_key(gk));
    ASSERT_TRUE(k2) << k2.error().message();
    ASSERT_TRUE(std::holds_alternative<group_key>(*k2));
    EXPECT_EQ(std::get<group_key>(*k2), gk);
}

TEST(OffsetsFormatKey, EmptyGroupNameRoundTrips) {
    auto k = decode_key(encode_key(group_key{.group = ""}));
    ASSERT_TRUE(k);
    EXPECT_EQ(std::get<group_key>(*k).group, "");
}

TEST(OffsetsFormatKey, VersionZeroIsAnOffsetCommitKey) {
    auto k = decode_key(be().i16(0).str("g").str("t").i32(3).b);
    ASSERT_TRUE(k) << k.error().message();
    ASSERT_TRUE(std::holds_alternative<offset_key>(*k));
    EXPECT_EQ(std::get<offset_key>(*k), (offset_key{.group = "g", .topic = "t", .partition = 3}));
}

TEST(OffsetsFormatKey, UnknownVersionsAreInvalidArgument) {
    for (int16_t v : {int16_t{3}, int16_t{4}, int16_t{-1}, int16_t{0x7fff}}) {
        auto k = decode_key(be().i16(v).str("g").b);
        ASSERT_FALSE(k) << v;
        EXPECT_EQ(k.error(), make_error_code(errc::invalid_argument)) << v;
    }
}

TEST(OffsetsFormatKey, EveryTruncationFails) {
    for (const bytes& full : {encode_key(offset_key{.group = "g", .topic = "t", .partition = 3}),
                              encode_key(group_key{.group = "grp"})}) {
        for (size_t n = 0; n < full.size(); ++n) {
            auto k = decode_key(bytes_view(full).first(n));
            EXPECT_FALSE(k) << "prefix of " << n << " bytes decoded";
        }
    }
    EXPECT_EQ(decode_key({}).error(), make_error_code(kafka::errc::truncated));
}

TEST(OffsetsFormatKey, TrailingBytesAreInvalidArgument) {
    auto k1 = decode_key(with_trailing_byte(encode_key(offset_key{.group = "g", .topic = "t", .partition = 3})));
    ASSERT_FALSE(k1);
    EXPECT_EQ(k1.error(), make_error_code(errc::invalid_argument));
    auto k2 = decode_key(with_trailing_byte(encode_key(group_key{.group = "g"})));
    ASSERT_FALSE(k2);
    EXPECT_EQ(k2.error(), make_error_code(errc::invalid_argument));
}

TEST(OffsetsFormatKey, NullOrForgedGroupLengthFails) {
    auto null_group = decode_key(be().i16(2).null_str().b);
    ASSERT_FALSE(null_group);
    EXPECT_EQ(null_group.error(), make_error_code(kafka::errc::unexpected_null));
    auto long_group = decode_key(be().i16(2).i16(100).hex({0x67}).b);
    ASSERT_FALSE(long_group);
    EXPECT_EQ(long_group.error(), make_error_code(kafka::errc::invalid_length));
    auto negative = decode_key(be().i16(1).i16(-2).b);
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error(), make_error_code(kafka::errc::invalid_length));
}

// ---- offset commit values ----

TEST(OffsetsFormatOffsetValue, WritesVersion3GoldenBytes) {
    const offset_value v{.offset = 5, .leader_epoch = 2, .metadata = "m", .commit_timestamp = 1000};
    EXPECT_EQ(encode_value(v), hex({0x00, 0x03,                                      // version 3
                                    0, 0, 0, 0, 0, 0, 0, 0x05,                       // offset 5
                                    0, 0, 0, 0x02,                                   // leaderEpoch 2
                                    0x00, 0x01, 0x6d,                                // metadata "m"
                                    0, 0, 0, 0, 0, 0, 0x03, 0xe8}));                 // commitTimestamp 1000
}

TEST(OffsetsFormatOffsetValue, ExpireTimestampIsNeverWritten) {
    offset_value v{.offset = 5, .leader_epoch = -1, .metadata = "", .commit_timestamp = 1};
    v.expire_timestamp = 99;
    const bytes b = encode_value(v);
    EXPECT_EQ(b, be().i16(3).i64(5).i32(-1).str("").i64(1).b);
    auto back = decode_offset_value(b);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->expire_timestamp, std::nullopt);
}

TEST(OffsetsFormatOffsetValue, RoundTrips) {
    const offset_value v{.offset = 123456789012, .leader_epoch = 17, .metadata = "checkpoint", .commit_timestamp = 1'700'000'000'123};
    auto back = decode_offset_value(encode_value(v));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, v);
}

TEST(OffsetsFormatOffsetValue, DecodesVersion0) {
    auto v = decode_offset_value(be().i16(0).i64(42).str("md").i64(1000).b);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(*v, (offset_value{.offset = 42, .leader_epoch = -1, .metadata = "md", .commit_timestamp = 1000}));
}

TEST(OffsetsFormatOffsetValue, DecodesVersion1WithExpireTimestamp) {
    auto v = decode_offset_value(be().i16(1).i64(42).str("md").i64(1000).i64(2000).b);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(v->offset, 42);
    EXPECT_EQ(v->leader_epoch, -1);
    EXPECT_EQ(v->metadata, "md");
    EXPECT_EQ(v->commit_timestamp, 1000);
    EXPECT_EQ(v->expire_timestamp, std::optional<int64_t>(2000));
}

TEST(OffsetsFormatOffsetValue, DecodesVersion2) {
    auto v = decode_offset_value(be().i16(2).i64(42).str("").i64(1000).b);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(*v, (offset_value{.offset = 42, .leader_epoch = -1, .metadata = "", .commit_timestamp = 1000}));
}

TEST(OffsetsFormatOffsetValue, DecodesVersion3) {
    auto v = decode_offset_value(be().i16(3).i64(42).i32(9).str("x").i64(1000).b);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(*v, (offset_value{.offset = 42, .leader_epoch = 9, .metadata = "x", .commit_timestamp = 1000}));
}

TEST(OffsetsFormatOffsetValue, UnknownVersionsAreInvalidArgument) {
    // v4 is Kafka's first flexible version; we do not read it.
    for (int16_t version : {int16_t{4}, int16_t{-1}, int16_t{100}}) {
        auto v = decode_offset_value(be().i16(version).i64(42).i32(9).str("x").i64(1000).hex({0}).b);
        ASSERT_FALSE(v) << version;
        EXPECT_EQ(v.error(), make_error_code(errc::invalid_argument)) << version;
    }
}

TEST(OffsetsFormatOffsetValue, EveryTruncationOfEveryVersionFails) {
    const std::vector<bytes> all = {
        be().i16(0).i64(42).str("md").i64(1000).b,
        be().i16(1).i64(42).str("md").i64(1000).i64(2000).b,
        be().i16(2).i64(42).str("md").i64(1000).b,
        be().i16(3).i64(42).i32(9).str("md").i64(1000).b,
    };
    for (const auto& full : all) {
        ASSERT_TRUE(decode_offset_value(full));
        for (size_t n = 0; n < full.size(); ++n) {
            EXPECT_FALSE(decode_offset_value(bytes_view(full).first(n))) << n << " of " << full.size();
        }
    }
}

TEST(OffsetsFormatOffsetValue, TrailingBytesAreInvalidArgument) {
    // A v2 value followed by 8 bytes is not a v1 value: the version decides the layout.
    auto v = decode_offset_value(be().i16(2).i64(42).str("").i64(1000).i64(2000).b);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error(), make_error_code(errc::invalid_argument));
    auto w = decode_offset_value(with_trailing_byte(encode_value(offset_value{})));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error(), make_error_code(errc::invalid_argument));
}

TEST(OffsetsFormatOffsetValue, NullMetadataIsRejected) {
    auto v = decode_offset_value(be().i16(3).i64(42).i32(9).null_str().i64(1000).b);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error(), make_error_code(kafka::errc::unexpected_null));
}

// ---- group metadata values ----

TEST(OffsetsFormatGroupValue, EmptyGroupGoldenBytes) {
    const group_snapshot g{.protocol_type = "consumer", .generation_id = 1, .protocol = std::nullopt,
                           .leader = std::nullopt, .current_state_timestamp = -1, .members = {}};
    EXPECT_EQ(encode_value(g),
              hex({0x00, 0x03,                                                  // version 3
                   0x00, 0x08, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r',          // protocolType
                   0x00, 0x00, 0x00, 0x01,                                      // generation 1
                   0xff, 0xff,                                                  // protocol null
                   0xff, 0xff,                                                  // leader null
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,              // currentStateTimestamp -1
                   0x00, 0x00, 0x00, 0x00}));                                   // members []
}

TEST(OffsetsFormatGroupValue, WritesVersion3FieldByField) {
    EXPECT_EQ(encode_value(sample_group()), group_value_bytes(3));
}

TEST(OffsetsFormatGroupValue, RoundTripsWithStaticAndDynamicMembers) {
    auto g = sample_group();
    auto dynamic = sample_member();
    dynamic.member_id = "m-2";
    dynamic.group_instance_id = std::nullopt;
    dynamic.assignment = {};
    g.members.push_back(dynamic);
    auto back = decode_group_value(encode_value(g));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, g);
}

TEST(OffsetsFormatGroupValue, DecodesVersion0) {
    auto g = decode_group_value(group_value_bytes(0));
    ASSERT_TRUE(g) << g.error().message();
    auto want = sample_group();
    want.current_state_timestamp = -1;
    want.members[0].group_instance_id = std::nullopt;
    want.members[0].rebalance_timeout_ms = want.members[0].session_timeout_ms;  // v0: one timeout
    EXPECT_EQ(*g, want);
}

TEST(OffsetsFormatGroupValue, DecodesVersion1) {
    auto g = decode_group_value(group_value_bytes(1));
    ASSERT_TRUE(g) << g.error().message();
    auto want = sample_group();
    want.current_state_timestamp = -1;
    want.members[0].group_instance_id = std::nullopt;
    EXPECT_EQ(*g, want);
}

TEST(OffsetsFormatGroupValue, DecodesVersion2) {
    auto g = decode_group_value(group_value_bytes(2));
    ASSERT_TRUE(g) << g.error().message();
    auto want = sample_group();
    want.members[0].group_instance_id = std::nullopt;
    EXPECT_EQ(*g, want);
}

TEST(OffsetsFormatGroupValue, DecodesVersion3) {
    auto g = decode_group_value(group_value_bytes(3));
    ASSERT_TRUE(g) << g.error().message();
    EXPECT_EQ(*g, sample_group());
}

TEST(OffsetsFormatGroupValue, UnknownVersionsAreInvalidArgument) {
    for (int16_t version : {int16_t{4}, int16_t{-1}}) {
        bytes b = group_value_bytes(3);
        write_be<int16_t>(b, 0, version);
        auto g = decode_group_value(b);
        ASSERT_FALSE(g) << version;
        EXPECT_EQ(g.error(), make_error_code(errc::invalid_argument)) << version;
    }
}

TEST(OffsetsFormatGroupValue, EveryTruncationOfEveryVersionFails) {
    for (int16_t version = 0; version <= 3; ++version) {
        const bytes full = group_value_bytes(version);
        ASSERT_TRUE(decode_group_value(full)) << version;
        for (size_t n = 0; n < full.size(); ++n) {
            EXPECT_FALSE(decode_group_value(bytes_view(full).first(n))) << "v" << version << " prefix " << n;
        }
    }
}

TEST(OffsetsFormatGroupValue, TrailingBytesAreInvalidArgument) {
    auto g = decode_group_value(with_trailing_byte(group_value_bytes(3)));
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error(), make_error_code(errc::invalid_argument));
}

TEST(OffsetsFormatGroupValue, ForgedMemberCountFailsWithoutAllocating) {
    bytes b = be().i16(3).str("consumer").i32(1).null_str().null_str().i64(-1).i32(0x7fffffff).b;
    auto g = decode_group_value(b);
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error(), make_error_code(kafka::errc::invalid_length));
}

TEST(OffsetsFormatGroupValue, NullMemberIdIsRejected) {
    be e;
    e.i16(3).str("consumer").i32(1).str("range").str("m").i64(-1).i32(1);
    e.null_str().null_str().str("c").str("h").i32(1).i32(1).blob("").blob("");
    auto g = decode_group_value(e.b);
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error(), make_error_code(kafka::errc::unexpected_null));
}

// ---- batches ----

struct collected {
    std::vector<std::pair<int64_t, offsets_record>> records;
    std::vector<std::pair<int64_t, std::error_code>> bad;
};

result<collected> collect(bytes_view batch) {
    collected c;
    auto r = for_each_offsets_record(
        batch, [&](int64_t o, offsets_record rec) { c.records.emplace_back(o, std::move(rec)); },
        [&](int64_t o, std::error_code ec) { c.bad.emplace_back(o, ec); });
    if (!r) {
        return r.error();
    }
    return c;
}

const offset_key k_t0{.group = "g", .topic = "t", .partition = 0};
const offset_value v_t0{.offset = 10, .leader_epoch = 3, .metadata = "", .commit_timestamp = 1000};

// Offsets 100..103: an offset commit, a group value, an offset tombstone, a group tombstone.
bytes mixed_batch(record::compression codec) {
    record::batch_builder builder({.base_offset = offset{100}, .codec = codec});
    builder.add(1000, encode_key(k_t0), encode_value(v_t0));
    builder.add(1000, encode_key(group_key{.group = "g"}), encode_value(sample_group()));
    builder.add(1001, encode_key(k_t0), std::nullopt);
    builder.add(1002, encode_key(group_key{.group = "g"}), std::nullopt);
    auto b = builder.build();
    FJORD_ASSERT(b.has_value(), "building a test batch failed");
    return std::move(b).value();
}

void expect_mixed(const collected& c) {
    ASSERT_TRUE(c.bad.empty());
    ASSERT_EQ(c.records.size(), 4u);
    EXPECT_EQ(c.records[0].first, 100);
    EXPECT_EQ(std::get<offset_key>(c.records[0].second.key), k_t0);
    ASSERT_TRUE(c.records[0].second.value);
    EXPECT_EQ(std::get<offset_value>(*c.records[0].second.value), v_t0);

    EXPECT_EQ(c.records[1].first, 101);
    EXPECT_EQ(std::get<group_key>(c.records[1].second.key).group, "g");
    ASSERT_TRUE(c.records[1].second.value);
    EXPECT_EQ(std::get<group_snapshot>(*c.records[1].second.value), sample_group());

    EXPECT_EQ(c.records[2].first, 102);
    EXPECT_EQ(std::get<offset_key>(c.records[2].second.key), k_t0);
    EXPECT_FALSE(c.records[2].second.value);  // tombstone

    EXPECT_EQ(c.records[3].first, 103);
    EXPECT_EQ(std::get<group_key>(c.records[3].second.key).group, "g");
    EXPECT_FALSE(c.records[3].second.value);
}

TEST(OffsetsFormatBatch, DecodesRecordsAndTombstonesInOrder) {
    auto c = collect(mixed_batch(record::compression::none));
    ASSERT_TRUE(c) << c.error().message();
    expect_mixed(*c);
}

TEST(OffsetsFormatBatch, DecodesCompressedBatches) {
    for (auto codec : {record::compression::gzip, record::compression::snappy, record::compression::lz4,
                       record::compression::zstd}) {
        const bytes batch = mixed_batch(codec);
        auto h = record::read_header(batch);
        ASSERT_TRUE(h);
        ASSERT_EQ(h->compression_type(), codec);
        auto c = collect(batch);
        ASSERT_TRUE(c) << record::to_string(codec) << ": " << c.error().message();
        expect_mixed(*c);
    }
}

TEST(OffsetsFormatBatch, SkipsControlBatches) {
    // A COMMIT marker: its key (version 0, type 1) would not decode as an offsets key.
    record::batch_builder builder({.base_offset = offset{7}, .producer_id = 9, .producer_epoch = 1,
                                   .transactional = true, .control = true});
    builder.add(1, hex({0, 0, 0, 1}), bytes(6, std::byte{0}));
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    int calls = 0;
    auto r = for_each_offsets_record(
        *batch, [&](int64_t, offsets_record) { ++calls; }, [&](int64_t, std::error_code) { ++calls; });
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(calls, 0);
}

TEST(OffsetsFormatBatch, CorruptControlBatchIsAnError) {
    record::batch_builder builder({.producer_id = 9, .producer_epoch = 1, .transactional = true, .control = true});
    builder.add(1, hex({0, 0, 0, 1}), bytes(6, std::byte{0}));
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    batch->back() ^= std::byte{0x01};
    auto c = collect(*batch);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), make_error_code(record::errc::bad_crc));
}

TEST(OffsetsFormatBatch, BadRecordsGoToOnBadAndTheRestAreDelivered) {
    record::batch_builder builder({.base_offset = offset{50}});
    builder.add(1, encode_key(k_t0), encode_value(v_t0));
    builder.add(1, be().i16(9).str("g").b, encode_value(v_t0));          // unknown key version
    builder.add(1, std::nullopt, encode_value(v_t0));                     // null key
    builder.add(1, encode_key(k_t0), be().i16(3).i64(1).b);               // truncated value
    builder.add(1, encode_key(group_key{.group = "g"}), encode_value(v_t0));  // offset value under a group key
    builder.add(1, encode_key(group_key{.group = "h"}), std::nullopt);
    auto batch = builder.build();
    ASSERT_TRUE(batch);
    auto c = collect(*batch);
    ASSERT_TRUE(c) << c.error().message();
    ASSERT_EQ(c->records.size(), 2u);
    EXPECT_EQ(c->records[0].first, 50);
    EXPECT_EQ(c->records[1].first, 55);
    EXPECT_EQ(std::get<group_key>(c->records[1].second.key).group, "h");
    ASSERT_EQ(c->bad.size(), 4u);
    EXPECT_EQ(c->bad[0], std::make_pair(int64_t{51}, make_error_code(errc::invalid_argument)));
    EXPECT_EQ(c->bad[1], std::make_pair(int64_t{52}, make_error_code(errc::invalid_argument)));
    EXPECT_EQ(c->bad[2], std::make_pair(int64_t{53}, make_error_code(kafka::errc::truncated)));
    EXPECT_EQ(c->bad[3].first, 54);
    EXPECT_TRUE(c->bad[3].second);
}

TEST(OffsetsFormatBatch, CorruptBatchIsAnErrorWithNoCallbacks) {
    bytes batch = mixed_batch(record::compression::none);
    batch[batch.size() - 3] ^= std::byte{0xff};
    auto c = collect(batch);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), make_error_code(record::errc::bad_crc));
}

TEST(OffsetsFormatBatch, TruncatedBatchIsAnError) {
    const bytes batch = mixed_batch(record::compression::none);
    EXPECT_FALSE(collect(bytes_view(batch).first(batch.size() - 1)));
    auto header_only = collect(bytes_view(batch).first(30));
    ASSERT_FALSE(header_only);
    EXPECT_EQ(header_only.error(), make_error_code(record::errc::truncated));
}

}  // namespace
}  // namespace fjord::group
