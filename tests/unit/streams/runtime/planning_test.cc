// Unit tests: the runtime's pure start-up, assignment and restore decisions
// (runtime/planning.hpp), on hand-built graphs (no broker, no DSL).
#include <gtest/gtest.h>

#include <string>

#include "fjord/streams/runtime/planning.hpp"

namespace fs = fjord::streams;

namespace {

int source(fs::graph& g, const std::string& topic) {
  fs::node_spec s;
  s.name = "source(" + topic + ")";
  s.source_topic = topic;
  return g.add(std::move(s));
}
int node(fs::graph& g, std::vector<int> parents, std::vector<std::string> stores = {}, std::string sink = {}) {
  fs::node_spec s;
  s.name = "n";
  s.parents = std::move(parents);
  s.stores = std::move(stores);
  s.sink_topic = std::move(sink);
  return g.add(std::move(s));
}

// orders → [agg with store "totals"] → app-by-customer-repartition → [count "counts"] → out
// plus payments → out (a second input with no state).
fs::graph two_hop_graph(std::optional<std::int32_t> repartition_partitions = std::nullopt) {
  fs::graph g("app");
  g.add_store({.name = "totals"});
  g.add_store({.name = "counts", .kind = fs::store_kind::window, .retention = fs::millis{3'600'000}});
  const int a = source(g, "orders");
  const int agg = node(g, {a}, {"totals"});
  g.add_internal_topic({"app-by-customer-repartition", fs::internal_topic::kind::repartition, repartition_partitions});
  node(g, {agg}, {}, "app-by-customer-repartition");
  const int r = source(g, "app-by-customer-repartition");
  const int c = node(g, {r}, {"counts"});
  node(g, {c}, {}, "out");
  const int p = source(g, "payments");
  node(g, {p}, {}, "out");
  return g;
}

TEST(RuntimePlanning, InputAndOutputTopicsExcludeInternalOnes) {
  const auto g = two_hop_graph();
  EXPECT_EQ(fs::input_topics(g), (std::vector<std::string>{"orders", "payments"}));
  EXPECT_EQ(fs::output_topics(g), (std::vector<std::string>{"out"}));
}

TEST(RuntimePlanning, MissingInputTopicIsAClearError) {
  const auto g = two_hop_graph();
  try {
    fs::check_user_topics_exist(g, {{"payments", 1}, {"out", 1}});
    FAIL() << "no error";
  } catch (const fs::streams_error& e) {
    EXPECT_STREQ(e.what(), "input topic 'orders' does not exist");
  }
  try {
    fs::check_user_topics_exist(g, {{"payments", 1}, {"orders", 1}});
    FAIL() << "no error";
  } catch (const fs::streams_error& e) {
    EXPECT_NE(std::string(e.what()).find("output topic 'out' does not exist"), std::string::npos);
  }
}

TEST(RuntimePlanning, RepartitionDefaultsToUpstreamSourcesAndChangelogsFollowTheirSubtopology) {
  const auto g = two_hop_graph();
  const auto planned = fs::plan_internal_topics(g, {{"orders", 6}, {"payments", 2}, {"out", 1}});
  ASSERT_EQ(planned.size(), 3u);
  std::map<std::string, fs::planned_topic> by_name;
  for (const auto& p : planned) by_name[p.name] = p;
  EXPECT_EQ(by_name.at("app-by-customer-repartition").partitions, 6);
  EXPECT_EQ(by_name.at("app-by-customer-repartition").configs.at("cleanup.policy"), "delete");
  EXPECT_EQ(by_name.at("app-totals-changelog").partitions, 6);
  EXPECT_EQ(by_name.at("app-totals-changelog").configs.at("cleanup.policy"), "compact");
  EXPECT_EQ(by_name.at("app-counts-changelog").partitions, 6);  // its sub-topology reads the repartition topic
  EXPECT_EQ(by_name.at("app-counts-changelog").type, fs::internal_topic::kind::changelog);
  // A window store's changelog is also deleted by time: retention + one day.
  EXPECT_EQ(by_name.at("app-counts-changelog").configs.at("cleanup.policy"), "compact,delete");
  EXPECT_EQ(by_name.at("app-counts-changelog").configs.at("retention.ms"), std::to_string(3'600'000 + 86'400'000));
}

TEST(RuntimePlanning, ExplicitRepartitionCountWinsAndFlowsToDownstreamChangelogs) {
  const auto g = two_hop_graph(3);
  const auto planned = fs::plan_internal_topics(g, {{"orders", 6}, {"payments", 2}, {"out", 1}});
  for (const auto& p : planned) {
    if (p.name == "app-by-customer-repartition" || p.name == "app-counts-changelog") {
      EXPECT_EQ(p.partitions, 3) << p.name;
    }
    if (p.name == "app-totals-changelog") {
      EXPECT_EQ(p.partitions, 6);
    }
  }
}

TEST(RuntimePlanning, CopartitioningCheckNamesEveryTopicAndCount) {
  fs::graph g("app");
  const int a = source(g, "left");
  const int b = source(g, "right");
  node(g, {a, b});  // merge/join: one sub-topology reading both
  EXPECT_EQ(fs::copartition_error(g, {{"left", 3}, {"right", 3}}), std::nullopt);
  const auto e = fs::copartition_error(g, {{"left", 2}, {"right", 3}});
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->find("'left' has 2 partitions"), std::string::npos) << *e;
  EXPECT_NE(e->find("'right' has 3 partitions"), std::string::npos) << *e;
  EXPECT_NE(e->find("co-partitioned"), std::string::npos) << *e;
}

TEST(RuntimePlanning, AssignmentMakesOneTaskPerSubtopologyAndPartition) {
  fs::graph g("app");
  const int a = source(g, "left");
  const int b = source(g, "right");
  node(g, {a, b});
  source(g, "other");  // sub-topology 1
  auto got = fs::tasks_for(g, {{"left", 0}, {"right", 0}, {"left", 2}, {"right", 2}, {"other", 1}});
  EXPECT_TRUE(got.problems.empty());
  EXPECT_EQ(got.tasks, (std::set<fs::task_id>{{0, 0}, {0, 2}, {1, 1}}));

  got = fs::tasks_for(g, {{"left", 0}, {"right", 1}});
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_NE(got.problems[0].find("task 0_0 was assigned without its source partition right-0"), std::string::npos)
      << got.problems[0];
}

TEST(RuntimePlanning, CheckpointInsideTheChangelogIsReusedOtherwiseWiped) {
  using fs::plan_restore;
  using fs::restore_start;
  EXPECT_EQ(plan_restore(std::nullopt, 0, 100), (restore_start{0, false}));   // no checkpoint: everything
  EXPECT_EQ(plan_restore(40, 0, 100), (restore_start{40, false}));            // reuse: only past it
  EXPECT_EQ(plan_restore(100, 0, 100), (restore_start{100, false}));          // up to date: nothing
  EXPECT_EQ(plan_restore(0, 0, 0), (restore_start{0, false}));                // empty changelog
  EXPECT_EQ(plan_restore(150, 0, 100), (restore_start{0, true}));             // changelog recreated/truncated
  EXPECT_EQ(plan_restore(10, 20, 100), (restore_start{20, true}));            // records before it were deleted
}

}  // namespace
