// local_cluster: the topic table (create, delete, grow, configs) and its persistence across
// a restart, and the partition operations through the seam (produce, fetch, list offsets,
// delete records, idempotent producers).
#include "cluster/local_cluster.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "base/errc.h"
#include "io/fault_injecting_filesystem.h"
#include "record/builder.h"
#include "record/errc.h"

namespace fjord::cluster {
namespace {

bytes make_batch(int n, int64_t pid = -1, int16_t epoch = -1, int32_t seq = -1) {
    record::batch_builder b({.producer_id = pid, .producer_epoch = epoch, .base_sequence = seq});
    for (int i = 0; i < n; ++i) {
        b.add(1'700'000'000'000 + i, std::nullopt, to_bytes("v" + std::to_string(i)));
    }
    auto r = b.build();
    EXPECT_TRUE(r);
    return *r;
}

struct LocalClusterTest : ::testing::Test {
    io::fault_injecting_filesystem fs{7};
    manual_clock clk;
    cluster_config cfg;
    std::unique_ptr<local_cluster> c;

    LocalClusterTest() {
        cfg.log_dirs = {"/data"};
        cfg.num_partitions = 2;
        cfg.log_defaults.segment_bytes = 4096;
    }
    void SetUp() override { restart(); }
    void restart() {
        c.reset();
        auto r = make_local_cluster(fs, clk, cfg);
        ASSERT_TRUE(r) << r.error().message();
        c = std::move(*r);
    }
    offset produce_ok(const std::string& topic, int32_t p, int n, int16_t acks = 1) {
        bytes b = make_batch(n);
        auto r = c->produce({topic, partition_id(p)}, b, acks);
        EXPECT_TRUE(r) << r.error().message();
        return r ? r->base_offset : offset(-1);
    }
};

TEST_F(LocalClusterTest, TopicsAndClusterIdSurviveRestart) {
    ASSERT_TRUE(c->create_topic({.name = "orders", .partitions = 3, .replication_factor = 1,
                                 .configs = {{"retention.ms", "60000"}}}));
    ASSERT_TRUE(c->create_topic({.name = "users", .partitions = -1, .replication_factor = -1, .configs = {}}));
    const std::string id = c->cluster_id();
    EXPECT_EQ(id.size(), 22u);
    produce_ok("orders", 2, 3);
    restart();
    EXPECT_EQ(c->cluster_id(), id);
    auto t = c->find_topic("orders");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->partitions, 3);
    EXPECT_EQ(t->configs.at("retention.ms"), "60000");
    EXPECT_EQ(c->find_topic("users")->partitions, 2);
    auto o = c->offsets({"orders", partition_id(2)});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->high_watermark, offset(3));
    EXPECT_EQ(c->describe_topic_config("orders")->effective.retention_ms.count(), 60000);
}

TEST_F(LocalClusterTest, CreateErrors) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}));
    EXPECT_EQ(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}).error(),
              make_error_code(errc::topic_already_exists));
    EXPECT_EQ(c->create_topic({.name = "bad name!", .partitions = 1, .replication_factor = 1, .configs = {}}).error(),
              make_error_code(errc::invalid_topic));
    EXPECT_EQ(c->create_topic({.name = "x", .partitions = 0, .replication_factor = 1, .configs = {}}).error(),
              make_error_code(errc::invalid_partitions));
    EXPECT_EQ(c->create_topic({.name = "x", .partitions = 1, .replication_factor = 3, .configs = {}}).error(),
              make_error_code(errc::invalid_replication_factor));
    EXPECT_EQ(c->create_topic({.name = "x", .partitions = 1, .replication_factor = 1,
                               .configs = {{"no.such.key", "1"}}})
                  .error(),
              make_error_code(errc::invalid_config));
    EXPECT_EQ(c->create_topic({.name = "x", .partitions = 1, .replication_factor = 1,
                               .configs = {{"retention.ms", "soon"}}})
                  .error(),
              make_error_code(errc::invalid_config));
    EXPECT_TRUE(c->create_topic({.name = "v", .partitions = 1, .replication_factor = 1, .configs = {}}, true));
    EXPECT_FALSE(c->find_topic("v"));
}

TEST_F(LocalClusterTest, DeleteTopicSurvivesRestart) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 2, .replication_factor = 1, .configs = {}}));
    produce_ok("t", 0, 1);
    ASSERT_TRUE(c->delete_topic("t"));
    EXPECT_EQ(c->delete_topic("t").error(), make_error_code(errc::unknown_topic_or_partition));
    restart();
    EXPECT_FALSE(c->find_topic("t"));
    EXPECT_EQ(c->offsets({"t", partition_id(0)}).error(), make_error_code(errc::unknown_topic_or_partition));
    // Recreated empty.
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}));
    EXPECT_EQ(c->offsets({"t", partition_id(0)})->high_watermark, offset(0));
}

TEST_F(LocalClusterTest, CreatePartitionsGrowsOnly) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 2, .replication_factor = 1, .configs = {}}));
    EXPECT_EQ(c->create_partitions("t", 2).error(), make_error_code(errc::invalid_partitions));
    EXPECT_EQ(c->create_partitions("nope", 5).error(), make_error_code(errc::unknown_topic_or_partition));
    ASSERT_TRUE(c->create_partitions("t", 4));
    produce_ok("t", 3, 1);
    restart();
    EXPECT_EQ(c->find_topic("t")->partitions, 4);
    EXPECT_EQ(c->offsets({"t", partition_id(3)})->high_watermark, offset(1));
}

TEST_F(LocalClusterTest, AlterConfigReplacesOverridesAndAppliesToLogs) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1,
                                 .configs = {{"retention.ms", "1000"}}}));
    ASSERT_TRUE(c->alter_topic_config("t", {{"max.message.bytes", "100"}}));
    auto d = c->describe_topic_config("t");
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->overrides.contains("retention.ms"));
    EXPECT_EQ(d->effective.max_message_bytes, 100u);
    bytes big = make_batch(20);
    EXPECT_EQ(c->produce({"t", partition_id(0)}, big, 1).error(), make_error_code(fjord::errc::too_large));
}

TEST_F(LocalClusterTest, ProduceFetchListOffsets) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}));
    topic_partition tp{"t", partition_id(0)};
    EXPECT_EQ(produce_ok("t", 0, 3), offset(0));
    EXPECT_EQ(produce_ok("t", 0, 2, -1), offset(3));
    auto f = c->fetch(tp, offset(0), 1 << 20);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->high_watermark, offset(5));
    EXPECT_EQ(f->slices.back().last_offset, offset(4));
    EXPECT_EQ(c->fetch(tp, offset(5), 1 << 20)->slices.size(), 0u);
    EXPECT_EQ(c->fetch(tp, offset(6), 1 << 20).error(), make_error_code(fjord::errc::out_of_range));
    auto ts = c->offset_for_timestamp(tp, 1'700'000'000'001);
    ASSERT_TRUE(ts && *ts);
    EXPECT_EQ((*ts)->found, offset(1));
    EXPECT_EQ(c->delete_records(tp, offset(3)).value(), offset(3));
    EXPECT_EQ(c->offsets(tp)->log_start_offset, offset(3));
    EXPECT_EQ(c->fetch(tp, offset(1), 1 << 20).error(), make_error_code(fjord::errc::out_of_range));
    EXPECT_EQ(c->delete_records(tp, offset(9)).error(), make_error_code(fjord::errc::out_of_range));
}

TEST_F(LocalClusterTest, ProduceErrors) {
    bytes b = make_batch(1);
    EXPECT_EQ(c->produce({"nope", partition_id(0)}, b, 1).error(), make_error_code(errc::unknown_topic_or_partition));
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}));
    EXPECT_EQ(c->produce({"t", partition_id(1)}, b, 1).error(), make_error_code(errc::unknown_topic_or_partition));
    EXPECT_EQ(c->produce({"t", partition_id(0)}, b, 2).error(), make_error_code(errc::invalid_required_acks));
    b[30] ^= std::byte{1};  // inside the CRC range
    EXPECT_EQ(c->produce({"t", partition_id(0)}, b, 1).error(), make_error_code(record::errc::bad_crc));
    EXPECT_EQ(c->offsets({"t", partition_id(0)})->high_watermark, offset(0));
}

TEST_F(LocalClusterTest, IdempotentProducerDedupsAndRejectsGaps) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}));
    topic_partition tp{"t", partition_id(0)};
    auto id = c->init_producer_id();
    ASSERT_TRUE(id);
    const int64_t pid = id->producer_id;
    bytes b0 = make_batch(2, pid, 0, 0);
    bytes b0_retry = b0;
    EXPECT_EQ(c->produce(tp, b0, -1)->base_offset, offset(0));
    EXPECT_EQ(c->produce(tp, b0_retry, -1)->base_offset, offset(0));  // duplicate: original offset
    EXPECT_EQ(c->offsets(tp)->high_watermark, offset(2));
    bytes gap = make_batch(1, pid, 0, 5);
    EXPECT_EQ(c->produce(tp, gap, 1).error(), make_error_code(errc::out_of_order_sequence));
    bytes b1 = make_batch(1, pid, 0, 2);
    EXPECT_EQ(c->produce(tp, b1, 1)->base_offset, offset(2));
    bytes unknown = make_batch(1, pid + 100000, 0, 0);
    EXPECT_EQ(c->produce(tp, unknown, 1).error(), make_error_code(errc::unknown_producer_id));
    // State comes back from the log after a restart: a retry is still a duplicate.
    restart();
    bytes b1_retry = make_batch(1, pid, 0, 2);
    EXPECT_EQ(c->produce(tp, b1_retry, 1)->base_offset, offset(2));
    bytes stale = make_batch(1, pid, 1, 0);  // new epoch at 0 is fine
    EXPECT_EQ(c->produce(tp, stale, 1)->base_offset, offset(3));
    bytes old_epoch = make_batch(1, pid, 0, 3);
    EXPECT_EQ(c->produce(tp, old_epoch, 1).error(), make_error_code(errc::invalid_producer_epoch));
    EXPECT_GT(c->init_producer_id()->producer_id, pid);
}

boost::asio::awaitable<void> wait_then_flag(local_cluster* c, uint64_t seen, bool* done) {
    co_await c->wait_for_append(seen, std::chrono::milliseconds(60'000));
    *done = true;
}

TEST_F(LocalClusterTest, WaitForAppendWakesOnProduce) {
    ASSERT_TRUE(c->create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {}}));
    boost::asio::io_context io;
    bool done = false;
    boost::asio::co_spawn(io, wait_then_flag(c.get(), c->append_sequence(), &done), boost::asio::detached);
    io.poll();
    EXPECT_FALSE(done);
    produce_ok("t", 0, 1);
    io.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(done);
}

TEST_F(LocalClusterTest, CorruptStateFileRefusesToStart) {
    c.reset();
    auto f = fs.open("/data/__fjord_cluster_state", io::open_mode::read_write);
    ASSERT_TRUE(f);
    std::byte junk[1]{std::byte{0x55}};
    ASSERT_TRUE((*f)->write_at(file_pos(20), junk));
    auto r = make_local_cluster(fs, clk, cfg);
    EXPECT_EQ(r.error(), make_error_code(errc::corrupt_state));
}

}  // namespace
}  // namespace fjord::cluster
