// Compaction by key (cleanup.policy=compact): latest value per key kept, offsets
// preserved, tombstones removed after delete.retention.ms, appends not blocked.
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "storage/segment_files.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {

using testing::log_fixture;
using testing::make_keyed;
using testing::read_all;
using testing::str;

struct Compaction : log_fixture {
    void SetUp() override {
        cfg.cleanup = cleanup_policy::compact;
        cfg.delete_retention_ms = std::chrono::hours(1);
        open_log();
    }
    // key -> value of the latest record per key, from a read of the whole log.
    std::map<std::string, std::string> latest() {
        std::map<std::string, std::string> out;
        for (const auto& r : read_all(*l)) {
            out[str(r.key)] = str(r.value);
        }
        return out;
    }
    offset active_segment_base() {
        offset base{0};
        for (const auto& n : *fs.list("/data/t-0")) {
            if (auto b = parse_log_file_name(n)) {
                base = std::max(base, *b);
            }
        }
        return base;
    }
    void fill(int rounds, int keys) {
        for (int round = 0; round < rounds; ++round) {
            for (int k = 0; k < keys; ++k) {
                append(make_keyed("key" + std::to_string(k), "r" + std::to_string(round)));
            }
        }
    }
};

TEST_F(Compaction, KeepsLatestValuePerKeyInSealedSegments) {
    fill(10, 5);
    const auto before = latest();
    const auto size_before = l->size_bytes();
    auto stats = l->compact();
    ASSERT_TRUE(stats) << stats.error().message();
    EXPECT_GT(stats->records_removed, 0u);
    EXPECT_LT(l->size_bytes(), size_before);
    EXPECT_EQ(latest(), before);
    // In the compacted (sealed) part, each key appears at most once.
    std::map<std::string, int> seen;
    auto all = read_all(*l);
    const offset active_base = active_segment_base();
    EXPECT_GT(active_base, offset{20});
    for (const auto& r : all) {
        if (r.abs_offset < active_base) {
            EXPECT_EQ(++seen[str(r.key)], 1) << str(r.key) << " at " << r.abs_offset;
        }
    }
}

TEST_F(Compaction, PreservesOffsets) {
    fill(10, 5);
    std::map<int64_t, std::string> by_offset;
    for (const auto& r : read_all(*l)) {
        by_offset[r.abs_offset.value()] = str(r.key) + "=" + str(r.value);
    }
    ASSERT_TRUE(l->compact());
    auto after = read_all(*l);
    ASSERT_LT(after.size(), by_offset.size());
    for (const auto& r : after) {
        EXPECT_EQ(by_offset.at(r.abs_offset.value()), str(r.key) + "=" + str(r.value));
    }
    EXPECT_EQ(l->next_offset(), offset{50});
    EXPECT_EQ(append(make_keyed("x", "y")).base_offset, offset{50});
}

TEST_F(Compaction, ReadsFromACompactedAwayOffsetStartAtTheNextRecord) {
    fill(10, 5);
    ASSERT_TRUE(l->compact());
    auto r = l->read({.start = offset{0}, .max_bytes = 1});
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->slices.empty());
    EXPECT_GT(r->slices[0].first_offset, offset{0});
}

TEST_F(Compaction, TombstoneIsKeptUntilDeleteHorizonThenRemoved) {
    fill(4, 3);
    append(make_keyed("key1", std::nullopt));  // tombstone
    fill(4, 3);                                // push the tombstone into a sealed segment...
    for (int i = 0; i < 30; ++i) {
        append(make_keyed("other" + std::to_string(i), "x"));
    }
    // ...but key1 was rewritten after it, so delete that too, then tombstone again.
    append(make_keyed("key1", std::nullopt));
    for (int i = 0; i < 30; ++i) {
        append(make_keyed("pad" + std::to_string(i), "x"));
    }
    auto has_tombstone = [&] {
        for (const auto& r : read_all(*l)) {
            if (str(r.key) == "key1" && !r.value) {
                return true;
            }
        }
        return false;
    };
    ASSERT_TRUE(l->compact());
    EXPECT_TRUE(has_tombstone()) << "a fresh tombstone survives the first pass";
    EXPECT_EQ(latest().count("key1"), 1u);
    clk.advance(std::chrono::minutes(59));
    ASSERT_TRUE(l->compact());
    EXPECT_TRUE(has_tombstone()) << "still inside delete.retention.ms";
    clk.advance(std::chrono::minutes(2));
    ASSERT_TRUE(l->compact());
    EXPECT_FALSE(has_tombstone()) << "past the delete horizon";
    EXPECT_EQ(latest().count("key1"), 0u);
}

TEST_F(Compaction, PassWithNothingNewIsSkipped) {
    fill(10, 5);
    auto first = l->compact();
    ASSERT_TRUE(first);
    EXPECT_GT(first->segments_scanned, 0u);
    auto again = l->compact();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->segments_scanned, 0u) << "nothing was sealed since the last pass";
    fill(10, 5);  // seals more segments
    auto third = l->compact();
    ASSERT_TRUE(third);
    EXPECT_GT(third->segments_scanned, 0u);
    EXPECT_GT(third->records_removed, 0u);
}

TEST_F(Compaction, TruncationBelowCompactedEndForcesAFullPass) {
    fill(10, 5);
    ASSERT_TRUE(l->compact());
    ASSERT_TRUE(l->truncate(offset{5}));
    fill(10, 5);
    auto stats = l->compact();
    ASSERT_TRUE(stats);
    EXPECT_GT(stats->segments_scanned, 0u);
    std::map<std::string, int> seen;
    const offset active_base = active_segment_base();
    for (const auto& r : read_all(*l)) {
        if (r.abs_offset < active_base) {
            EXPECT_EQ(++seen[str(r.key)], 1) << str(r.key) << " at " << r.abs_offset;
        }
    }
}

TEST_F(Compaction, ActiveSegmentIsNeverCompacted) {
    append(make_keyed("a", "1"));
    append(make_keyed("a", "2"));
    auto stats = l->compact();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->records_removed, 0u);
    EXPECT_EQ(read_all(*l).size(), 2u);
}

TEST_F(Compaction, EndBoundLimitsWhichSegmentsAreCleaned) {
    fill(20, 2);
    ASSERT_GT(l->segment_count(), 2u);
    auto stats = l->compact(offset{1});  // nothing sealed lies wholly below offset 1
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->segments_rewritten, 0u);
}

TEST_F(Compaction, CompressedBatchesAreRebuiltWithTheirCodec) {
    for (int round = 0; round < 10; ++round) {
        record::batch_builder b({.codec = record::compression::lz4});
        for (int k = 0; k < 4; ++k) {
            b.add(1000 + round, to_bytes("k" + std::to_string(k)), to_bytes("r" + std::to_string(round)));
        }
        append(*b.build());
    }
    const auto before = latest();
    ASSERT_TRUE(l->compact());
    EXPECT_EQ(latest(), before);
    auto r = l->read({.start = l->start_offset()});
    ASSERT_TRUE(r);
    auto data = r->slices[0].read();
    auto h = record::read_header(*data);
    EXPECT_EQ(h->compression_type(), record::compression::lz4);
}

TEST_F(Compaction, SurvivesRestart) {
    fill(10, 5);
    ASSERT_TRUE(l->compact());
    const auto after = read_all(*l);
    open_log();
    EXPECT_EQ(read_all(*l), after);
}

TEST_F(Compaction, DoesNotBlockAppends) {
    fill(30, 20);
    std::atomic<bool> done{false};
    std::thread cleaner([&] {
        auto stats = l->compact();
        EXPECT_TRUE(stats);
        done = true;
    });
    int appended = 0;
    while (!done || appended < 50) {
        append(make_keyed("live" + std::to_string(appended % 7), std::to_string(appended)));
        ++appended;
    }
    cleaner.join();
    auto view = latest();
    EXPECT_EQ(view["live" + std::to_string((appended - 1) % 7)], std::to_string(appended - 1));
    EXPECT_EQ(l->next_offset(), offset{600 + appended});
}

}  // namespace
}  // namespace fjord::storage
