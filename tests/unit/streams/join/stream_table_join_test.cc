// Stream–table joins through the test driver: inner and left (a miss → nullptr, a
// tombstone makes the key miss again), table updates produce no output, the stream
// record's key/timestamp are kept, co-partitioning checks at build, both store kinds, and
// the anchors' "orders enriched with customers" example (docs/streams-anchors.md §4 (c)).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "join_test_support.hpp"

using namespace join_test;

namespace {

template <class S>
class StreamTableJoinStoreTest : public ::testing::Test {};
using store_kinds = ::testing::Types<fs::store::rocksdb, fs::store::in_memory>;
TYPED_TEST_SUITE(StreamTableJoinStoreTest, store_kinds);

TYPED_TEST(StreamTableJoinStoreTest, InnerJoinEmitsOnlyKeysInTheTable) {
  fs::topology t{"app"};
  auto tbl = t.table(names, TypeParam{"names-store"});
  t.stream(lefts).join(tbl, [](const std::string& v, const std::string& n) { return v + "/" + n; }).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "x1", 5);        // miss: nothing
  td.pipe(names, "a", "alice", 6);     // table update: no output
  EXPECT_TRUE(td.read(out).empty());
  td.pipe(lefts, "a", "x2", 7);
  td.pipe(names, "a", "ann", 8);
  td.pipe(lefts, "a", "x3", 3);        // processing-time lookup: the latest value
  td.pipe_tombstone(names, "a", 9);
  td.pipe(lefts, "a", "x4", 10);       // deleted: miss again
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"a", "x2/alice", 7}, {"a", "x3/ann", 3}}));
}

TYPED_TEST(StreamTableJoinStoreTest, LeftJoinPassesNullptrOnAMiss) {
  fs::topology t{"app"};
  auto tbl = t.table(names, TypeParam{"names-store"});
  t.stream(lefts).left_join(tbl, [](const std::string& v, const std::string* n) { return v + "/" + str(n); }).to(out);
  fs::test_driver td{t};
  td.pipe(lefts, "a", "x1", 5);
  td.pipe(names, "a", "alice", 6);
  td.pipe(lefts, "a", "x2", 7);
  td.pipe_tombstone(names, "a", 8);
  td.pipe(lefts, "a", "x3", 9);
  td.pipe(lefts, "b", "y", 10, {{"h", "1"}});
  auto got = td.read(out);
  EXPECT_EQ(kvts(got), (std::vector<kvt>{{"a", "x1/(null)", 5}, {"a", "x2/alice", 7}, {"a", "x3/(null)", 9},
                                         {"b", "y/(null)", 10}}));
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[3].headers, (fs::header_list{{"h", "1"}}));  // the stream record's headers
}

TEST(StreamTableJoinTest, TheStreamRunsInTheTablesSubtopology) {
  fs::topology t{"app"};
  auto tbl = t.table(names, fs::store::rocksdb{"names-store"});
  t.stream(lefts).join(tbl, [](const std::string& v, const std::string& n) { return v + n; }).to(out);
  const auto subs = t.blueprint().subtopologies();
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].source_topics.size(), 2u);
}

TEST(StreamTableJoinTest, JoinAfterMapWithoutRepartitionThrowsAtBuild) {
  fs::topology t{"app"};
  auto tbl = t.table(names, fs::store::in_memory{"names-store"});
  auto mapped = t.stream(lefts).map([](const std::string& k, std::string v) { return std::pair{v, k}; });
  auto joiner = [](const std::string& v, const std::string& n) { return v + n; };
  EXPECT_THROW(mapped.join(tbl, joiner), fs::streams_error);
  EXPECT_THROW(mapped.left_join(tbl, [](const std::string& v, const std::string*) { return v; }), fs::streams_error);
  EXPECT_NO_THROW(mapped.repartition(fs::named{"by-value"}).join(tbl, joiner));
}

TEST(StreamTableJoinTest, MapValuesKeepsTheStreamJoinable) {
  fs::topology t{"app"};
  auto tbl = t.table(names, fs::store::in_memory{"names-store"});
  t.stream(amounts)
      .map_values([](std::int64_t v) { return std::to_string(v); })
      .join(tbl, [](const std::string& v, const std::string& n) { return n + ":" + v; })
      .to(out);
  fs::test_driver td{t};
  td.pipe(names, "k", "kim", 1);
  td.pipe(amounts, "k", 42, 2);
  EXPECT_EQ(kvts(td.read(out)), (std::vector<kvt>{{"k", "kim:42", 2}}));
}

// ---- the anchors example: orders enriched with customers ----------------------------
struct Order {
  std::string order_id;
  std::string customer_id;
  double total = 0;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(Order, order_id, customer_id, total)
};
struct Customer {
  std::string name;
  std::string tier;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(Customer, name, tier)
};
struct EnrichedOrder {
  Order order;
  std::string customer_name;
  std::string tier;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(EnrichedOrder, order, customer_name, tier)
};

}  // namespace

template <>
struct fjord::streams::default_serde<Order> {
  using type = fjord::streams::json<Order>;
};
template <>
struct fjord::streams::default_serde<Customer> {
  using type = fjord::streams::json<Customer>;
};
template <>
struct fjord::streams::default_serde<EnrichedOrder> {
  using type = fjord::streams::json<EnrichedOrder>;
};

namespace {

const topic<std::string, Order, utf8, fs::json<Order>> orders{"orders"};
const topic<std::string, Customer, utf8, fs::json<Customer>> customers{"customers"};
const topic<std::string, EnrichedOrder, utf8, fs::json<EnrichedOrder>> enriched{"orders-enriched"};

TEST(StreamTableJoinTest, AnchorsExampleOrdersEnrichedWithCustomers) {
  fs::topology t{"shop"};
  auto customer_table = t.table(customers, fs::store::rocksdb{"customers"});
  t.stream(orders)
      .rekey([](const std::string&, const Order& o) { return o.customer_id; }, fs::named{"orders-by-customer"})
      .left_join(customer_table,
                 [](const Order& o, const Customer* c) {
                   return EnrichedOrder{o, c ? c->name : "", c ? c->tier : "unknown"};
                 })
      .to(enriched);
  EXPECT_NE(t.describe().find("shop-orders-by-customer-repartition"), std::string::npos);

  fs::test_driver td{t};
  td.pipe(customers, "c1", Customer{"Ada", "gold"}, 1);
  td.pipe(orders, "o1", Order{"o1", "c1", 12.5}, 2);
  td.pipe(orders, "o2", Order{"o2", "c2", 7.0}, 3);
  td.pipe(customers, "c2", Customer{"Bob", "silver"}, 4);
  td.pipe(orders, "o3", Order{"o3", "c2", 1.0}, 5);
  auto got = td.read(enriched);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].key, "c1");
  EXPECT_EQ(got[0].value.order.order_id, "o1");
  EXPECT_EQ(got[0].value.customer_name, "Ada");
  EXPECT_EQ(got[0].value.tier, "gold");
  EXPECT_EQ(got[0].timestamp, 2);
  EXPECT_EQ(got[1].value.order.order_id, "o2");
  EXPECT_EQ(got[1].value.customer_name, "");
  EXPECT_EQ(got[1].value.tier, "unknown");
  EXPECT_EQ(got[2].value.customer_name, "Bob");
  EXPECT_EQ(got[2].value.tier, "silver");
}

TEST(StreamTableJoinTest, JoiningAWindowedTableIsABuildError) {
  using namespace std::chrono_literals;
  fs::topology t{"app"};
  auto windowed = t.stream(lefts).group_by_key().windowed_by(fs::tumbling(1s).no_grace()).count(fs::store::in_memory{"w"});
  const fs::topic<fs::windowed<std::string>, std::string, fs::windowed_serde<utf8>, utf8> by_window{"by-window"};
  auto s = t.stream(by_window);
  EXPECT_THROW(s.join(windowed, [](const std::string& a, std::int64_t n) { return a + std::to_string(n); }),
               fs::streams_error);
}

}  // namespace
