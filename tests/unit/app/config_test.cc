// Configuration validation: defaults, overrides, unknown keys, bad values, the mapping to
// cluster_config and storage::log_config, and docs/operations.md kept in step with the table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/broker_config.h"
#include "app/command_line.h"
#include "app/config_keys.h"

namespace fjord::app {
namespace {

config_outcome<broker_config> build(std::string_view text, std::vector<key_value> overrides = {}) {
    return build_config(parse_properties(text), overrides);
}

TEST(Config, DefaultsMatchKafka) {
    auto c = build("");
    ASSERT_TRUE(c.value) << c.error;
    EXPECT_EQ(c.value->cluster.node_id, 1);
    EXPECT_EQ(c.value->listener.host, "localhost");
    EXPECT_EQ(c.value->listener.port, 9092);
    EXPECT_EQ(c.value->socket_request_max_bytes, 104857600u);
    const auto& log = c.value->cluster.log_defaults;
    EXPECT_EQ(log.segment_bytes, 1073741824u);
    EXPECT_EQ(log.retention_ms, std::chrono::hours(168));
    EXPECT_EQ(log.segment_ms, std::chrono::hours(168));
    EXPECT_EQ(log.retention_bytes, -1);
    EXPECT_EQ(log.max_message_bytes, 1048588u);
    EXPECT_EQ(log.flush, storage::flush_policy::never);
    EXPECT_EQ(log.cleanup, storage::cleanup_policy::remove);
    EXPECT_TRUE(c.value->cluster.auto_create_topics);
}

TEST(Config, FileValuesAndMapping) {
    auto c = build("node.id=7\nlisteners=PLAINTEXT://0.0.0.0:19092\nlog.dirs=/a, /b\nnum.partitions=3\n"
                   "log.retention.ms=1000\nlog.roll.ms=500\nlog.cleanup.policy=compact,delete\n"
                   "log.flush.interval.messages=1\nauto.create.topics.enable=false\nnum.io.threads=2\n");
    ASSERT_TRUE(c.value) << c.error;
    const auto& cl = c.value->cluster;
    EXPECT_EQ(cl.node_id, 7);
    EXPECT_EQ(c.value->listener.host, "0.0.0.0");
    EXPECT_EQ(c.value->listener.port, 19092);
    EXPECT_EQ(cl.advertised_host, "localhost");
    EXPECT_EQ(cl.advertised_port, 19092);
    EXPECT_EQ(cl.log_dirs, (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(cl.num_partitions, 3);
    EXPECT_EQ(cl.log_defaults.retention_ms, std::chrono::milliseconds(1000));
    EXPECT_EQ(cl.log_defaults.segment_ms, std::chrono::milliseconds(500));
    EXPECT_EQ(cl.log_defaults.cleanup, storage::cleanup_policy::compact_and_remove);
    EXPECT_EQ(cl.log_defaults.flush, storage::flush_policy::every_append);
    EXPECT_FALSE(cl.auto_create_topics);
    EXPECT_EQ(c.value->shards, 2u);
}

TEST(Config, RetentionHoursMinusOneMeansUnlimited) {
    auto c = build("log.retention.hours=-1\n");
    ASSERT_TRUE(c.value) << c.error;
    EXPECT_LT(c.value->cluster.log_defaults.retention_ms.count(), 0);
}

TEST(Config, FlushIntervalMs) {
    auto c = build("log.flush.interval.ms=250\n");
    ASSERT_TRUE(c.value) << c.error;
    EXPECT_EQ(c.value->cluster.log_defaults.flush, storage::flush_policy::interval);
    EXPECT_EQ(c.value->cluster.log_defaults.flush_interval, std::chrono::milliseconds(250));
}

TEST(Config, SetOverridesFileAndLaterSetWins) {
    auto c = build("node.id=2\n", {{"node.id", "3"}, {"node.id", "4"}});
    ASSERT_TRUE(c.value) << c.error;
    EXPECT_EQ(c.value->cluster.node_id, 4);
}

TEST(Config, UnknownKeyNamesItAndTheClosestKnownKey) {
    auto c = build("a=1\nlog.retention.hour=5\n");
    ASSERT_FALSE(c.value);
    EXPECT_NE(c.error.find("'a'"), std::string::npos) << c.error;
    c = build("log.retention.hour=5\n");
    EXPECT_NE(c.error.find("'log.retention.hour'"), std::string::npos) << c.error;
    EXPECT_NE(c.error.find("line 1"), std::string::npos) << c.error;
    EXPECT_NE(c.error.find("did you mean 'log.retention.hours'"), std::string::npos) << c.error;
}

TEST(Config, UnknownKeyInSet) {
    auto c = build("", {{"num.partition", "3"}});
    ASSERT_FALSE(c.value);
    EXPECT_NE(c.error.find("'num.partition' in --set"), std::string::npos) << c.error;
    EXPECT_NE(c.error.find("'num.partitions'"), std::string::npos) << c.error;
}

TEST(Config, BadValuesNameKeyAndExpectation) {
    struct bad_case {
        std::string text, want;
    };
    for (const auto& [text, want] : std::vector<bad_case>{
             {"node.id=abc", "node.id=abc: expected an integer"},
             {"node.id=12x", "expected an integer"},
             {"num.partitions=0", "num.partitions=0: must be between 1 and"},
             {"socket.request.max.bytes=99999999999", "must be between"},
             {"auto.create.topics.enable=yes", "expected true or false"},
             {"log.cleanup.policy=keep", "expected delete, compact or compact,delete"},
             {"log.flush.interval.messages=100", "only 1"},
             {"listeners=SSL://h:1", "only the PLAINTEXT"},
             {"listeners=PLAINTEXT://h", "no port"},
             {"listeners=PLAINTEXT://h:70000", "port must be"},
             {"listeners=PLAINTEXT://a:1,PLAINTEXT://b:2", "only one listener"},
             {"controller.quorum.voters=1@a:1,2@b:2", "single voter"},
             {"controller.quorum.voters=2@a:1", "single voter"},
             {"log.dirs= , ", "at least one directory"},
         }) {
        auto c = build(text);
        ASSERT_FALSE(c.value) << text;
        EXPECT_NE(c.error.find(want), std::string::npos) << text << " -> " << c.error;
    }
    EXPECT_TRUE(build("controller.quorum.voters=1@localhost:9093").value);
}

TEST(CommandLine, ConfigAndRepeatedSet) {
    auto c = parse_command_line({"--config", "f.properties", "--set", "a=b", "--set=c=d=e"});
    ASSERT_TRUE(c.value) << c.error;
    EXPECT_EQ(c.value->config_path, "f.properties");
    EXPECT_EQ(c.value->overrides, (std::vector<key_value>{{"a", "b"}, {"c", "d=e"}}));
}

TEST(CommandLine, Errors) {
    EXPECT_NE(parse_command_line({}).error.find("--config FILE is required"), std::string::npos);
    EXPECT_NE(parse_command_line({"--config", "f", "--set", "novalue"}).error.find("expected key=value"),
              std::string::npos);
    EXPECT_NE(parse_command_line({"--config", "f", "--bogus"}).error.find("unknown argument '--bogus'"),
              std::string::npos);
    EXPECT_FALSE(parse_command_line({"--config"}).value);
}

TEST(ConfigDocs, OperationsMdHoldsTheGeneratedKeyTable) {
    std::ifstream in(std::string(FJORD_SOURCE_DIR) + "/docs/operations.md");
    ASSERT_TRUE(in) << "docs/operations.md missing";
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_NE(ss.str().find(config_reference_markdown()), std::string::npos)
        << "docs/operations.md is out of step with broker/app/config_keys.h; regenerate its key table with\n"
           "  fjord-broker --help-config\n"
        << config_reference_markdown();
}

TEST(ConfigDocs, EveryDefaultIsValid) {
    for (const auto& k : config_keys) {
        EXPECT_TRUE(build(std::string(k.name) + "=" + std::string(k.default_value)).value) << k.name;
    }
}

}  // namespace
}  // namespace fjord::app
