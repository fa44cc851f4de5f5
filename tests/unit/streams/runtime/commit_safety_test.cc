// Unit tests, no broker: the pieces of the at-least-once commit that can run without one —
// the producer collector's flush and queue-full outcomes (runtime/producer_collector.hpp),
// the restore consumer's forced properties (runtime/restorer.hpp), the checkpoint removal
// (state/checkpoint_file.hpp, state/state_manager.hpp) and the offset-commit verdict
// (runtime/stream_thread.hpp). The broker paths are covered by the integration tests.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <string>

#include <fjord/streams.hpp>
#include <fjord/streams/runtime/app.hpp>
#include <fjord/streams/runtime/producer_collector.hpp>
#include <fjord/streams/runtime/restorer.hpp>
#include <fjord/streams/runtime/stream_thread.hpp>

namespace fs = fjord::streams;
using namespace std::chrono_literals;

namespace {

// Nothing listens on port 1: every record stays queued until message.timeout.ms.
fs::config unreachable() {
  fs::config c;
  c.bootstrap_servers = "127.0.0.1:1";
  c.state_dir = "/tmp/unused";
  c.producer_overrides["log_level"] = "0";
  c.consumer_overrides["log_level"] = "0";
  return c;
}

std::string conf_value(rd_kafka_t* rk, const char* key) {
  char buf[256];
  std::size_t size = sizeof buf;
  if (rd_kafka_conf_get(rd_kafka_conf(rk), key, buf, &size) != RD_KAFKA_CONF_OK) return "<unset>";
  return buf;
}

void send_one(fs::producer_collector& c, const std::string& value = "v") {
  c.send("out", 0, std::string_view("k"), std::string_view(value), 1000, {});
}

TEST(RuntimeProducerCollector, DeliveryBoundIsTheMessageTimeoutPlusAMargin) {
  auto cfg = unreachable();
  fs::producer_collector dflt(cfg, "p", {}, {});
  EXPECT_EQ(dflt.delivery_bound(), fs::millis{300'000} + fs::producer_collector::kDeliveryMargin);
  cfg.producer_overrides["message.timeout.ms"] = "1234";
  fs::producer_collector set(cfg, "p", {}, {});
  EXPECT_EQ(set.delivery_bound(), fs::millis{1234} + fs::producer_collector::kDeliveryMargin);
}

TEST(RuntimeProducerCollector, NothingSentFlushesAtOnce) {
  fs::producer_collector c(unreachable(), "p", {}, {});
  EXPECT_EQ(c.flush(), fs::producer_collector::flush_result::delivered);
}

// A flush that outlasts the old fixed timeout is not an error by itself: only the delivery
// failure librdkafka reports at message.timeout.ms is.
TEST(RuntimeProducerCollector, OnlyAFailedDeliveryIsFatal) {
  auto cfg = unreachable();
  cfg.producer_overrides["message.timeout.ms"] = "1500";
  fs::producer_collector c(cfg, "p", {}, {});
  send_one(c);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.flush(), fs::producer_collector::flush_result::failed);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 1000ms);  // waited for librdkafka's verdict
  ASSERT_TRUE(c.fatal());
  EXPECT_NE(c.fatal()->find("delivery to out-0 failed"), std::string::npos) << *c.fatal();
}

TEST(RuntimeProducerCollector, AStopRequestInterruptsAFlushWithoutMakingItFatal) {
  fs::producer_collector c(unreachable(), "p", {}, {});
  send_one(c);
  std::stop_source stop;
  stop.request_stop();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.flush(stop.get_token()), fs::producer_collector::flush_result::interrupted);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_FALSE(c.fatal());
}

TEST(RuntimeProducerCollector, AFullQueueGivesUpOnStopAndRefusesLaterCommits) {
  auto cfg = unreachable();
  cfg.producer_overrides["queue.buffering.max.messages"] = "1";
  fs::producer_collector c(cfg, "p", {}, {});
  std::stop_source stop;
  c.set_stop_token(stop.get_token());
  send_one(c);  // fills the queue
  stop.request_stop();
  const auto t0 = std::chrono::steady_clock::now();
  send_one(c);  // queue full + stopping: dropped, not retried forever
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_TRUE(c.dropped());
  EXPECT_FALSE(c.fatal());
  // After a dropped record no flush may report "delivered".
  std::stop_source other;
  other.request_stop();
  EXPECT_EQ(c.flush(other.get_token()), fs::producer_collector::flush_result::interrupted);
}

TEST(RuntimeProducerCollector, AFullQueueStopsRetryingOnceADeliveryFailed) {
  auto cfg = unreachable();
  cfg.producer_overrides["queue.buffering.max.messages"] = "1";
  cfg.producer_overrides["message.timeout.ms"] = "1000";
  fs::producer_collector c(cfg, "p", {}, {});
  send_one(c);
  const auto t0 = std::chrono::steady_clock::now();
  send_one(c);  // room appears when the first record times out (fatal): the send gives up
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
  ASSERT_TRUE(c.fatal());
  EXPECT_EQ(c.flush(), fs::producer_collector::flush_result::failed);
}

TEST(RuntimeRestorer, ForcesWhatARestoreReliesOnOverTheConsumerOverrides) {
  auto cfg = unreachable();
  cfg.consumer_overrides["auto.offset.reset"] = "latest";
  cfg.consumer_overrides["enable.partition.eof"] = "false";
  cfg.consumer_overrides["enable.auto.offset.store"] = "true";
  cfg.consumer_overrides["group.instance.id"] = "static-1";
  cfg.consumer_overrides["fetch.max.bytes"] = "2000000";  // tuning passes through
  const auto props = fs::restorer::restore_properties(cfg, "app-thread-0-restore");
  EXPECT_EQ(props.at("auto.offset.reset"), "earliest");
  EXPECT_EQ(props.at("enable.partition.eof"), "true");
  EXPECT_EQ(props.at("enable.auto.commit"), "false");
  EXPECT_EQ(props.at("enable.auto.offset.store"), "false");
  EXPECT_EQ(props.at("group.id"), "app-thread-0-restore");
  EXPECT_FALSE(props.contains("group.instance.id"));
  EXPECT_EQ(props.at("fetch.max.bytes"), "2000000");
  EXPECT_EQ(props.at("bootstrap.servers"), "127.0.0.1:1");

  fs::metrics m;
  fs::listeners l;
  fs::restorer r(cfg, "app-thread-0-restore", m, l);
  EXPECT_EQ(conf_value(r.handle(), "auto.offset.reset"), "smallest");  // librdkafka's name for earliest
  EXPECT_EQ(conf_value(r.handle(), "enable.partition.eof"), "true");
  EXPECT_EQ(conf_value(r.handle(), "enable.auto.commit"), "false");
}

const fs::topic<std::string, std::string, fs::utf8, fs::utf8> in{"in"}, out{"out"};

// run() is the jthread's body: it must return (never throw) and, stopped before any
// assignment, report nothing.
TEST(RuntimeStreamThread, RunReturnsQuietlyWhenStoppedBeforeAnyAssignment) {
  fs::topology t{"app"};
  t.stream(in).to(out);
  auto cfg = unreachable();
  fs::metrics m;
  fs::listeners l;
  std::vector<std::string> fatal;
  fs::stream_thread th(fs::thread_shared{t.blueprint(), cfg, m, std::make_shared<fs::rocksdb_budget>(), {}, l,
                                         [&](const std::string& e) { fatal.push_back(e); }},
                       0);
  std::stop_source stop;
  stop.request_stop();
  static_assert(noexcept(th.run(stop.get_token())));
  th.run(stop.get_token());
  EXPECT_TRUE(fatal.empty()) << fatal.front();
}

TEST(RuntimeStreamThread, OffsetCommitVerdict) {
  EXPECT_TRUE(fs::stream_thread::offset_commit_succeeded(RD_KAFKA_RESP_ERR_NO_ERROR));
  EXPECT_TRUE(fs::stream_thread::offset_commit_succeeded(RD_KAFKA_RESP_ERR__NO_OFFSET));
  for (auto e : {RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID,
                 RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR__FATAL}) {
    EXPECT_FALSE(fs::stream_thread::offset_commit_succeeded(e)) << rd_kafka_err2str(e);
  }
}

class CheckpointRemoval : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fjord-commit-safety-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(CheckpointRemoval, RemovesTheFileAndToleratesItsAbsence) {
  fs::state_manager m({dir_, "app", nullptr}, "0_0", nullptr);
  m.open(fs::store_def{.name = "kv", .kind = fs::store_kind::key_value});
  m.checkpoint({{"kv", 5}});
  ASSERT_TRUE(std::filesystem::exists(m.checkpoint_path()));
  m.remove_checkpoint();
  EXPECT_FALSE(std::filesystem::exists(m.checkpoint_path()));
  EXPECT_EQ(m.checkpointed_offset("kv"), std::nullopt);
  m.remove_checkpoint();  // absent: nothing to do
  fs::checkpoint_file::remove(dir_ / "no-such-dir" / ".checkpoint");
}

TEST_F(CheckpointRemoval, AFailedRemovalIsAnError) {
  fs::state_manager m({dir_, "app", nullptr}, "0_0", nullptr);
  m.open(fs::store_def{.name = "kv", .kind = fs::store_kind::key_value});
  // A non-empty directory where the file should be: remove() fails (ENOTEMPTY).
  std::filesystem::create_directories(m.checkpoint_path() / "x");
  try {
    m.remove_checkpoint();
    FAIL() << "removal of a non-empty directory reported success";
  } catch (const fs::streams_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot remove"), std::string::npos) << e.what();
  }
  EXPECT_EQ(m.checkpointed_offset("kv"), std::nullopt);  // forgotten either way
}

}  // namespace
