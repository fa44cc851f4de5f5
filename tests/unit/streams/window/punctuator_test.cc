// The Processor API's punctuators: a user processor (stream::process) with a kv store
// declared through store_def schedules stream-time and wall-clock punctuators, forwards
// from them and writes its store from them; cancel() stops one.
#include <gtest/gtest.h>

#include "window_test_support.hpp"

namespace fs = fjord::streams;
using namespace std::chrono_literals;
using wt::input;

namespace {

const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> punct_out{"punct-out"};

// Counts records per key in "pcounts"; every 10 s of stream time forwards ("st", now) and
// the number of keys; every 1 s of wall clock forwards ("wall", now) and stores
// "wall-ticks", cancelling itself after `max_wall_ticks`.
class ticking final : public fs::processor<std::string, std::int64_t, std::string, std::int64_t> {
 public:
  explicit ticking(int max_wall_ticks) : max_wall_ticks_(max_wall_ticks) {}

  void init(fs::processor_context<std::string, std::int64_t>& ctx) override {
    ctx_ = &ctx;
    store_.emplace(ctx.kv_store<std::string, std::int64_t, fs::utf8, fs::be_i64>("pcounts"));
    ctx.schedule(fs::punctuation_type::stream_time, 10s, [this](fs::timestamp_ms now) {
      std::int64_t keys = 0;
      store_->for_each([&](const std::string& k, std::int64_t) { keys += k == "wall-ticks" ? 0 : 1; });
      ctx_->forward({"st", now, now, {}});
      ctx_->forward({"keys", keys, now, {}});
    });
    wall_ = ctx.schedule(fs::punctuation_type::wall_clock, 1s, [this](fs::timestamp_ms now) {
      const std::int64_t ticks = store_->get("wall-ticks").value_or(0) + 1;
      store_->put("wall-ticks", ticks);
      ctx_->forward({"wall", now, now, {}});
      if (ticks == max_wall_ticks_) ctx_->cancel(wall_);
    });
  }

  void process(fs::record<std::string, std::int64_t>&& r) override {
    store_->put(r.key, store_->get(r.key).value_or(0) + 1);
  }

 private:
  int max_wall_ticks_;
  int wall_ = -1;
  fs::processor_context<std::string, std::int64_t>* ctx_ = nullptr;
  std::optional<fs::kv_store<std::string, std::int64_t, fs::utf8, fs::be_i64>> store_;
};

std::vector<std::pair<std::string, std::int64_t>> kvs(const std::vector<fs::record<std::string, std::int64_t>>& rs) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& r : rs) out.emplace_back(r.key, r.value);
  return out;
}

template <class Store>
void build(fs::topology& t, Store spec, int max_wall_ticks) {
  fs::store_def def{.name = spec.name, .kind = fs::store_kind::key_value,
                    .persistent = std::is_same_v<Store, fs::store::rocksdb>};
  t.stream(input)
      .process<std::string, std::int64_t>([max_wall_ticks] { return std::make_unique<ticking>(max_wall_ticks); }, {def})
      .to(punct_out);
}

using pairs = std::vector<std::pair<std::string, std::int64_t>>;

TEST(PunctuatorTest, StreamTimePunctuatorFiresOncePerCheckWhenIntervalsPass) {
  fs::topology t{"app"};
  build(t, fs::store::rocksdb{"pcounts"}, 100);
  fs::test_driver td{t};
  td.pipe(input, "a", 0, 1'000);  // first stream time: next firing at 11 s
  td.pipe(input, "b", 0, 10'999);
  EXPECT_TRUE(td.read(punct_out).empty());
  td.pipe(input, "a", 0, 11'000);
  auto out = td.read(punct_out);
  EXPECT_EQ(kvs(out), (pairs{{"st", 11'000}, {"keys", 2}}));
  EXPECT_EQ(out[0].timestamp, 11'000);
  td.pipe(input, "c", 0, 5'000);  // out of order: stream time stays 11 s
  EXPECT_TRUE(td.read(punct_out).empty());
  td.advance_stream_time(55'000);  // several intervals: one call
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"st", 55'000}, {"keys", 3}}));
  td.advance_stream_time(60'999);
  EXPECT_TRUE(td.read(punct_out).empty());
  td.advance_stream_time(61'000);
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"st", 61'000}, {"keys", 3}}));
  EXPECT_EQ((td.kv_store<std::string, std::int64_t>("pcounts").get("a")), 2);
}

TEST(PunctuatorTest, WallClockPunctuatorWritesStoreAndCanCancelItself) {
  fs::topology t{"app"};
  build(t, fs::store::in_memory{"pcounts"}, 3);
  fs::test_driver td{t};  // wall clock 0 when scheduled: fires at 1 s, 2 s, ...
  td.advance_wall_clock(999ms);
  EXPECT_TRUE(td.read(punct_out).empty());
  td.advance_wall_clock(1ms);
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"wall", 1'000}}));
  td.advance_wall_clock(5s);  // several intervals: one firing
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"wall", 6'000}}));
  // stream time does not fire wall-clock punctuators and vice versa
  td.pipe(input, "a", 0, 1'000'000);
  EXPECT_TRUE(td.read(punct_out).empty());
  td.advance_wall_clock(1s);  // third tick: cancels itself
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"wall", 7'000}}));
  td.advance_wall_clock(10s);
  EXPECT_TRUE(td.read(punct_out).empty());
  EXPECT_EQ((td.kv_store<std::string, std::int64_t>("pcounts").get("wall-ticks")), 3);
  // store writes from a punctuator reach the changelog with the punctuation time
  const auto& log = td.history("app-pcounts-changelog");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].timestamp, 1'000);
  EXPECT_EQ(log[1].timestamp, 6'000);
  EXPECT_EQ(log[3].timestamp, 7'000);
}

TEST(PunctuatorTest, WallClockStartsFromTheConfiguredInitialTime) {
  fs::topology t{"app"};
  build(t, fs::store::in_memory{"pcounts"}, 100);
  fs::test_driver td{t, fs::test_driver_config{.initial_wall_clock = 1'700'000'000'000}};
  td.advance_wall_clock(1s);
  auto out = td.read(punct_out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, 1'700'000'001'000);
  EXPECT_EQ(td.wall_clock(), 1'700'000'001'000);
}

// Two wall-clock punctuators; the first cancels itself on its first run. The second
// must still run in that same round (cancel during punctuation must not skip it).
class self_cancelling final : public fs::processor<std::string, std::int64_t, std::string, std::int64_t> {
 public:
  void init(fs::processor_context<std::string, std::int64_t>& ctx) override {
    ctx_ = &ctx;
    first_ = ctx.schedule(fs::punctuation_type::wall_clock, 1s, [this](fs::timestamp_ms now) {
      ctx_->forward({"first", now, now, {}});
      ctx_->cancel(first_);
    });
    ctx.schedule(fs::punctuation_type::wall_clock, 1s,
                 [this](fs::timestamp_ms now) { ctx_->forward({"second", now, now, {}}); });
  }
  void process(fs::record<std::string, std::int64_t>&&) override {}

 private:
  int first_ = -1;
  fs::processor_context<std::string, std::int64_t>* ctx_ = nullptr;
};

TEST(PunctuatorTest, CancellingInsideAPunctuatorDoesNotSkipTheNextOne) {
  fs::topology t{"app"};
  t.stream(input)
      .process<std::string, std::int64_t>([] { return std::make_unique<self_cancelling>(); })
      .to(punct_out);
  fs::test_driver td{t};
  td.advance_wall_clock(1s);
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"first", 1'000}, {"second", 1'000}}));
  td.advance_wall_clock(1s);
  EXPECT_EQ(kvs(td.read(punct_out)), (pairs{{"second", 2'000}}));
}

}  // namespace
