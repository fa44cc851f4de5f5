// Recovery on open: the tail segment is CRC-scanned and a torn or corrupt tail cut off;
// damaged or missing indexes are rebuilt; leftovers of interrupted work are removed.
#include <gtest/gtest.h>

#include "base/errc.h"
#include "storage/segment_files.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {

using testing::log_fixture;
using testing::make_batch;
using testing::read_all;

struct Recovery : log_fixture {
    std::string tail_path() {
        auto names = *fs.list("/data/t-0");
        std::string last;
        for (const auto& n : names) {
            if (n.ends_with(".log") && n > last) {
                last = n;
            }
        }
        return "/data/t-0/" + last;
    }
    uint64_t file_size(const std::string& path) { return fs.contents(path)->size(); }
    void truncate_file(const std::string& path, uint64_t size) {
        auto f = fs.open(path, io::open_mode::read_write);
        ASSERT_TRUE(f);
        ASSERT_TRUE((*f)->truncate(size));
        ASSERT_TRUE((*f)->sync());
    }
    void append_raw(const std::string& path, bytes_view data) {
        auto f = fs.open(path, io::open_mode::create);
        ASSERT_TRUE(f);
        ASSERT_TRUE((*f)->append(data));
        ASSERT_TRUE((*f)->sync());
    }
};

TEST_F(Recovery, TornLastBatchIsTruncated) {
    append(make_batch(3));
    append(make_batch(3));
    ASSERT_TRUE(l->flush());
    l.reset();
    const auto path = tail_path();
    truncate_file(path, file_size(path) - 5);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{3});
    EXPECT_EQ(l->recovery_report().bytes_truncated, make_batch(3).size() - 5);
    EXPECT_EQ(append(make_batch(1)).base_offset, offset{3});
}

TEST_F(Recovery, TornHeaderIsTruncated) {
    append(make_batch(3));
    ASSERT_TRUE(l->flush());
    l.reset();
    const auto path = tail_path();
    append_raw(path, bytes(20, std::byte{0}));
    open_log();
    EXPECT_EQ(l->next_offset(), offset{3});
    EXPECT_EQ(file_size(path), make_batch(3).size());
}

TEST_F(Recovery, BadCrcInTailBatchTruncatesFromThere) {
    append(make_batch(3));
    append(make_batch(3));
    append(make_batch(3));
    ASSERT_TRUE(l->flush());
    l.reset();
    const auto one = make_batch(3).size();
    const std::byte flip[] = {std::byte{0xEE}};
    fs.corrupt(tail_path(), one + 70, flip);  // inside the second batch's records
    open_log();
    EXPECT_EQ(l->next_offset(), offset{3});
    EXPECT_EQ(read_all(*l).size(), 3u);
}

TEST_F(Recovery, GarbageAfterLastBatchIsTruncated) {
    append(make_batch(2));
    ASSERT_TRUE(l->flush());
    l.reset();
    bytes garbage(200, std::byte{0x5a});
    append_raw(tail_path(), garbage);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{2});
    EXPECT_EQ(l->recovery_report().bytes_truncated, 200u);
}

TEST_F(Recovery, BatchWithOffsetGoingBackwardsEndsTheValidPrefix) {
    append(make_batch(2));
    ASSERT_TRUE(l->flush());
    l.reset();
    auto stale = make_batch(2);  // base offset 0 again: not a continuation
    append_raw(tail_path(), stale);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{2});
}

TEST_F(Recovery, EmptyTailSegmentAfterRoll) {
    const auto per_segment = cfg.segment_bytes / make_batch(4).size();
    for (uint64_t i = 0; i < per_segment + 1; ++i) {
        append(make_batch(4));
    }
    ASSERT_TRUE(l->truncate(offset{static_cast<int64_t>(per_segment * 4)}));  // the new tail is empty again
    open_log();
    EXPECT_EQ(l->next_offset(), offset{static_cast<int64_t>(per_segment * 4)});
}

TEST_F(Recovery, MissingIndexOfSealedSegmentIsRebuilt) {
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    const auto before = read_all(*l);
    l.reset();
    ASSERT_TRUE(fs.remove("/data/t-0/00000000000000000000.index"));
    open_log();
    EXPECT_EQ(read_all(*l), before);
    EXPECT_TRUE(fs.exists("/data/t-0/00000000000000000000.index"));
}

TEST_F(Recovery, DamagedIndexOfSealedSegmentIsRebuilt) {
    cfg.index_interval_bytes = 1;
    open_log();
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    const auto before = read_all(*l);
    l.reset();
    const std::byte flip[] = {std::byte{0x7f}, std::byte{0x7f}};
    fs.corrupt("/data/t-0/00000000000000000000.index", 50, flip);
    const auto damaged = *fs.contents("/data/t-0/00000000000000000000.index");
    open_log();
    EXPECT_EQ(read_all(*l), before);
    EXPECT_NE(*fs.contents("/data/t-0/00000000000000000000.index"), damaged);
    for (offset o{0}; o < l->next_offset(); ++o) {
        auto r = l->read({.start = o, .max_bytes = 1});
        ASSERT_TRUE(r);
        EXPECT_LE(r->slices[0].first_offset, o);
        EXPECT_GE(r->slices[0].last_offset, o);
    }
}

TEST_F(Recovery, IndexDescribingADifferentLogSizeIsRebuilt) {
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    l.reset();
    // Cut a sealed segment behind its index's back: the index now describes a longer file.
    const std::string first = "/data/t-0/00000000000000000000.log";
    truncate_file(first, file_size(first) - make_batch(4).size());
    open_log();
    EXPECT_EQ(l->next_offset(), offset{120});
    auto r = l->read({.start = offset{0}, .max_bytes = 1 << 20});
    ASSERT_TRUE(r);
}

TEST_F(Recovery, LeftoverCleanedAndTmpFilesAreRemoved) {
    append(make_batch(2));
    l.reset();
    append_raw("/data/t-0/00000000000000000000.log.cleaned", make_batch(1));
    append_raw("/data/t-0/start-offset.tmp", bytes(3));
    ASSERT_TRUE(fs.sync_dir("/data/t-0"));
    open_log();
    EXPECT_FALSE(fs.exists("/data/t-0/00000000000000000000.log.cleaned"));
    EXPECT_FALSE(fs.exists("/data/t-0/start-offset.tmp"));
    EXPECT_EQ(l->next_offset(), offset{2});
}

TEST_F(Recovery, OverlappingSegmentsAreRefused) {
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    l.reset();
    // A segment named as if it started inside the first one.
    append_raw("/data/t-0/00000000000000000002.log", make_batch(1));
    ASSERT_TRUE(fs.sync_dir("/data/t-0"));
    auto reopened = log::open(fs, clk, "/data/t-0", cfg, "t-0");
    ASSERT_FALSE(reopened);
    EXPECT_EQ(reopened.error(), errc::corrupt_data);
}

TEST_F(Recovery, DamagedStartOffsetCheckpointIsAnError) {
    append(make_batch(4));
    ASSERT_TRUE(l->prefix_truncate(offset{2}));
    l.reset();
    const std::byte flip[] = {std::byte{0x01}};
    fs.corrupt("/data/t-0/start-offset", 12, flip);
    auto reopened = log::open(fs, clk, "/data/t-0", cfg, "t-0");
    ASSERT_FALSE(reopened);
    EXPECT_EQ(reopened.error(), errc::corrupt_data);
}

TEST_F(Recovery, OnlyTheTailSegmentIsScanned) {
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    ASSERT_TRUE(l->flush());
    l.reset();
    // Corrupt a record inside a sealed segment (not the header): a sealed segment opens
    // from its index without reading its data, so recovery neither notices nor truncates.
    const std::byte flip[] = {std::byte{0x42}};
    fs.corrupt("/data/t-0/00000000000000000000.log", 80, flip);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{120});
    EXPECT_EQ(l->recovery_report().bytes_truncated, 0u);
    EXPECT_LT(l->recovery_report().bytes_scanned, l->size_bytes());
}

}  // namespace
}  // namespace fjord::storage
