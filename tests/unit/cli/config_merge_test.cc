// cli/config_merge.h: `topic alter` must send the full override set (AlterConfigs replaces it).
#include "cli/config_merge.h"

#include <gtest/gtest.h>

namespace fjord::cli {
namespace {

TEST(IsTopicOverride, BySourceOrByIsDefaultWhenTheSourceIsUnknown) {
    EXPECT_TRUE(is_topic_override(RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG, true));
    EXPECT_FALSE(is_topic_override(RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG, false));
    EXPECT_FALSE(is_topic_override(RD_KAFKA_CONFIG_SOURCE_STATIC_BROKER_CONFIG, false));
    EXPECT_TRUE(is_topic_override(RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG, false));
    EXPECT_FALSE(is_topic_override(RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG, true));
}

TEST(MergeOverrides, KeepsUntouchedOverridesAndAddsNewOnes) {
    auto m = merge_overrides("t", {{"retention.ms", "1000"}}, {{"segment.bytes", "4096"}}, {});
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, (config_map{{"retention.ms", "1000"}, {"segment.bytes", "4096"}}));
}

TEST(MergeOverrides, SetReplacesAndTheLastOfTheSameKeyWins) {
    auto m = merge_overrides("t", {{"retention.ms", "1000"}}, {{"retention.ms", "5"}, {"retention.ms", "7"}}, {});
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, (config_map{{"retention.ms", "7"}}));
}

TEST(MergeOverrides, DeleteRemovesAnOverride) {
    auto m = merge_overrides("t", {{"retention.ms", "1000"}, {"cleanup.policy", "compact"}}, {}, {"retention.ms"});
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, (config_map{{"cleanup.policy", "compact"}}));
}

TEST(MergeOverrides, DeletingEverythingLeavesAnEmptySet) {
    auto m = merge_overrides("t", {{"retention.ms", "1000"}}, {}, {"retention.ms"});
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->empty());
}

TEST(MergeOverrides, DeletingAKeyWithoutAnOverrideFailsNamingTopicAndKey) {
    auto m = merge_overrides("orders", {}, {}, {"retention.ms"});
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().exit_code, exit_runtime_failure);
    EXPECT_NE(m.error().message.find("'orders'"), std::string::npos);
    EXPECT_NE(m.error().message.find("'retention.ms'"), std::string::npos);
}

TEST(MergeOverrides, SetAndDeleteOfTheSameKeyIsAUsageError) {
    auto m = merge_overrides("t", {{"retention.ms", "1"}}, {{"retention.ms", "2"}}, {"retention.ms"});
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().exit_code, exit_usage_error);
}

}  // namespace
}  // namespace fjord::cli
