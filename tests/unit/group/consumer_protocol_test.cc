// consumer_protocol_test: Subscription and Assignment against bytes built by hand from
// Kafka's ConsumerProtocolSubscription/Assignment schemas and the shapes real clients send
// (facts sheet §6.3: librdkafka v1, kafka-python and kafkajs v0, Sarama v0 with null
// user_data), every version 0-3, newer versions and trailing bytes, and malformed input.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/errc.h"
#include "group/consumer_protocol.h"
#include "kafka/protocol/errc.h"

namespace fjord::group {
namespace {

// Big-endian field writer; mirrors the schema field by field.
struct be {
    bytes b;
    be& i16(int16_t v) { append_be<int16_t>(b, v); return *this; }
    be& i32(int32_t v) { append_be<int32_t>(b, v); return *this; }
    be& str(std::string_view s) {
        i16(static_cast<int16_t>(s.size()));
        auto v = as_bytes_view(s);
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
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

// ---- subscription ----

TEST(ConsumerProtocolSubscription, LibrdkafkaV1WithEmptyOwnedPartitionsAndUserData) {
    const bytes wire = hex({0x00, 0x01,                    // version 1
                            0x00, 0x00, 0x00, 0x01,        // topics: 1
                            0x00, 0x01, 0x74,              //   "t"
                            0x00, 0x00, 0x00, 0x00,        // user_data: empty (not null)
                            0x00, 0x00, 0x00, 0x00});      // owned_partitions: 0
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->version, 1);
    EXPECT_EQ(s->topics, std::vector<std::string>{"t"});
    ASSERT_TRUE(s->user_data.has_value());
    EXPECT_TRUE(s->user_data->empty());
    EXPECT_TRUE(s->owned_partitions.empty());
    EXPECT_EQ(s->generation_id, -1);
    EXPECT_EQ(s->rack_id, std::nullopt);
    EXPECT_EQ(encode_subscription(*s), wire);
}

TEST(ConsumerProtocolSubscription, SaramaV0WithNullUserData) {
    const bytes wire = hex({0x00, 0x00,                    // version 0
                            0x00, 0x00, 0x00, 0x02,        // topics: 2
                            0x00, 0x01, 0x61,              //   "a"
                            0x00, 0x01, 0x62,              //   "b"
                            0xff, 0xff, 0xff, 0xff});      // user_data: null
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->version, 0);
    EXPECT_EQ(s->topics, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(s->user_data, std::nullopt);
    EXPECT_EQ(encode_subscription(*s), wire);
}

TEST(ConsumerProtocolSubscription, KafkaPythonV0WithEmptyUserData) {
    const bytes wire = be().i16(0).i32(1).str("events").blob("").b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(*s, (subscription{.version = 0, .topics = {"events"}, .user_data = bytes{}}));
    EXPECT_EQ(encode_subscription(*s), wire);
}

TEST(ConsumerProtocolSubscription, V1WithOwnedPartitions) {
    const bytes wire = be().i16(1).i32(1).str("t").blob("ud").i32(1).str("t").i32(2).i32(0).i32(5).b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->user_data, std::optional<bytes>(to_bytes("ud")));
    ASSERT_EQ(s->owned_partitions.size(), 1u);
    EXPECT_EQ(s->owned_partitions[0], (topic_partitions{.topic = "t", .partitions = {0, 5}}));
}

TEST(ConsumerProtocolSubscription, V2WithGenerationId) {
    const bytes wire = be().i16(2).i32(1).str("t").blob("").i32(0).i32(12).b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->version, 2);
    EXPECT_EQ(s->generation_id, 12);
    EXPECT_EQ(s->rack_id, std::nullopt);
    EXPECT_EQ(encode_subscription(*s), wire);
}

TEST(ConsumerProtocolSubscription, V3WithRack) {
    const bytes wire = be().i16(3).i32(2).str("a").str("b").blob("x")
                           .i32(1).str("a").i32(1).i32(3)
                           .i32(4)
                           .str("rack-1").b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    const subscription want{.version = 3,
                            .topics = {"a", "b"},
                            .user_data = to_bytes("x"),
                            .owned_partitions = {{.topic = "a", .partitions = {3}}},
                            .generation_id = 4,
                            .rack_id = "rack-1"};
    EXPECT_EQ(*s, want);
    EXPECT_EQ(encode_subscription(want), wire);
}

TEST(ConsumerProtocolSubscription, V3WithNullRack) {
    const bytes wire = be().i16(3).i32(0).blob("").i32(0).i32(-1).i16(-1).b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->rack_id, std::nullopt);
    EXPECT_EQ(encode_subscription(*s), wire);
}

TEST(ConsumerProtocolSubscription, TrailingBytesAreIgnored) {
    const bytes wire = be().i16(0).i32(1).str("t").blob("").hex({0xde, 0xad, 0xbe, 0xef}).b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(*s, (subscription{.version = 0, .topics = {"t"}, .user_data = bytes{}}));
}

TEST(ConsumerProtocolSubscription, NewerVersionIsReadWithTheV3Layout) {
    const bytes wire = be().i16(5).i32(1).str("t").blob("").i32(0).i32(2).str("r").hex({0x01, 0x02}).b;
    auto s = parse_subscription(wire);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->version, 5);
    EXPECT_EQ(s->topics, std::vector<std::string>{"t"});
    EXPECT_EQ(s->generation_id, 2);
    EXPECT_EQ(s->rack_id, std::optional<std::string>("r"));
}

TEST(ConsumerProtocolSubscription, EmptyInputIsAnError) {
    auto s = parse_subscription({});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), make_error_code(kafka::errc::truncated));
}

TEST(ConsumerProtocolSubscription, EveryTruncationOfEveryVersionFails) {
    const std::vector<bytes> all = {
        be().i16(0).i32(1).str("t").blob("u").b,
        be().i16(1).i32(1).str("t").blob("u").i32(1).str("t").i32(1).i32(0).b,
        be().i16(2).i32(1).str("t").blob("u").i32(1).str("t").i32(1).i32(0).i32(3).b,
        be().i16(3).i32(1).str("t").blob("u").i32(1).str("t").i32(1).i32(0).i32(3).str("r").b,
    };
    for (const auto& full : all) {
        ASSERT_TRUE(parse_subscription(full));
        for (size_t n = 0; n < full.size(); ++n) {
            EXPECT_FALSE(parse_subscription(bytes_view(full).first(n))) << n << " of " << full.size();
        }
    }
}

TEST(ConsumerProtocolSubscription, NegativeVersionIsInvalidArgument) {
    auto s = parse_subscription(be().i16(-1).i32(0).blob("").b);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), make_error_code(errc::invalid_argument));
}

TEST(ConsumerProtocolSubscription, ForgedTopicCountFails) {
    auto s = parse_subscription(be().i16(0).i32(0x7fffffff).str("t").b);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), make_error_code(kafka::errc::invalid_length));
}

TEST(ConsumerProtocolSubscription, NullTopicsArrayFails) {
    auto s = parse_subscription(be().i16(0).i32(-1).blob("").b);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), make_error_code(kafka::errc::unexpected_null));
}

TEST(ConsumerProtocolSubscription, EncodeWritesOnlyTheFieldsOfItsVersion) {
    const subscription s{.version = 0, .topics = {"t"}, .user_data = std::nullopt,
                         .owned_partitions = {{.topic = "t", .partitions = {1}}}, .generation_id = 9,
                         .rack_id = "r"};
    EXPECT_EQ(encode_subscription(s), be().i16(0).i32(1).str("t").i32(-1).b);
}

// ---- assignment ----

TEST(ConsumerProtocolAssignment, V0GoldenBytesRoundTrip) {
    const bytes wire = hex({0x00, 0x00,                    // version 0
                            0x00, 0x00, 0x00, 0x01,        // assigned_partitions: 1
                            0x00, 0x01, 0x74,              //   topic "t"
                            0x00, 0x00, 0x00, 0x02,        //   partitions: 2
                            0x00, 0x00, 0x00, 0x00,        //     0
                            0x00, 0x00, 0x00, 0x01,        //     1
                            0xff, 0xff, 0xff, 0xff});      // user_data: null (Sarama)
    const assignment want{.version = 0, .partitions = {{.topic = "t", .partitions = {0, 1}}}, .user_data = std::nullopt};
    auto a = parse_assignment(wire);
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(*a, want);
    EXPECT_EQ(encode_assignment(want), wire);
}

TEST(ConsumerProtocolAssignment, EmptyInputIsNothingAssigned) {
    auto a = parse_assignment({});
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->version, 0);
    EXPECT_TRUE(a->partitions.empty());
    EXPECT_EQ(a->user_data, std::nullopt);
}

TEST(ConsumerProtocolAssignment, EveryVersionSharesOneLayout) {
    for (int16_t version = 0; version <= 3; ++version) {
        const bytes wire = be().i16(version).i32(2).str("a").i32(1).i32(7).str("b").i32(0).blob("ud").b;
        auto a = parse_assignment(wire);
        ASSERT_TRUE(a) << version << ": " << a.error().message();
        const assignment want{.version = version,
                              .partitions = {{.topic = "a", .partitions = {7}}, {.topic = "b", .partitions = {}}},
                              .user_data = to_bytes("ud")};
        EXPECT_EQ(*a, want) << version;
        EXPECT_EQ(encode_assignment(want), wire) << version;
    }
}

TEST(ConsumerProtocolAssignment, TrailingBytesAndNewerVersionsAreAccepted) {
    const bytes wire = be().i16(7).i32(1).str("t").i32(1).i32(2).blob("").hex({0x00, 0x00, 0x00, 0x05}).b;
    auto a = parse_assignment(wire);
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->version, 7);
    EXPECT_EQ(a->partitions, (std::vector<topic_partitions>{{.topic = "t", .partitions = {2}}}));
    EXPECT_EQ(a->user_data, std::optional<bytes>(bytes{}));
}

TEST(ConsumerProtocolAssignment, EveryNonEmptyTruncationFails) {
    const bytes full = be().i16(1).i32(1).str("t").i32(2).i32(0).i32(1).blob("u").b;
    ASSERT_TRUE(parse_assignment(full));
    for (size_t n = 1; n < full.size(); ++n) {
        EXPECT_FALSE(parse_assignment(bytes_view(full).first(n))) << n << " of " << full.size();
    }
}

TEST(ConsumerProtocolAssignment, NegativeVersionIsInvalidArgument) {
    auto a = parse_assignment(be().i16(-2).i32(0).i32(-1).b);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), make_error_code(errc::invalid_argument));
}

TEST(ConsumerProtocolAssignment, ForgedPartitionCountFails) {
    auto a = parse_assignment(be().i16(0).i32(1).str("t").i32(0x40000000).i32(0).b);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), make_error_code(kafka::errc::invalid_length));
}

}  // namespace
}  // namespace fjord::group
