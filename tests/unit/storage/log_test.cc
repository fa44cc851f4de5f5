// Named edge cases of the partition log: append, read, roll, index, timestamp lookup,
// truncation, retention, flush policy. Crash and randomized tests live beside this file.
#include "storage/log.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "base/errc.h"
#include "record/errc.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {

using testing::log_fixture;
using testing::make_batch;
using testing::read_all;
using testing::str;

using Log = log_fixture;

TEST_F(Log, EmptyLogStartsAtZero) {
    EXPECT_EQ(l->start_offset(), offset{0});
    EXPECT_EQ(l->next_offset(), offset{0});
    EXPECT_EQ(l->segment_count(), 1u);
}

TEST_F(Log, AppendAssignsConsecutiveOffsets) {
    auto a = append(make_batch(3));
    auto b = append(make_batch(2));
    EXPECT_EQ(a.base_offset, offset{0});
    EXPECT_EQ(a.last_offset, offset{2});
    EXPECT_EQ(b.base_offset, offset{3});
    EXPECT_EQ(b.last_offset, offset{4});
    EXPECT_EQ(l->next_offset(), offset{5});
    auto all = read_all(*l);
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all[3].abs_offset, offset{3});
    EXPECT_EQ(str(all[3].value), "v0");
}

TEST_F(Log, AppendRewritesHeaderInPlaceAndKeepsCrcValid) {
    auto batch = make_batch(2);
    append(make_batch(4));
    auto r = l->append(batch, {.leader_epoch = 7});
    ASSERT_TRUE(r);
    auto h = record::validate(batch);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->base_offset, offset{4});
    EXPECT_EQ(h->partition_leader_epoch, 7);
}

TEST_F(Log, AppendRecomputesMissingMaxTimestamp) {
    auto batch = make_batch(3, "v", 5000);
    record::set_max_timestamp(batch, -1, record::timestamp_type::create_time);  // as Sarama sends
    ASSERT_TRUE(l->append(batch));
    auto h = record::read_header(batch);
    EXPECT_EQ(h->max_timestamp, 5002);
    auto found = l->find_offset_by_timestamp(5002);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->found, offset{2});
}

TEST_F(Log, LogAppendTimeStampsBrokerTime) {
    cfg.log_append_time = true;
    open_log();
    auto r = append(make_batch(2, "v", 5));
    EXPECT_EQ(r.log_append_time, clk.wall_ms());
    auto all = read_all(*l);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].timestamp, clk.wall_ms());
}

TEST_F(Log, CorruptBatchIsRejectedAndNothingAppended) {
    append(make_batch(2));
    auto bad = make_batch(2);
    bad.back() ^= std::byte{0xff};
    auto r = l->append(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), record::errc::bad_crc);
    EXPECT_EQ(l->next_offset(), offset{2});
    EXPECT_EQ(read_all(*l).size(), 2u);
}

TEST_F(Log, TruncatedBatchIsRejected) {
    auto bad = make_batch(2);
    bad.resize(bad.size() - 1);
    EXPECT_FALSE(l->append(bad));
    EXPECT_EQ(l->next_offset(), offset{0});
}

TEST_F(Log, BatchAboveMaxMessageBytesIsRejected) {
    cfg.max_message_bytes = 100;
    open_log();
    auto ten = make_batch(10);
    auto r = l->append(ten);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_large);
    EXPECT_EQ(l->next_offset(), offset{0});
}

TEST_F(Log, ClientControlBatchIsRejected) {
    record::batch_builder b({.transactional = true, .control = true});
    b.add(1, to_bytes(std::string("\0\0\0\1", 4)), to_bytes(std::string(6, '\0')));
    auto batch = *b.build();
    EXPECT_FALSE(l->append(batch));
}

TEST_F(Log, ReplicaAppendKeepsOffsetsAndEpoch) {
    auto batch = make_batch(3);
    record::set_base_offset(batch, offset{0});
    record::set_partition_leader_epoch(batch, 9);
    auto r = l->append(batch, {.assign_offsets = false});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->last_offset, offset{2});
    auto wrong = make_batch(1);
    record::set_base_offset(wrong, offset{7});
    auto bad = l->append(wrong, {.assign_offsets = false});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), errc::invalid_argument);
    EXPECT_EQ(l->next_offset(), offset{3});
}

TEST_F(Log, ReadFromMiddleOfBatchReturnsWholeBatch) {
    append(make_batch(5));
    auto r = l->read({.start = offset{3}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->slices.size(), 1u);
    EXPECT_EQ(r->slices[0].first_offset, offset{0});
    EXPECT_EQ(r->slices[0].last_offset, offset{4});
    EXPECT_EQ(r->next_offset, offset{5});
}

TEST_F(Log, ReadReturnsAtLeastOneBatchEvenAboveMaxBytes) {
    append(make_batch(5));
    append(make_batch(5));
    auto r = l->read({.start = offset{0}, .max_bytes = 1});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->slices.size(), 1u);
    EXPECT_EQ(r->slices[0].last_offset, offset{4});
    EXPECT_EQ(r->next_offset, offset{5});
}

TEST_F(Log, ReadStopsAtMaxBytesOnBatchBoundary) {
    const auto one = make_batch(2).size();
    for (int i = 0; i < 5; ++i) {
        append(make_batch(2));
    }
    auto r = l->read({.start = offset{0}, .max_bytes = 2 * one + one / 2});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->total_bytes, 2 * one);
    EXPECT_EQ(r->next_offset, offset{4});
}

TEST_F(Log, ReadStopsAtMaxOffset) {
    append(make_batch(2));
    append(make_batch(2));
    auto r = l->read({.start = offset{0}, .max_offset = offset{2}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->next_offset, offset{2});
    auto none = l->read({.start = offset{2}, .max_offset = offset{2}});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->slices.empty());
}

TEST_F(Log, ReadAtEndIsEmptyAndPastEndIsOutOfRange) {
    append(make_batch(2));
    auto at_end = l->read({.start = offset{2}});
    ASSERT_TRUE(at_end);
    EXPECT_TRUE(at_end->slices.empty());
    EXPECT_EQ(at_end->next_offset, offset{2});
    EXPECT_EQ(l->read({.start = offset{3}}).error(), errc::out_of_range);
}

TEST_F(Log, ReadSliceExposesFileDescriptorForSendfile) {
    auto posix = io::make_posix_filesystem();
    char tmpl[] = "/tmp/fjord-log-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    {
        auto opened = log::open(*posix, clk, std::string(tmpl) + "/t-0", cfg, "t-0");
        ASSERT_TRUE(opened);
        auto batch = make_batch(3);
        ASSERT_TRUE((*opened)->append(batch));
        auto r = (*opened)->read({.start = offset{0}});
        ASSERT_TRUE(r);
        ASSERT_EQ(r->slices.size(), 1u);
        EXPECT_GE(r->slices[0].native_handle(), 0);
        EXPECT_EQ(*r->slices[0].read(), batch);
    }
    ASSERT_TRUE(posix->remove_all(tmpl));
}

TEST_F(Log, RollsWhenSegmentBytesWouldBeExceeded) {
    const auto size = make_batch(4).size();
    const auto per_segment = cfg.segment_bytes / size;
    for (uint64_t i = 0; i < per_segment * 3; ++i) {
        append(make_batch(4));
    }
    EXPECT_EQ(l->segment_count(), 3u);
    EXPECT_EQ(read_all(*l).size(), per_segment * 3 * 4);
    // A sealed segment has its index files written.
    EXPECT_TRUE(fs.exists("/data/t-0/00000000000000000000.index"));
    EXPECT_TRUE(fs.exists("/data/t-0/00000000000000000000.timeindex"));
}

TEST_F(Log, OversizedBatchGetsASegmentOfItsOwn) {
    append(make_batch(1));
    auto big_batch = make_batch(100);
    auto big = l->append(big_batch);  // bigger than segment_bytes on its own
    ASSERT_TRUE(big);
    append(make_batch(1));
    EXPECT_EQ(l->segment_count(), 3u);
    EXPECT_EQ(read_all(*l).size(), 102u);
}

TEST_F(Log, RollsWhenSegmentMsElapses) {
    cfg.segment_ms = std::chrono::minutes(1);
    open_log();
    append(make_batch(1));
    clk.advance(std::chrono::seconds(59));
    append(make_batch(1));
    EXPECT_EQ(l->segment_count(), 1u);
    clk.advance(std::chrono::seconds(2));
    append(make_batch(1));
    EXPECT_EQ(l->segment_count(), 2u);
}

TEST_F(Log, IndexFindsEveryOffsetAcrossSegments) {
    for (int i = 0; i < 40; ++i) {
        append(make_batch(1 + i % 4));
    }
    ASSERT_GT(l->segment_count(), 2u);
    for (offset o = l->start_offset(); o < l->next_offset(); ++o) {
        auto r = l->read({.start = o, .max_bytes = 1});
        ASSERT_TRUE(r);
        ASSERT_FALSE(r->slices.empty());
        EXPECT_LE(r->slices[0].first_offset, o);
        EXPECT_GE(r->slices[0].last_offset, o);
    }
}

TEST_F(Log, FindOffsetByTimestamp) {
    append(make_batch(3, "a", 1000));  // offsets 0-2, ts 1000-1002
    append(make_batch(3, "b", 2000));  // offsets 3-5, ts 2000-2002
    auto at = [&](timestamp_ms ts) { return *l->find_offset_by_timestamp(ts); };
    EXPECT_EQ(at(0)->found, offset{0});
    EXPECT_EQ(at(1001)->found, offset{1});
    EXPECT_EQ(at(1001)->timestamp, 1001);
    EXPECT_EQ(at(1500)->found, offset{3});
    EXPECT_EQ(at(2002)->found, offset{5});
    EXPECT_FALSE(at(2003).has_value());
}

TEST_F(Log, FindOffsetByTimestampWithOutOfOrderTimestamps) {
    append(make_batch(2, "a", 5000));  // 0-1: 5000, 5001
    append(make_batch(2, "b", 1000));  // 2-3: 1000, 1001 (a late producer)
    append(make_batch(2, "c", 3000));  // 4-5
    EXPECT_EQ((*l->find_offset_by_timestamp(1001))->found, offset{0});
    EXPECT_EQ((*l->find_offset_by_timestamp(5001))->found, offset{1});
}

TEST_F(Log, FindOffsetByTimestampAcrossSegmentsAndInsideCompressedBatch) {
    for (int i = 0; i < 20; ++i) {
        append(make_batch(4, "v", 10'000 + i * 10, record::compression::zstd));
    }
    ASSERT_GT(l->segment_count(), 1u);
    auto found = *l->find_offset_by_timestamp(10'000 + 13 * 10 + 2);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->found, offset{13 * 4 + 2});
}

TEST_F(Log, TruncateInsideActiveSegment) {
    append(make_batch(2));
    append(make_batch(2));
    append(make_batch(2));
    ASSERT_TRUE(l->truncate(offset{2}));
    EXPECT_EQ(l->next_offset(), offset{2});
    EXPECT_EQ(append(make_batch(1)).base_offset, offset{2});
    EXPECT_EQ(read_all(*l).size(), 3u);
}

TEST_F(Log, TruncateMidBatchRemovesWholeBatch) {
    append(make_batch(2));
    append(make_batch(4));  // 2-5
    ASSERT_TRUE(l->truncate(offset{4}));
    EXPECT_EQ(l->next_offset(), offset{2});
}

TEST_F(Log, TruncateAcrossSegmentsDeletesLaterSegments) {
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    const auto segments = l->segment_count();
    ASSERT_GT(segments, 2u);
    ASSERT_TRUE(l->truncate(offset{10}));
    EXPECT_EQ(l->next_offset(), offset{8});
    EXPECT_LT(l->segment_count(), segments);
    EXPECT_EQ(append(make_batch(1)).base_offset, offset{8});
    open_log();  // the truncation is on disk, and the reopened segment is consistent
    EXPECT_EQ(l->next_offset(), offset{9});
    EXPECT_EQ(read_all(*l).size(), 9u);
}

TEST_F(Log, TruncateToEndIsNoOp) {
    append(make_batch(3));
    ASSERT_TRUE(l->truncate(offset{3}));
    EXPECT_EQ(l->next_offset(), offset{3});
}

TEST_F(Log, TruncateIsDurableAcrossCrash) {
    append(make_batch(3));
    append(make_batch(3));
    ASSERT_TRUE(l->flush());
    ASSERT_TRUE(l->truncate(offset{3}));
    l.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{3});
}

TEST_F(Log, PrefixTruncateMidSegment) {
    append(make_batch(4));
    append(make_batch(4));
    ASSERT_TRUE(l->prefix_truncate(offset{5}));
    EXPECT_EQ(l->start_offset(), offset{5});
    EXPECT_EQ(l->read({.start = offset{4}}).error(), errc::out_of_range);
    auto r = l->read({.start = offset{5}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->slices[0].first_offset, offset{4});  // whole batch; clients skip below start
    EXPECT_EQ(read_all(*l).size(), 3u);
}

TEST_F(Log, PrefixTruncateSurvivesRestart) {
    append(make_batch(4));
    append(make_batch(4));
    ASSERT_TRUE(l->prefix_truncate(offset{6}));
    open_log();
    EXPECT_EQ(l->start_offset(), offset{6});
}

TEST_F(Log, PrefixTruncateDeletesWholeSegmentsBelow) {
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    const auto segments = l->segment_count();
    ASSERT_TRUE(l->prefix_truncate(offset{100}));
    EXPECT_LT(l->segment_count(), segments);
    EXPECT_EQ(l->start_offset(), offset{100});
    EXPECT_EQ(read_all(*l).size(), 20u);
}

TEST_F(Log, PrefixTruncateToEndEmptiesTheLog) {
    append(make_batch(4));
    ASSERT_TRUE(l->prefix_truncate(offset{4}));
    EXPECT_EQ(l->start_offset(), offset{4});
    EXPECT_EQ(l->next_offset(), offset{4});
    EXPECT_EQ(l->segment_count(), 1u);
    EXPECT_EQ(append(make_batch(1)).base_offset, offset{4});
    open_log();
    EXPECT_EQ(l->start_offset(), offset{4});
    EXPECT_EQ(l->next_offset(), offset{5});
}

TEST_F(Log, PrefixTruncatePastEndIsOutOfRange) {
    append(make_batch(4));
    EXPECT_EQ(l->prefix_truncate(offset{5}).error(), errc::out_of_range);
    EXPECT_EQ(l->start_offset(), offset{0});
}

TEST_F(Log, RetentionByBytesDeletesOldestSealedSegments) {
    cfg.retention_bytes = 2048;
    open_log();
    for (int i = 0; i < 60; ++i) {
        append(make_batch(4));
    }
    const auto before = l->size_bytes();
    auto deleted = l->apply_retention();
    ASSERT_TRUE(deleted);
    EXPECT_GT(*deleted, 0u);
    EXPECT_LT(l->size_bytes(), before);
    EXPECT_GE(l->size_bytes(), 2048u - cfg.segment_bytes);
    EXPECT_GT(l->start_offset(), offset{0});
    EXPECT_EQ(l->read({.start = offset{0}}).error(), errc::out_of_range);
    EXPECT_EQ(read_all(*l).front().abs_offset, l->start_offset());
}

TEST_F(Log, RetentionByTimeDeletesExpiredSegments) {
    cfg.retention_ms = std::chrono::hours(1);
    open_log();
    const timestamp_ms now = clk.wall_ms();
    for (int i = 0; i < 20; ++i) {
        append(make_batch(4, "old", now - 2 * 3600 * 1000));
    }
    for (int i = 0; i < 20; ++i) {
        append(make_batch(4, "new", now));
    }
    ASSERT_TRUE(l->apply_retention());
    auto all = read_all(*l);
    ASSERT_FALSE(all.empty());
    // Every expired segment went; a segment holding any fresh record stays.
    EXPECT_EQ(str(all.back().value), "new3");
    for (const auto& r : all) {
        if (str(r.value).starts_with("old")) {
            EXPECT_GE(r.abs_offset, all.front().abs_offset);
        }
    }
    EXPECT_GT(l->start_offset(), offset{0});
    EXPECT_LE(l->start_offset(), offset{80});
}

TEST_F(Log, RetentionNeverDeletesActiveSegment) {
    cfg.retention_bytes = 0;
    cfg.retention_ms = std::chrono::milliseconds(0);
    open_log();
    append(make_batch(2, "v", 1));
    ASSERT_TRUE(l->apply_retention());
    EXPECT_EQ(read_all(*l).size(), 2u);
}

TEST_F(Log, RetentionDoesNothingForCompactOnlyPolicy) {
    cfg.retention_bytes = 0;
    cfg.cleanup = cleanup_policy::compact;
    open_log();
    for (int i = 0; i < 30; ++i) {
        append(make_batch(4));
    }
    EXPECT_EQ(*l->apply_retention(), 0u);
    EXPECT_EQ(l->start_offset(), offset{0});
}

TEST_F(Log, FlushReturnsFlushedOffsetAndMakesDataDurable) {
    append(make_batch(3));
    EXPECT_EQ(l->flushed_offset(), offset{0});
    auto flushed = l->flush();
    ASSERT_TRUE(flushed);
    EXPECT_EQ(*flushed, offset{3});
    append(make_batch(3));
    l.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{3});
}

TEST_F(Log, GroupFlushMakesEarlierAppendsDurable) {
    append(make_batch(3));
    append(make_batch(2));
    auto flushed = l->group_flush();
    ASSERT_TRUE(flushed);
    EXPECT_EQ(*flushed, offset{5});
    EXPECT_EQ(l->flushed_offset(), offset{5});
    append(make_batch(3));
    l.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{5});
}

TEST_F(Log, GroupFlushWithNothingNewDoesNotSync) {
    append(make_batch(3));
    ASSERT_TRUE(l->flush());
    fs.fail_sync_after(0);  // a sync now would fail and fence the log
    auto flushed = l->group_flush();
    ASSERT_TRUE(flushed);
    EXPECT_EQ(*flushed, offset{3});
    EXPECT_FALSE(l->failed());
}

TEST_F(Log, GroupFlushFailureFencesTheLog) {
    append(make_batch(3));
    fs.fail_sync_after(0);
    auto flushed = l->group_flush();
    ASSERT_FALSE(flushed);
    EXPECT_EQ(flushed.error(), errc::io_error);
    EXPECT_TRUE(l->failed());
    // A fenced log shows only its flushed prefix, and refuses appends.
    EXPECT_EQ(l->next_offset(), offset{0});
    auto more = make_batch(1);
    EXPECT_EQ(l->append(more).error(), errc::log_failed);
    EXPECT_EQ(l->group_flush().error(), errc::log_failed);
}

TEST_F(Log, GroupFlushAfterRollCoversTheNewSegment) {
    const auto per_segment = cfg.segment_bytes / make_batch(4).size();
    for (uint64_t i = 0; i < per_segment + 2; ++i) {
        append(make_batch(4));
    }
    ASSERT_EQ(l->segment_count(), 2u);
    auto flushed = l->group_flush();
    ASSERT_TRUE(flushed);
    EXPECT_EQ(*flushed, l->next_offset());
    const auto end = l->next_offset();
    l.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    open_log();
    EXPECT_EQ(l->next_offset(), end);
}

TEST_F(Log, GroupFlushRunsConcurrentlyWithAppendsAndOtherFlushes) {
    std::atomic<bool> done{false};
    std::atomic<int> violations{0};
    auto flusher = [&] {
        offset last{0};
        while (!done.load()) {
            const offset before = l->next_offset();
            auto f = l->group_flush();
            if (!f || *f < before || *f < last) {
                ++violations;
            }
            if (f) {
                last = *f;
            }
        }
    };
    std::thread a(flusher);
    std::thread b(flusher);
    for (int i = 0; i < 400; ++i) {
        append(make_batch(2));
    }
    done = true;
    a.join();
    b.join();
    EXPECT_EQ(violations.load(), 0);
    ASSERT_TRUE(l->group_flush());
    EXPECT_EQ(l->flushed_offset(), offset{800});
}

TEST_F(Log, ScanHeadersVisitsEveryBatchFromAnOffsetAcrossSegments) {
    const auto per_segment = cfg.segment_bytes / make_batch(4).size();
    for (uint64_t i = 0; i < 2 * per_segment + 1; ++i) {
        append(make_batch(4));
    }
    ASSERT_GE(l->segment_count(), 3u);
    std::vector<int64_t> bases;
    ASSERT_TRUE(l->scan_headers(offset{6}, [&](const record::batch_header& h) { bases.push_back(h.base_offset.value()); }));
    // The batch holding offset 6 (base 4) is the first visited; then every later one.
    ASSERT_EQ(bases.size(), 2 * per_segment);
    for (size_t i = 0; i < bases.size(); ++i) {
        EXPECT_EQ(bases[i], static_cast<int64_t>(4 * (i + 1)));
    }
    bases.clear();
    ASSERT_TRUE(l->scan_headers(l->next_offset(), [&](const record::batch_header& h) { bases.push_back(h.base_offset.value()); }));
    EXPECT_TRUE(bases.empty());
}

TEST(Segment, FsyncFailureIsSticky) {
    // Linux reports a writeback error to one fsync only; a later fsync of the same file
    // must not report success for the pages that error dropped.
    io::fault_injecting_filesystem fs(5);
    ASSERT_TRUE(fs.create_directories("/seg"));
    segment::context ctx{.fs = fs, .dir = "/seg", .index_interval_bytes = 4096, .log = make_logger("storage")};
    auto seg = segment::create(ctx, offset{0});
    ASSERT_TRUE(seg);
    auto batch = make_batch(2);
    auto h = record::read_header(batch);
    ASSERT_TRUE((*seg)->append(batch, *h));
    fs.fail_sync_after(0);
    EXPECT_FALSE((*seg)->sync_file());
    fs.clear_faults();
    EXPECT_EQ((*seg)->sync_file().error(), errc::io_error);
    EXPECT_EQ((*seg)->sync().error(), errc::io_error);
}

TEST_F(Log, EveryAppendPolicySyncsBeforeReturning) {
    cfg.flush = flush_policy::every_append;
    open_log();
    append(make_batch(3));
    EXPECT_EQ(l->flushed_offset(), offset{3});
    l.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{3});
}

TEST_F(Log, IntervalPolicyFlushesOnlyWhenDue) {
    cfg.flush = flush_policy::interval;
    cfg.flush_interval = std::chrono::milliseconds(100);
    open_log();
    append(make_batch(3));
    ASSERT_TRUE(l->flush_if_due());
    EXPECT_EQ(l->flushed_offset(), offset{0});
    clk.advance(std::chrono::milliseconds(100));
    ASSERT_TRUE(l->flush_if_due());
    EXPECT_EQ(l->flushed_offset(), offset{3});
}

TEST_F(Log, NeverPolicyStillSyncsOnRoll) {
    const auto per_segment = cfg.segment_bytes / make_batch(4).size();
    for (uint64_t i = 0; i < per_segment + 1; ++i) {
        append(make_batch(4));
    }
    ASSERT_EQ(l->segment_count(), 2u);
    l.reset();
    fs.crash(io::crash_mode::drop_unsynced);
    open_log();
    EXPECT_EQ(l->next_offset(), offset{static_cast<int64_t>(per_segment * 4)});
}

TEST_F(Log, ReopenKeepsEverythingAfterClose) {
    for (int i = 0; i < 25; ++i) {
        append(make_batch(3));
    }
    ASSERT_TRUE(l->close());
    const auto before = read_all(*l);
    open_log();
    EXPECT_EQ(read_all(*l), before);
    EXPECT_EQ(append(make_batch(1)).base_offset, offset{75});
}

TEST_F(Log, AppendAfterClosingAnEmptyLog) {
    ASSERT_TRUE(l->close());
    EXPECT_EQ(append(make_batch(2)).base_offset, offset{0});
    ASSERT_TRUE(l->close());
    EXPECT_EQ(append(make_batch(2)).base_offset, offset{2});
    open_log();
    EXPECT_EQ(read_all(*l).size(), 4u);
}

TEST_F(Log, BadConfigIsRejected) {
    cfg.segment_bytes = 10;
    EXPECT_EQ(log::open(fs, clk, "/data/bad", cfg, "bad").error(), errc::invalid_argument);
}

}  // namespace
}  // namespace fjord::storage
