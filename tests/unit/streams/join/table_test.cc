// Tables through the test driver: topology::table (updates, tombstones, store contents and
// forwarded changes), stream::to_table, table::to_stream / to_changelog_stream (a deletion
// reaches an output topic as a tombstone), decode errors, both store kinds.
#include <gtest/gtest.h>

#include "join_test_support.hpp"

using namespace join_test;

namespace {

template <class S>
class TableStoreTest : public ::testing::Test {};
using store_kinds = ::testing::Types<fs::store::rocksdb, fs::store::in_memory>;
TYPED_TEST_SUITE(TableStoreTest, store_kinds);

TYPED_TEST(TableStoreTest, UpdatesAndTombstonesMaintainTheStoreAndForwardChanges) {
  fs::topology t{"app"};
  auto names_table = t.table(names, TypeParam{"names-store"});
  names_table.changes().template then<std::string, std::string>(
      "render", false, [](fs::record<std::string, fs::change<std::string>>&& r, fs::output<std::string, std::string>& o) {
        const std::string v = (r.value.new_value ? *r.value.new_value : "-") + "<" +
                              (r.value.old_value ? *r.value.old_value : "-");
        o.forward({std::move(r.key), v, r.timestamp, {}});
      }).to(out);
  fs::test_driver td{t};
  td.pipe(names, "a", "alice", 10);
  td.pipe(names, "b", "bob", 11);
  td.pipe(names, "a", "ann", 12);
  td.pipe_tombstone(names, "b", 13);
  td.pipe_tombstone(names, "zz", 14);  // absent key: nothing
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "alice<-", 10}, {"b", "bob<-", 11}, {"a", "ann<alice", 12},
                                                  {"b", "-<bob", 13}}));
  auto store = td.kv_store<std::string, std::string>("names-store");
  EXPECT_EQ(store.get("a"), std::optional<std::string>("ann"));
  EXPECT_EQ(store.get("b"), std::nullopt);
  EXPECT_EQ(store.get("zz"), std::nullopt);
}

TEST(TableTest, ToStreamDropsDeletionsAndChangelogStreamWritesTombstones) {
  fs::topology t{"app"};
  auto tbl = t.table(names, fs::store::rocksdb{"names-store"});
  tbl.to_changelog_stream().to(out);  // optional<string> into a topic of string
  tbl.to_stream().to(lefts);
  fs::test_driver td{t};
  td.pipe(names, "a", "alice", 10);
  td.pipe_tombstone(names, "a", 20);
  auto raw = td.read_raw("out");
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0].value, std::optional<std::string>("alice"));
  EXPECT_EQ(raw[1].key, std::optional<std::string>("a"));
  EXPECT_EQ(raw[1].value, std::nullopt);  // a tombstone
  EXPECT_EQ(raw[1].timestamp, 20);
  EXPECT_EQ(kvts(td.read(lefts)), (std::vector<kvt>{{"a", "alice", 10}}));
}

TEST(TableTest, ChangelogStreamToAnOptionalTopicReadsBackNullopt) {
  fs::topology t{"app"};
  t.table(names, fs::store::in_memory{"names-store"}).to_changelog_stream().to(out_opt);
  fs::test_driver td{t};
  td.pipe(names, "a", "alice", 1);
  td.pipe_tombstone(names, "a", 2);
  auto got = td.read(out_opt);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].value, std::optional<std::string>("alice"));
  EXPECT_EQ(got[1].value, std::nullopt);
}

TYPED_TEST(TableStoreTest, ToTableKeepsTheLatestValuePerKey) {
  fs::topology t{"app"};
  auto tbl = t.stream(amounts).to_table(TypeParam{"latest"});
  tbl.changes().template then<std::string, std::string>(
      "render", false, [](fs::record<std::string, fs::change<std::int64_t>>&& r, fs::output<std::string, std::string>& o) {
        o.forward({r.key, std::to_string(*r.value.new_value) + "<" +
                              (r.value.old_value ? std::to_string(*r.value.old_value) : "-"),
                   r.timestamp, {}});
      }).to(out);
  fs::test_driver td{t};
  td.pipe(amounts, "k", 1, 5);
  td.pipe(amounts, "k", 2, 6);
  td.pipe(amounts, "j", 7, 7);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"k", "1<-", 5}, {"k", "2<1", 6}, {"j", "7<-", 7}}));
  auto store = td.kv_store<std::string, std::int64_t>("latest");
  EXPECT_EQ(store.get("k"), std::optional<std::int64_t>(2));
  EXPECT_EQ(store.get("j"), std::optional<std::int64_t>(7));
}

TEST(TableTest, ToTableAfterMapWithoutRepartitionThrows) {
  fs::topology t{"app"};
  auto mapped = t.stream(amounts).map([](const std::string& k, std::int64_t v) { return std::pair{k + "x", v}; });
  EXPECT_THROW(mapped.to_table(fs::store::in_memory{"s"}), fs::streams_error);
  // After a repartition it builds.
  EXPECT_NO_THROW(mapped.repartition(fs::named{"by-key"}).to_table(fs::store::in_memory{"s2"}));
}

TEST(TableTest, UndecodableValueFollowsTheDecodePolicy) {
  fs::topology t{"app"};
  t.table(amounts, fs::store::in_memory{"amounts-store"}).to_stream().to(topic<std::string, std::int64_t, utf8, be_i64>{"o"});
  {
    fs::test_driver td{t};  // default policy: fail
    EXPECT_THROW(td.pipe_raw("amounts", std::string("k"), std::string("xyz"), 1), fs::streams_error);
  }
  fs::test_driver td{t, {.on_decode_error = fs::decode_errors::skip()}};
  td.pipe_raw("amounts", std::string("k"), std::string("xyz"), 1);
  td.pipe(amounts, "k", 9, 2);
  EXPECT_EQ(td.read_raw("o").size(), 1u);
  EXPECT_EQ(td.metrics().sum(fs::metric_names::deserialization_errors), 1);
  auto store = td.kv_store<std::string, std::int64_t>("amounts-store");
  EXPECT_EQ(store.get("k"), std::optional<std::int64_t>(9));
}

TEST(TableTest, ReadingTheTableTopicTwiceIsRejected) {
  fs::topology t{"app"};
  t.table(names, fs::store::in_memory{"a"});
  EXPECT_THROW(t.table(names, fs::store::in_memory{"b"}), fs::streams_error);
}

}  // namespace
