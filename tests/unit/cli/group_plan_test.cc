// cli/group_plan.h: `group reset-offsets` option parsing and plan, `group describe` rows,
// --state names, the text tables.
#include "cli/group_plan.h"

#include <limits>

#include <gtest/gtest.h>

namespace fjord::cli {
namespace {

partition_position at(int64_t log_start, int64_t log_end, std::optional<int64_t> committed = std::nullopt,
                      std::optional<int64_t> time_offset = std::nullopt) {
    return {.tp = {"t", 0}, .committed = committed, .log_start = log_start, .log_end = log_end,
            .time_offset = time_offset};
}

int64_t target_of(const reset_target& t, const partition_position& p) {
    auto r = plan_reset(t, p);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? r->target : -999;
}

TEST(ParseTopicSpec, TopicAloneMeansEveryPartition) {
    auto s = parse_topic_spec("orders");
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, (topic_spec{"orders", {}}));
}

TEST(ParseTopicSpec, PartitionListIsSortedAndDeduplicated) {
    auto s = parse_topic_spec("orders:2,0,2");
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, (topic_spec{"orders", {0, 2}}));
    EXPECT_EQ(*parse_topic_spec("a.b-c_d:7"), (topic_spec{"a.b-c_d", {7}}));
}

TEST(ParseTopicSpec, BadFormsAreUsageErrorsNamingTheText) {
    for (const char* text : {"", ":1", "t:", "t:1,", "t:,1", "t:x", "t:-1", "t:1 ", "t:99999999999"}) {
        auto s = parse_topic_spec(text);
        ASSERT_FALSE(s) << text;
        EXPECT_EQ(s.error().exit_code, exit_usage_error) << text;
        EXPECT_NE(s.error().message.find("--topic"), std::string::npos) << s.error().message;
    }
}

TEST(ChooseResetTarget, ExactlyOneOptionIsRequired) {
    auto none = choose_reset_target({});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().exit_code, exit_usage_error);
    EXPECT_NE(none.error().message.find("--to-earliest"), std::string::npos);

    auto two = choose_reset_target({.to_earliest = true, .to_offset = 5});
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error().exit_code, exit_usage_error);
    EXPECT_NE(two.error().message.find("only one"), std::string::npos);
    EXPECT_FALSE(choose_reset_target({.to_earliest = true, .to_latest = true}));
    EXPECT_FALSE(choose_reset_target({.to_datetime = "1", .shift_by = -1}));
}

TEST(ChooseResetTarget, EachOptionMapsToItsKind) {
    EXPECT_EQ(*choose_reset_target({.to_earliest = true}), (reset_target{reset_kind::earliest, 0}));
    EXPECT_EQ(*choose_reset_target({.to_latest = true}), (reset_target{reset_kind::latest, 0}));
    EXPECT_EQ(*choose_reset_target({.to_offset = 42}), (reset_target{reset_kind::offset, 42}));
    EXPECT_EQ(*choose_reset_target({.shift_by = -3}), (reset_target{reset_kind::shift_by, -3}));
    EXPECT_EQ(*choose_reset_target({.to_datetime = "1700000000000"}),
              (reset_target{reset_kind::datetime, 1700000000000}));
    EXPECT_EQ(*choose_reset_target({.to_datetime = "2024-01-31T12:00:00.250Z"}),
              (reset_target{reset_kind::datetime, 1706702400250}));
    EXPECT_EQ(*choose_reset_target({.to_datetime = "2024-01-31T14:00:00+02:00"}),
              (reset_target{reset_kind::datetime, 1706702400000}));
}

TEST(ChooseResetTarget, BadDatetimeAndNegativeOffsetAreUsageErrors) {
    auto bad = choose_reset_target({.to_datetime = "yesterday"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().exit_code, exit_usage_error);
    EXPECT_NE(bad.error().message.find("--to-datetime 'yesterday'"), std::string::npos) << bad.error().message;
    auto neg = choose_reset_target({.to_offset = -1});
    ASSERT_FALSE(neg);
    EXPECT_EQ(neg.error().exit_code, exit_usage_error);
}

TEST(PlanReset, EarliestAndLatestAreTheLogBounds) {
    EXPECT_EQ(target_of({reset_kind::earliest}, at(3, 10, 7)), 3);
    EXPECT_EQ(target_of({reset_kind::latest}, at(3, 10, 7)), 10);
    EXPECT_EQ(target_of({reset_kind::earliest}, at(0, 0)), 0);  // empty partition, nothing committed
    EXPECT_EQ(target_of({reset_kind::latest}, at(5, 5)), 5);    // everything deleted by retention
}

TEST(PlanReset, ToOffsetIsClampedIntoTheLog) {
    auto inside = plan_reset({reset_kind::offset, 6}, at(3, 10, 9));
    ASSERT_TRUE(inside);
    EXPECT_EQ(*inside, (planned_reset{{"t", 0}, 9, 6, false}));
    auto above = plan_reset({reset_kind::offset, 100}, at(3, 10, 9));
    ASSERT_TRUE(above);
    EXPECT_EQ(above->target, 10);
    EXPECT_TRUE(above->clamped);
    auto below = plan_reset({reset_kind::offset, 1}, at(3, 10));
    ASSERT_TRUE(below);
    EXPECT_EQ(below->target, 3);
    EXPECT_TRUE(below->clamped);
    EXPECT_EQ(below->current, std::nullopt);
    EXPECT_EQ(target_of({reset_kind::offset, 10}, at(3, 10)), 10);  // the end itself is allowed
    EXPECT_EQ(target_of({reset_kind::offset, 3}, at(3, 10)), 3);
}

TEST(PlanReset, ShiftByMovesFromTheCommittedOffsetAndClamps) {
    EXPECT_EQ(target_of({reset_kind::shift_by, -2}, at(0, 10, 7)), 5);
    EXPECT_EQ(target_of({reset_kind::shift_by, 2}, at(0, 10, 7)), 9);
    EXPECT_EQ(target_of({reset_kind::shift_by, 0}, at(0, 10, 7)), 7);
    EXPECT_EQ(target_of({reset_kind::shift_by, -100}, at(4, 10, 7)), 4);
    EXPECT_EQ(target_of({reset_kind::shift_by, 100}, at(4, 10, 7)), 10);
    // A committed offset already outside the log (retention moved the start) comes back in.
    EXPECT_EQ(target_of({reset_kind::shift_by, 1}, at(20, 30, 2)), 20);
}

TEST(PlanReset, ShiftBySaturatesInsteadOfOverflowing) {
    constexpr auto max = std::numeric_limits<int64_t>::max();
    constexpr auto min = std::numeric_limits<int64_t>::min();
    EXPECT_EQ(target_of({reset_kind::shift_by, max}, at(0, 10, 7)), 10);
    EXPECT_EQ(target_of({reset_kind::shift_by, min}, at(2, 10, 7)), 2);
}

TEST(PlanReset, ShiftByWithoutACommittedOffsetFailsNamingThePartition) {
    partition_position p = at(0, 10);
    p.tp = {"orders", 3};
    auto r = plan_reset({reset_kind::shift_by, 1}, p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().exit_code, exit_runtime_failure);
    EXPECT_NE(r.error().message.find("partition 3 of 'orders'"), std::string::npos) << r.error().message;
}

TEST(PlanReset, DatetimeUsesTheLookedUpOffsetOrTheEndWhenNoRecordIsThatNew) {
    EXPECT_EQ(target_of({reset_kind::datetime, 1700000000000}, at(0, 10, 2, 6)), 6);
    auto none = plan_reset({reset_kind::datetime, 1700000000000}, at(0, 10, 2, std::nullopt));
    ASSERT_TRUE(none);
    EXPECT_EQ(none->target, 10);
    EXPECT_FALSE(none->clamped);
    EXPECT_EQ(target_of({reset_kind::datetime, 0}, at(4, 10, std::nullopt, 4)), 4);
    // A looked-up offset outside the log (a racing retention) is clamped too.
    EXPECT_EQ(target_of({reset_kind::datetime, 0}, at(4, 10, std::nullopt, 1)), 4);
}

TEST(LagOf, EndMinusCommittedOrNothing) {
    EXPECT_EQ(lag_of(7, 10), 3);
    EXPECT_EQ(lag_of(10, 10), 0);
    EXPECT_EQ(lag_of(std::nullopt, 10), std::nullopt);
    EXPECT_EQ(lag_of(12, 10), -2);  // committed past the end (log truncated): shown as is, like Kafka
}

TEST(MergeOffsetRows, UnionOfCommittedAndAssignedSortedWithOwners) {
    const std::map<topic_partition, int64_t> committed{{{"b", 0}, 5}, {{"a", 1}, 3}};
    const std::vector<member_partitions> members{{"m1", {{"a", 0}, {"a", 1}}}, {"m2", {{"c", 2}}}};
    const auto rows = merge_offset_rows(committed, members);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].tp, (topic_partition{"a", 0}));
    EXPECT_EQ(rows[0].committed, std::nullopt);
    EXPECT_EQ(rows[0].member_id, "m1");
    EXPECT_EQ(rows[1].tp, (topic_partition{"a", 1}));
    EXPECT_EQ(rows[1].committed, 3);
    EXPECT_EQ(rows[1].member_id, "m1");
    EXPECT_EQ(rows[2].tp, (topic_partition{"b", 0}));
    EXPECT_EQ(rows[2].committed, 5);
    EXPECT_EQ(rows[2].member_id, std::nullopt);
    EXPECT_EQ(rows[3].tp, (topic_partition{"c", 2}));
    EXPECT_EQ(rows[3].member_id, "m2");
}

TEST(MergeOffsetRows, EmptyGroupHasNoRows) { EXPECT_TRUE(merge_offset_rows({}, {{"m", {}}}).empty()); }

TEST(ParseGroupState, KafkaNamesInAnyCase) {
    EXPECT_EQ(*parse_group_state("stable"), "Stable");
    EXPECT_EQ(*parse_group_state("EMPTY"), "Empty");
    EXPECT_EQ(*parse_group_state("preparingrebalance"), "PreparingRebalance");
    EXPECT_EQ(*parse_group_state("CompletingRebalance"), "CompletingRebalance");
    EXPECT_EQ(*parse_group_state("dead"), "Dead");
    auto bad = parse_group_state("running");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().exit_code, exit_usage_error);
    EXPECT_FALSE(parse_group_state(""));
}

TEST(FormatAssignment, TopicsSortedPartitionsJoined) {
    EXPECT_EQ(format_assignment({{"orders", 2}, {"audit", 0}, {"orders", 0}}), "audit:0 orders:0,2");
    EXPECT_EQ(format_assignment({}), "");
}

TEST(FormatTable, PadsEveryColumnButTheLast) {
    EXPECT_EQ(format_table({{"GROUP", "STATE"}, {"a-long-name", "Stable"}, {"g", "Empty"}}),
              "GROUP        STATE\n"
              "a-long-name  Stable\n"
              "g            Empty\n");
    EXPECT_EQ(format_table({}), "");
}

}  // namespace
}  // namespace fjord::cli
