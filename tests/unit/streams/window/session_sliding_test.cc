// Session windows (merging, bridging, deletions, lateness, emit final) and sliding
// windows (Kafka KIP-450 semantics: in-order, out-of-order, early records, lateness,
// emit final).
#include <gtest/gtest.h>

#include "window_test_support.hpp"

namespace fs = fjord::streams;
using namespace std::chrono_literals;
using wt::input;
using wt::take;
using wt::wchange;
using std::nullopt;

namespace {

TEST(SessionTest, MergesWithinGapAndALateArrivingRecordBridgesTwoSessions) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::session{5s}.grace(10s)).count(fs::store::rocksdb{"sess"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "a", 0, 3'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 1'000, 1, nullopt, 1'000},
                                              {"a", 1'000, 1'000, nullopt, 1, 1'000},
                                              {"a", 1'000, 3'000, 2, nullopt, 3'000}}));
  td.pipe(input, "a", 0, 20'000);
  td.pipe(input, "a", 0, 10'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 20'000, 20'000, 1, nullopt, 20'000},
                                              {"a", 10'000, 10'000, 1, nullopt, 10'000}}));
  td.pipe(input, "a", 0, 7'000);  // within 5 s of [1s, 3s] and of [10s, 10s]
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 3'000, nullopt, 2, 3'000},
                                              {"a", 10'000, 10'000, nullopt, 1, 10'000},
                                              {"a", 1'000, 10'000, 4, nullopt, 10'000}}));
  auto store = td.session_store<std::string, std::int64_t>("sess");
  EXPECT_EQ(store.get("a", 1'000, 10'000), 4);
  EXPECT_EQ(store.get("a", 1'000, 3'000), nullopt);
  EXPECT_EQ(store.get("a", 10'000, 10'000), nullopt);
  EXPECT_EQ(store.get("a", 20'000, 20'000), 1);
  // puts: 1, 1..3, 20, 10, 1..10 = 5; removes: 1, 1..3, 10 = 3
  EXPECT_EQ(td.history("app-sess-changelog").size(), 8u);
}

TEST(SessionTest, RecordInsideASessionUpdatesItInPlaceAndKeysAreSeparate) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::session{5s}.no_grace()).count(fs::store::in_memory{"sess"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "b", 0, 1'500);
  td.pipe(input, "a", 0, 4'000);
  seen->clear();
  td.pipe(input, "a", 0, 4'000);  // same time as the session end: [1s, 4s] again
  // The session keeps its bounds: an update with its old value, no deletion (as Kafka).
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 4'000, 3, 2, 4'000}}));
  td.pipe(input, "a", 0, 2'000);  // strictly inside
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 4'000, 4, 3, 4'000}}));
  EXPECT_EQ((td.session_store<std::string, std::int64_t>("sess").get("a", 1'000, 4'000)), 4);
  EXPECT_EQ((td.session_store<std::string, std::int64_t>("sess").get("b", 1'500, 1'500)), 1);
}

TEST(SessionTest, LateWhenMergedEndPlusOnePlusGapPlusGraceReachesStreamTime) {
  fs::topology t{"app"};
  std::vector<std::int64_t> late;
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::session{1s}.grace(5s))
                    .on_late([&late](const fs::record<std::string, std::int64_t>& r) { late.push_back(r.timestamp); })
                    .count(fs::store::in_memory{"sess"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "z", 0, 20'000);
  seen->clear();
  td.pipe(input, "a", 0, 13'999);  // 13999 + 1 + 1000 + 5000 == stream time -> late
  EXPECT_TRUE(seen->empty());
  EXPECT_EQ(wt::late_dropped(td), 1);
  td.pipe(input, "a", 0, 14'000);  // one ms later: accepted
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 14'000, 14'000, 1, nullopt, 14'000}}));
  EXPECT_EQ(late, (std::vector<std::int64_t>{13'999}));
  // alone in [13.5s] it would be late, but it merges into the open session [14s]
  td.pipe(input, "a", 0, 13'500);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 14'000, 14'000, nullopt, 1, 14'000},
                                              {"a", 13'500, 14'000, 2, nullopt, 14'000}}));
  EXPECT_EQ(wt::late_dropped(td), 1);
}

TEST(SessionTest, LateRecordsGoToTheDeadLetterTopicWithTheStreamTime) {
  fs::topology t{"app"};
  t.stream(input)
      .group_by_key()
      .windowed_by(fs::session{1s}.no_grace())
      .late_records_to("late-sessions")
      .count(fs::store::in_memory{"sess"});
  fs::test_driver td{t};
  td.pipe(input, "z", 0, 10'000);
  td.pipe(input, "a", 42, 8'999, {{"trace", "1"}});  // 8999 + 1 + 1000 == 10000 -> late
  const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> dlq{"late-sessions"};
  auto dead = td.read(dlq);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "a");
  EXPECT_EQ(dead[0].value, 42);
  EXPECT_EQ(dead[0].timestamp, 8'999);
  EXPECT_EQ(dead[0].headers, (fs::header_list{{"trace", "1"}, {"fjord.late.window-close", "10000"}}));
  EXPECT_EQ(wt::late_dropped(td), 1);
}

TEST(SessionTest, ReduceAndAggregateWithMerger) {
  fs::topology t{"app"};
  auto w = t.stream(input).group_by_key().windowed_by(fs::session{5s}.grace(1h));
  auto sums = w.reduce([](std::int64_t a, const std::int64_t& v) { return a + v; }, fs::store::rocksdb{"sum"});
  auto aggs = w.aggregate([] { return std::int64_t{0}; },
                          [](const std::string&, const std::int64_t& v, std::int64_t agg) { return agg + v; },
                          [](const std::string&, std::int64_t a, std::int64_t b) { return a + b + 1000; },
                          fs::store::in_memory{"agg"});
  auto s = wt::capture(sums);
  auto a = wt::capture(aggs);
  fs::test_driver td{t};
  td.pipe(input, "k", 1, 1'000);
  td.pipe(input, "k", 2, 20'000);
  td.pipe(input, "k", 4, 10'000);
  td.pipe(input, "k", 8, 5'500);  // bridges [1s] .. [10s]
  EXPECT_EQ(take(s).back(), (wchange{"k", 1'000, 10'000, 13, nullopt, 10'000}));
  // aggregate: init 0, merger(0, 1) = 1001, merger(1001, 4) = 2005, + 8
  EXPECT_EQ(take(a).back(), (wchange{"k", 1'000, 10'000, 2'013, nullopt, 10'000}));
}

TEST(SessionTest, EmitFinalOncePerSessionWhenNoOnTimeRecordCanExtendIt) {
  fs::topology t{"app"};
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::session{5s}.grace(1s))
                    .emit_final()
                    .count(fs::store::rocksdb{"sess-final"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "b", 0, 2'000);
  td.pipe(input, "a", 0, 3'000);
  EXPECT_TRUE(seen->empty());
  td.advance_stream_time(8'000);  // b closes at 2000 + 1 + 5000 + 1000 = 8001
  EXPECT_TRUE(seen->empty());
  td.advance_stream_time(8'001);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"b", 2'000, 2'000, 1, nullopt, 2'000}}));
  td.advance_stream_time(9'001);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 3'000, 2, nullopt, 3'000}}));
  auto store = td.session_store<std::string, std::int64_t>("sess-final");
  EXPECT_EQ(store.get("a", 1'000, 3'000), nullopt);
  td.advance_stream_time(100'000);
  EXPECT_TRUE(seen->empty());
}

TEST(SessionTest, EmitFinalWallClock) {
  fs::topology t{"app"};
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::session{5s}.no_grace())
                    .emit_final(fs::close_on::wall_clock(2s))
                    .count(fs::store::in_memory{"sess-wall"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.advance_wall_clock(8'000ms);  // close at 1000 + 1 + 5000 = 6001, + idle 2 s = 8001
  EXPECT_TRUE(seen->empty());
  td.advance_wall_clock(1ms);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 1'000, 1, nullopt, 1'000}}));
}

// ---- sliding ---------------------------------------------------------------------------

TEST(SlidingTest, InOrderRecordsCreateLeftAndRightWindows) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::sliding{10s}.grace(1h)).count(fs::store::rocksdb{"slide"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 20'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 10'000, 20'000, 1, nullopt, 20'000}}));
  td.pipe(input, "a", 0, 25'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 20'001, 30'001, 1, nullopt, 25'000},
                                              {"a", 15'000, 25'000, 2, nullopt, 25'000}}));
  auto store = td.window_store<std::string, fs::sliding_value<std::int64_t>, fs::utf8,
                               fs::sliding_value_serde<fs::be_i64>>("slide");
  EXPECT_EQ(store.get("a", 15'000), (fs::sliding_value<std::int64_t>{2, 25'000, false}));
  EXPECT_EQ(td.history("app-slide-changelog").size(), 3u);
}

TEST(SlidingTest, OutOfOrderRecordWithinGraceUpdatesAndCreatesWindows) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::sliding{10s}.grace(1h)).count(fs::store::in_memory{"slide"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 20'000);
  td.pipe(input, "a", 0, 25'000);
  seen->clear();
  td.pipe(input, "a", 0, 22'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 15'000, 25'000, 3, 2, 25'000},
                                              {"a", 20'001, 30'001, 2, 1, 25'000},
                                              {"a", 12'000, 22'000, 2, nullopt, 22'000},
                                              {"a", 22'001, 32'001, 1, nullopt, 25'000}}));
}

TEST(SlidingTest, EarlyRecordsShareTheFirstWindow) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::sliding{10s}.grace(1h)).count(fs::store::in_memory{"slide"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 3'000);
  td.pipe(input, "a", 0, 5'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 1, nullopt, 3'000},
                                              {"a", 3'001, 13'001, 1, nullopt, 5'000},
                                              {"a", 0, 10'000, 2, 1, 5'000}}));
}

TEST(SlidingTest, LateBoundaryAndClosedWindowsSkipped) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::sliding{10s}.no_grace()).count(fs::store::rocksdb{"slide"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 30'000);
  seen->clear();
  td.pipe(input, "a", 0, 19'999);  // its last window [19999, 29999] closed at 30000
  EXPECT_TRUE(seen->empty());
  EXPECT_EQ(wt::late_dropped(td), 1);
  td.pipe(input, "a", 0, 20'000);  // [20000, 30000] is open until 30001
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 20'000, 30'000, 2, 1, 30'000},
                                              {"a", 20'001, 30'001, 1, nullopt, 30'000}}));
  EXPECT_EQ(wt::late_dropped(td), 1);
}

TEST(SlidingTest, ReduceFollowsTheSameWindows) {
  fs::topology t{"app"};
  auto sums = t.stream(input).group_by_key().windowed_by(fs::sliding{10s}.grace(1h)).reduce(
      [](std::int64_t a, const std::int64_t& v) { return a + v; }, fs::store::in_memory{"slide-sum"});
  auto seen = wt::capture(sums);
  fs::test_driver td{t};
  td.pipe(input, "a", 5, 20'000);
  td.pipe(input, "a", 7, 25'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 10'000, 20'000, 5, nullopt, 20'000},
                                              {"a", 20'001, 30'001, 7, nullopt, 25'000},
                                              {"a", 15'000, 25'000, 12, nullopt, 25'000}}));
}

TEST(SlidingTest, EmitFinalKeepsClosedWindowsForLaterOnesAndEmitsOnce) {
  fs::topology t{"app"};
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::sliding{10s}.no_grace())
                    .emit_final()
                    .count(fs::store::rocksdb{"slide-final"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 20'000);
  td.pipe(input, "a", 0, 25'000);  // closes [10s, 20s] before adding 25 s
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 10'000, 20'000, 1, nullopt, 20'000}}));
  td.advance_stream_time(35'001);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 15'000, 25'000, 2, nullopt, 25'000},
                                              {"a", 20'001, 30'001, 1, nullopt, 30'001}}));
  auto store = td.window_store<std::string, fs::sliding_value<std::int64_t>, fs::utf8,
                               fs::sliding_value_serde<fs::be_i64>>("slide-final");
  EXPECT_EQ(store.get("a", 10'000), (fs::sliding_value<std::int64_t>{1, 20'000, true}));
  td.advance_stream_time(40'000);
  EXPECT_TRUE(seen->empty());
}

}  // namespace
