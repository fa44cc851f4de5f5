// Unwindowed count / reduce / aggregate through the test driver, window spec validation,
// and the compile-time rejection of window specs without a grace period.
#include <gtest/gtest.h>

#include "window_test_support.hpp"

namespace fs = fjord::streams;
using namespace std::chrono_literals;
using wt::input;
using wt::words;

namespace {

using grouped_t = fs::grouped_stream<std::string, std::int64_t, fs::utf8, fs::be_i64>;

// Graceless specs must not compile into an operator; finished ones must.
template <class G, class W>
concept windowable = requires(const G& g, const W& w) { g.windowed_by(w); };
static_assert(!windowable<grouped_t, fs::tumbling>);
static_assert(!windowable<grouped_t, fs::hopping>);
static_assert(!windowable<grouped_t, fs::sliding>);
static_assert(!windowable<grouped_t, fs::session>);
static_assert(windowable<grouped_t, fs::time_windows>);
static_assert(windowable<grouped_t, fs::sliding_windows>);
static_assert(windowable<grouped_t, fs::session_windows>);

template <class R>
std::vector<std::tuple<std::string, std::optional<R>, std::optional<R>, fs::timestamp_ms>> flat(
    const wt::captured<std::string, R>& c) {
  std::vector<std::tuple<std::string, std::optional<R>, std::optional<R>, fs::timestamp_ms>> out;
  for (const auto& r : *c) out.emplace_back(r.key, r.value.new_value, r.value.old_value, r.timestamp);
  c->clear();
  return out;
}

TEST(AggregateTest, CountEmitsNewAndOldPerUpdateAndWritesStoreAndChangelog) {
  fs::topology t{"app"};
  auto counts = t.stream(input).group_by_key().count(fs::store::rocksdb{"counts"});
  auto seen = wt::capture(counts);
  const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> out{"out"};
  counts.to_stream().to(out);
  fs::test_driver td{t};
  td.pipe(input, "a", 7, 10);
  td.pipe(input, "b", 7, 11);
  td.pipe(input, "a", 7, 12);
  using row = std::tuple<std::string, std::optional<std::int64_t>, std::optional<std::int64_t>, fs::timestamp_ms>;
  EXPECT_EQ(flat(seen), (std::vector<row>{{"a", 1, std::nullopt, 10}, {"b", 1, std::nullopt, 11}, {"a", 2, 1, 12}}));
  auto written = td.read(out);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[2].value, 2);
  EXPECT_EQ((td.kv_store<std::string, std::int64_t>("counts").get("a")), 2);
  EXPECT_EQ((td.kv_store<std::string, std::int64_t>("counts").get("b")), 1);
  EXPECT_EQ(td.history("app-counts-changelog").size(), 3u);
  EXPECT_EQ(counts.store_name(), "counts");
}

TEST(AggregateTest, ReduceWithAndWithoutKeyInMemory) {
  fs::topology t{"app"};
  auto s = t.stream(input).group_by_key();
  auto sums = s.reduce([](std::int64_t a, const std::int64_t& v) { return a + v; }, fs::store::in_memory{"sums"});
  auto tagged = s.reduce([](const std::string& k, std::int64_t a, const std::int64_t& v) {
    return a * 10 + v + static_cast<std::int64_t>(k.size());
  }, fs::store::in_memory{"tagged"});
  auto a = wt::capture(sums);
  auto b = wt::capture(tagged);
  fs::test_driver td{t};
  td.pipe(input, "k", 1, 1);
  td.pipe(input, "k", 2, 2);
  td.pipe(input, "k", 3, 3);
  using row = std::tuple<std::string, std::optional<std::int64_t>, std::optional<std::int64_t>, fs::timestamp_ms>;
  EXPECT_EQ(flat(a), (std::vector<row>{{"k", 1, std::nullopt, 1}, {"k", 3, 1, 2}, {"k", 6, 3, 3}}));
  // first value as is, then a * 10 + v + 1
  EXPECT_EQ(flat(b), (std::vector<row>{{"k", 1, std::nullopt, 1}, {"k", 13, 1, 2}, {"k", 134, 13, 3}}));
  EXPECT_EQ((td.kv_store<std::string, std::int64_t>("sums").get("k")), 6);
  EXPECT_EQ(td.history("app-sums-changelog").size(), 3u);
}

TEST(AggregateTest, AggregateToAnotherTypeWithExplicitSerdes) {
  fs::topology t{"app"};
  auto lens = t.stream(words).group_by_key().aggregate(
      [] { return std::string("#"); },
      [](const std::string&, const std::string& v, std::string agg) { return agg + v; },
      fs::store::rocksdb{"concat"}, fs::serdes<fs::utf8, fs::utf8>{});
  auto seen = wt::capture(lens);
  fs::test_driver td{t};
  td.pipe(words, "x", std::string("a"), 5);
  td.pipe(words, "x", std::string("b"), 6);
  using row = std::tuple<std::string, std::optional<std::string>, std::optional<std::string>, fs::timestamp_ms>;
  EXPECT_EQ(flat(seen), (std::vector<row>{{"x", "#a", std::nullopt, 5}, {"x", "#ab", "#a", 6}}));
  EXPECT_EQ((td.kv_store<std::string, std::string>("concat").get("x")), "#ab");
}

TEST(AggregateTest, AggregateCountsPerKeyWithDefaultSerde) {
  fs::topology t{"app"};
  auto sums = t.stream(words).group_by_key().aggregate(
      [] { return std::int64_t{100}; },
      [](const std::string&, const std::string& v, std::int64_t agg) { return agg + static_cast<std::int64_t>(v.size()); },
      fs::store::in_memory{"lens"});
  auto seen = wt::capture(sums);
  fs::test_driver td{t};
  td.pipe(words, "x", std::string("abc"), 5);
  td.pipe(words, "y", std::string("z"), 6);
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[0].value.new_value, 103);
  EXPECT_EQ((*seen)[1].value.new_value, 101);
}

TEST(AggregateTest, GroupByKeyAfterKeyChangeRefusesToBuild) {
  fs::topology t{"app"};
  auto mapped = t.stream(input).map([](const std::string& k, std::int64_t v) { return std::pair{k + "!", v}; });
  EXPECT_THROW(mapped.group_by_key(), fs::streams_error);
  // rekey / group_by goes through a named topic and is fine
  auto counts = t.stream(words)
                    .group_by([](const std::string&, const std::string& v) { return v; }, fs::named{"by-word"})
                    .count(fs::store::in_memory{"word-counts"});
  auto seen = wt::capture(counts);
  fs::test_driver td{t};
  td.pipe(words, "a", std::string("w"), 1);
  td.pipe(words, "b", std::string("w"), 2);
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ(seen->back().key, "w");
  EXPECT_EQ(seen->back().value.new_value, 2);
}

TEST(AggregateTest, DuplicateStoreNameIsRejected) {
  fs::topology t{"app"};
  auto g = t.stream(input).group_by_key();
  g.count(fs::store::in_memory{"same"});
  EXPECT_THROW(g.count(fs::store::in_memory{"same"}), fs::streams_error);
}

TEST(WindowSpecTest, SizesAreValidated) {
  EXPECT_THROW(fs::tumbling{0ms}, fs::streams_error);
  EXPECT_THROW(fs::hopping(10s, 0s), fs::streams_error);
  EXPECT_THROW(fs::hopping(10s, 11s), fs::streams_error);
  EXPECT_THROW(fs::sliding{-1ms}, fs::streams_error);
  EXPECT_THROW(fs::session{0ms}, fs::streams_error);
  EXPECT_THROW(fs::tumbling{1s}.grace(-1ms), fs::streams_error);
  EXPECT_NO_THROW(fs::hopping(10s, 10s).no_grace());
  const auto w = fs::hopping{10s, 2s}.grace(1s);
  EXPECT_EQ(w.size, 10s);
  EXPECT_EQ(w.advance, 2s);
  EXPECT_EQ(w.grace, 1s);
  EXPECT_EQ(w.first_start(11'000), 2'000);
  EXPECT_EQ(w.last_start(11'000), 10'000);
  EXPECT_THROW(fs::close_on::wall_clock(-1ms), fs::streams_error);
}

}  // namespace
