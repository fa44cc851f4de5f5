// Unit tests: a task's buffer of fetched records (runtime/partition_group.hpp) — smallest
// timestamp first across partitions, FIFO within one, ties to the record fetched first,
// the per-partition bound and its pause/resume signalling, stale re-deliveries refused,
// and idling (ready): a record is held back while a partition of the task is empty, until
// that partition is at its end (plus max_idle) or the fetch bound runs out.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fjord/streams/runtime/partition_group.hpp"

namespace fs = fjord::streams;

namespace {

const fs::topic_partition kPersons{"app-persons-repartition", 3};
const fs::topic_partition kAuctions{"app-auctions-repartition", 3};

using group = fs::partition_group<std::string>;

// Pops everything, returning the items in processing order.
std::vector<std::string> drain(group& g) {
  std::vector<std::string> out;
  while (auto r = g.pop_next()) out.push_back(r->item);
  return out;
}

TEST(PartitionGroupTest, EmptyGroupHasNothingToPop) {
  group g;
  EXPECT_TRUE(g.empty());
  EXPECT_FALSE(g.pop_next().has_value());
}

TEST(PartitionGroupTest, SmallestTimestampFirstEvenIfFetchedLater) {
  group g;
  // librdkafka hands the auction (ts 105) over before the person (ts 100).
  EXPECT_EQ(g.push(kAuctions, 105, 0, 10, "auction"), group::push_result::buffered);
  EXPECT_EQ(g.push(kPersons, 100, 0, 10, "person"), group::push_result::buffered);
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.bytes(), 20u);
  auto first = g.pop_next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->item, "person");
  EXPECT_EQ(first->tp, kPersons);
  EXPECT_EQ(first->timestamp, 100);
  EXPECT_EQ(first->offset, 0);
  EXPECT_EQ(drain(g), (std::vector<std::string>{"auction"}));
  EXPECT_TRUE(g.empty());
  EXPECT_EQ(g.bytes(), 0u);
}

TEST(PartitionGroupTest, MergesPartitionsByTimestamp) {
  group g;
  g.push(kAuctions, 105, 0, 1, "a105");
  g.push(kAuctions, 110, 1, 1, "a110");
  g.push(kAuctions, 130, 2, 1, "a130");
  g.push(kPersons, 100, 0, 1, "p100");
  g.push(kPersons, 120, 1, 1, "p120");
  EXPECT_EQ(drain(g), (std::vector<std::string>{"p100", "a105", "a110", "p120", "a130"}));
}

TEST(PartitionGroupTest, OnePartitionStaysInOffsetOrderEvenIfTimestampsGoBack) {
  group g;
  g.push(kAuctions, 200, 0, 1, "a200");
  g.push(kAuctions, 50, 1, 1, "a50");  // out of order inside its partition: waits behind a200
  g.push(kPersons, 100, 0, 1, "p100");
  EXPECT_EQ(drain(g), (std::vector<std::string>{"p100", "a200", "a50"}));
}

TEST(PartitionGroupTest, TiesGoToTheRecordFetchedFirst) {
  group g;
  g.push(kPersons, 100, 0, 1, "p-first");
  g.push(kAuctions, 100, 0, 1, "a-second");
  g.push(kAuctions, 100, 1, 1, "a-third");
  g.push(kPersons, 100, 1, 1, "p-fourth");
  EXPECT_EQ(drain(g), (std::vector<std::string>{"p-first", "a-second", "a-third", "p-fourth"}));

  // Same with the topics' order reversed (no dependence on the map order).
  group h;
  h.push(kAuctions, 7, 0, 1, "a");
  h.push(kPersons, 7, 0, 1, "p");
  EXPECT_EQ(drain(h), (std::vector<std::string>{"a", "p"}));
}

TEST(PartitionGroupTest, InterleavesPushAndPop) {
  group g;
  g.push(kAuctions, 105, 0, 1, "a105");
  EXPECT_EQ(g.pop_next()->item, "a105");
  g.push(kAuctions, 106, 1, 1, "a106");
  g.push(kPersons, 101, 0, 1, "p101");
  EXPECT_EQ(drain(g), (std::vector<std::string>{"p101", "a106"}));
}

TEST(PartitionGroupTest, StaleOffsetsAreRefused) {
  group g;
  EXPECT_EQ(g.push(kPersons, 1, 5, 1, "p5"), group::push_result::buffered);
  EXPECT_EQ(g.push(kPersons, 1, 5, 1, "dup"), group::push_result::stale);
  EXPECT_EQ(g.push(kPersons, 1, 4, 1, "older"), group::push_result::stale);
  EXPECT_EQ(g.pop_next()->item, "p5");
  // Still refused after the record was processed: a re-delivery never runs twice.
  EXPECT_EQ(g.push(kPersons, 1, 5, 1, "dup-after"), group::push_result::stale);
  EXPECT_EQ(g.push(kPersons, 1, 6, 1, "p6"), group::push_result::buffered);
  // Another partition has its own offsets.
  EXPECT_EQ(g.push(kAuctions, 1, 0, 1, "a0"), group::push_result::buffered);
  EXPECT_EQ(g.size(), 2u);
}

TEST(PartitionGroupTest, PausesOnceOverTheRecordBoundAndResumesAtHalf) {
  group g({.max_records = 4, .max_bytes = 1'000'000});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(g.push(kPersons, i, i, 1, "p"), group::push_result::buffered) << i;
  EXPECT_FALSE(g.paused(kPersons));
  EXPECT_EQ(g.push(kPersons, 4, 4, 1, "p"), group::push_result::pause);
  EXPECT_TRUE(g.paused(kPersons));
  // Already paused: further records (librdkafka's leftovers) are buffered, no second signal.
  EXPECT_EQ(g.push(kPersons, 5, 5, 1, "p"), group::push_result::buffered);
  EXPECT_EQ(g.size(kPersons), 6u);
  // The other partition is unaffected.
  EXPECT_EQ(g.push(kAuctions, 100, 0, 1, "a"), group::push_result::buffered);
  EXPECT_FALSE(g.paused(kAuctions));

  EXPECT_TRUE(g.take_resumable().empty());
  for (int i = 0; i < 3; ++i) g.pop_next();  // 3 left: above half of 4
  EXPECT_TRUE(g.take_resumable().empty());
  g.pop_next();  // 2 left
  EXPECT_EQ(g.take_resumable(), (std::vector<fs::topic_partition>{kPersons}));
  EXPECT_FALSE(g.paused(kPersons));
  EXPECT_TRUE(g.take_resumable().empty());  // reported once
  // Over the bound again: signalled again.
  EXPECT_EQ(g.push(kPersons, 6, 6, 1, "p"), group::push_result::buffered);
  EXPECT_EQ(g.push(kPersons, 7, 7, 1, "p"), group::push_result::buffered);
  EXPECT_EQ(g.push(kPersons, 8, 8, 1, "p"), group::push_result::pause);
}

TEST(PartitionGroupTest, PausesOverTheByteBound) {
  group g({.max_records = 1000, .max_bytes = 100});
  EXPECT_EQ(g.push(kAuctions, 1, 0, 60, "a"), group::push_result::buffered);
  EXPECT_EQ(g.push(kAuctions, 2, 1, 40, "b"), group::push_result::buffered);  // exactly at the bound
  EXPECT_EQ(g.push(kAuctions, 3, 2, 1, "c"), group::push_result::pause);
  EXPECT_EQ(g.bytes(), 101u);
  g.pop_next();  // 41 bytes left: below half
  EXPECT_EQ(g.take_resumable(), (std::vector<fs::topic_partition>{kAuctions}));
}

TEST(PartitionGroupTest, ClearDropsEverythingAndReportsPausedPartitions) {
  group g({.max_records = 1, .max_bytes = 1'000'000});
  g.push(kPersons, 1, 0, 3, "p0");
  EXPECT_EQ(g.push(kPersons, 2, 1, 3, "p1"), group::push_result::pause);
  g.push(kAuctions, 1, 0, 3, "a0");
  EXPECT_EQ(g.clear(), (std::vector<fs::topic_partition>{kPersons}));
  EXPECT_TRUE(g.empty());
  EXPECT_EQ(g.bytes(), 0u);
  EXPECT_FALSE(g.paused(kPersons));
  EXPECT_FALSE(g.pop_next().has_value());
  // Starts over: offsets from before the clear are accepted again (a re-assignment).
  EXPECT_EQ(g.push(kPersons, 1, 0, 3, "p0-again"), group::push_result::buffered);
}

// ready(now, max_idle, fetch_bound) with the stream thread's 10 s fetch bound.
constexpr std::int64_t kBound = 10'000;
using readiness = group::readiness;

TEST(PartitionGroupTest, EmptyWithNothingBuffered) {
  group g;
  g.expect(kPersons);
  EXPECT_EQ(g.ready(0, 0, kBound), readiness::empty);
  EXPECT_EQ(g.ready(0, -1, kBound), readiness::empty);
  g.set_at_end(kPersons);
  EXPECT_EQ(g.ready(100'000, 0, kBound), readiness::empty);
}

TEST(PartitionGroupTest, WaitsForAnExpectedPartitionUntilItIsAtItsEnd) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.push(kAuctions, 105, 0, 10, "auction");
  // Nothing fetched from persons yet: its first record may be older than the auction.
  EXPECT_EQ(g.ready(1000, 0, kBound), readiness::wait);
  EXPECT_EQ(g.ready(5000, 0, kBound), readiness::wait);
  EXPECT_EQ(g.waiting_for_fetch(), (std::vector<fs::topic_partition>{kPersons}));
  g.set_at_end(kPersons);  // everything on the broker was fetched: nothing older is coming
  EXPECT_TRUE(g.waiting_for_fetch().empty());
  EXPECT_EQ(g.ready(5000, 0, kBound), readiness::ready);
  EXPECT_EQ(g.pop_next()->item, "auction");
}

TEST(PartitionGroupTest, AnOlderRecordThatArrivesWhileWaitingGoesFirst) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.push(kAuctions, 105, 0, 10, "auction");
  EXPECT_EQ(g.ready(1010, 0, kBound), readiness::wait);
  g.push(kPersons, 100, 0, 10, "person");
  EXPECT_EQ(g.ready(1020, 0, kBound), readiness::ready);  // every partition has its head buffered
  EXPECT_EQ(drain(g), (std::vector<std::string>{"person", "auction"}));
}

TEST(PartitionGroupTest, APushClearsAtEndAndEmptyingAgainWaitsAgain) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.set_at_end(kPersons);
  g.push(kPersons, 100, 0, 10, "p0");
  g.push(kAuctions, 200, 0, 10, "a0");
  g.push(kAuctions, 300, 1, 10, "a1");
  ASSERT_EQ(g.ready(0, 0, kBound), readiness::ready);
  EXPECT_EQ(g.pop_next()->item, "p0");
  // persons is empty again and, since its last record, not known to be at its end.
  EXPECT_EQ(g.ready(0, 0, kBound), readiness::wait);
  g.set_at_end(kPersons);
  EXPECT_EQ(g.ready(0, 0, kBound), readiness::ready);
}

TEST(PartitionGroupTest, PositiveMaxIdleWaitsOncePerQuietSpell) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.set_at_end(kPersons);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(1000, 500, kBound), readiness::wait);  // the idle clock starts here
  EXPECT_EQ(g.ready(1499, 500, kBound), readiness::wait);
  EXPECT_EQ(g.ready(1500, 500, kBound), readiness::ready);
  EXPECT_EQ(g.pop_next()->item, "a0");
  // persons stays quiet: later records are not held again (Kafka Streams' deadline per
  // idle partition), so a quiet partition costs one wait, not one per record.
  g.push(kAuctions, 110, 1, 10, "a1");
  EXPECT_EQ(g.ready(1600, 500, kBound), readiness::ready);
  EXPECT_EQ(g.pop_next()->item, "a1");
  // A record on persons ends the quiet spell; once it drains, the next one waits anew.
  g.push(kPersons, 120, 0, 10, "p0");
  g.push(kAuctions, 130, 2, 10, "a2");
  EXPECT_EQ(g.ready(1700, 500, kBound), readiness::ready);
  EXPECT_EQ(g.pop_next()->item, "p0");
  g.set_at_end(kPersons);
  EXPECT_EQ(g.ready(1800, 500, kBound), readiness::wait);
  EXPECT_EQ(g.ready(2300, 500, kBound), readiness::ready);
}

TEST(PartitionGroupTest, TheFetchBoundEndsTheWaitForAPartitionWhoseEndNeverShows) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(1000, 0, kBound), readiness::wait);
  EXPECT_EQ(g.ready(1000 + kBound - 1, 0, kBound), readiness::wait);
  EXPECT_EQ(g.ready(1000 + kBound, 0, kBound), readiness::ready_by_bound);
  g.set_at_end(kPersons);
  EXPECT_EQ(g.ready(1000 + kBound, 0, kBound), readiness::ready);
}

TEST(PartitionGroupTest, EveryEmptyPartitionsClockStartsInOnePass) {
  const fs::topic_partition kBids{"app-bids-repartition", 3};
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.expect(kBids);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(0, 0, kBound), readiness::wait);  // persons and bids: clocks start together
  EXPECT_EQ(g.ready(kBound, 0, kBound), readiness::ready_by_bound);  // one bound, not one per partition
}

TEST(PartitionGroupTest, LeavingTheEndRestartsTheIdleClock) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.set_at_end(kPersons);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(0, 500, kBound), readiness::wait);
  EXPECT_EQ(g.ready(500, 500, kBound), readiness::ready);
  // The broker has records for persons that were not handed over yet: not at its end.
  g.set_at_end(kPersons, false);
  EXPECT_EQ(g.ready(600, 500, kBound), readiness::wait);
  g.set_at_end(kPersons);  // it was a false alarm: a new quiet spell
  EXPECT_EQ(g.ready(700, 500, kBound), readiness::wait);
  EXPECT_EQ(g.ready(1200, 500, kBound), readiness::ready);
}

TEST(PartitionGroupTest, NegativeMaxIdleNeverWaits) {
  group g;
  g.expect(kPersons);
  g.expect(kAuctions);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(1000, -1, kBound), readiness::ready);
}

TEST(PartitionGroupTest, OnePartitionTaskNeverWaits) {
  group g;
  g.expect(kAuctions);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(1000, 0, kBound), readiness::ready);  // its only partition has the record
}

TEST(PartitionGroupTest, MarkAtEndOfAnUnknownPartitionIsIgnored) {
  group g;
  g.expect(kAuctions);
  g.set_at_end(kPersons);
  g.push(kAuctions, 105, 0, 10, "a0");
  EXPECT_EQ(g.ready(0, 0, kBound), readiness::ready);
  EXPECT_EQ(g.size(kPersons), 0u);
  EXPECT_TRUE(g.waiting_for_fetch().empty());  // persons was never registered
}

TEST(PartitionGroupTest, HoldsMoveOnlyItems) {
  fs::partition_group<std::unique_ptr<int>> g;
  g.push(kAuctions, 9, 0, 4, std::make_unique<int>(9));
  g.push(kPersons, 8, 0, 4, std::make_unique<int>(8));
  auto r = g.pop_next();
  ASSERT_TRUE(r.has_value());
  ASSERT_NE(r->item, nullptr);
  EXPECT_EQ(*r->item, 8);
  EXPECT_EQ(*g.pop_next()->item, 9);
}

}  // namespace
