// Header version selection, header decode, whole frames and the api table.
#include <gtest/gtest.h>

#include <set>

#include "kafka/protocol/frame.h"
#include "test_util.h"

namespace fjord::kafka {
namespace {

using test::append;
using test::make_bytes;

TEST(Frame, RequestHeaderVersionFollowsFlexibleVersions) {
    EXPECT_EQ(request_header_version(18, 0), 1);
    EXPECT_EQ(request_header_version(18, 2), 1);
    EXPECT_EQ(request_header_version(18, 3), 2);
    EXPECT_EQ(request_header_version(18, 4), 2);  // above our range: still parsed as v2
    EXPECT_EQ(request_header_version(22, 1), 1);
    EXPECT_EQ(request_header_version(22, 2), 2);
    EXPECT_EQ(request_header_version(3, 6), 1);
    EXPECT_EQ(request_header_version(3, 9), 2);
    EXPECT_EQ(request_header_version(0, 7), 1);
    EXPECT_EQ(request_header_version(1, 11), 1);
    EXPECT_EQ(request_header_version(1, 12), 2);
    EXPECT_EQ(request_header_version(api_key_controlled_shutdown, 0), 0);
    EXPECT_EQ(request_header_version(999, 0), 1);
}

TEST(Frame, GroupApisHeaderVersionsFollowTheirFlexibleVersions) {
    EXPECT_EQ(request_header_version(8, 7), 1);   // OffsetCommit: flexible from 8, above our range
    EXPECT_EQ(request_header_version(9, 5), 1);   // OffsetFetch
    EXPECT_EQ(request_header_version(9, 6), 2);
    EXPECT_EQ(request_header_version(9, 7), 2);
    EXPECT_EQ(request_header_version(10, 2), 1);  // FindCoordinator
    EXPECT_EQ(request_header_version(10, 3), 2);
    EXPECT_EQ(request_header_version(11, 5), 1);  // JoinGroup
    EXPECT_EQ(request_header_version(11, 6), 2);
    EXPECT_EQ(request_header_version(16, 2), 1);  // ListGroups
    EXPECT_EQ(request_header_version(16, 3), 2);
    EXPECT_EQ(request_header_version(16, 4), 2);
    EXPECT_EQ(request_header_version(42, 2), 2);  // DeleteGroups
    EXPECT_EQ(request_header_version(47, 0), 1);  // OffsetDelete: never flexible
    EXPECT_EQ(request_header_version(47, 1), 1);
    EXPECT_EQ(response_header_version(9, 5), 0);
    EXPECT_EQ(response_header_version(9, 6), 1);
    EXPECT_EQ(response_header_version(16, 2), 0);
    EXPECT_EQ(response_header_version(16, 4), 1);
    EXPECT_EQ(response_header_version(47, 0), 0);
}

TEST(Frame, ResponseHeaderVersionIsV0ForApiVersionsAlways) {
    for (int16_t v = 0; v <= 4; ++v) {
        EXPECT_EQ(response_header_version(18, v), 0) << v;
    }
    EXPECT_EQ(response_header_version(22, 1), 0);
    EXPECT_EQ(response_header_version(22, 2), 1);
    EXPECT_EQ(response_header_version(3, 6), 0);
}

TEST(Frame, HeaderOfAnApiVersionsRequestNewerThanWeServeIsReadable) {
    // ApiVersions v4: header v2, body not parsed; the server answers UNSUPPORTED_VERSION.
    bytes b = make_bytes({0x00, 0x12, 0x00, 0x04, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x01, 'x', 0x00});
    append(b, {0x02, 'n', 0x02, 'v', 0x00});
    reader r(b);
    auto h = decode_request_header(r);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->api_key, 18);
    EXPECT_EQ(h->api_version, 4);
    EXPECT_EQ(h->correlation_id, 42);
    EXPECT_EQ(h->client_id, "x");
    EXPECT_EQ(r.remaining(), 5u);
    auto whole = decode_request_frame(b);
    ASSERT_FALSE(whole);
    EXPECT_EQ(whole.error(), errc::unsupported_version);
}

TEST(Frame, RequestHeaderV2SkipsUnknownHeaderTags) {
    bytes b = make_bytes({0x00, 0x16, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff,
                          0x01, 0x05, 0x01, 0x00,                     // header tags: tag 5, 1 byte
                          0x00, 0x00, 0x00, 0x00, 0x10, 0x00});       // body
    auto d = decode_request_frame(b);
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(d->header.client_id, std::nullopt);
    auto& body = std::get<init_producer_id_request>(d->body);
    EXPECT_EQ(body.transaction_timeout_ms, 16);
}

TEST(Frame, TruncatedHeaderFails) {
    bytes b = make_bytes({0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x03, 'a'});
    for (size_t len = 0; len < b.size(); ++len) {
        reader r(bytes_view(b).first(len));
        EXPECT_FALSE(decode_request_header(r)) << len;
    }
}

TEST(ApiTable, ListsTheApisAndRangesWeServe) {
    struct expected_api {
        int16_t key, min, max, flexible;
    };
    const expected_api expected[] = {
        {0, 0, 7, 9},   {1, 4, 11, 12}, {2, 0, 3, 6},  {3, 0, 6, 9},  {8, 0, 7, 8},   {9, 0, 7, 6},
        {10, 0, 2, 3},  {11, 0, 5, 6},  {12, 0, 3, 4}, {13, 0, 3, 4}, {14, 0, 3, 4},  {15, 0, 4, 5},
        {16, 0, 4, 3},  {18, 0, 3, 3},  {19, 0, 4, 5}, {20, 0, 3, 4}, {21, 0, 1, 2},  {22, 0, 4, 2},
        {32, 0, 2, 4},  {33, 0, 1, 2},  {37, 0, 1, 2}, {42, 0, 1, 2}, {47, 0, 0, -1},
    };
    ASSERT_EQ(api_table.size(), std::size(expected));
    for (const auto& e : expected) {
        const api_info* a = find_api(e.key);
        ASSERT_NE(a, nullptr) << e.key;
        EXPECT_EQ(a->version_min, e.min) << a->name;
        EXPECT_EQ(a->version_max, e.max) << a->name;
        EXPECT_EQ(a->flexible_version_min, e.flexible) << a->name;
    }
    EXPECT_EQ(find_api(4), nullptr);  // LeaderAndIsr: inter-broker, never served
    EXPECT_EQ(find_api(17), nullptr);
    static_assert(find_api(18)->name == "api_versions");  // usable at compile time
}

TEST(ApiTable, MatchesTheMessageTypes) {
    EXPECT_EQ(find_api(produce_request::key)->version_max, produce_request::version_max);
    EXPECT_EQ(find_api(fetch_response::key)->version_min, fetch_response::version_min);
    EXPECT_EQ(find_api(init_producer_id_request::key)->flexible_version_min,
              init_producer_id_request::flexible_version_min);
}

}  // namespace
}  // namespace fjord::kafka
