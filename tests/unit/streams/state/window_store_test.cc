// window_store against both backends: inclusive fetch bounds, negative times, key
// isolation, fetch_all order, duplicates, segment expiry exactly at the boundary, the
// documented key layout, and restore.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fjord/streams/state/state_manager.hpp"
#include "fjord/streams/state/window_store.hpp"
#include "state_test_support.hpp"

namespace fjord::streams::state_test {
namespace {

using wstore = window_store<std::string, std::string, str_serde, str_serde>;
constexpr timestamp_ms tmin = std::numeric_limits<timestamp_ms>::min();
constexpr timestamp_ms tmax = std::numeric_limits<timestamp_ms>::max();

class WindowStoreTest : public both_backends {
 protected:
  // retention 20 ms, segments 10 ms wide.
  wstore open(bool dups = false, std::string name = "win") {
    mgr().open(def(name, store_kind::window, millis{20}, millis{10}, dups));
    return mgr().window<std::string, std::string, str_serde, str_serde>(name);
  }
  static std::vector<std::pair<timestamp_ms, std::string>> fetch(wstore& w, const std::string& k, timestamp_ms from,
                                                                 timestamp_ms to) {
    std::vector<std::pair<timestamp_ms, std::string>> out;
    w.fetch(k, from, to, [&](timestamp_ms t, std::string&& v) {
      out.emplace_back(t, std::move(v));
      return true;
    });
    return out;
  }
  using row = std::pair<timestamp_ms, std::string>;
  using rows = std::vector<row>;
};

TEST_P(WindowStoreTest, PutGetOverwriteRemove) {
  auto w = open();
  EXPECT_EQ(w.get("a", 5), std::nullopt);
  w.put("a", 5, "x");
  w.put("a", 6, "y");
  EXPECT_EQ(w.get("a", 5), "x");
  w.put("a", 5, "z");
  EXPECT_EQ(w.get("a", 5), "z");
  EXPECT_EQ(w.get("b", 5), std::nullopt);
  w.remove("a", 5);
  EXPECT_EQ(w.get("a", 5), std::nullopt);
  EXPECT_EQ(w.get("a", 6), "y");
}

TEST_P(WindowStoreTest, FetchBoundsAreInclusiveAndCrossSegments) {
  auto w = open();
  for (timestamp_ms t : {0, 9, 10, 20, 30, 35}) w.put("a", t, std::to_string(t));
  EXPECT_EQ(fetch(w, "a", 10, 30), (rows{{10, "10"}, {20, "20"}, {30, "30"}}));
  EXPECT_EQ(fetch(w, "a", 9, 9), (rows{{9, "9"}}));
  EXPECT_EQ(fetch(w, "a", 11, 19), rows{});
  EXPECT_EQ(fetch(w, "a", 31, 30), rows{});  // empty range
  EXPECT_EQ(fetch(w, "a", tmin, tmax).size(), 6u);
}

TEST_P(WindowStoreTest, NegativeStartsSortBeforePositive) {
  auto w = open();
  for (timestamp_ms t : std::initializer_list<timestamp_ms>{5, -1, 0, -20, -11, tmin, tmax}) w.put("a", t, std::to_string(t));
  std::vector<timestamp_ms> starts;
  w.fetch("a", tmin, tmax, [&](timestamp_ms t, std::string&&) { starts.push_back(t); });
  EXPECT_EQ(starts, (std::vector<timestamp_ms>{tmin, -20, -11, -1, 0, 5, tmax}));
  EXPECT_EQ(fetch(w, "a", -11, -1), (rows{{-11, "-11"}, {-1, "-1"}}));
  EXPECT_EQ(w.get("a", -1), "-1");
}

TEST_P(WindowStoreTest, FetchSeesOnlyItsKeyAndStopsOnFalse) {
  auto w = open();
  w.put("a", 1, "a1");
  w.put("ab", 1, "ab1");
  w.put("", 1, "empty");
  w.put("a", 2, "a2");
  EXPECT_EQ(fetch(w, "a", 0, 10), (rows{{1, "a1"}, {2, "a2"}}));
  EXPECT_EQ(fetch(w, "", 0, 10), (rows{{1, "empty"}}));
  int n = 0;
  w.fetch("a", 0, 10, [&](timestamp_ms, std::string&&) { return ++n < 1; });
  EXPECT_EQ(n, 1);
}

TEST_P(WindowStoreTest, FetchAllOrderIsSegmentThenKeyThenStart) {
  auto w = open();
  w.put("b", 12, "b12");
  w.put("a", 15, "a15");
  w.put("b", 3, "b3");
  w.put("aa", 1, "aa1");
  w.put("a", 2, "a2");
  w.put("a", 1, "a1");
  w.put("a", 40, "a40");
  std::vector<std::tuple<std::string, timestamp_ms, std::string>> got;
  w.fetch_all(1, 15, [&](const std::string& k, timestamp_ms t, std::string&& v) {
    got.emplace_back(k, t, std::move(v));
    return true;
  });
  // segment 0: "a" (len 1) then "b" (len 1) then "aa" (len 2); segment 1: a15, b12.
  using T = std::tuple<std::string, timestamp_ms, std::string>;
  EXPECT_EQ(got, (std::vector<T>{{"a", 1, "a1"}, {"a", 2, "a2"}, {"b", 3, "b3"}, {"aa", 1, "aa1"},
                                 {"a", 15, "a15"}, {"b", 12, "b12"}}));
  int n = 0;
  w.fetch_all(tmin, tmax, [&](const std::string&, timestamp_ms, std::string&&) { return ++n < 3; });
  EXPECT_EQ(n, 3);
}

TEST_P(WindowStoreTest, DuplicatesAreAppendedInPutOrderAndRemovedTogether) {
  auto w = open(/*dups=*/true);
  w.put("a", 5, "first");
  w.put("a", 5, "second");
  w.put("a", 6, "other");
  w.put("a", 5, "third");
  EXPECT_EQ(fetch(w, "a", 5, 5), (rows{{5, "first"}, {5, "second"}, {5, "third"}}));
  EXPECT_EQ(fetch(w, "a", 0, 10).size(), 4u);
  EXPECT_EQ(w.get("a", 5), "first");
  writer_.writes.clear();
  w.remove("a", 5);
  EXPECT_EQ(fetch(w, "a", 0, 10), (rows{{6, "other"}}));
  ASSERT_EQ(writer_.writes.size(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(writer_.writes[i].key, key_layout::window_key("a", 5, i));
    EXPECT_EQ(writer_.writes[i].value, std::nullopt);
  }
}

TEST_P(WindowStoreTest, ExpireDropsWholeSegmentsExactlyAtTheBoundary) {
  auto w = open();  // retention 20, segments [0,10) [10,20) [20,30)
  for (timestamp_ms t : {0, 9, 10, 19, 20, 29}) w.put("a", t, std::to_string(t));
  w.expire(38);  // cutoff 18: segment 1 holds 19 >= 18 → nothing but segment 0 (all < 18)
  EXPECT_EQ(fetch(w, "a", tmin, tmax), (rows{{10, "10"}, {19, "19"}, {20, "20"}, {29, "29"}}));
  w.expire(39);  // cutoff 19: 19 is not < 19 → segment 1 stays
  EXPECT_EQ(w.get("a", 19), "19");
  EXPECT_EQ(w.get("a", 10), "10");  // same segment: stays although 10 < 19
  w.expire(40);  // cutoff 20: every start of segment 1 (<= 19) < 20 → dropped
  EXPECT_EQ(w.get("a", 19), std::nullopt);
  EXPECT_EQ(fetch(w, "a", tmin, tmax), (rows{{20, "20"}, {29, "29"}}));
  EXPECT_EQ(mgr().backend("win").segment_ids(), (std::vector<std::int64_t>{2}));
  w.expire(0);  // stream time going back never resurrects or drops more
  EXPECT_EQ(fetch(w, "a", tmin, tmax).size(), 2u);
  w.expire(tmin);  // no overflow
}

TEST_P(WindowStoreTest, PutIntoAnExpiredSegmentIsDroppedAndNotLogged) {
  auto w = open();
  w.put("a", 25, "live");
  w.expire(45);  // cutoff 25 → segments < 2 dropped
  writer_.writes.clear();
  w.put("a", 5, "late");
  EXPECT_EQ(w.get("a", 5), std::nullopt);
  EXPECT_TRUE(writer_.writes.empty());
  w.put("a", 20, "ok");  // segment 2 is live
  EXPECT_EQ(w.get("a", 20), "ok");
}

TEST_P(WindowStoreTest, NegativeTimesUseFloorSegments) {
  auto w = open();
  w.put("a", -1, "m1");    // segment -1
  w.put("a", -10, "m10");  // segment -1
  w.put("a", -11, "m11");  // segment -2
  EXPECT_EQ(mgr().backend("win").segment_ids(), (std::vector<std::int64_t>{-2, -1}));
  w.expire(10);  // cutoff -10 → first live segment -1
  EXPECT_EQ(fetch(w, "a", tmin, tmax), (rows{{-10, "m10"}, {-1, "m1"}}));
}

TEST_P(WindowStoreTest, ChangelogKeyIsTheDocumentedLayout) {
  auto w = open();
  w.put("ab", 1000, "v");
  // docs/formats/streams-state.md, worked example 1.
  const std::string want = bytes({0x00, 0x00, 0x00, 0x02, 'a', 'b', 0x80, 0, 0, 0, 0, 0, 0x03, 0xE8});
  ASSERT_EQ(writer_.writes.size(), 1u);
  EXPECT_EQ(writer_.writes[0], (logged_write{"win", want, "v"}));
  const std::string neg = bytes({0x00, 0x00, 0x00, 0x02, 'a', 'b', 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});
  w.put("ab", -1, "n");
  EXPECT_EQ(writer_.writes[1].key, neg);

  auto d = open(/*dups=*/true, "dup");
  d.put("ab", 1000, "v");
  d.put("ab", 1000, "v");
  EXPECT_EQ(writer_.writes[3].key, want + bytes({0, 0, 0, 1}));
}

TEST_P(WindowStoreTest, RestoreRebuildsSegmentsWithoutRelogging) {
  auto w = open(/*dups=*/true);
  w.put("a", -5, "x");
  w.put("a", 15, "y");
  w.put("a", 15, "y2");
  w.put("b", 33, "z");
  w.remove("b", 33);
  const auto log = writer_.writes;
  mgr().open(def("copy", store_kind::window, millis{20}, millis{10}, true));
  writer_.writes.clear();
  for (const auto& lw : log) {
    mgr().restore("copy", lw.key, lw.value ? std::optional<std::string_view>(*lw.value) : std::nullopt);
  }
  EXPECT_TRUE(writer_.writes.empty());
  auto c = mgr().window<std::string, std::string, str_serde, str_serde>("copy");
  EXPECT_EQ(fetch(c, "a", tmin, tmax), (rows{{-5, "x"}, {15, "y"}, {15, "y2"}}));
  EXPECT_EQ(fetch(c, "b", tmin, tmax), rows{});
  EXPECT_THROW(mgr().restore("copy", "garbage", std::string_view("v")), streams_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, WindowStoreTest, ::testing::Bool(), backend_name);

}  // namespace
}  // namespace fjord::streams::state_test
