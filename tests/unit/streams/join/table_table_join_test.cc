// Table–table joins through the test driver: inner / left / outer with updates on either
// side and deletions (inner: the result is deleted; left/outer: re-joined with nullptr;
// nothing forwarded when there was and is no result), the materialised result store, a
// joined table feeding another operator, both store kinds.
#include <gtest/gtest.h>

#include "join_test_support.hpp"

using namespace join_test;

namespace {

// Renders a change as "new<old" ("-" for absent) so one string shows both.
template <class T>
fs::stream<std::string, std::string> render(const T& tbl) {
  return tbl.changes().template then<std::string, std::string>(
      "render", false,
      [](fs::record<std::string, fs::change<std::string>>&& r, fs::output<std::string, std::string>& o) {
        o.forward({r.key, (r.value.new_value ? *r.value.new_value : "-") + "<" +
                              (r.value.old_value ? *r.value.old_value : "-"),
                   r.timestamp, {}});
      });
}

template <class S>
class TableTableJoinStoreTest : public ::testing::Test {};
using store_kinds = ::testing::Types<fs::store::rocksdb, fs::store::in_memory>;
TYPED_TEST_SUITE(TableTableJoinStoreTest, store_kinds);

TYPED_TEST(TableTableJoinStoreTest, InnerJoinFollowsBothSidesAndDeletes) {
  fs::topology t{"app"};
  auto l = t.table(lefts, TypeParam{"l"});
  auto r = t.table(rights, TypeParam{"r"});
  auto j = l.join(r, [](const std::string& a, const std::string& b) { return a + "+" + b; }, TypeParam{"lr"});
  render(j).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "k", "a1", 1);        // no right: nothing
  td.pipe(rights, "k", "b1", 2);       // a1+b1
  td.pipe(lefts, "k", "a2", 3);        // a2+b1 < a1+b1
  td.pipe_tombstone(rights, "k", 4);   // deleted
  td.pipe_tombstone(lefts, "k", 5);    // no result before or after: nothing
  td.pipe(rights, "k", "b2", 6);       // left absent: nothing
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"k", "a1+b1<-", 2}, {"k", "a2+b1<a1+b1", 3}, {"k", "-<a2+b1", 4}}));
  auto store = td.kv_store<std::string, std::string>("lr");
  EXPECT_EQ(store.get("k"), std::nullopt);
  EXPECT_EQ(j.store_name(), "lr");
}

TYPED_TEST(TableTableJoinStoreTest, LeftJoinKeepsLeftKeysAndRejoinsWithNullptr) {
  fs::topology t{"app"};
  auto l = t.table(lefts, TypeParam{"l"});
  auto r = t.table(rights, TypeParam{"r"});
  render(l.left_join(r, [](const std::string& a, const std::string* b) { return a + "+" + str(b); },
                     TypeParam{"lr"}))
      .to(out);
  fs::test_driver td{t};
  td.pipe(rights, "k", "b1", 1);       // no left: nothing
  td.pipe(lefts, "k", "a1", 2);        // a1+b1
  td.pipe_tombstone(rights, "k", 3);   // a1+(null)
  td.pipe(lefts, "j", "c", 4);         // c+(null)
  td.pipe_tombstone(lefts, "k", 5);    // deleted
  td.pipe(rights, "k", "b2", 6);       // left absent: nothing
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"k", "a1+b1<-", 2},
                                                  {"k", "a1+(null)<a1+b1", 3},
                                                  {"j", "c+(null)<-", 4},
                                                  {"k", "-<a1+(null)", 5}}));
  auto store = td.kv_store<std::string, std::string>("lr");
  EXPECT_EQ(store.get("j"), std::optional<std::string>("c+(null)"));
  EXPECT_EQ(store.get("k"), std::nullopt);
}

TEST(TableTableJoinTest, OuterJoinKeepsKeysOfEitherSide) {
  fs::topology t{"app"};
  auto l = t.table(lefts, fs::store::rocksdb{"l"});
  auto r = t.table(rights, fs::store::rocksdb{"r"});
  render(l.outer_join(r, [](const std::string* a, const std::string* b) { return str(a) + "+" + str(b); },
                      fs::store::rocksdb{"lr"}))
      .to(out);
  fs::test_driver td{t};
  td.pipe(rights, "k", "b1", 1);       // (null)+b1
  td.pipe(lefts, "k", "a1", 2);        // a1+b1
  td.pipe_tombstone(lefts, "k", 3);    // (null)+b1
  td.pipe_tombstone(rights, "k", 4);   // deleted
  td.pipe_tombstone(rights, "k", 5);   // absent on both sides: nothing (and no table change)
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"k", "(null)+b1<-", 1},
                                                  {"k", "a1+b1<(null)+b1", 2},
                                                  {"k", "(null)+b1<a1+b1", 3},
                                                  {"k", "-<(null)+b1", 4}}));
}

TEST(TableTableJoinTest, JoinedTableFeedsAStreamTableJoinAndATopic) {
  fs::topology t{"app"};
  auto l = t.table(lefts, fs::store::in_memory{"l"});
  auto r = t.table(rights, fs::store::in_memory{"r"});
  auto lr = l.join(r, [](const std::string& a, const std::string& b) { return a + b; }, fs::store::in_memory{"lr"});
  lr.to_changelog_stream().to(out);
  t.stream(names).join(lr, [](const std::string& v, const std::string& j) { return v + "@" + j; }).to(amounts_out());
  fs::test_driver td{t};
  td.pipe(lefts, "k", "a", 1);
  td.pipe(rights, "k", "b", 2);
  td.pipe(names, "k", "n", 3);
  td.pipe_tombstone(lefts, "k", 4);
  auto raw = td.read_raw("out");
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0].value, std::optional<std::string>("ab"));
  EXPECT_EQ(raw[1].value, std::nullopt);
  EXPECT_EQ(kvts(td.read(amounts_out())), (std::vector<kvt>{{"k", "n@ab", 3}}));
}

TEST(TableTableJoinTest, ResultWithItsOwnSerde) {
  fs::topology t{"app"};
  auto l = t.table(lefts, fs::store::in_memory{"l"});
  auto r = t.table(amounts, fs::store::in_memory{"r"});
  auto j = l.join(r, [](const std::string& a, std::int64_t n) { return static_cast<std::int64_t>(a.size()) + n; },
                  fs::store::in_memory{"lr"}, fs::serdes<utf8, be_i64>{});
  j.to_stream().to(topic<std::string, std::int64_t, utf8, be_i64>{"sum"});
  fs::test_driver td{t};
  td.pipe(lefts, "k", "abc", 1);
  td.pipe(amounts, "k", 10, 2);
  auto got = td.read(topic<std::string, std::int64_t, utf8, be_i64>{"sum"});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].value, 13);
}

}  // namespace
