// session_store against both backends: find_sessions overlap semantics and order,
// fetch_all_ending bounds, remove + tombstones, expiry by session end, key layout, restore.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fjord/streams/state/session_store.hpp"
#include "fjord/streams/state/state_manager.hpp"
#include "state_test_support.hpp"

namespace fjord::streams::state_test {
namespace {

using sstore = session_store<std::string, std::int64_t, str_serde, i64_serde>;
using span = std::tuple<timestamp_ms, timestamp_ms, std::int64_t>;  // start, end, value
constexpr timestamp_ms tmin = std::numeric_limits<timestamp_ms>::min();
constexpr timestamp_ms tmax = std::numeric_limits<timestamp_ms>::max();

class SessionStoreTest : public both_backends {
 protected:
  // retention 20 ms, segments (by end) 10 ms wide.
  sstore open(std::string name = "sess") {
    mgr().open(def(name, store_kind::session, millis{20}, millis{10}));
    return mgr().session<std::string, std::int64_t, str_serde, i64_serde>(name);
  }
  static std::vector<span> find(sstore& s, const std::string& k, timestamp_ms earliest_end, timestamp_ms latest_start) {
    std::vector<span> out;
    s.find_sessions(k, earliest_end, latest_start, [&](timestamp_ms st, timestamp_ms en, std::int64_t&& v) {
      out.emplace_back(st, en, v);
      return true;
    });
    return out;
  }
};

TEST_P(SessionStoreTest, FindSessionsReturnsOverlappingSessionsInclusive) {
  auto s = open();
  s.put("a", 0, 10, 1);
  s.put("a", 20, 30, 2);
  s.put("a", 40, 50, 3);
  s.put("b", 12, 18, 9);
  s.put("ab", 20, 30, 8);
  EXPECT_EQ(find(s, "a", 10, 40), (std::vector<span>{{0, 10, 1}, {20, 30, 2}, {40, 50, 3}}));
  EXPECT_EQ(find(s, "a", 11, 39), (std::vector<span>{{20, 30, 2}}));
  EXPECT_EQ(find(s, "a", 31, 39), std::vector<span>{});
  EXPECT_EQ(find(s, "a", tmin, tmax).size(), 3u);
  EXPECT_EQ(find(s, "a", 51, tmax), std::vector<span>{});
  EXPECT_EQ(find(s, "b", 0, 100), (std::vector<span>{{12, 18, 9}}));
  // A record at t = 15 with gap 5 merges with sessions ending >= 10 and starting <= 20.
  EXPECT_EQ(find(s, "a", 15 - 5, 15 + 5), (std::vector<span>{{0, 10, 1}, {20, 30, 2}}));
  EXPECT_EQ(s.get("a", 20, 30), 2);
  EXPECT_EQ(s.get("a", 20, 31), std::nullopt);
}

TEST_P(SessionStoreTest, OrderIsByEndThenStartAndStopsOnFalse) {
  auto s = open();
  s.put("a", 5, 25, 1);
  s.put("a", 0, 25, 2);
  s.put("a", -3, -1, 3);
  s.put("a", 7, 8, 4);
  EXPECT_EQ(find(s, "a", tmin, tmax), (std::vector<span>{{-3, -1, 3}, {7, 8, 4}, {0, 25, 2}, {5, 25, 1}}));
  int n = 0;
  s.find_sessions("a", tmin, tmax, [&](timestamp_ms, timestamp_ms, std::int64_t&&) { return ++n < 2; });
  EXPECT_EQ(n, 2);
}

TEST_P(SessionStoreTest, FetchAllEndingBoundsAndOrder) {
  auto s = open();
  s.put("b", 1, 5, 1);
  s.put("a", 2, 9, 2);
  s.put("a", 10, 10, 3);
  s.put("a", 11, 21, 4);
  std::vector<std::tuple<std::string, timestamp_ms, timestamp_ms, std::int64_t>> got;
  s.fetch_all_ending(5, 10, [&](const std::string& k, timestamp_ms st, timestamp_ms en, std::int64_t&& v) {
    got.emplace_back(k, st, en, v);
    return true;
  });
  using T = std::tuple<std::string, timestamp_ms, timestamp_ms, std::int64_t>;
  EXPECT_EQ(got, (std::vector<T>{{"a", 2, 9, 2}, {"b", 1, 5, 1}, {"a", 10, 10, 3}}));
}

TEST_P(SessionStoreTest, RemoveDeletesAndLogsATombstone) {
  auto s = open();
  s.put("a", 0, 10, 1);
  s.remove("a", 0, 10);
  EXPECT_EQ(find(s, "a", tmin, tmax), std::vector<span>{});
  ASSERT_EQ(writer_.writes.size(), 2u);
  EXPECT_EQ(writer_.writes[0].key, writer_.writes[1].key);
  EXPECT_EQ(writer_.writes[1].value, std::nullopt);
}

TEST_P(SessionStoreTest, ExpireIsBySessionEndAtTheSegmentBoundary) {
  auto s = open();  // retention 20; segments by end [0,10) [10,20) [20,30)
  s.put("a", -100, 9, 1);  // long session ending in segment 0
  s.put("a", 0, 19, 2);
  s.put("a", 19, 20, 3);
  s.expire(39);  // cutoff 19: segment 0 dropped (ends <= 9), segment 1 kept (19 is not < 19)
  EXPECT_EQ(find(s, "a", tmin, tmax), (std::vector<span>{{0, 19, 2}, {19, 20, 3}}));
  s.expire(40);  // cutoff 20: segment 1 dropped
  EXPECT_EQ(find(s, "a", tmin, tmax), (std::vector<span>{{19, 20, 3}}));
  s.put("a", 0, 5, 4);  // into an expired segment: dropped
  EXPECT_EQ(find(s, "a", tmin, tmax).size(), 1u);
}

TEST_P(SessionStoreTest, ChangelogKeyIsTheDocumentedLayout) {
  auto s = open();
  s.put("k", -5, 1000, 7);
  // docs/formats/streams-state.md, worked example 2: [len][key][end][start].
  const std::string want = bytes({0, 0, 0, 1, 'k', 0x80, 0, 0, 0, 0, 0, 0x03, 0xE8, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF,
                                  0xFF, 0xFF, 0xFB});
  ASSERT_EQ(writer_.writes.size(), 1u);
  EXPECT_EQ(writer_.writes[0].key, want);
  EXPECT_EQ(writer_.writes[0].value, encode_to_string<i64_serde>(std::int64_t{7}));
}

TEST_P(SessionStoreTest, RestoreRebuildsWithoutRelogging) {
  auto s = open();
  s.put("a", 0, 10, 1);
  s.put("a", 20, 35, 2);
  s.put("b", 1, 2, 3);
  s.remove("b", 1, 2);
  const auto log = writer_.writes;
  mgr().open(def("copy", store_kind::session, millis{20}, millis{10}));
  writer_.writes.clear();
  for (const auto& lw : log) {
    mgr().restore("copy", lw.key, lw.value ? std::optional<std::string_view>(*lw.value) : std::nullopt);
  }
  EXPECT_TRUE(writer_.writes.empty());
  auto c = mgr().session<std::string, std::int64_t, str_serde, i64_serde>("copy");
  EXPECT_EQ(find(c, "a", tmin, tmax), (std::vector<span>{{0, 10, 1}, {20, 35, 2}}));
  EXPECT_EQ(find(c, "b", tmin, tmax), std::vector<span>{});
  EXPECT_THROW(mgr().restore("copy", "short", std::nullopt), streams_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionStoreTest, ::testing::Bool(), backend_name);

}  // namespace
}  // namespace fjord::streams::state_test
