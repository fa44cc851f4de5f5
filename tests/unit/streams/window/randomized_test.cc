// Randomised checks against brute force: out-of-order input (all within grace) must leave
// exactly the sliding windows and sessions that a direct computation over all records
// gives, whatever the arrival order.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "window_test_support.hpp"

namespace fs = fjord::streams;
using namespace std::chrono_literals;
using wt::input;

namespace {

std::vector<fs::timestamp_ms> random_times(std::uint32_t seed, int n, fs::timestamp_ms max) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<fs::timestamp_ms> dist(0, max);
  std::vector<fs::timestamp_ms> out(static_cast<std::size_t>(n));
  for (auto& t : out) t = dist(rng);
  return out;
}

TEST(RandomizedTest, SlidingWindowsMatchBruteForceForAnyArrivalOrder) {
  constexpr fs::timestamp_ms diff = 5'000;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    // odd seeds: sparse; even seeds: dense (equal timestamps, many early records < diff)
    const auto times = random_times(seed, 60, seed % 2 ? 60'000 : 12'000);
    fs::topology t{"app"};
    t.stream(input).group_by_key().windowed_by(fs::sliding{5s}.grace(1h)).count(fs::store::in_memory{"s"});
    fs::test_driver td{t};
    for (auto ts : times) td.pipe(input, "k", 0, ts);
    std::map<fs::timestamp_ms, fs::sliding_value<std::int64_t>> stored;
    td.window_store<std::string, fs::sliding_value<std::int64_t>, fs::utf8, fs::sliding_value_serde<fs::be_i64>>("s")
        .fetch_all(fs::kNoTime, std::numeric_limits<fs::timestamp_ms>::max(),
                   [&](const std::string&, fs::timestamp_ms start, fs::sliding_value<std::int64_t>&& v) {
                     stored[start] = v;
                   });
    // every stored window holds exactly the records in [start, start + diff]
    for (const auto& [start, v] : stored) {
      std::int64_t n = 0;
      fs::timestamp_ms mx = -1;
      for (auto ts : times) {
        if (ts >= start && ts <= start + diff) ++n, mx = std::max(mx, ts);
      }
      EXPECT_EQ(v.value, n) << "seed " << seed << " window " << start;
      EXPECT_EQ(v.max_timestamp, mx) << "seed " << seed << " window " << start;
    }
    // and the windows Kafka defines exist: each record's left window (or [0, diff] for
    // early records) and its right window when a later record falls in it
    for (auto ts : times) {
      EXPECT_TRUE(stored.contains(ts >= diff ? ts - diff : 0)) << "seed " << seed << " left of " << ts;
      const bool later = std::any_of(times.begin(), times.end(),
                                     [&](fs::timestamp_ms o) { return o > ts && o <= ts + 1 + diff; });
      if (later) {
        EXPECT_TRUE(stored.contains(ts + 1)) << "seed " << seed << " right of " << ts;
      }
    }
  }
}

TEST(RandomizedTest, SessionsMatchBruteForceForAnyArrivalOrder) {
  constexpr fs::timestamp_ms gap = 2'000;
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    const auto times = random_times(seed, 40, seed % 2 ? 100'000 : 30'000);
    fs::topology t{"app"};
    t.stream(input).group_by_key().windowed_by(fs::session{2s}.grace(1h)).count(fs::store::rocksdb{"s"});
    fs::test_driver td{t};
    for (auto ts : times) td.pipe(input, "k", 0, ts);
    std::vector<std::tuple<fs::timestamp_ms, fs::timestamp_ms, std::int64_t>> stored;
    td.session_store<std::string, std::int64_t>("s").fetch_all_ending(
        fs::kNoTime, std::numeric_limits<fs::timestamp_ms>::max(),
        [&](const std::string&, fs::timestamp_ms s, fs::timestamp_ms e, std::int64_t&& v) { stored.emplace_back(s, e, v); });
    auto sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::tuple<fs::timestamp_ms, fs::timestamp_ms, std::int64_t>> expected;
    for (auto ts : sorted) {
      if (!expected.empty() && ts - std::get<1>(expected.back()) <= gap) {
        std::get<1>(expected.back()) = ts;
        ++std::get<2>(expected.back());
      } else {
        expected.emplace_back(ts, ts, 1);
      }
    }
    std::sort(stored.begin(), stored.end());
    EXPECT_EQ(stored, expected) << "seed " << seed;
  }
}

TEST(RandomizedTest, HoppingCountsMatchBruteForce) {
  for (std::uint32_t seed = 1; seed <= 10; ++seed) {
    const auto times = random_times(seed, 80, 50'000);
    fs::topology t{"app"};
    t.stream(input).group_by_key().windowed_by(fs::hopping{10s, 3s}.grace(1h)).count(fs::store::in_memory{"h"});
    fs::test_driver td{t};
    for (auto ts : times) td.pipe(input, "k", 0, ts);
    std::map<fs::timestamp_ms, std::int64_t> stored;
    td.window_store<std::string, std::int64_t>("h").fetch_all(
        fs::kNoTime, std::numeric_limits<fs::timestamp_ms>::max(),
        [&](const std::string&, fs::timestamp_ms start, std::int64_t&& v) { stored[start] = v; });
    std::map<fs::timestamp_ms, std::int64_t> expected;
    for (auto ts : times) {
      for (fs::timestamp_ms s = 0; s <= ts; s += 3'000) {
        if (ts < s + 10'000) ++expected[s];
      }
    }
    EXPECT_EQ(stored, expected) << "seed " << seed;
  }
}

}  // namespace
