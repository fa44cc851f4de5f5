// Unit tests: runtime config validation (runtime/config.hpp).
#include <gtest/gtest.h>

#include "fjord/streams/runtime/config.hpp"

namespace fs = fjord::streams;

namespace {

fs::config good() {
  fs::config c;
  c.bootstrap_servers = "127.0.0.1:9092";
  c.state_dir = "/tmp/x";
  return c;
}

std::string error_of(const fs::config& c) {
  try {
    fs::validate(c);
  } catch (const fs::streams_error& e) {
    return e.what();
  }
  return "";
}

TEST(RuntimeConfig, DefaultsFollowKafkaStreams) {
  fs::config c;
  EXPECT_EQ(c.commit_interval, fs::millis{30'000});
  EXPECT_EQ(c.threads, 1);
  EXPECT_EQ(c.replication_factor, 1);
  EXPECT_EQ(c.guarantee, fs::processing_guarantee::at_least_once);
  EXPECT_EQ(c.max_task_idle, fs::millis{0});  // max.task.idle.ms = 0: wait for fetched lag only
  EXPECT_EQ(error_of(good()), "");
}

TEST(RuntimeConfig, MaxTaskIdleIsMinusOneZeroOrPositive) {
  auto c = good();
  for (long ms : {-1L, 0L, 1L, 60'000L}) {
    c.max_task_idle = fs::millis{ms};
    EXPECT_EQ(error_of(c), "") << ms;
  }
  c.max_task_idle = fs::millis{-2};
  const auto e = error_of(c);
  EXPECT_NE(e.find("max_task_idle must be -1 (never wait), 0 or positive, got -2 ms"), std::string::npos) << e;
}

TEST(RuntimeConfig, RejectsBadFieldsNamingThem) {
  auto c = good();
  c.bootstrap_servers.clear();
  EXPECT_NE(error_of(c).find("bootstrap_servers"), std::string::npos);
  c = good();
  c.threads = 0;
  EXPECT_NE(error_of(c).find("threads"), std::string::npos);
  c = good();
  c.state_dir.clear();
  EXPECT_NE(error_of(c).find("state_dir"), std::string::npos);
  c = good();
  c.commit_interval = fs::millis{0};
  EXPECT_NE(error_of(c).find("commit_interval"), std::string::npos);
  c = good();
  c.memory_budget_bytes = 1000;
  EXPECT_NE(error_of(c).find("memory_budget_bytes"), std::string::npos);
  c = good();
  c.replication_factor = 0;
  EXPECT_NE(error_of(c).find("replication_factor"), std::string::npos);
  c = good();
  c.consumer_overrides["group.id"] = "other";
  EXPECT_NE(error_of(c).find("group.id"), std::string::npos);
  c = good();
  c.producer_overrides["enable.auto.commit"] = "true";
  EXPECT_NE(error_of(c).find("enable.auto.commit"), std::string::npos);
}

TEST(RuntimeConfig, ExactlyOnceIsTheSeamForALaterIssue) {
  auto c = good();
  c.guarantee = fs::processing_guarantee::exactly_once;
  const auto e = error_of(c);
  EXPECT_NE(e.find("exactly_once is not implemented"), std::string::npos) << e;
  EXPECT_NE(e.find("at_least_once"), std::string::npos) << e;
}

}  // namespace

namespace {

TEST(RuntimeConfig, RejectsOverridesOfTheSettingsTheRuntimeOwns) {
  for (const char* key : {"partition.assignment.strategy", "enable.auto.commit", "enable.auto.offset.store", "group.id",
                          "bootstrap.servers", "enable.partition.eof"}) {
    auto c = good();
    c.consumer_overrides[key] = "x";
    const auto e = error_of(c);
    EXPECT_NE(e.find(std::string("consumer_overrides: '") + key + "' is owned by the runtime"), std::string::npos) << e;
  }
  auto c = good();
  c.consumer_overrides["partition.assignment.strategy"] = "cooperative-sticky";
  EXPECT_NE(error_of(c).find("\"range\" assignor"), std::string::npos) << error_of(c);
  // Producer: the connection and the consumer-group keys; consumer-only keys mean nothing there.
  c = good();
  c.producer_overrides["bootstrap.servers"] = "elsewhere:9092";
  EXPECT_NE(error_of(c).find("producer_overrides: 'bootstrap.servers'"), std::string::npos) << error_of(c);
  c = good();
  c.producer_overrides["enable.auto.offset.store"] = "true";
  EXPECT_EQ(error_of(c), "");
  // Tuning and security settings pass.
  c = good();
  c.consumer_overrides["fetch.max.bytes"] = "1048576";
  c.consumer_overrides["security.protocol"] = "plaintext";
  c.consumer_overrides["auto.offset.reset"] = "latest";
  c.producer_overrides["message.timeout.ms"] = "60000";
  EXPECT_EQ(error_of(c), "");
}

}  // namespace
