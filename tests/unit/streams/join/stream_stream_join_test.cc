// Windowed stream–stream joins through the test driver: inner pairs in both directions with
// the window bounds exactly at ±window (one ms outside excluded), output timestamp =
// max of the two, late records dropped and counted, left/outer "no partner" results only
// once the record's window has closed (stream time > ts + after + grace), never for a
// record that found a partner, asymmetric windows, duplicates, store names/retention, the
// build-time co-partitioning check, both store kinds; a buffered partner whose own window
// has closed is still joined unless it was emitted as unmatched (left and outer, both
// directions), and the "emitted" markers are pruned once no partner can arrive.
#include <gtest/gtest.h>

#include <algorithm>

#include "join_test_support.hpp"

using namespace join_test;
using namespace std::chrono_literals;

namespace {

using fs::join_windows;

auto pair_joiner = [](const std::string& l, const std::string& r) { return l + "+" + r; };
auto left_joiner = [](const std::string& l, const std::string* r) { return l + "+" + str(r); };
auto outer_joiner = [](const std::string* l, const std::string* r) { return str(l) + "+" + str(r); };

template <class S>
class StreamStreamJoinStoreTest : public ::testing::Test {};
using store_kinds = ::testing::Types<fs::store::rocksdb, fs::store::in_memory>;
TYPED_TEST_SUITE(StreamStreamJoinStoreTest, store_kinds);

TYPED_TEST(StreamStreamJoinStoreTest, InnerJoinPairsBothWaysWithInclusiveBounds) {
  fs::topology t{"app"};
  t.stream(lefts).join(t.stream(rights), pair_joiner, join_windows::within(10ms).grace(50ms), TypeParam{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(rights, "a", "r1", 110);  // +10: in
  td.pipe(rights, "a", "r2", 90);   // -10: in
  td.pipe(rights, "a", "r3", 111);  // +11: out
  td.pipe(rights, "a", "r4", 89);   // -11: out
  td.pipe(rights, "b", "rb", 100);  // other key
  td.pipe(lefts, "a", "l2", 121);   // partners in [111, 131]: r3 only
  td.pipe(lefts, "a", "l3", 100);   // partners in [90, 110]: r2, r1 (by timestamp)
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+r1", 110},
                                                  {"a", "l1+r2", 100},
                                                  {"a", "l2+r3", 121},
                                                  {"a", "l3+r2", 100},
                                                  {"a", "l3+r1", 110}}));
}

TYPED_TEST(StreamStreamJoinStoreTest, LeftJoinEmitsUnmatchedOnlyAfterTheWindowCloses) {
  fs::topology t{"app"};
  t.stream(lefts).left_join(t.stream(rights), left_joiner, join_windows::within(10ms).grace(5ms), TypeParam{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);  // no partner yet
  td.pipe(lefts, "c", "l2", 101);  // will find one
  td.pipe(rights, "c", "r2", 111);
  td.advance_stream_time(115);     // = 100 + after + grace: l1 may still find a partner
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"c", "l2+r2", 111}}));
  td.advance_stream_time(116);     // closed
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+(null)", 100}}));
  td.advance_stream_time(1000);    // l2 was matched: no "no partner" result, ever
  EXPECT_TRUE(td.read(out).empty());
}

TEST(StreamStreamJoinTest, LeftJoinRecordMatchedLateInItsWindowIsNotEmittedUnmatched) {
  fs::topology t{"app"};
  t.stream(lefts).left_join(t.stream(rights), left_joiner, join_windows::within(10ms).grace(5ms),
                            fs::store::in_memory{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(rights, "z", "rz", 114);  // stream time 114
  td.pipe(rights, "a", "r1", 105);  // out of order, within grace: matches l1
  td.pipe(rights, "z", "rz2", 200); // closes everything
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+r1", 105}}));
  // Right records never produce "no partner" results in a left join.
}

TEST(StreamStreamJoinTest, UnmatchedRecordsAreEmittedWhenARecordAdvancesStreamTime) {
  fs::topology t{"app"};
  t.stream(lefts).left_join(t.stream(rights), left_joiner, join_windows::within(10ms).no_grace(),
                            fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(lefts, "b", "l2", 105);
  td.pipe(lefts, "c", "l3", 111);  // closes l1 (100 + 10 < 111), not l2
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+(null)", 100}}));
  td.pipe(rights, "x", "rx", 200);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"b", "l2+(null)", 105}, {"c", "l3+(null)", 111}}));
}

TEST(StreamStreamJoinTest, OuterJoinWithAsymmetricWindowsClosesEachSideOnItsOwnBound) {
  fs::topology t{"app"};
  // A right record joins left records in [r - after, r + before]: it closes at r + before.
  t.stream(lefts).outer_join(t.stream(rights), outer_joiner, join_windows::between(5ms, 20ms).no_grace(),
                             fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(rights, "b", "r1", 100);
  td.advance_stream_time(105);
  EXPECT_TRUE(td.read(out).empty());
  td.advance_stream_time(106);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"b", "(null)+r1", 100}}));
  td.advance_stream_time(120);
  EXPECT_TRUE(td.read(out).empty());
  td.advance_stream_time(121);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+(null)", 100}}));
}

TEST(StreamStreamJoinTest, OuterJoinEmitsPairsAndUnmatchedOfBothSidesInTimestampOrder) {
  fs::topology t{"app"};
  t.stream(lefts).outer_join(t.stream(rights), outer_joiner, join_windows::within(10ms).grace(5ms),
                             fs::store::in_memory{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(rights, "r", "r0", 90);
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(lefts, "a", "l1b", 100);  // same key and timestamp: kept apart
  td.pipe(rights, "k", "rk", 101);
  td.pipe(lefts, "k", "lk", 103);   // pairs with rk: neither is emitted alone later
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"k", "lk+rk", 103}}));
  td.advance_stream_time(500);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"r", "(null)+r0", 90},
                                                  {"a", "l1+(null)", 100},
                                                  {"a", "l1b+(null)", 100}}));
}

TEST(StreamStreamJoinTest, OuterJoinMatchOfSameKeyAndTimestampDuplicatesClearsBoth) {
  fs::topology t{"app"};
  t.stream(lefts).outer_join(t.stream(rights), outer_joiner, join_windows::within(10ms).grace(5ms),
                             fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(lefts, "a", "l2", 100);
  td.pipe(rights, "a", "r", 102);
  td.advance_stream_time(500);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+r", 102}, {"a", "l2+r", 102}}));
}

// Entries (with values or "emitted" markers) in a left/outer join's pending store.
std::size_t pending_entries(fs::test_driver& td, const std::string& store) {
  std::size_t n = 0;
  td.task_with_store(store).state().backend(store).main().range({}, {}, [&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  return n;
}

TYPED_TEST(StreamStreamJoinStoreTest, LeftJoinStillJoinsAClosedPartnerThatWasMatched) {
  fs::topology t{"app"};
  t.stream(lefts)
      .left_join(t.stream(rights), left_joiner, join_windows::within(10ms).grace(0ms), TypeParam{"j"})
      .to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l0", 0);
  td.pipe(rights, "a", "r0", 0);
  td.pipe(lefts, "z", "lz", 11);  // stream time 11: l0's window has closed (0 + 10 < 11), it was matched
  td.pipe(rights, "a", "r5", 5);  // not late (5 + 10 >= 11), |5 - 0| <= 10: a real pair
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l0+r0", 0}, {"a", "l0+r5", 5}}));
  td.advance_stream_time(1000);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"z", "lz+(null)", 11}}));
  EXPECT_EQ(td.metrics().sum(fs::metric_names::late_records_dropped), 0);
}

TYPED_TEST(StreamStreamJoinStoreTest, OuterJoinStillJoinsAClosedLeftPartnerThatWasMatched) {
  fs::topology t{"app"};
  t.stream(lefts)
      .outer_join(t.stream(rights), outer_joiner, join_windows::within(10ms).grace(0ms), TypeParam{"j"})
      .to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l0", 0);
  td.pipe(rights, "a", "r0", 0);
  td.pipe(lefts, "z", "lz", 11);
  td.pipe(rights, "a", "r5", 5);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l0+r0", 0}, {"a", "l0+r5", 5}}));
  td.advance_stream_time(1000);  // r5 was matched: only lz is alone
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"z", "lz+(null)", 11}}));
}

TYPED_TEST(StreamStreamJoinStoreTest, OuterJoinStillJoinsAClosedRightPartnerThatWasMatched) {
  fs::topology t{"app"};
  t.stream(lefts)
      .outer_join(t.stream(rights), outer_joiner, join_windows::within(10ms).grace(0ms), TypeParam{"j"})
      .to(out);
  fs::test_driver td{t};
  td.pipe(rights, "a", "r0", 0);
  td.pipe(lefts, "a", "l0", 0);
  td.pipe(rights, "z", "rz", 11);  // r0's window has closed, it was matched
  td.pipe(lefts, "a", "l5", 5);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l0+r0", 0}, {"a", "l5+r0", 5}}));
  td.advance_stream_time(1000);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"z", "(null)+rz", 11}}));
}

TEST(StreamStreamJoinTest, OuterJoinAsymmetricClosedRightPartnerJoinedIfMatchedSkippedIfEmitted) {
  fs::topology t{"app"};
  // Right records close at r + before = r + 5, left ones at l + 20.
  t.stream(lefts).outer_join(t.stream(rights), outer_joiner, join_windows::between(5ms, 20ms).no_grace(),
                             fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(rights, "a", "ra", 100);
  td.pipe(lefts, "a", "la", 95);    // pairs with ra
  td.pipe(rights, "b", "rb", 100);  // no partner
  td.pipe(rights, "z", "rz", 106);  // ra and rb close; rb is emitted alone
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "la+ra", 100}, {"b", "(null)+rb", 100}}));
  td.pipe(lefts, "a", "la2", 100);  // not late (100 + 20 >= 106): ra was matched, join it
  td.pipe(lefts, "b", "lb", 100);   // rb's "no partner" result is final: no pair
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "la2+ra", 100}}));
  td.advance_stream_time(1000);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"b", "lb+(null)", 100}, {"z", "(null)+rz", 106}}));
}

TEST(StreamStreamJoinTest, LeftJoinAsymmetricEmittedRecordIsNotJoinedByAnOnTimePartner) {
  fs::topology t{"app"};
  t.stream(lefts).left_join(t.stream(rights), left_joiner, join_windows::between(10ms, 0ms).no_grace(),
                            fs::store::in_memory{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(rights, "z", "rz", 99);
  // r1 advances stream time to 101 and closes l1 (100 + 0 < 101); r1's partners lie in
  // [101, 111], so l1 is emitted alone.
  td.pipe(rights, "a", "r1", 101);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+(null)", 100}}));
  td.pipe(rights, "a", "r2", 100);  // 100 + 10 >= 101, partner l1 at 100 emitted: no pair
  EXPECT_TRUE(td.read(out).empty());
}

TEST(StreamStreamJoinTest, EmittedMarkersArePrunedOnceNoPartnerCanArrive) {
  fs::topology t{"app"};
  t.stream(lefts).outer_join(t.stream(rights), outer_joiner, join_windows::within(10ms).grace(5ms),
                             fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(rights, "b", "r1", 100);
  td.advance_stream_time(116);  // both closed (100 + 10 + 5 < 116) and emitted alone
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+(null)", 100}, {"b", "(null)+r1", 100}}));
  EXPECT_EQ(pending_entries(td, "j-outer"), 2u);  // markers: a right record at 95..100 could come
  td.pipe(rights, "a", "r-a", 105);  // 105 + 10 + 5 >= 116: not late, but l1's result is final
  td.pipe(lefts, "b", "l-b", 105);
  EXPECT_TRUE(td.read(out).empty());
  td.advance_stream_time(121);  // r-a and l-b close, alone
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"b", "l-b+(null)", 105}, {"a", "(null)+r-a", 105}}));
  EXPECT_EQ(pending_entries(td, "j-outer"), 4u);
  td.advance_stream_time(125);  // = 100 + 10 + 10 + 5: a partner of l1 / r1 could still come
  EXPECT_EQ(pending_entries(td, "j-outer"), 4u);
  td.advance_stream_time(126);
  EXPECT_EQ(pending_entries(td, "j-outer"), 2u);
  td.advance_stream_time(131);
  EXPECT_EQ(pending_entries(td, "j-outer"), 0u);
  EXPECT_TRUE(td.read(out).empty());
}

TEST(StreamStreamJoinTest, LateRecordsAreDroppedAndCounted) {
  fs::topology t{"app"};
  t.stream(lefts).join(t.stream(rights), pair_joiner, join_windows::within(10ms).no_grace(),
                       fs::store::in_memory{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 190);
  td.pipe(rights, "x", "rx", 200);   // stream time 200
  td.pipe(rights, "a", "r-ok", 190);  // closes at 190 + 10 = 200: still on time
  td.pipe(rights, "a", "r-late", 189);  // 189 + 10 < 200: late
  td.pipe(lefts, "a", "l-late", 189);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+r-ok", 190}}));
  EXPECT_EQ(td.metrics().sum(fs::metric_names::late_records_dropped), 2);
}

TEST(StreamStreamJoinTest, ALeftRecordsClosedResultIsFinalNoSpuriousPair) {
  fs::topology t{"app"};
  t.stream(lefts).left_join(t.stream(rights), left_joiner, join_windows::within(10ms).no_grace(),
                            fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "l1", 100);
  td.pipe(rights, "z", "rz", 111);  // l1 closes: "no partner"
  td.pipe(rights, "a", "r1", 105);  // on time for itself (105 + 10 >= 111), but l1 is final
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "l1+(null)", 100}}));
  EXPECT_EQ(td.metrics().sum(fs::metric_names::late_records_dropped), 0);
}

TEST(StreamStreamJoinTest, StoresAreNamedAndSizedFromTheWindows) {
  fs::topology t{"app"};
  t.stream(lefts).outer_join(t.stream(rights), outer_joiner, join_windows::between(3ms, 7ms).grace(11ms),
                             fs::store::rocksdb{"j"}).to(out);
  const auto& g = t.blueprint();
  EXPECT_EQ(g.store("j-this").retention, 21ms);
  EXPECT_EQ(g.store("j-other").retention, 21ms);
  EXPECT_TRUE(g.store("j-this").retain_duplicates);
  EXPECT_EQ(g.store("j-outer").kind, fs::store_kind::key_value);
  EXPECT_TRUE(g.store("j-this").persistent);
  ASSERT_EQ(g.subtopologies().size(), 1u);
  std::vector<std::string> changelogs;
  for (const auto& it : g.internal_topics()) changelogs.push_back(it.name);
  std::sort(changelogs.begin(), changelogs.end());
  EXPECT_EQ(changelogs, (std::vector<std::string>{"app-j-other-changelog", "app-j-outer-changelog",
                                                  "app-j-this-changelog"}));

  fs::topology t2{"app"};
  t2.stream(lefts).join(t2.stream(rights), pair_joiner, join_windows::within(1ms).no_grace(),
                        fs::store::in_memory{"k"}).to(out);
  EXPECT_FALSE(t2.blueprint().store("k-this").persistent);
  EXPECT_EQ(t2.blueprint().stores().count("k-outer"), 0u);  // inner joins track nothing
}

TEST(StreamStreamJoinTest, JoinAfterMapWithoutRepartitionThrowsAtBuild) {
  fs::topology t{"app"};
  auto mapped = t.stream(lefts).map([](const std::string& k, std::string v) { return std::pair{v, k}; });
  auto other = t.stream(rights);
  const auto w = join_windows::within(5ms).no_grace();
  EXPECT_THROW(mapped.join(other, pair_joiner, w, fs::store::in_memory{"j1"}), fs::streams_error);
  EXPECT_THROW(other.left_join(mapped, left_joiner, w, fs::store::in_memory{"j2"}), fs::streams_error);
  EXPECT_THROW(mapped.outer_join(other, outer_joiner, w, fs::store::in_memory{"j3"}), fs::streams_error);
  EXPECT_NO_THROW(mapped.repartition(fs::named{"again"}).join(other, pair_joiner, w, fs::store::in_memory{"j4"}));
}

TEST(StreamStreamJoinTest, DifferentValueTypesAndExplicitSerdes) {
  fs::topology t{"app"};
  t.stream(lefts)
      .join(t.stream(amounts),
            [](const std::string& l, std::int64_t n) { return l + "x" + std::to_string(n); },
            join_windows::within(5ms).no_grace(), fs::store::in_memory{"j"},
            fs::join_serdes<utf8, utf8, be_i64>{})
      .to(out);
  fs::test_driver td{t};
  td.pipe(amounts, "a", 3, 10);
  td.pipe(lefts, "a", "l", 12);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "lx3", 12}}));
}

TEST(StreamStreamJoinTest, SelfJoinPairsEveryTwoRecordsInTheWindow) {
  fs::topology t{"app"};
  auto s = t.stream(lefts);
  s.join(s, pair_joiner, join_windows::within(5ms).no_grace(), fs::store::in_memory{"self"}).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "x", 1);
  td.pipe(lefts, "a", "y", 2);
  td.pipe(lefts, "a", "z", 20);  // too far from both
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "x+x", 1}, {"a", "y+x", 2}, {"a", "x+y", 2}, {"a", "y+y", 2},
                                                  {"a", "z+z", 20}}));
}

TEST(StreamStreamJoinTest, ManyUnmatchedRecordsAreEachEmittedOnceInOrder) {
  fs::topology t{"app"};
  t.stream(lefts).left_join(t.stream(rights), left_joiner, join_windows::within(3ms).grace(2ms),
                            fs::store::rocksdb{"j"}).to(out);
  fs::test_driver td{t};
  std::vector<kvt> want;
  for (int i = 0; i < 300; ++i) {
    td.pipe(lefts, "k" + std::to_string(i % 7), "l" + std::to_string(i), i);
    if (i + 3 + 2 < 299) want.push_back({"k" + std::to_string(i % 7), "l" + std::to_string(i) + "+(null)", i});
  }
  EXPECT_EQ(kvts(td.read(out)), want);
  td.advance_stream_time(10'000);
  EXPECT_EQ(td.read(out).size(), 6u);  // l294 .. l299
}

}  // namespace
