// Regression tests for bugs a review of the storage engine found, one per bug, named for
// the behaviour that must hold.
#include <functional>
#include <gtest/gtest.h>

#include "record/crc32c.h"
#include "record/errc.h"
#include "storage/log_manager.h"
#include "storage/segment_files.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {
using testing::log_fixture;
using testing::make_keyed;
using testing::read_all;
using testing::str;

// 1. Compaction drops the last batch of a sealed segment; a truncation that makes that
//    segment the tail rewinds next_offset() below `from` -> offsets are reused.
TEST(Regression, TruncateAfterCompactionNeverRewindsBelowItsPoint) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.cleanup = cleanup_policy::compact;
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto k = make_keyed("k", "old");
    ASSERT_TRUE(l->append(k));         // offset 0, segment 0
    ASSERT_TRUE(l->close());           // seal -> next append rolls
    auto k2 = make_keyed("k", "new");
    ASSERT_TRUE(l->append(k2));        // offset 1, segment 1
    ASSERT_TRUE(l->close());
    auto x = make_keyed("x", "x");
    ASSERT_TRUE(l->append(x));         // offset 2, segment 2 (active)
    auto st = l->compact();
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ(st->records_removed, 1u);
    // Follower drops the uncommitted suffix starting at offset 1.
    ASSERT_TRUE(l->truncate(offset{1}));
    EXPECT_EQ(l->next_offset(), offset{1}) << "log end rewound below the truncation point";
    auto again = make_keyed("y", "y");
    auto r = l->append(again);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->base_offset, offset{1}) << "offset " << r->base_offset << " handed out twice";
}

TEST(Regression, ReplicaAppendAtTruncationPointAfterCompaction) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.cleanup = cleanup_policy::compact;
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto a = make_keyed("k", "old"); ASSERT_TRUE(l->append(a)); ASSERT_TRUE(l->close());
    auto b = make_keyed("k", "new"); ASSERT_TRUE(l->append(b)); ASSERT_TRUE(l->close());
    auto c = make_keyed("x", "x"); ASSERT_TRUE(l->append(c));
    ASSERT_TRUE(l->compact());
    ASSERT_TRUE(l->truncate(offset{1}));
    record::batch_builder bb({.base_offset = offset{1}});
    bb.add(1, to_bytes("z"), to_bytes("z"));
    auto rep = *bb.build();
    auto r = l->append(rep, {.assign_offsets = false, .leader_epoch = 0});
    EXPECT_TRUE(r) << "replica append at 1 after truncate(1): " << r.error().message();
}

// 2. A compressed client batch whose record array is garbage is accepted by append.
bytes with_payload(bytes good, bytes_view payload) {
    bytes out(good.begin(), good.begin() + record::layout::header_size);
    out.insert(out.end(), payload.begin(), payload.end());
    write_be<int32_t>(out, record::layout::batch_length, static_cast<int32_t>(out.size() - 12));
    record::recompute_crc(out);
    return out;
}
TEST(Regression, MalformedOrBombCompressedClientBatchIsRejected) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.cleanup = cleanup_policy::compact;
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto good = testing::make_batch(3, "v", 1'700'000'000'000, record::compression::gzip);
    bytes garbage(200, std::byte{0x7f});
    auto z = *record::compress(record::compression::gzip, garbage);
    auto bad = with_payload(good, z);
    auto r = l->append(bad);
    EXPECT_FALSE(r) << "malformed compressed batch appended at " << r->base_offset;
    // A compression bomb (1 MiB of zeros -> ~1 KiB gzip), decompresses past 64 MiB? use 100 MiB
    bytes zeros(100u << 20, std::byte{0});
    auto bomb = with_payload(good, *record::compress(record::compression::gzip, zeros));
    auto r2 = l->append(bomb);
    EXPECT_FALSE(r2) << "compression bomb appended";
    ASSERT_TRUE(l->close());
    auto ok_batch = make_keyed("k", "v");
    ASSERT_TRUE(l->append(ok_batch));
    auto st = l->compact();
    EXPECT_TRUE(st) << "compaction now fails on every pass: " << st.error().message();
    auto ts = l->find_offset_by_timestamp(1'700'000'000'001);
    EXPECT_TRUE(ts) << "ListOffsets by timestamp fails: " << ts.error().message();
}

// 3. Compaction swap race: truncate into the segment being compacted, re-append the same
//    number of bytes, roll -> the swap check passes and stale data replaces new data.
struct hook_fs final : io::filesystem {
    io::fault_injecting_filesystem inner{3};
    std::function<void()> on_cleaned;
    result<std::unique_ptr<io::file>> open(const std::string& p, io::open_mode m) override {
        if (p.ends_with(".cleaned") && on_cleaned) {
            auto f = std::move(on_cleaned);
            on_cleaned = nullptr;
            f();
        }
        return inner.open(p, m);
    }
    result<void> create_directories(const std::string& p) override { return inner.create_directories(p); }
    result<std::vector<std::string>> list(const std::string& d) override { return inner.list(d); }
    bool exists(const std::string& p) override { return inner.exists(p); }
    bool is_directory(const std::string& p) override { return inner.is_directory(p); }
    result<void> remove(const std::string& p) override { return inner.remove(p); }
    result<void> remove_all(const std::string& p) override { return inner.remove_all(p); }
    result<void> rename(const std::string& a, const std::string& b) override { return inner.rename(a, b); }
    result<void> sync_dir(const std::string& d) override { return inner.sync_dir(d); }
};
TEST(Regression, CompactionDoesNotSwapOverDataWrittenAfterATruncation) {
    hook_fs fs;
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.cleanup = cleanup_policy::compact;
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    // 0:a=a1 1:b=b1 2:a=a2   -> key map {a:2, b:1}
    { auto b = make_keyed("a", "a1"); ASSERT_TRUE(l->append(b)); }
    { auto b = make_keyed("b", "b1"); ASSERT_TRUE(l->append(b)); }
    { auto b = make_keyed("a", "a2"); ASSERT_TRUE(l->append(b)); }
    ASSERT_TRUE(l->close());
    auto s = make_keyed("s", "s"); ASSERT_TRUE(l->append(s));  // 3, segment 3
    fs.on_cleaned = [&] {
        // Raft truncation of offsets >= 1 while compaction works, then new entries of equal size.
        ASSERT_TRUE(l->truncate(offset{1}));
        { auto b = make_keyed("a", "A9"); ASSERT_TRUE(l->append(b)); }  // 1
        { auto b = make_keyed("b", "B9"); ASSERT_TRUE(l->append(b)); }  // 2
        ASSERT_TRUE(l->close());
        auto t = make_keyed("t", "t"); ASSERT_TRUE(l->append(t));  // 3, new segment
    };
    auto st = l->compact();
    ASSERT_TRUE(st) << st.error().message();
    std::string got;
    for (auto& r : read_all(*l)) got += str(r.key) + "=" + str(r.value) + "@" + std::to_string(r.abs_offset.value()) + " ";
    EXPECT_NE(got.find("A9"), std::string::npos) << "acked data lost by a stale swap: " << got;
    EXPECT_NE(got.find("B9"), std::string::npos) << "acked data lost by a stale swap: " << got;
}

// 8. A client can set the delete-horizon attribute bit: its tombstone is dropped on the
//    first pass, without waiting delete.retention.ms.
TEST(Regression, ClientCannotSetTheDeleteHorizonBit) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.cleanup = cleanup_policy::compact;
    cfg.delete_retention_ms = std::chrono::hours(24);
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    { auto b = make_keyed("a", "1"); ASSERT_TRUE(l->append(b)); }
    record::batch_builder bb({.base_timestamp = 1, .delete_horizon = true});
    bb.add(1'700'000'000'000, to_bytes("a"), std::nullopt);
    auto t = *bb.build();
    auto r = l->append(t);
    ASSERT_FALSE(r) << "a client batch with the delete-horizon bit was appended";
    EXPECT_EQ(r.error(), record::errc::bad_attributes);
    EXPECT_EQ(l->next_offset(), offset{1});
}

TEST(Regression, CompactionSurvivesANewKeyFromAConcurrentTruncation) {
    hook_fs fs;
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.cleanup = cleanup_policy::compact;
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    for (auto v : {"a1", "a2", "a3"}) { auto b = make_keyed("a", v); ASSERT_TRUE(l->append(b)); }
    ASSERT_TRUE(l->close());
    auto s = make_keyed("s", "s"); ASSERT_TRUE(l->append(s));
    fs.on_cleaned = [&] {
        ASSERT_TRUE(l->truncate(offset{1}));
        auto b = make_keyed("b", "zz"); ASSERT_TRUE(l->append(b));
    };
    try {
        auto st = l->compact();
        SUCCEED() << (st ? "ok" : st.error().message());
    } catch (const std::exception& e) {
        ADD_FAILURE() << "compact() threw " << e.what() << " (std::terminate on the housekeeping thread)";
    }
}

// 4. log_manager::remove does not fence the removed log: a live handle (housekeeping,
//    a partition) then deletes files of a new log created under the same name.
TEST(Regression, RemovedLogHandleCannotTouchARecreatedLog) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    cfg.retention_bytes = 0;
    log_manager mgr(fs, clk, {.log_dirs = {"/data"}, .defaults = cfg});
    ASSERT_TRUE(mgr.start());
    topic_partition tp{"t", partition_id{0}};
    auto old = *mgr.create(tp, cfg);
    auto a = make_keyed("a", "1"); ASSERT_TRUE(old->append(a));
    ASSERT_TRUE(old->close());
    auto b = make_keyed("a", "2"); ASSERT_TRUE(old->append(b));  // old has 2 segments
    ASSERT_TRUE(mgr.remove(tp));
    auto fresh = *mgr.create(tp, cfg);
    auto c = make_keyed("new", "1"); ASSERT_TRUE(fresh->append(c));
    ASSERT_TRUE(fresh->flush());
    auto n = old->apply_retention();  // e.g. a housekeeping pass that snapshotted `old`
    EXPECT_TRUE(n);
    EXPECT_TRUE(fs.exists("/data/t-0/00000000000000000000.log")) << "new log's segment deleted by old handle";
}

// 5. A fenced log hides unflushed offsets from read() but not from find_offset_by_timestamp.
TEST(Regression, FencedLogTimestampLookupStopsAtFlushedPrefix) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto a = make_keyed("a", "1", 1000); ASSERT_TRUE(l->append(a));
    ASSERT_TRUE(l->flush());
    auto b = make_keyed("b", "2", 5000); ASSERT_TRUE(l->append(b));
    fs.fail_sync_after(0);
    EXPECT_FALSE(l->flush());
    EXPECT_EQ(l->next_offset(), offset{1});
    auto f = l->find_offset_by_timestamp(4000);
    ASSERT_TRUE(f);
    EXPECT_FALSE(f->has_value()) << "lookup returned offset " << (*f)->found << " >= next_offset " << l->next_offset();
}

// 6. An understated max_timestamp from the client is trusted: lookup misses the record.
TEST(Regression, BrokerRecomputesAnUnderstatedMaxTimestamp) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    record::batch_builder bb;
    bb.add(1000, to_bytes("a"), to_bytes("1"));
    bb.add(5000, to_bytes("b"), to_bytes("2"));
    auto batch = *bb.build();
    record::set_max_timestamp(batch, 1000, record::timestamp_type::create_time);  // client bug
    ASSERT_TRUE(l->append(batch));
    auto f = l->find_offset_by_timestamp(4000);
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->has_value()) << "record at ts 5000 not found for ts 4000";
}

// 7. log::remove() leaves segments_ empty; next_offset()/read() then call back() on it.
TEST(Regression, RemovedLogAnswersWithoutCrashing) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto a = make_keyed("a", "1");
    ASSERT_TRUE(l->append(a));
    ASSERT_TRUE(l->remove());
    EXPECT_FALSE(fs.exists("/d/t-0"));
    (void)l->next_offset();
    auto b = make_keyed("b", "2");
    auto r = l->append(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::log_failed);
}
}  // namespace
}  // namespace fjord::storage
namespace fjord::storage {
namespace {
// 9. Client timestamps near INT64_MIN overflow `now - max_timestamp` in retention (UB).
TEST(Regression, ExtremeTimestampDoesNotOverflowRetention) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto b = testing::make_keyed("a", "1", std::numeric_limits<int64_t>::min() + 10);
    ASSERT_TRUE(l->append(b));
    ASSERT_TRUE(l->close());
    auto c = testing::make_keyed("a", "2");
    ASSERT_TRUE(l->append(c));
    auto n = l->apply_retention();
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1u) << "segment with ancient timestamps not deleted";
}
}  // namespace
}  // namespace fjord::storage
namespace fjord::storage {
namespace {
TEST(Regression, ExtremeTimestampDoesNotOverflowSegmentMsAfterReopen) {
    io::fault_injecting_filesystem fs{1};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 128};
    {
        auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
        auto b = testing::make_keyed("a", "1", std::numeric_limits<int64_t>::min() + 10);
        ASSERT_TRUE(l->append(b));
        ASSERT_TRUE(l->flush());
    }
    auto l = *log::open(fs, clk, "/d/t-0", cfg, "t-0");
    auto c = testing::make_keyed("a", "2");
    ASSERT_TRUE(l->append(c));
}
}  // namespace
}  // namespace fjord::storage
