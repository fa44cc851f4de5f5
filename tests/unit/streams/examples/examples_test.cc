// The example applications (streams/examples) through the test driver: fraud detection,
// word count and orders enriched with customers, each against expectations written out
// by hand.
#include <gtest/gtest.h>

#include "fraud/fraud.hpp"
#include "orders/orders.hpp"
#include "word_count/word_count.hpp"

namespace fs = fjord::streams;
using namespace std::chrono_literals;

namespace {

constexpr fs::timestamp_ms kHour = 3'600'000;

TEST(FraudExampleTest, HighRiskPaymentsPassTheThreshold) {
  fs::topology t{"fraud"};
  fraud::build(t);
  fs::test_driver td{t};
  td.pipe(fraud::payments, "p1", {"4111", 100.0, "acme"}, 1000);
  td.pipe(fraud::payments, "p2", {"4111", 100.01, "acme"}, 2000);
  auto out = td.read(fraud::high_risk);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "p2");
  EXPECT_EQ(out[0].value.amount, 100.01);
}

TEST(FraudExampleTest, ElevenUsesInAnHourRaiseOneAlertWhenTheWindowCloses) {
  fs::topology t{"fraud"};
  fraud::build(t, 1min);
  fs::test_driver td{t};
  // Card A: 11 uses in hour 0 (an alert); card B: 10 uses (none); card A again: 1 use in
  // hour 1.
  for (int i = 0; i < 11; ++i) td.pipe(fraud::payments, "a" + std::to_string(i), {"A", 5.0, "m"}, 1000 + i);
  for (int i = 0; i < 10; ++i) td.pipe(fraud::payments, "b" + std::to_string(i), {"B", 5.0, "m"}, 2000 + i);
  td.pipe(fraud::payments, "a-late-hour", {"A", 5.0, "m"}, kHour + 5);
  EXPECT_TRUE(td.read(fraud::fraud_alerts).empty()) << "final results only: the hour is still open";
  td.advance_stream_time(kHour + 60'000 - 1);
  EXPECT_TRUE(td.read(fraud::fraud_alerts).empty()) << "grace not over yet";
  td.advance_stream_time(kHour + 60'000);
  auto alerts = td.read(fraud::fraud_alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].key, "A");
  EXPECT_EQ(alerts[0].value, (fraud::alert{"A", 0, kHour, 11}));
}

TEST(FraudExampleTest, APaymentAfterTheGraceIsLateAndNotCounted) {
  fs::topology t{"fraud"};
  fraud::build(t, 1min);
  fs::test_driver td{t};
  for (int i = 0; i < 10; ++i) td.pipe(fraud::payments, "a" + std::to_string(i), {"A", 5.0, "m"}, 1000 + i);
  td.pipe(fraud::payments, "later", {"C", 5.0, "m"}, kHour + 60'000);  // closes hour 0
  td.pipe(fraud::payments, "late", {"A", 5.0, "m"}, 3000);             // 11th use, too late
  td.advance_stream_time(3 * kHour);
  EXPECT_TRUE(td.read(fraud::fraud_alerts).empty());
  EXPECT_EQ(td.metrics().sum(fs::metric_names::late_records_dropped), 1);
}

TEST(WordCountExampleTest, CountsEveryWordAcrossLines) {
  fs::topology t{"wc"};
  word_count::build(t);
  fs::test_driver td{t};
  td.pipe(word_count::lines, "", std::string("Hello world, hello"), 1);
  td.pipe(word_count::lines, "", std::string("WORLD of words"), 2);
  std::map<std::string, std::int64_t> latest;
  std::vector<std::pair<std::string, std::int64_t>> updates;
  for (auto& r : td.read(word_count::counts)) {
    latest[r.key] = r.value;
    updates.emplace_back(r.key, r.value);
  }
  EXPECT_EQ(latest, (std::map<std::string, std::int64_t>{{"hello", 2}, {"world", 2}, {"of", 1}, {"words", 1}}));
  EXPECT_EQ(updates.size(), 6u) << "one update per word occurrence";
  EXPECT_EQ((td.kv_store<std::string, std::int64_t>("word-counts").get("hello")), std::optional<std::int64_t>(2));
}

TEST(WordCountExampleTest, SplitsOnAnythingButLettersAndDigits) {
  EXPECT_EQ(word_count::words_of("  a1--B2 c3!"), (std::vector<std::string>{"a1", "b2", "c3"}));
  EXPECT_TRUE(word_count::words_of(" ,;").empty());
}

TEST(OrdersExampleTest, OrdersAreEnrichedWithTheCustomerKnownAtProcessingTime) {
  fs::topology t{"orders"};
  orders::build(t);
  fs::test_driver td{t};
  td.pipe(orders::orders_topic, "o1", {"o1", "c1", 10.0}, 1);  // customer not known yet
  td.pipe(orders::customers, "c1", {"Ada", "gold"}, 2);
  td.pipe(orders::orders_topic, "o2", {"o2", "c1", 20.0}, 3);
  td.pipe(orders::customers, "c1", {"Ada", "platinum"}, 4);
  td.pipe(orders::orders_topic, "o3", {"o3", "c1", 30.0}, 5);
  td.pipe_tombstone(orders::customers, "c1", 6);
  td.pipe(orders::orders_topic, "o4", {"o4", "c1", 40.0}, 7);
  auto out = td.read(orders::enriched);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].value, (orders::enriched_order{{"o1", "c1", 10.0}, "", "unknown"}));
  EXPECT_EQ(out[1].value, (orders::enriched_order{{"o2", "c1", 20.0}, "Ada", "gold"}));
  EXPECT_EQ(out[2].value, (orders::enriched_order{{"o3", "c1", 30.0}, "Ada", "platinum"}));
  EXPECT_EQ(out[3].value, (orders::enriched_order{{"o4", "c1", 40.0}, "", "unknown"}));
  for (const auto& r : out) EXPECT_EQ(r.key, "c1");
}

}  // namespace
