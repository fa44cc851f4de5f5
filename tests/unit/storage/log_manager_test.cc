// log_manager: creating, finding, listing and deleting partition logs over several log
// dirs, restart (parallel open, interrupted deletions, stray directories), errors as
// values, and housekeeping (retention, interval flush).
#include "storage/log_manager.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/errc.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {

using testing::make_batch;
using testing::read_all;
using testing::str;

topic_partition tp(const std::string& topic, int32_t p) { return {topic, partition_id{p}}; }

struct LogManagerTest : ::testing::Test {
    io::fault_injecting_filesystem fs{5};
    manual_clock clk;
    log_config defaults{.segment_bytes = 1024, .index_interval_bytes = 128};
    std::unique_ptr<log_manager> mgr;

    log_manager_config config(std::vector<std::string> dirs = {"/d1", "/d2"}) {
        return {.log_dirs = std::move(dirs), .defaults = defaults, .recovery_threads = 4};
    }

    void restart(std::vector<std::string> dirs = {"/d1", "/d2"}) {
        mgr.reset();
        mgr = std::make_unique<log_manager>(fs, clk, config(std::move(dirs)));
        auto r = mgr->start();
        ASSERT_TRUE(r) << r.error().message();
    }

    void SetUp() override { restart(); }

    std::shared_ptr<log> create_ok(const topic_partition& t, const log_config& cfg) {
        auto r = mgr->create(t, cfg);
        EXPECT_TRUE(r) << t.dir_name() << ": " << r.error().message();
        return r ? *r : nullptr;
    }
    std::shared_ptr<log> create_ok(const topic_partition& t) { return create_ok(t, defaults); }

    static void append_ok(log& l, bytes batch) {
        auto r = l.append(batch);
        ASSERT_TRUE(r) << r.error().message();
    }
};

TEST_F(LogManagerTest, CreateGetList) {
    auto a = create_ok(tp("orders", 0));
    auto b = create_ok(tp("orders", 1));
    auto c = create_ok(tp("users", 0));
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(mgr->get(tp("orders", 0)), a);
    EXPECT_EQ(mgr->get(tp("users", 0)), c);
    EXPECT_EQ(mgr->get(tp("orders", 2)), nullptr);
    EXPECT_EQ(mgr->get(tp("nope", 0)), nullptr);
    auto listed = mgr->list();
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(listed, (std::vector<topic_partition>{tp("orders", 0), tp("orders", 1), tp("users", 0)}));
    EXPECT_TRUE(a->dir().ends_with("/orders-0")) << a->dir();
    EXPECT_TRUE(fs.is_directory(a->dir()));
    EXPECT_EQ(a->next_offset(), offset{0});
}

TEST_F(LogManagerTest, CreateOfAnExistingPartitionIsAlreadyExists) {
    auto first = create_ok(tp("t", 0));
    ASSERT_TRUE(first);
    append_ok(*first, make_batch(3));
    auto again = mgr->create(tp("t", 0), defaults);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), make_error_code(errc::already_exists));
    EXPECT_EQ(mgr->get(tp("t", 0)), first);
    EXPECT_EQ(first->next_offset(), offset{3}) << "the existing log was disturbed";
}

TEST_F(LogManagerTest, InvalidTopicNamesAndNegativePartitionsAreRejected) {
    for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
                            std::string("a b"), std::string("caf\xc3\xa9"), std::string("../etc"),
                            std::string(250, 'x')}) {
        auto r = mgr->create(tp(bad, 0), defaults);
        ASSERT_FALSE(r) << "accepted topic name '" << bad << "'";
        EXPECT_EQ(r.error(), make_error_code(errc::invalid_argument)) << "'" << bad << "'";
    }
    auto negative = mgr->create(tp("t", -1), defaults);
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error(), make_error_code(errc::invalid_argument));
    EXPECT_TRUE(mgr->list().empty());
    // The boundary cases that are valid.
    EXPECT_TRUE(create_ok(tp(std::string(249, 'x'), 0)));
    EXPECT_TRUE(create_ok(tp("a.b_c-D9", 0)));
    EXPECT_TRUE(create_ok(tp("...", 0)));
}

TEST_F(LogManagerTest, PartitionsSpreadOverBothLogDirs) {
    for (int p = 0; p < 6; ++p) {
        ASSERT_TRUE(create_ok(tp("t", p)));
    }
    int in_d1 = 0;
    int in_d2 = 0;
    for (const auto& t : mgr->list()) {
        const auto& dir = mgr->get(t)->dir();
        in_d1 += dir.starts_with("/d1/");
        in_d2 += dir.starts_with("/d2/");
        EXPECT_TRUE(fs.is_directory(dir)) << dir;
    }
    EXPECT_EQ(in_d1, 3);
    EXPECT_EQ(in_d2, 3);
}

TEST_F(LogManagerTest, RestartFindsEveryLogWithItsContents) {
    // Enough partitions that the 4 recovery threads open several each.
    for (int p = 0; p < 12; ++p) {
        auto l = create_ok(tp(p % 2 ? "odd" : "even", p));
        ASSERT_TRUE(l);
        for (int i = 0; i <= p; ++i) {
            append_ok(*l, make_batch(3, "p" + std::to_string(p) + "-" + std::to_string(i) + "-"));
        }
    }
    auto before = mgr->list();
    std::sort(before.begin(), before.end());
    // Half the logs closed cleanly, the rest not at all.
    for (const auto& t : before) {
        if (t.partition.value() % 3 == 0) {
            ASSERT_TRUE(mgr->get(t)->close());
        }
    }
    restart();
    auto after = mgr->list();
    std::sort(after.begin(), after.end());
    ASSERT_EQ(after, before);
    for (const auto& t : after) {
        SCOPED_TRACE(t.dir_name());
        auto l = mgr->get(t);
        ASSERT_TRUE(l);
        const int p = t.partition.value();
        ASSERT_EQ(l->next_offset(), offset{3 * (p + 1)});
        auto recs = read_all(*l);
        ASSERT_EQ(recs.size(), static_cast<size_t>(3 * (p + 1)));
        EXPECT_EQ(str(recs.back().value), "p" + std::to_string(p) + "-" + std::to_string(p) + "-2");
    }
}

TEST_F(LogManagerTest, RemoveDeletesTheDirectoryAndItStaysGoneAfterRestartAndCrash) {
    auto doomed = create_ok(tp("t", 0));
    auto kept = create_ok(tp("t", 1));
    ASSERT_TRUE(doomed && kept);
    append_ok(*doomed, make_batch(2));
    append_ok(*kept, make_batch(2));
    ASSERT_TRUE(kept->flush());
    const std::string dir = doomed->dir();
    ASSERT_TRUE(mgr->remove(tp("t", 0)));
    EXPECT_FALSE(fs.exists(dir));
    EXPECT_EQ(mgr->get(tp("t", 0)), nullptr);
    auto missing = mgr->remove(tp("t", 0));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), make_error_code(errc::not_found));
    restart();
    EXPECT_EQ(mgr->list(), std::vector<topic_partition>{tp("t", 1)});
    // The rename to "-delete" is durable, the removal of its contents need not be: a crash
    // may bring back the "-delete" directory, never the partition.
    doomed.reset();
    kept.reset();
    mgr.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    restart();
    EXPECT_EQ(mgr->list(), std::vector<topic_partition>{tp("t", 1)});
    EXPECT_FALSE(fs.exists(dir));
    for (const auto& root : {"/d1", "/d2"}) {
        for (const auto& name : *fs.list(root)) {
            EXPECT_FALSE(name.ends_with("-delete")) << "leftover " << root << "/" << name;
        }
    }
    EXPECT_EQ(read_all(*mgr->get(tp("t", 1))).size(), 2u);
}

TEST_F(LogManagerTest, RemoveTopicRemovesAllItsPartitionsAndNothingElse) {
    for (int p = 0; p < 3; ++p) {
        ASSERT_TRUE(create_ok(tp("a", p)));
    }
    ASSERT_TRUE(create_ok(tp("ab", 0)));
    ASSERT_TRUE(create_ok(tp("a-b", 0)));  // "a-b-0": must not be taken for partition b-0 of "a"
    ASSERT_TRUE(create_ok(tp("b", 0)));
    ASSERT_TRUE(mgr->remove_topic("a"));
    auto left = mgr->list();
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<topic_partition>{tp("a-b", 0), tp("ab", 0), tp("b", 0)}));
    auto none = mgr->remove_topic("a");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), make_error_code(errc::not_found));
    restart();
    auto after = mgr->list();
    std::sort(after.begin(), after.end());
    EXPECT_EQ(after, left);
}

TEST_F(LogManagerTest, LeftoverDeleteDirectoryIsRemovedOnStartAndNotOpened) {
    const std::string leftover = "/d1/t-0.3-delete";
    ASSERT_TRUE(fs.create_directories(leftover));
    {
        auto f = fs.open(leftover + "/00000000000000000000.log", io::open_mode::create);
        ASSERT_TRUE(f);
        ASSERT_TRUE((*f)->append(make_batch(2)));
        ASSERT_TRUE((*f)->sync());
    }
    ASSERT_TRUE(fs.sync_dir(leftover));
    restart();
    EXPECT_FALSE(fs.exists(leftover));
    EXPECT_TRUE(mgr->list().empty());
    EXPECT_EQ(mgr->get(tp("t", 0)), nullptr);
}

TEST_F(LogManagerTest, DirectoriesWithBadNamesAreIgnored) {
    for (const std::string d : {"/d1/notapartition", "/d1/t-x", "/d2/-3", "/d2/t-", "/d1/t-01x", "/d2/..-0"}) {
        ASSERT_TRUE(fs.create_directories(d));
    }
    {
        auto f = fs.open("/d1/t-5", io::open_mode::create);  // a file, not a directory
        ASSERT_TRUE(f);
    }
    ASSERT_TRUE(fs.sync_dir("/d1"));
    restart();
    EXPECT_TRUE(mgr->list().empty());
    EXPECT_TRUE(fs.is_directory("/d1/notapartition")) << "a stray directory was deleted";
    EXPECT_TRUE(fs.exists("/d1/t-5"));
    ASSERT_TRUE(create_ok(tp("t", 0)));
}

TEST_F(LogManagerTest, SamePartitionInTwoLogDirsFailsStart) {
    ASSERT_TRUE(create_ok(tp("t", 0)));
    // A second copy of the partition in the other log dir (e.g. a disk moved between
    // brokers): start must not pick one silently and hide the other.
    const std::string other = mgr->get(tp("t", 0))->dir().starts_with("/d1/") ? "/d2/t-0" : "/d1/t-0";
    ASSERT_TRUE(fs.create_directories(other));
    mgr.reset();
    mgr = std::make_unique<log_manager>(fs, clk, config());
    EXPECT_FALSE(mgr->start()) << "start accepted two directories for t-0";
}

TEST_F(LogManagerTest, DiskFullDuringCreateIsAnErrorValueAndLeavesNoHalfCreatedLog) {
    ASSERT_TRUE(create_ok(tp("t", 0)));
    fs.set_space_limit(fs.used_bytes());
    auto r = mgr->create(tp("t", 1), defaults);
    if (r) {
        // Creating an empty log needs no bytes; the full disk shows on the first append.
        auto l = *r;
        bytes batch = make_batch(2);
        auto a = l->append(batch);
        ASSERT_FALSE(a);
        EXPECT_EQ(errc_from_system(a.error()), errc::no_space);
        EXPECT_EQ(l->next_offset(), offset{0});
    } else {
        EXPECT_EQ(errc_from_system(r.error()), errc::no_space) << r.error().message();
        EXPECT_EQ(mgr->get(tp("t", 1)), nullptr);
    }
    fs.clear_faults();
    restart();
    auto l = mgr->get(tp("t", 1));
    if (r) {
        ASSERT_TRUE(l);
        EXPECT_EQ(l->next_offset(), offset{0});
        bytes batch = make_batch(2);
        auto again = l->append(batch);
        EXPECT_TRUE(again) << "after the disk has room again";
    } else {
        EXPECT_EQ(l, nullptr) << "a log whose creation failed is visible after restart";
    }
}

TEST_F(LogManagerTest, SyncFailureDuringCreateIsAnErrorValueAndLeavesNoLog) {
    fs.fail_sync_after(0);
    auto r = mgr->create(tp("t", 0), defaults);
    ASSERT_FALSE(r) << "create succeeded although the directory could not be made durable";
    EXPECT_EQ(errc_from_system(r.error()), errc::io_error) << r.error().message();
    EXPECT_EQ(mgr->get(tp("t", 0)), nullptr);
    EXPECT_TRUE(mgr->list().empty());
    fs.clear_faults();
    restart();
    EXPECT_TRUE(mgr->list().empty()) << "a log whose creation failed is visible after restart";
    ASSERT_TRUE(create_ok(tp("t", 0)));
}

TEST_F(LogManagerTest, HousekeepingAppliesRetentionBytes) {
    log_config cfg = defaults;
    cfg.segment_bytes = 512;
    cfg.retention_bytes = 1024;
    auto l = create_ok(tp("t", 0), cfg);
    auto untouched = create_ok(tp("u", 0));  // no retention.bytes: keeps everything
    ASSERT_TRUE(l && untouched);
    for (int i = 0; i < 40; ++i) {
        append_ok(*l, make_batch(2));
        append_ok(*untouched, make_batch(2));
    }
    const size_t segments = l->segment_count();
    ASSERT_GT(segments, 4u);
    mgr->housekeeping();
    EXPECT_LT(l->segment_count(), segments);
    EXPECT_GT(l->start_offset(), offset{0});
    EXPECT_EQ(l->next_offset(), offset{80});
    EXPECT_LT(l->size_bytes(), 1024u + 512u);
    EXPECT_EQ(untouched->start_offset(), offset{0});
    EXPECT_EQ(read_all(*untouched).size(), 80u);
}

TEST_F(LogManagerTest, HousekeepingFlushesIntervalPolicyLogsWhenDue) {
    log_config cfg = defaults;
    cfg.flush = flush_policy::interval;
    cfg.flush_interval = std::chrono::milliseconds(1000);
    auto l = create_ok(tp("t", 0), cfg);
    auto never = create_ok(tp("n", 0));  // flush_policy::never
    ASSERT_TRUE(l && never);
    append_ok(*l, make_batch(3));
    append_ok(*never, make_batch(3));
    mgr->housekeeping();
    EXPECT_EQ(l->flushed_offset(), offset{0}) << "flushed before flush.ms passed";
    clk.advance(std::chrono::milliseconds(999));
    mgr->housekeeping();
    EXPECT_EQ(l->flushed_offset(), offset{0}) << "flushed before flush.ms passed";
    clk.advance(std::chrono::milliseconds(1));
    mgr->housekeeping();
    EXPECT_EQ(l->flushed_offset(), offset{3});
    EXPECT_EQ(never->flushed_offset(), offset{0});
    // What housekeeping flushed survives a power failure.
    l.reset();
    never.reset();
    mgr.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    restart();
    ASSERT_TRUE(mgr->get(tp("t", 0)));
    EXPECT_EQ(mgr->get(tp("t", 0))->next_offset(), offset{3});
    EXPECT_EQ(read_all(*mgr->get(tp("t", 0))).size(), 3u);
}

TEST(LogManagerParsePartitionDirName, SplitsAtTheLastDash) {
    auto a = parse_partition_dir_name("a-b-3");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->topic, "a-b");
    EXPECT_EQ(a->partition, partition_id{3});
    auto plain = parse_partition_dir_name("orders-12");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->topic, "orders");
    EXPECT_EQ(plain->partition, partition_id{12});
    EXPECT_EQ(plain->dir_name(), "orders-12");
    auto trailing_dash_topic = parse_partition_dir_name("t--1");
    ASSERT_TRUE(trailing_dash_topic);
    EXPECT_EQ(trailing_dash_topic->topic, "t-");
    EXPECT_EQ(trailing_dash_topic->partition, partition_id{1});
}

TEST(LogManagerParsePartitionDirName, RejectsMissingTopicMissingOrMalformedPartitionAndDeleteDirs) {
    for (const char* bad : {"x-", "-1", "t-01x", "t-x", "t", "", "-", "t-+1", "t- 1", "t-1 ", "t-2147483648",
                            "t-99999999999", "..-0", ".-0", "a/b-0", "t-0.3-delete", "t-0.log"}) {
        EXPECT_FALSE(parse_partition_dir_name(bad)) << "'" << bad << "'";
    }
    EXPECT_FALSE(parse_partition_dir_name(std::string(250, 'x') + "-0"));
    EXPECT_TRUE(parse_partition_dir_name(std::string(249, 'x') + "-0"));
    EXPECT_TRUE(parse_partition_dir_name("t-2147483647"));
}

}  // namespace
}  // namespace fjord::storage
