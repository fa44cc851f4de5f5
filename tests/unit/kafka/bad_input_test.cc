// Malformed input, one named case each: every one must fail with the named error and
// without allocating more than the input could justify.
#include <gtest/gtest.h>

#include "kafka/protocol/frame.h"
#include "test_util.h"

namespace fjord::kafka {
namespace {

using test::append;
using test::make_bytes;

template<typename T>
std::error_code decode_error(const bytes& b, int16_t version) {
    reader r(b);
    auto m = T::decode(r, version);
    return m ? std::error_code{} : m.error();
}

TEST(BadInput, StringLengthPastEnd) {
    // Metadata v1: one topic whose name claims 10 bytes but 3 follow.
    bytes b = make_bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x0a, 'a', 'b', 'c'});
    EXPECT_EQ(decode_error<metadata_request>(b, 1), errc::invalid_length);
}

TEST(BadInput, CompactStringLengthPastEnd) {
    bytes b = make_bytes({0x7f, 'a', 0x00});  // ApiVersions v3: name of 126 bytes, 2 follow
    EXPECT_EQ(decode_error<api_versions_request>(b, 3), errc::invalid_length);
}

TEST(BadInput, NegativeNonNullableLength) {
    // A topic name of length -2 is malformed everywhere; -1 is null, which a topic name
    // never is.
    EXPECT_EQ(decode_error<metadata_request>(make_bytes({0, 0, 0, 1, 0xff, 0xfe}), 1), errc::invalid_length);
    EXPECT_EQ(decode_error<metadata_request>(make_bytes({0, 0, 0, 1, 0xff, 0xff}), 1), errc::unexpected_null);
    // An array count of -2.
    EXPECT_EQ(decode_error<metadata_request>(make_bytes({0xff, 0xff, 0xff, 0xfe}), 1), errc::invalid_length);
    // Produce v3 records (bytes) of length -5.
    bytes p = make_bytes({0xff, 0xff, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't',
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xfb});
    EXPECT_EQ(decode_error<produce_request>(p, 3), errc::invalid_length);
}

TEST(BadInput, NullArrayInAVersionWithoutNull) {
    // Metadata v0 cannot send a null topic array (v1+ can: it means all topics).
    EXPECT_EQ(decode_error<metadata_request>(make_bytes({0xff, 0xff, 0xff, 0xff}), 0), errc::unexpected_null);
    EXPECT_EQ(decode_error<metadata_request>(make_bytes({0xff, 0xff, 0xff, 0xff}), 1), std::error_code{});
}

TEST(BadInput, ArrayCountLargerThanRemainingBytes) {
    // A huge count must fail before any allocation.
    EXPECT_EQ(decode_error<metadata_request>(make_bytes({0x7f, 0xff, 0xff, 0xff, 0, 1, 'a'}), 1),
              errc::invalid_length);
    // A small count fails too when count x the element's minimum size exceeds what remains:
    // a Produce v3 topic needs at least 6 bytes (int16 name length + int32 partition
    // count); 3 topics with 12 bytes left cannot fit.
    bytes p = make_bytes({0xff, 0xff, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03});
    append(p, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_EQ(produce_request::topic_data::min_size(3), 6u);
    EXPECT_EQ(decode_error<produce_request>(p, 3), errc::invalid_length);
    // Compact arrays obey the same rule: ApiVersions v3 response with 5 api keys (7 bytes
    // each) and 10 bytes left.
    bytes a = make_bytes({0x00, 0x00, 0x06});
    append(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_EQ(decode_error<api_versions_response>(a, 3), errc::invalid_length);
}

TEST(BadInput, AbsurdTaggedFieldCount) {
    // ApiVersions v3 request: two empty compact strings, then a tag count of 100000.
    EXPECT_EQ(decode_error<api_versions_request>(make_bytes({0x01, 0x01, 0xa0, 0x8d, 0x06}), 3),
              errc::too_many_tagged_fields);
    // Above the hard cap even when enough bytes follow.
    bytes capped = make_bytes({0x01, 0x01, 0x81, 0x08});  // 1025
    capped.resize(capped.size() + 4096, std::byte{0});
    EXPECT_EQ(decode_error<api_versions_request>(capped, 3), errc::too_many_tagged_fields);
    // More fields than the remaining bytes could hold (each takes at least 2).
    EXPECT_EQ(decode_error<api_versions_request>(make_bytes({0x01, 0x01, 0x03, 0x00, 0x00}), 3),
              errc::too_many_tagged_fields);
}

TEST(BadInput, TaggedFieldsOutOfOrderOrOversized) {
    // Tags must be strictly ascending.
    EXPECT_EQ(decode_error<api_versions_request>(make_bytes({0x01, 0x01, 0x02, 0x05, 0x00, 0x05, 0x00}), 3),
              errc::invalid_tagged_field);
    // A tag whose size runs past the end.
    EXPECT_EQ(decode_error<api_versions_request>(make_bytes({0x01, 0x01, 0x01, 0x05, 0x09, 0x00}), 3),
              errc::truncated);
    // A known tagged field (ApiVersions response tag 1, int64) whose size is not 8.
    bytes r = make_bytes({0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x09});
    append(r, {0, 0, 0, 0, 0, 0, 0, 5, 0});
    EXPECT_EQ(decode_error<api_versions_response>(r, 3), errc::invalid_tagged_field);
}

TEST(BadInput, VarintTooLong) {
    // Six bytes of unsigned varint where at most five are allowed.
    EXPECT_EQ(decode_error<api_versions_request>(make_bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), 3),
              errc::invalid_varint);
    // Five bytes but a value above 32 bits.
    EXPECT_EQ(decode_error<api_versions_request>(make_bytes({0x80, 0x80, 0x80, 0x80, 0x10}), 3),
              errc::invalid_varint);
    bytes short_varint = make_bytes({0x80, 0x80});
    reader r(short_varint);
    EXPECT_EQ(r.read_uvarint().error(), errc::truncated);
}

TEST(BadInput, UnknownApiKey) {
    reader r(bytes_view{});
    EXPECT_EQ(decode_request(99, 0, r).error(), errc::unknown_api);
    EXPECT_EQ(decode_request(-1, 0, r).error(), errc::unknown_api);
    // Whole frame: the header (v1) still parses; the body is refused.
    bytes frame = make_bytes({0x00, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0x01, 0x02});
    reader hr(frame);
    auto h = decode_request_header(hr);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->correlation_id, 1);
    EXPECT_EQ(decode_request_frame(frame).error(), errc::unknown_api);
}

TEST(BadInput, UnsupportedVersion) {
    bytes empty;
    reader r(empty);
    EXPECT_EQ(decode_request(produce_request::key, 8, r).error(), errc::unsupported_version);
    EXPECT_EQ(decode_request(fetch_request::key, 3, r).error(), errc::unsupported_version);
    EXPECT_EQ(decode_request(api_versions_request::key, 4, r).error(), errc::unsupported_version);
    EXPECT_EQ(decode_request(metadata_request::key, -1, r).error(), errc::unsupported_version);
    EXPECT_EQ(decode_response(init_producer_id_response::key, 5, r).error(), errc::unsupported_version);
}

TEST(BadInput, EmptyFrame) {
    EXPECT_EQ(decode_request_frame(bytes_view{}).error(), errc::truncated);
}

}  // namespace
}  // namespace fjord::kafka
