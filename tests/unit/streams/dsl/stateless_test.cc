// Stateless DSL operators through the test driver: filter, filter_not, map, map_values,
// flat_map, flat_map_values, peek, branch, merge, to, rekey/repartition hops.
#include <gtest/gtest.h>

#include <fjord/streams.hpp>

namespace fs = fjord::streams;
using fs::topic;
using fs::utf8;
using fs::be_i64;

namespace {

const topic<std::string, std::int64_t, utf8, be_i64> numbers{"numbers"};
const topic<std::string, std::int64_t, utf8, be_i64> out_a{"out-a"};
const topic<std::string, std::int64_t, utf8, be_i64> out_b{"out-b"};
const topic<std::string, std::string, utf8, utf8> words{"words"};

template <class R>
std::vector<std::pair<std::string, std::int64_t>> kvs(const R& records) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& r : records) out.emplace_back(r.key, r.value);
  return out;
}

TEST(StatelessTest, FilterKeepsMatchingRecordsWithTheirTimestamps) {
  fs::topology t{"app"};
  t.stream(numbers).filter([](std::int64_t v) { return v > 10; }).to(out_a);
  fs::test_driver td{t};
  td.pipe(numbers, "a", 5, 100);
  td.pipe(numbers, "b", 50, 200);
  auto out = td.read(out_a);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "b");
  EXPECT_EQ(out[0].value, 50);
  EXPECT_EQ(out[0].timestamp, 200);
  EXPECT_TRUE(td.read(out_a).empty());  // read consumes
}

TEST(StatelessTest, FilterNotAndKeyValuePredicates) {
  fs::topology t{"app"};
  t.stream(numbers).filter_not([](const std::string& k, std::int64_t) { return k == "drop"; }).to(out_a);
  fs::test_driver td{t};
  td.pipe(numbers, "drop", 1, 1);
  td.pipe(numbers, "keep", 2, 2);
  EXPECT_EQ(kvs(td.read(out_a)), (std::vector<std::pair<std::string, std::int64_t>>{{"keep", 2}}));
}

TEST(StatelessTest, MapValuesMapAndFlatMap) {
  fs::topology t{"app"};
  auto s = t.stream(numbers);
  s.map_values([](std::int64_t v) { return v * 2; }).to(out_a);
  s.map([](const std::string& k, std::int64_t v) { return std::pair{k + "!", v + 1}; }).to(out_b);
  fs::test_driver td{t};
  td.pipe(numbers, "k", 20, 7);
  EXPECT_EQ(kvs(td.read(out_a)), (std::vector<std::pair<std::string, std::int64_t>>{{"k", 40}}));
  EXPECT_EQ(kvs(td.read(out_b)), (std::vector<std::pair<std::string, std::int64_t>>{{"k!", 21}}));
}

TEST(StatelessTest, FlatMapValuesSplitsWords) {
  const topic<std::string, std::string, utf8, utf8> out{"tokens"};
  fs::topology t{"app"};
  t.stream(words)
      .flat_map_values([](const std::string& line) {
        std::vector<std::string> parts;
        std::string cur;
        for (char c : line) {
          if (c == ' ') {
            if (!cur.empty()) parts.push_back(cur);
            cur.clear();
          } else {
            cur += c;
          }
        }
        if (!cur.empty()) parts.push_back(cur);
        return parts;
      })
      .to(out);
  fs::test_driver td{t};
  td.pipe(words, "line", std::string("a bb  c"), 1);
  auto r = td.read(out);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].value, "a");
  EXPECT_EQ(r[1].value, "bb");
  EXPECT_EQ(r[2].value, "c");
  EXPECT_EQ(r[2].key, "line");
}

TEST(StatelessTest, FlatMapMayEmitNothingOrMany) {
  fs::topology t{"app"};
  t.stream(numbers)
      .flat_map([](const std::string& k, std::int64_t v) {
        std::vector<std::pair<std::string, std::int64_t>> out;
        for (std::int64_t i = 0; i < v; ++i) out.emplace_back(k + std::to_string(i), i);
        return out;
      })
      .to(out_a);
  fs::test_driver td{t};
  td.pipe(numbers, "x", 0, 1);
  td.pipe(numbers, "y", 2, 1);
  EXPECT_EQ(kvs(td.read(out_a)), (std::vector<std::pair<std::string, std::int64_t>>{{"y0", 0}, {"y1", 1}}));
}

TEST(StatelessTest, PeekSeesEveryRecordAndPassesItOn) {
  std::vector<std::int64_t> seen;
  fs::topology t{"app"};
  t.stream(numbers).peek([&](const std::string&, std::int64_t v) { seen.push_back(v); }).to(out_a);
  fs::test_driver td{t};
  td.pipe(numbers, "a", 1, 1);
  td.pipe(numbers, "b", 2, 2);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(td.read(out_a).size(), 2u);
}

TEST(StatelessTest, BranchSendsEachRecordToTheFirstMatchOrTheRest) {
  const topic<std::string, std::int64_t, utf8, be_i64> rest{"rest"};
  fs::topology t{"app"};
  auto [small, big, other] = t.stream(numbers).branch([](std::int64_t v) { return v < 10; },
                                                      [](std::int64_t v) { return v < 100; });
  small.to(out_a);
  big.to(out_b);
  other.to(rest);
  fs::test_driver td{t};
  for (std::int64_t v : {1, 50, 500, 5}) td.pipe(numbers, "k", v, 1);
  EXPECT_EQ(kvs(td.read(out_a)), (std::vector<std::pair<std::string, std::int64_t>>{{"k", 1}, {"k", 5}}));
  EXPECT_EQ(kvs(td.read(out_b)), (std::vector<std::pair<std::string, std::int64_t>>{{"k", 50}}));
  EXPECT_EQ(kvs(td.read(rest)), (std::vector<std::pair<std::string, std::int64_t>>{{"k", 500}}));
}

TEST(StatelessTest, MergeInterleavesTwoStreams) {
  const topic<std::string, std::int64_t, utf8, be_i64> other{"other"};
  fs::topology t{"app"};
  t.stream(numbers).merge(t.stream(other)).to(out_a);
  fs::test_driver td{t};
  td.pipe(numbers, "a", 1, 1);
  td.pipe(other, "b", 2, 2);
  td.pipe(numbers, "c", 3, 3);
  EXPECT_EQ(kvs(td.read(out_a)),
            (std::vector<std::pair<std::string, std::int64_t>>{{"a", 1}, {"b", 2}, {"c", 3}}));
}

TEST(StatelessTest, RekeyHopsThroughANamedRepartitionTopic) {
  fs::topology t{"app"};
  t.stream(numbers)
      .rekey([](const std::string&, std::int64_t v) { return "v" + std::to_string(v % 2); }, fs::named{"by-parity"})
      .to(out_a);
  EXPECT_EQ(t.blueprint().subtopologies().size(), 2u);
  fs::test_driver td{t};
  td.pipe(numbers, "a", 3, 10);
  td.pipe(numbers, "b", 4, 20);
  auto out = td.read(out_a);
  EXPECT_EQ(kvs(out), (std::vector<std::pair<std::string, std::int64_t>>{{"v1", 3}, {"v0", 4}}));
  EXPECT_EQ(out[1].timestamp, 20);
  EXPECT_EQ(td.history("app-by-parity-repartition").size(), 2u);
}

TEST(StatelessTest, ReadingATopicTwiceIsAClearError) {
  fs::topology t{"app"};
  t.stream(numbers);
  EXPECT_THROW(t.stream(numbers), fs::streams_error);
}

TEST(StatelessTest, UndecodableRecordsFollowThePolicy) {
  fs::topology t{"app"};
  t.stream(numbers).to(out_a);
  {
    fs::test_driver td{t};
    EXPECT_THROW(td.pipe_raw("numbers", std::string("k"), std::string("bad"), 1), fs::streams_error);
  }
  {
    fs::test_driver td{t, {.on_decode_error = fs::decode_errors::skip()}};
    td.pipe_raw("numbers", std::string("k"), std::string("bad"), 1);
    td.pipe(numbers, "k", 7, 2);
    EXPECT_EQ(kvs(td.read(out_a)), (std::vector<std::pair<std::string, std::int64_t>>{{"k", 7}}));
    EXPECT_EQ(td.metrics().sum(fs::metric_names::deserialization_errors), 1);
  }
  {
    fs::test_driver td{t, {.on_decode_error = fs::decode_errors::dead_letter("dlq")}};
    td.pipe_raw("numbers", std::string("k"), std::string("bad"), 1);
    auto dlq = td.read_raw("dlq");
    ASSERT_EQ(dlq.size(), 1u);
    EXPECT_EQ(dlq[0].value, "bad");
    EXPECT_EQ(dlq[0].key, "k");
    ASSERT_EQ(dlq[0].headers.size(), 4u);
    EXPECT_EQ(dlq[0].headers[1].value, "numbers");
    EXPECT_TRUE(td.read(out_a).empty());
  }
}

TEST(StatelessTest, NullValuesOnAStreamAreSkippedAndCounted) {
  fs::topology t{"app"};
  t.stream(numbers).to(out_a);
  fs::test_driver td{t};
  td.pipe_raw("numbers", std::string("k"), std::nullopt, 1);
  EXPECT_TRUE(td.read(out_a).empty());
  EXPECT_EQ(td.metrics().sum(fs::metric_names::null_values_skipped), 1);
}

TEST(StatelessTest, TimestampExtractorSetsEventTime) {
  fs::topology t{"app"};
  t.stream(numbers, [](const std::string&, std::int64_t v, fs::timestamp_ms) { return v * 1000; }).to(out_a);
  fs::test_driver td{t};
  td.pipe(numbers, "k", 7, 1);
  auto out = td.read(out_a);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 7000);
}

}  // namespace
