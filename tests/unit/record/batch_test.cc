// validate(), read_header(), the in-place rewrites and decode_records(). Every malformed
// batch is its own named test: each starts from a well-formed batch (record_test_util.h)
// and breaks exactly one thing, with the CRC recomputed unless the CRC is the point.
#include "record/batch.h"

#include <gtest/gtest.h>

#include <limits>

#include "record/builder.h"
#include "record_test_util.h"

namespace fjord::record {
namespace {

using test::b;
using test::enc;
using test::framed;
using test::record_body;
using test::records;
using test::wrap;
using test::wrap_n;

const validate_options compacted{.require_contiguous_offsets = false};

void expect_invalid(const bytes& batch, errc want, const validate_options& opts = {}) {
    auto r = validate(batch, opts);
    ASSERT_FALSE(r) << "validate accepted a batch that should fail with " << make_error_code(want).message();
    EXPECT_EQ(r.error(), want) << "got: " << r.error().message();
}

TEST(Batch, WellFormedBatchValidates) {
    const bytes batch = wrap_n(records(3), 3);
    auto h = validate(batch);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->records_count, 3);
    EXPECT_EQ(h->size_bytes(), batch.size());
}

TEST(Batch, ReadHeaderDecodesEveryField) {
    bytes batch = wrap(records(2), {.base_offset = 42, .attributes = attr::transactional, .records_count = 2,
                                    .last_offset_delta = 1, .base_timestamp = 7, .max_timestamp = 9,
                                    .producer_id = 1234});
    set_partition_leader_epoch(batch, 5);
    auto h = read_header(batch);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->base_offset, offset{42});
    EXPECT_EQ(h->batch_length, static_cast<int32_t>(batch.size() - 12));
    EXPECT_EQ(h->partition_leader_epoch, 5);
    EXPECT_EQ(h->magic, 2);
    EXPECT_EQ(h->crc, compute_crc(batch));
    EXPECT_TRUE(h->is_transactional());
    EXPECT_FALSE(h->is_control());
    EXPECT_EQ(h->last_offset_delta, 1);
    EXPECT_EQ(h->base_timestamp, 7);
    EXPECT_EQ(h->max_timestamp, 9);
    EXPECT_EQ(h->producer_id, 1234);
    EXPECT_EQ(h->producer_epoch, -1);
    EXPECT_EQ(h->base_sequence, -1);
    EXPECT_EQ(h->records_count, 2);
    EXPECT_EQ(h->last_offset(), offset{43});
    EXPECT_EQ(h->next_offset(), offset{44});
}

TEST(Batch, ReadHeaderNeedsOnlyTheHeaderAndIgnoresWhatFollows) {
    bytes two = wrap_n(records(1), 1);
    const bytes second = wrap_n(records(2), 2);
    const size_t first_size = two.size();
    two.insert(two.end(), second.begin(), second.end());
    auto h = read_header(two);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->size_bytes(), first_size);
    EXPECT_TRUE(read_header(bytes_view(two).first(layout::header_size)));
}

TEST(Batch, HeaderShorterThan61BytesIsTruncated) {
    const bytes batch = wrap_n(records(1), 1);
    auto h = read_header(bytes_view(batch).first(60));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error(), errc::truncated);
    expect_invalid(bytes(batch.begin(), batch.begin() + 60), errc::truncated);
}

TEST(Batch, BadMagic) {
    for (int8_t m : {0, 1, 3, -1}) {
        bytes batch = wrap_n(records(1), 1);
        write_be<int8_t>(batch, layout::magic, m);
        expect_invalid(batch, errc::bad_magic);
        EXPECT_EQ(read_header(batch).error(), errc::bad_magic);
    }
}

TEST(Batch, BatchLengthTooSmall) {
    bytes batch = wrap_n(records(1), 1);
    write_be<int32_t>(batch, layout::batch_length, 48);
    expect_invalid(batch, errc::bad_length);
}

TEST(Batch, NegativeBatchLength) {
    bytes batch = wrap_n(records(1), 1);
    write_be<int32_t>(batch, layout::batch_length, -1);
    expect_invalid(batch, errc::bad_length);
}

TEST(Batch, LengthPastEnd) {
    bytes batch = wrap_n(records(1), 1);
    write_be<int32_t>(batch, layout::batch_length, static_cast<int32_t>(batch.size()));  // 12 too many
    expect_invalid(batch, errc::truncated);
}

TEST(Batch, HugeBatchLengthIsTruncatedNotAllocated) {
    bytes batch = wrap_n(records(1), 1);
    write_be<int32_t>(batch, layout::batch_length, std::numeric_limits<int32_t>::max());
    expect_invalid(batch, errc::truncated);
}

TEST(Batch, BufferLongerThanBatchLength) {
    bytes batch = wrap_n(records(1), 1);
    batch.push_back(std::byte{0});
    expect_invalid(batch, errc::bad_length);
}

TEST(Batch, BadCrc) {
    bytes batch = wrap_n(records(2), 2);
    batch.back() ^= std::byte{0x01};
    expect_invalid(batch, errc::bad_crc);
}

TEST(Batch, CrcFieldItselfCorrupted) {
    bytes batch = wrap_n(records(2), 2);
    batch[layout::crc] ^= std::byte{0x80};
    expect_invalid(batch, errc::bad_crc);
}

TEST(Batch, CrcCoversAttributesButNotBaseOffsetOrLeaderEpoch) {
    bytes batch = wrap_n(records(1), 1);
    batch[layout::base_offset + 3] ^= std::byte{0xff};
    batch[layout::partition_leader_epoch + 3] ^= std::byte{0xff};
    EXPECT_TRUE(validate(batch));
    batch[layout::attributes + 1] ^= std::byte{0x10};
    expect_invalid(batch, errc::bad_crc);
}

TEST(Batch, UnknownAttributeBits) {
    for (int bit : {0x80, 0x100, 0x4000, 0x8000}) {
        expect_invalid(wrap_n(records(1), 1, static_cast<int16_t>(bit)), errc::bad_attributes);
    }
}

TEST(Batch, UnsupportedCodec) {
    for (int16_t codec : {5, 6, 7}) {
        expect_invalid(wrap_n(records(1), 1, codec), errc::unsupported_compression);
    }
}

TEST(Batch, NegativeRecordCount) {
    expect_invalid(wrap(records(1), {.records_count = -1, .last_offset_delta = 0}), errc::bad_record_count);
    expect_invalid(wrap(records(1), {.records_count = -1, .last_offset_delta = 0}), errc::bad_record_count, compacted);
}

TEST(Batch, ZeroRecordsRejectedForClientAppends) {
    expect_invalid(wrap({}, {.records_count = 0, .last_offset_delta = 0}), errc::bad_record_count);
}

TEST(Batch, NegativeLastOffsetDelta) {
    expect_invalid(wrap(records(1), {.records_count = 1, .last_offset_delta = -1}), errc::bad_offset_delta);
    expect_invalid(wrap(records(1), {.records_count = 1, .last_offset_delta = -1}), errc::bad_offset_delta, compacted);
}

TEST(Batch, RecordCountMismatch) {
    // Header claims three records; the array holds two.
    expect_invalid(wrap(records(2), {.records_count = 3, .last_offset_delta = 2}), errc::bad_record_count);
}

TEST(Batch, RecordCountAboveWhatTheBytesCanHold) {
    expect_invalid(wrap(records(2), {.records_count = 1'000'000, .last_offset_delta = 999'999}),
                   errc::bad_record_count);
}

TEST(Batch, RecordCountNotLastOffsetDeltaPlusOne) {
    expect_invalid(wrap(records(2), {.records_count = 2, .last_offset_delta = 5}), errc::bad_record_count);
}

TEST(Batch, OffsetsOverflowInt64) {
    expect_invalid(wrap(records(2), {.base_offset = std::numeric_limits<int64_t>::max(), .records_count = 2,
                                     .last_offset_delta = 1}),
                   errc::bad_offset_delta);
}

TEST(Batch, OffsetDeltasOutOfOrder) {
    bytes arr = framed(record_body(1));
    auto second = framed(record_body(0));
    arr.insert(arr.end(), second.begin(), second.end());
    expect_invalid(wrap_n(arr, 2), errc::bad_offset_delta);
    expect_invalid(wrap_n(arr, 2), errc::bad_offset_delta, compacted);
}

TEST(Batch, OffsetDeltaGapRejectedForClientAppends) {
    bytes arr = framed(record_body(0));
    auto second = framed(record_body(2));
    arr.insert(arr.end(), second.begin(), second.end());
    expect_invalid(wrap(arr, {.records_count = 2, .last_offset_delta = 1}), errc::bad_offset_delta);
}

TEST(Batch, DuplicateOffsetDeltaInCompactedBatch) {
    bytes arr = framed(record_body(3));
    auto second = framed(record_body(3));
    arr.insert(arr.end(), second.begin(), second.end());
    expect_invalid(wrap(arr, {.records_count = 2, .last_offset_delta = 5}), errc::bad_offset_delta, compacted);
}

TEST(Batch, OffsetDeltaBeyondLastOffsetDeltaInCompactedBatch) {
    expect_invalid(wrap(framed(record_body(6)), {.records_count = 1, .last_offset_delta = 5}), errc::bad_offset_delta,
                   compacted);
}

TEST(Batch, NegativeOffsetDeltaInCompactedBatch) {
    expect_invalid(wrap(framed(record_body(-1)), {.records_count = 1, .last_offset_delta = 5}), errc::bad_offset_delta,
                   compacted);
}

TEST(Batch, NegativeRecordLength) {
    bytes arr = enc().vint(-1).raw(record_body(0)).b;
    expect_invalid(wrap_n(arr, 1), errc::bad_record);
}

TEST(Batch, ZeroRecordLength) {
    bytes arr = enc().vint(0).raw(record_body(0)).b;
    expect_invalid(wrap_n(arr, 1), errc::bad_record);
}

TEST(Batch, RecordLongerThanBatch) {
    const bytes body = record_body(0);
    bytes arr = enc().vint(static_cast<int32_t>(body.size() + 1)).raw(body).b;
    expect_invalid(wrap_n(arr, 1), errc::bad_record);
}

TEST(Batch, RecordLengthShorterThanItsFields) {
    // The length covers the first 3 bytes of the body only: the key runs past the record.
    const bytes body = record_body(0, "key", "value");
    bytes arr = enc().vint(4).raw(body).b;
    auto r = validate(wrap_n(arr, 1));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error() == errc::bad_record || r.error() == errc::bad_varint) << r.error().message();
}

TEST(Batch, RecordLengthLongerThanItsFields) {
    // One spare byte inside the record: the record does not consume exactly its length.
    bytes body = record_body(0);
    body.push_back(std::byte{0});
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, NegativeKeyLength) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-2).vint(1).str("v").vint(0).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, KeyLongerThanRecord) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(100).str("k").vint(-1).vint(0).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, NegativeValueLength) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-7).vint(0).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, ValueLongerThanRecord) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(50).str("v").vint(0).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, NegativeHeaderCount) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(-1).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, HeaderCountAboveWhatTheRecordCanHold) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(1'000'000).vint(1).str("h").vint(-1).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, NegativeHeaderKeyLength) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(1).vint(-1).vint(-1).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, HeaderValueLengthBelowMinusOne) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(1).vint(1).str("h").vint(-2).b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, HeaderValueLongerThanRecord) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(1).vint(1).str("h").vint(9).str("x").b;
    expect_invalid(wrap_n(framed(body), 1), errc::bad_record);
}

TEST(Batch, NullHeaderValueAndEmptyHeaderKeyAreValid) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(2).vint(0).vint(-1).vint(1).str("h").vint(0).b;
    EXPECT_TRUE(validate(wrap_n(framed(body), 1)));
}

TEST(Batch, AbsurdVarint) {
    // A record length of eleven continuation bytes.
    bytes arr(11, std::byte{0xff});
    arr.push_back(std::byte{0x01});
    expect_invalid(wrap_n(arr, 1), errc::bad_varint);
}

TEST(Batch, OverLongTimestampDelta) {
    bytes body = enc().i8(0).b;
    body.insert(body.end(), 11, std::byte{0x80});
    body.push_back(std::byte{0x00});
    expect_invalid(wrap_n(framed(body), 1), errc::bad_varint);
}

TEST(Batch, VarintRunningPastTheRecord) {
    // Offset delta varint has its continuation bit set on the record's last byte.
    bytes body = enc().i8(0).vlong(0).hex({0x80}).b;
    bytes arr = framed(body);
    arr.insert(arr.end(), {std::byte{0x00}, std::byte{0x00}, std::byte{0x00}, std::byte{0x00}});
    auto r = validate(wrap_n(arr, 1));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_varint);
}

TEST(Batch, TrailingBytesAfterLastRecord) {
    bytes arr = records(2);
    arr.push_back(std::byte{0});
    expect_invalid(wrap_n(arr, 2), errc::trailing_bytes);
}

TEST(Batch, MoreRecordsThanCounted) {
    expect_invalid(wrap(records(3), {.records_count = 2, .last_offset_delta = 1}), errc::trailing_bytes);
}

bytes control_record(std::optional<std::string_view> key) {
    return framed(record_body(0, key, std::string_view("\0\0\0\0\0\0", 6)));
}

const int16_t control_attrs = attr::transactional | attr::control;
const std::string_view commit_key("\0\0\0\1", 4);

TEST(Batch, ValidControlBatch) {
    EXPECT_TRUE(validate(wrap_n(control_record(commit_key), 1, control_attrs)));
}

TEST(Batch, ControlBatchWithTwoRecords) {
    bytes arr = control_record(commit_key);
    auto second = framed(record_body(1, commit_key, "\0\0\0\0\0\0"));
    arr.insert(arr.end(), second.begin(), second.end());
    expect_invalid(wrap_n(arr, 2, control_attrs), errc::bad_attributes);
}

TEST(Batch, ControlBatchWithNoRecords) {
    expect_invalid(wrap({}, {.attributes = control_attrs, .records_count = 0, .last_offset_delta = 0}),
                   errc::bad_attributes, compacted);
}

TEST(Batch, ControlBatchKeyTooShort) {
    expect_invalid(wrap_n(control_record(std::string_view("\0\0\0", 3)), 1, control_attrs), errc::bad_attributes);
}

TEST(Batch, ControlBatchNullKey) {
    expect_invalid(wrap_n(control_record(std::nullopt), 1, control_attrs), errc::bad_attributes);
}

TEST(Batch, CheckRecordsOffSkipsTheRecordWalk) {
    bytes arr = records(2);
    arr.push_back(std::byte{0});
    EXPECT_TRUE(validate(wrap_n(arr, 2), {.check_records = false}));
}

TEST(Batch, CompressedRecordsAreOpaqueWithoutADecompressLimit) {
    const bytes batch = wrap_n(b("definitely not gzip"), 2, static_cast<int16_t>(compression::gzip));
    EXPECT_TRUE(validate(batch));
    expect_invalid(batch, errc::decompression_failed, {.decompress_limit_bytes = 1 << 20});
}

TEST(Batch, CompressedRecordsAreWalkedWithADecompressLimit) {
    bytes arr = records(2);
    arr.push_back(std::byte{0});
    auto gz = compress(compression::gzip, arr);
    ASSERT_TRUE(gz);
    const bytes batch = wrap_n(*gz, 2, static_cast<int16_t>(compression::gzip));
    EXPECT_TRUE(validate(batch));
    expect_invalid(batch, errc::trailing_bytes, {.decompress_limit_bytes = 1 << 20});
}

TEST(Batch, CompressionBombInsideABatch) {
    const bytes zeros(8 << 20, std::byte{0});
    auto z = compress(compression::zstd, zeros);
    ASSERT_TRUE(z);
    const bytes batch = wrap_n(*z, 1, static_cast<int16_t>(compression::zstd));
    expect_invalid(batch, errc::decompressed_too_large, {.decompress_limit_bytes = 1 << 20});
    auto d = decode_records(batch, 1 << 20);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompressed_too_large);
}

// Compaction mode: stored batches whose records were removed keep their offset span.

bytes gapped_records() {
    bytes arr;
    for (int32_t d : {0, 3, 7}) {
        auto r = framed(record_body(d));
        arr.insert(arr.end(), r.begin(), r.end());
    }
    return arr;
}

TEST(Compacted, GapsAllowed) {
    const bytes batch = wrap(gapped_records(), {.records_count = 3, .last_offset_delta = 9});
    EXPECT_TRUE(validate(batch, compacted));
    expect_invalid(batch, errc::bad_record_count);  // not a valid client append
}

TEST(Compacted, RecordsCountAboveOffsetSpan) {
    expect_invalid(wrap(records(3), {.records_count = 3, .last_offset_delta = 1}), errc::bad_record_count, compacted);
}

TEST(Compacted, EmptyBatchKeepsItsSpan) {
    auto h = validate(wrap({}, {.records_count = 0, .last_offset_delta = 4}), compacted);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->next_offset(), offset{5});
}

TEST(Compacted, EmptyCompressedHeaderOnlyBatch) {
    // Kafka's cleaner writes header-only batches that keep the codec bits.
    const bytes batch = wrap({}, {.attributes = static_cast<int16_t>(compression::lz4), .records_count = 0,
                                  .last_offset_delta = 4});
    EXPECT_TRUE(validate(batch, {.require_contiguous_offsets = false, .decompress_limit_bytes = 1 << 20}));
    auto d = decode_records(batch, 1 << 20);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->empty());
}

TEST(Compacted, DecodeResolvesGappedOffsets) {
    auto d = decode_records(wrap(gapped_records(), {.base_offset = 100, .records_count = 3, .last_offset_delta = 9}),
                            1 << 20);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->size(), 3u);
    EXPECT_EQ((*d)[0].abs_offset, offset{100});
    EXPECT_EQ((*d)[1].abs_offset, offset{103});
    EXPECT_EQ((*d)[2].abs_offset, offset{107});
}

// In-place rewrites.

TEST(Rewrite, SetBaseOffsetLeavesCrcValid) {
    bytes batch = wrap_n(records(2), 2);
    const uint32_t crc = read_be<uint32_t>(batch, layout::crc);
    set_base_offset(batch, offset{1'000'000});
    EXPECT_EQ(read_be<uint32_t>(batch, layout::crc), crc);
    auto h = validate(batch);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->base_offset, offset{1'000'000});
}

TEST(Rewrite, SetPartitionLeaderEpochLeavesCrcValid) {
    bytes batch = wrap_n(records(2), 2);
    set_partition_leader_epoch(batch, 77);
    auto h = validate(batch);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->partition_leader_epoch, 77);
}

TEST(Rewrite, SetMaxTimestampLogAppendTimeSetsBitAndRecomputesCrc) {
    bytes batch = wrap_n(records(2), 2);
    set_max_timestamp(batch, 5'000, timestamp_type::log_append_time);
    auto h = validate(batch);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->max_timestamp, 5'000);
    EXPECT_EQ(h->timestamp_kind(), timestamp_type::log_append_time);
    auto d = decode_records(batch, 1 << 20);
    ASSERT_TRUE(d);
    for (const auto& r : *d) EXPECT_EQ(r.timestamp, 5'000);
}

TEST(Rewrite, SetMaxTimestampCreateTimeClearsBit) {
    bytes batch = wrap_n(records(1), 1, attr::timestamp_type);
    set_max_timestamp(batch, 3'000, timestamp_type::create_time);
    auto h = validate(batch);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->timestamp_kind(), timestamp_type::create_time);
    EXPECT_EQ(h->max_timestamp, 3'000);
}

TEST(Rewrite, SetMaxTimestampKeepsOtherAttributes) {
    bytes batch = wrap_n(control_record(commit_key), 1, control_attrs | static_cast<int16_t>(compression::none));
    set_max_timestamp(batch, 1, timestamp_type::log_append_time);
    auto h = validate(batch);
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->is_control());
    EXPECT_TRUE(h->is_transactional());
}

TEST(Rewrite, RecomputeCrcRepairsAnEditInsideTheCrcRange) {
    bytes batch = wrap_n(records(1), 1);
    write_be<int64_t>(batch, layout::producer_id, 99);
    expect_invalid(batch, errc::bad_crc);
    recompute_crc(batch);
    EXPECT_TRUE(validate(batch));
    EXPECT_EQ(compute_crc(batch), read_be<uint32_t>(batch, layout::crc));
}

// decode_records.

TEST(Decode, ResolvesOffsetsAndTimestamps) {
    bytes arr;
    for (int32_t i = 0; i < 3; ++i) {
        auto r = framed(record_body(i, "k", "v", i * 10 - 5));
        arr.insert(arr.end(), r.begin(), r.end());
    }
    auto d = decode_records(wrap(arr, {.base_offset = 50, .records_count = 3, .last_offset_delta = 2,
                                       .base_timestamp = 1'000, .max_timestamp = 1'015}),
                            1 << 20);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->size(), 3u);
    for (int32_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*d)[i].abs_offset, offset{50 + i});
        EXPECT_EQ((*d)[i].offset_delta, i);
        EXPECT_EQ((*d)[i].timestamp_delta, i * 10 - 5);
        EXPECT_EQ((*d)[i].timestamp, 1'000 + i * 10 - 5);
        EXPECT_EQ((*d)[i].key, b("k"));
        EXPECT_EQ((*d)[i].value, b("v"));
    }
}

TEST(Decode, NullKeyAndTombstone) {
    auto d = decode_records(wrap_n(framed(record_body(0, std::nullopt, std::nullopt)), 1), 1 << 20);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->size(), 1u);
    EXPECT_FALSE((*d)[0].key.has_value());
    EXPECT_FALSE((*d)[0].value.has_value());
}

TEST(Decode, EmptyKeyIsNotNull) {
    auto d = decode_records(wrap_n(framed(record_body(0, "", "")), 1), 1 << 20);
    ASSERT_TRUE(d);
    ASSERT_TRUE((*d)[0].key.has_value());
    EXPECT_TRUE((*d)[0].key->empty());
}

TEST(Decode, Headers) {
    bytes body = enc().i8(0).vlong(0).vint(0).vint(-1).vint(-1).vint(2).vint(1).str("a").vint(1).str("x").vint(1)
                     .str("b").vint(-1).b;
    auto d = decode_records(wrap_n(framed(body), 1), 1 << 20);
    ASSERT_TRUE(d);
    ASSERT_EQ((*d)[0].headers.size(), 2u);
    EXPECT_EQ((*d)[0].headers[0], (record_header{"a", b("x")}));
    EXPECT_EQ((*d)[0].headers[1], (record_header{"b", std::nullopt}));
}

TEST(Decode, RejectsWhatValidateRejects) {
    bytes batch = wrap_n(records(2), 2);
    batch.back() ^= std::byte{1};
    EXPECT_EQ(decode_records(batch, 1 << 20).error(), errc::bad_crc);
    bytes trailing = records(2);
    trailing.push_back(std::byte{0});
    EXPECT_EQ(decode_records(wrap_n(trailing, 2), 1 << 20).error(), errc::trailing_bytes);
    EXPECT_EQ(decode_records(bytes(10), 1 << 20).error(), errc::truncated);
}

TEST(Decode, HugeRecordCountDoesNotReserveFromTheHeader) {
    // Compacted rules allow count <= span; the count is still checked against the bytes.
    auto d = decode_records(wrap(records(1), {.records_count = 2'000'000'000, .last_offset_delta = 2'000'000'000}),
                            1 << 20);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::bad_record_count);
}

TEST(Errc, EveryCodeHasAMessageAndTheRecordCategory) {
    for (int c = 0; c <= static_cast<int>(errc::decompressed_too_large); ++c) {
        const std::error_code ec = make_error_code(static_cast<errc>(c));
        EXPECT_EQ(ec.category(), record_category());
        EXPECT_EQ(ec.message().find("unknown"), std::string::npos) << c;
    }
    EXPECT_STREQ(record_category().name(), "fjord.record");
}

}  // namespace
}  // namespace fjord::record
