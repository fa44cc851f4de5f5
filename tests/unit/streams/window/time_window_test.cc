// Tumbling and hopping windows: membership, out-of-order records within grace, late
// records (boundary exactly at end + grace), emit every update vs emit final (stream time
// and wall clock), store contents and changelog, RocksDB and in-memory stores.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "window_test_support.hpp"

namespace fs = fjord::streams;
using namespace std::chrono_literals;
using wt::input;
using wt::take;
using wt::wchange;
using std::nullopt;

namespace {

using wstore = fs::window_store<std::string, std::int64_t, fs::utf8, fs::be_i64>;

TEST(TumblingTest, CountsPerWindowWithOutOfOrderRecordsWithinGrace) {
  fs::topology t{"app"};
  auto counts = t.stream(input).group_by_key().windowed_by(fs::tumbling{10s}.grace(5s)).count(fs::store::rocksdb{"tw"});
  auto seen = wt::capture(counts);
  counts.to_stream().to(wt::windowed_out);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "a", 0, 9'999);
  td.pipe(input, "a", 0, 10'000);
  td.pipe(input, "b", 0, 3'000);  // out of order, window [0, 10s) still open until 15 s
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 1, nullopt, 1'000},
                                              {"a", 0, 10'000, 2, 1, 9'999},
                                              {"a", 10'000, 20'000, 1, nullopt, 10'000},
                                              {"b", 0, 10'000, 1, nullopt, 3'000}}));
  auto out = td.read(wt::windowed_out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].key, (fs::windowed<std::string>{"a", 0, 10'000}));
  EXPECT_EQ(out[1].value, 2);
  auto store = td.window_store<std::string, std::int64_t>("tw");
  EXPECT_EQ(store.get("a", 0), 2);
  EXPECT_EQ(store.get("a", 10'000), 1);
  EXPECT_EQ(store.get("b", 0), 1);
  EXPECT_EQ(td.history("app-tw-changelog").size(), 4u);
  EXPECT_EQ(wt::late_dropped(td), 0);
}

TEST(TumblingTest, ReduceAndAggregateInMemory) {
  fs::topology t{"app"};
  auto g = t.stream(input).group_by_key();
  auto w = g.windowed_by(fs::tumbling{1s}.no_grace());
  auto maxes = w.reduce([](std::int64_t a, const std::int64_t& v) { return std::max(a, v); }, fs::store::in_memory{"max"});
  auto sums = w.aggregate([] { return std::int64_t{1000}; },
                          [](const std::string&, const std::int64_t& v, std::int64_t agg) { return agg + v; },
                          fs::store::in_memory{"sum"});
  auto m = wt::capture(maxes);
  auto s = wt::capture(sums);
  fs::test_driver td{t};
  td.pipe(input, "k", 5, 100);
  td.pipe(input, "k", 3, 200);
  td.pipe(input, "k", 9, 1'100);
  EXPECT_EQ(take(m), (std::vector<wchange>{{"k", 0, 1'000, 5, nullopt, 100},
                                           {"k", 0, 1'000, 5, 5, 200},
                                           {"k", 1'000, 2'000, 9, nullopt, 1'100}}));
  EXPECT_EQ(take(s), (std::vector<wchange>{{"k", 0, 1'000, 1'005, nullopt, 100},
                                           {"k", 0, 1'000, 1'008, 1'005, 200},
                                           {"k", 1'000, 2'000, 1'009, nullopt, 1'100}}));
  EXPECT_EQ((td.window_store<std::string, std::int64_t>("sum").get("k", 0)), 1'008);
}

TEST(TumblingTest, AggregateSerdesMayNameTheKeySerdeOrItsWindowedSerde) {
  fs::topology t{"app"};
  auto w = t.stream(wt::words).group_by_key().windowed_by(fs::tumbling{1s}.no_grace());
  auto adder = [](const std::string&, const std::string& v, std::string agg) { return agg + v; };
  auto a = w.aggregate([] { return std::string(); }, adder, fs::store::in_memory{"a"}, fs::serdes<fs::utf8, fs::utf8>{});
  auto b = w.aggregate([] { return std::string(); }, adder, fs::store::rocksdb{"b"},
                       fs::serdes<fs::windowed_serde<fs::utf8>, fs::utf8>{});
  static_assert(std::is_same_v<decltype(a), decltype(b)>);
  const fs::topic<fs::windowed<std::string>, std::string, fs::windowed_serde<fs::utf8>, fs::utf8> out{"concat"};
  b.to_stream().to(out);
  fs::test_driver td{t};
  td.pipe(wt::words, "k", std::string("x"), 10);
  td.pipe(wt::words, "k", std::string("y"), 20);
  auto got = td.read(out);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].key, (fs::windowed<std::string>{"k", 0, 1'000}));
  EXPECT_EQ(got[1].value, "xy");
  EXPECT_EQ((td.window_store<std::string, std::string>("a").get("k", 0)), "xy");
}

TEST(HoppingTest, RecordUpdatesEveryWindowHoldingItAndOnlyOpenOnesWhenLate) {
  fs::topology t{"app"};
  auto counts =
      t.stream(input).group_by_key().windowed_by(fs::hopping{10s, 5s}.no_grace()).count(fs::store::rocksdb{"hop"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 7'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 1, nullopt, 7'000},
                                              {"a", 5'000, 15'000, 1, nullopt, 7'000}}));
  td.pipe(input, "a", 0, 12'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 5'000, 15'000, 2, 1, 12'000},
                                              {"a", 10'000, 20'000, 1, nullopt, 12'000}}));
  // stream time 12 s: [0, 10s) is closed, [5s, 15s) is open -> only that one is updated
  td.pipe(input, "a", 0, 9'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 5'000, 15'000, 3, 2, 9'000}}));
  EXPECT_EQ(wt::late_dropped(td), 0);
  // 4 s belongs to [0, 10s) only (no negative windows), which is closed -> late
  td.pipe(input, "a", 0, 4'000);
  EXPECT_TRUE(take(seen).empty());
  EXPECT_EQ(wt::late_dropped(td), 1);
  auto store = td.window_store<std::string, std::int64_t>("hop");
  EXPECT_EQ(store.get("a", 0), 1);
  EXPECT_EQ(store.get("a", 5'000), 3);
  EXPECT_EQ(store.get("a", 10'000), 1);
}

TEST(LateRecordTest, ExactlyAtEndPlusGraceIsLateOneMillisecondEarlierIsCounted) {
  fs::topology t{"app"};
  std::vector<fs::record<std::string, std::int64_t>> late;
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::tumbling{10s}.grace(5s))
                    .on_late([&late](const fs::record<std::string, std::int64_t>& r) { late.push_back(r); })
                    .late_records_to("late-records")
                    .count(fs::store::rocksdb{"late"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 1, 1'000);
  td.pipe(input, "x", 1, 14'999);  // stream time = end + grace - 1
  td.pipe(input, "a", 2, 2'000);   // still counted
  ASSERT_EQ(seen->size(), 3u);
  EXPECT_EQ(seen->back().value.new_value, 2);
  seen->clear();
  td.pipe(input, "x", 1, 15'000);  // stream time = end + grace
  td.pipe(input, "a", 3, 3'000, {{"h", "v"}});  // late
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"x", 10'000, 20'000, 2, 1, 15'000}}));
  EXPECT_EQ(wt::late_dropped(td), 1);
  EXPECT_EQ(td.metrics().value(fs::metric_names::late_records_dropped, "task=0_0"), 1);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].key, "a");
  EXPECT_EQ(late[0].value, 3);
  EXPECT_EQ(late[0].timestamp, 3'000);
  const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> dlq{"late-records"};
  auto dead = td.read(dlq);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "a");
  EXPECT_EQ(dead[0].value, 3);
  EXPECT_EQ(dead[0].timestamp, 3'000);
  EXPECT_EQ(dead[0].headers, (fs::header_list{{"h", "v"}, {"fjord.late.window-close", "15000"}}));
  EXPECT_EQ((td.window_store<std::string, std::int64_t>("late").get("a", 0)), 2);
}

TEST(EmitFinalTest, EmitsEachWindowOnceWhenStreamTimePassesEndPlusGrace) {
  fs::topology t{"app"};
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::tumbling{10s}.grace(2s))
                    .emit_final()
                    .count(fs::store::rocksdb{"final"});
  auto seen = wt::capture(counts);
  counts.to_stream().to(wt::windowed_out);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "a", 0, 2'000);
  td.pipe(input, "b", 0, 5'000);
  td.pipe(input, "a", 0, 11'000);
  td.pipe(input, "b", 0, 9'000);  // out of order, within grace
  EXPECT_TRUE(seen->empty());
  auto store = td.window_store<std::string, std::int64_t>("final");
  EXPECT_EQ(store.get("a", 0), 2);
  td.advance_stream_time(11'999);
  EXPECT_TRUE(seen->empty());
  td.advance_stream_time(12'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 2, nullopt, 9'999},
                                              {"b", 0, 10'000, 2, nullopt, 9'999}}));
  EXPECT_EQ(td.read(wt::windowed_out).size(), 2u);
  // emitted windows leave the store (tombstones in the changelog); open ones stay
  EXPECT_EQ(store.get("a", 0), nullopt);
  EXPECT_EQ(store.get("b", 0), nullopt);
  EXPECT_EQ(store.get("a", 10'000), 1);
  const auto& log = td.history("app-final-changelog");
  ASSERT_EQ(log.size(), 7u);  // 5 puts, 2 tombstones
  EXPECT_FALSE(log[5].value.has_value());
  EXPECT_FALSE(log[6].value.has_value());
  // a record for the closed window is late and does not re-open it
  td.pipe(input, "a", 0, 3'000);
  EXPECT_EQ(wt::late_dropped(td), 1);
  td.advance_stream_time(100'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 10'000, 20'000, 1, nullopt, 19'999}}));
  td.advance_stream_time(200'000);
  EXPECT_TRUE(seen->empty());
}

TEST(EmitFinalTest, HoppingFinalResultsInMemoryStore) {
  fs::topology t{"app"};
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::hopping{10s, 5s}.no_grace())
                    .emit_final()
                    .count(fs::store::in_memory{"hop-final"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 7'000);
  td.pipe(input, "a", 0, 8'000);
  td.pipe(input, "a", 0, 10'000);  // closes [0, 10s)
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 2, nullopt, 9'999}}));
  td.advance_stream_time(20'000);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 5'000, 15'000, 3, nullopt, 14'999},
                                              {"a", 10'000, 20'000, 1, nullopt, 19'999}}));
}

TEST(EmitFinalTest, StreamTimeCloseIgnoresTheWallClock) {
  fs::topology t{"app"};
  auto counts = t.stream(input).group_by_key().windowed_by(fs::tumbling{10s}.no_grace()).emit_final().count(
      fs::store::in_memory{"st"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.advance_wall_clock(24h);
  EXPECT_TRUE(seen->empty());
}

TEST(EmitFinalTest, WallClockClosesWindowsOfAQuietPartition) {
  fs::topology t{"app"};
  auto counts = t.stream(input)
                    .group_by_key()
                    .windowed_by(fs::tumbling{10s}.grace(2s))
                    .emit_final(fs::close_on::wall_clock(5s))
                    .count(fs::store::rocksdb{"wall"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};  // wall clock starts at 0
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "a", 0, 4'000);
  td.advance_wall_clock(16'999ms);  // end + grace + idle - 1
  EXPECT_TRUE(seen->empty());
  td.advance_wall_clock(1ms);  // = end + grace + idle; stream time is still 4 s
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 2, nullopt, 9'999}}));
  EXPECT_EQ((td.window_store<std::string, std::int64_t>("wall").get("a", 0)), nullopt);
  // the window is closed now: a record for it is late and is not emitted again
  td.pipe(input, "a", 0, 5'000);
  EXPECT_EQ(wt::late_dropped(td), 1);
  td.advance_stream_time(50'000);
  EXPECT_TRUE(seen->empty());
}

TEST(EmitFinalTest, ReopenedStoreRebuildsOpenWindowsAndDoesNotReEmitClosedOnes) {
  const auto dir = std::filesystem::temp_directory_path() / ("fjord-window-reopen-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto build = [](fs::topology& t) {
    // persistent and unlogged: the files survive the driver and are not wiped on reopen
    return wt::capture(t.stream(input)
                           .group_by_key()
                           .windowed_by(fs::tumbling{10s}.no_grace())
                           .emit_final()
                           .count(fs::store::rocksdb{"reopen", false}));
  };
  {
    fs::topology t{"app"};
    auto seen = build(t);
    fs::test_driver td{t, fs::test_driver_config{.state_dir = dir}};
    td.pipe(input, "a", 0, 1'000);
    td.pipe(input, "b", 0, 2'000);
    td.pipe(input, "a", 0, 10'000);
    EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 0, 10'000, 1, nullopt, 9'999},
                                                {"b", 0, 10'000, 1, nullopt, 9'999}}));
  }
  {
    fs::topology t{"app"};
    auto seen = build(t);
    fs::test_driver td{t, fs::test_driver_config{.state_dir = dir}};
    td.pipe(input, "c", 0, 20'000);  // the first record closes what the reopened store holds
    EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 10'000, 20'000, 1, nullopt, 19'999}}));
    td.advance_stream_time(30'000);
    EXPECT_EQ(take(seen), (std::vector<wchange>{{"c", 20'000, 30'000, 1, nullopt, 29'999}}));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
