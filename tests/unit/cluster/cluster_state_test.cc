// cluster_state file format: round trip, and every kind of damage refused.
#include "cluster/cluster_state.h"

#include <gtest/gtest.h>

#include "cluster/errc.h"

namespace fjord::cluster {
namespace {

cluster_state sample() {
    cluster_state s;
    s.cluster_id = "abcDEF123";
    s.next_producer_id = 4000;
    s.topics["orders"] = {.name = "orders", .partitions = 3, .replication_factor = 1,
                          .configs = {{"retention.ms", "1000"}, {"cleanup.policy", "compact"}}};
    s.topics["users"] = {.name = "users", .partitions = 1, .replication_factor = 1, .configs = {}};
    return s;
}

TEST(ClusterState, RoundTrips) {
    auto data = encode_cluster_state(sample());
    auto back = decode_cluster_state(data);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, sample());
}

TEST(ClusterState, FlippedBodyByteFailsCrc) {
    auto data = encode_cluster_state(sample());
    data.back() ^= std::byte{1};
    EXPECT_EQ(decode_cluster_state(data).error(), make_error_code(errc::corrupt_state));
}

TEST(ClusterState, TruncatedFileRefused) {
    auto data = encode_cluster_state(sample());
    data.resize(data.size() - 3);
    EXPECT_EQ(decode_cluster_state(data).error(), make_error_code(errc::corrupt_state));
    data.resize(5);
    EXPECT_EQ(decode_cluster_state(data).error(), make_error_code(errc::corrupt_state));
}

TEST(ClusterState, WrongMagicRefused) {
    auto data = encode_cluster_state(sample());
    data[0] = std::byte{'X'};
    EXPECT_EQ(decode_cluster_state(data).error(), make_error_code(errc::corrupt_state));
}

}  // namespace
}  // namespace fjord::cluster
