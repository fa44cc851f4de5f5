// The session node's in-memory index of open sessions (session_window_node.hpp) must stay
// exactly in step with its store: sessions restored from a persistent store are found
// (both emit modes), sessions the store no longer holds (expired segment, emitted as
// final) are never merged, and a session past retention whose segment is still live is.
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

std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("fjord-session-index-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(SessionIndexTest, SessionOfAReopenedStoreStillMerges) {
  const auto dir = fresh_dir("update");
  auto build = [](fs::topology& t) {
    // persistent and unlogged: the files survive the driver and are not wiped on reopen
    return wt::capture(
        t.stream(input).group_by_key().windowed_by(fs::session{5s}.grace(1h)).count(fs::store::rocksdb{"sess", false}));
  };
  {
    fs::topology t{"app"};
    auto seen = build(t);
    fs::test_driver td{t, fs::test_driver_config{.state_dir = dir}};
    td.pipe(input, "a", 0, 1'000);
    td.pipe(input, "a", 0, 3'000);
    td.pipe(input, "b", 0, 2'000);
  }
  {
    fs::topology t{"app"};
    auto seen = build(t);
    fs::test_driver td{t, fs::test_driver_config{.state_dir = dir}};
    td.pipe(input, "a", 0, 6'000);  // extends the restored [1s, 3s]
    td.pipe(input, "b", 0, 0);      // extends the restored [2s] backwards
    EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 3'000, nullopt, 2, 3'000},
                                                {"a", 1'000, 6'000, 3, nullopt, 6'000},
                                                {"b", 2'000, 2'000, nullopt, 1, 2'000},
                                                {"b", 0, 2'000, 2, nullopt, 2'000}}));
    td.pipe(input, "a", 0, 10'000);  // and the index kept up with that merge
    EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 6'000, nullopt, 3, 6'000},
                                                {"a", 1'000, 10'000, 4, nullopt, 10'000}}));
    auto store = td.session_store<std::string, std::int64_t>("sess");
    EXPECT_EQ(store.get("a", 1'000, 3'000), nullopt);
    EXPECT_EQ(store.get("a", 1'000, 6'000), nullopt);
    EXPECT_EQ(store.get("a", 1'000, 10'000), 4);
  }
  std::filesystem::remove_all(dir);
}

TEST(SessionIndexTest, SessionOfAReopenedStoreStillMergesWithEmitFinal) {
  const auto dir = fresh_dir("final");
  auto build = [](fs::topology& t) {
    return wt::capture(t.stream(input)
                           .group_by_key()
                           .windowed_by(fs::session{5s}.no_grace())
                           .emit_final()
                           .count(fs::store::rocksdb{"sess", false}));
  };
  {
    fs::topology t{"app"};
    auto seen = build(t);
    fs::test_driver td{t, fs::test_driver_config{.state_dir = dir}};
    td.pipe(input, "a", 0, 1'000);
    td.pipe(input, "a", 0, 3'000);
    EXPECT_TRUE(seen->empty());
  }
  {
    fs::topology t{"app"};
    auto seen = build(t);
    fs::test_driver td{t, fs::test_driver_config{.state_dir = dir}};
    td.pipe(input, "a", 0, 6'000);
    td.advance_stream_time(11'000);  // [1s, 6s] closes at 6000 + 1 + 5000
    EXPECT_TRUE(seen->empty());
    td.advance_stream_time(11'001);
    EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 6'000, 3, nullopt, 6'000}}));
    td.advance_stream_time(100'000);
    EXPECT_TRUE(seen->empty());
  }
  std::filesystem::remove_all(dir);
}

// retention = gap + grace + 1 ms = 5001 ms; segments are 60 s wide (the default minimum).
// [59s] sits in segment 0, which expire() drops once stream time >= 65001; a record at
// 63.5 s is then within the gap of it and of the open session [68s, ...], but only the
// latter is still stored, so only the latter is merged. `last` = 120 s: the index still
// holds [59s] when the record comes (no sweep since 62 s), the point lookup misses;
// `last` = 124 s: the sweep at 124 s has already erased it.
void expect_expired_session_not_merged(fs::timestamp_ms last) {
  fs::topology t{"app"};
  auto seen = wt::capture(
      t.stream(input).group_by_key().windowed_by(fs::session{5s}.no_grace()).count(fs::store::rocksdb{"sess"}));
  fs::test_driver td{t};
  td.pipe(input, "z", 0, 0);
  td.pipe(input, "a", 0, 59'000);
  td.pipe(input, "z", 0, 62'000);
  std::int64_t n = 0;
  for (fs::timestamp_ms ts = 68'000; ts <= last; ts += 4'000, ++n) td.pipe(input, "a", 0, ts);
  EXPECT_EQ((td.session_store<std::string, std::int64_t>("sess").get("a", 59'000, 59'000)), nullopt);
  seen->clear();
  td.pipe(input, "a", 0, 63'500);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 68'000, last, nullopt, n, last},
                                              {"a", 63'500, last, n + 1, nullopt, last}}))
      << "last " << last;
  EXPECT_EQ(wt::late_dropped(td), 0);
}

TEST(SessionIndexTest, SessionInAnExpiredSegmentIsNotMerged) {
  expect_expired_session_not_merged(120'000);
  expect_expired_session_not_merged(124'000);
}

// [61s] ends before stream time - retention (70000 - 5001) once a at 70 s arrives (which
// also sweeps the index), but its segment (1: [60s, 120s)) is live, so the store still
// holds it and a record at 65.5 s bridges it with [70s].
TEST(SessionIndexTest, SessionPastRetentionInALiveSegmentStillBridges) {
  fs::topology t{"app"};
  auto seen = wt::capture(
      t.stream(input).group_by_key().windowed_by(fs::session{5s}.no_grace()).count(fs::store::rocksdb{"sess"}));
  fs::test_driver td{t};
  td.pipe(input, "z", 0, 10'000);
  td.pipe(input, "a", 0, 61'000);
  td.pipe(input, "a", 0, 70'000);
  seen->clear();
  td.pipe(input, "a", 0, 65'500);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 61'000, 61'000, nullopt, 1, 61'000},
                                              {"a", 70'000, 70'000, nullopt, 1, 70'000},
                                              {"a", 61'000, 70'000, 3, nullopt, 70'000}}));
  EXPECT_EQ(wt::late_dropped(td), 0);
}

// A session emitted as final leaves the store and the index: a later on-time record
// within the gap of it starts a new session.
TEST(SessionIndexTest, SessionEmittedAsFinalIsNotMergedAgain) {
  fs::topology t{"app"};
  auto seen = wt::capture(t.stream(input)
                              .group_by_key()
                              .windowed_by(fs::session{5s}.no_grace())
                              .emit_final()
                              .count(fs::store::rocksdb{"sess"}));
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);
  td.pipe(input, "z", 0, 6'001);  // [1s] closes at 1000 + 1 + 5000
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 1'000, 1'000, 1, nullopt, 1'000}}));
  td.pipe(input, "a", 0, 5'500);  // within the gap of [1s], on time on its own
  td.advance_stream_time(10'501);
  EXPECT_EQ(take(seen), (std::vector<wchange>{{"a", 5'500, 5'500, 1, nullopt, 5'500}}));
  EXPECT_EQ(wt::late_dropped(td), 0);
}

}  // namespace
