// Tests for the metrics registry: stable references, lookups by (name, tags), sums,
// snapshots, kind mismatches, and lock-free increments from several threads.
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fjord/streams/metrics.hpp"

namespace fjord::streams {
namespace {

TEST(MetricsTest, AbsentMetricsReadAsZero) {
  metrics m;
  EXPECT_EQ(m.value("records-in"), 0);
  EXPECT_EQ(m.sum("records-in"), 0);
  EXPECT_TRUE(m.snapshot().empty());
}

TEST(MetricsTest, SameKeyGivesTheSameCounter) {
  metrics m;
  counter& a = m.counter(metric_names::records_in, "task=0_1");
  for (int i = 0; i < 1000; ++i) m.counter("filler", "n=" + std::to_string(i));  // grow storage
  counter& b = m.counter("records-in", "task=0_1");
  EXPECT_EQ(&a, &b);
  a.inc();
  b.inc(4);
  EXPECT_EQ(m.value("records-in", "task=0_1"), 5);
  EXPECT_EQ(m.value("records-in", "task=0_2"), 0);
}

TEST(MetricsTest, SumAddsOverTagsOfOneNameOnly) {
  metrics m;
  m.counter("records-in", "task=0_0").inc(2);
  m.counter("records-in", "task=0_1").inc(3);
  m.counter("records-in-x").inc(100);
  m.counter("records").inc(100);
  EXPECT_EQ(m.sum("records-in"), 5);
}

TEST(MetricsTest, GaugesSetAndAdd) {
  metrics m;
  gauge& g = m.gauge(metric_names::store_entries, "task=0_1,store=counts");
  g.set(10);
  g.add(-3);
  EXPECT_EQ(g.get(), 7);
  EXPECT_EQ(m.value("store-entries", "task=0_1,store=counts"), 7);
}

TEST(MetricsTest, SnapshotIsOrderedByNameThenTags) {
  metrics m;
  m.gauge("consumer-lag", "topic=t,partition=1").set(4);
  m.counter("b", "x=2").inc(2);
  m.counter("b", "x=1").inc(1);
  EXPECT_EQ(m.snapshot(), (std::vector<metric_value>{
                              {"b", "x=1", 1}, {"b", "x=2", 2}, {"consumer-lag", "topic=t,partition=1", 4}}));
}

TEST(MetricsTest, KindMismatchThrows) {
  metrics m;
  m.counter("records-in");
  EXPECT_THROW(m.gauge("records-in"), streams_error);
  m.gauge("store-entries", "store=s");
  EXPECT_THROW(m.counter("store-entries", "store=s"), streams_error);
  EXPECT_NO_THROW(m.counter("store-entries", "store=t"));
}

TEST(MetricsTest, ConcurrentIncrementsAndLookupsFromFourThreads) {
  metrics m;
  constexpr int threads = 4;
  constexpr int per_thread = 100'000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&m, t] {
      counter& shared = m.counter("records-in");
      counter& own = m.counter("records-in", "task=0_" + std::to_string(t));
      for (int i = 0; i < per_thread; ++i) {
        shared.inc();
        own.inc();
        if (i % 1000 == 0) m.counter("late-records-dropped", "task=" + std::to_string(i)).inc();
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(m.value("records-in"), threads * per_thread);
  EXPECT_EQ(m.value("records-in", "task=0_3"), per_thread);
  EXPECT_EQ(m.sum("records-in"), 2 * threads * per_thread);
  EXPECT_EQ(m.sum("late-records-dropped"), threads * (per_thread / 1000));
}

}  // namespace
}  // namespace fjord::streams
