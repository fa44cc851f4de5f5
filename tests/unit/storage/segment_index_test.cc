#include "storage/segment_index.h"

#include <gtest/gtest.h>

#include "base/errc.h"

namespace fjord::storage {
namespace {

segment_index sample() {
    segment_index idx(100);
    idx.on_batch(0, 0, 60, 10);     // first batch: always indexed
    idx.on_batch(5, 60, 60, 20);    // 60 bytes since entry: not due
    idx.on_batch(9, 120, 60, 15);   // 120 >= 100: due; the running max (20) rose since the last entry
    idx.on_batch(12, 180, 60, 30);  // not due, but raises max ts: no time entry (not due)
    idx.on_batch(20, 240, 60, 40);  // due, raises ts
    return idx;
}

TEST(SegmentIndex, AddsEntriesEveryIntervalBytes) {
    auto idx = sample();
    ASSERT_EQ(idx.offsets().size(), 3u);
    EXPECT_EQ(idx.offsets()[1], (offset_index_entry{9, 120}));
    EXPECT_EQ(idx.offsets()[2], (offset_index_entry{20, 240}));
    ASSERT_EQ(idx.times().size(), 3u);
    EXPECT_EQ(idx.times()[0], (time_index_entry{10, 0, 0}));
    EXPECT_EQ(idx.times()[1], (time_index_entry{20, 9, 120}));  // out-of-order batch still indexed
    EXPECT_EQ(idx.times()[2], (time_index_entry{40, 20, 240}));
}

TEST(SegmentIndex, FloorOffsetFindsLastEntryAtOrBefore) {
    auto idx = sample();
    EXPECT_EQ(idx.floor_offset(0)->position, 0u);
    EXPECT_EQ(idx.floor_offset(8)->position, 0u);
    EXPECT_EQ(idx.floor_offset(9)->position, 120u);
    EXPECT_EQ(idx.floor_offset(1000)->position, 240u);
}

TEST(SegmentIndex, FloorTimeBelowIsStrict) {
    auto idx = sample();
    EXPECT_FALSE(idx.floor_time_below(10));
    EXPECT_EQ(idx.floor_time_below(11)->position, 0u);
    EXPECT_EQ(idx.floor_time_below(20)->position, 0u);
    EXPECT_EQ(idx.floor_time_below(21)->position, 120u);
    EXPECT_EQ(idx.floor_time_below(40)->position, 120u);
    EXPECT_EQ(idx.floor_time_below(41)->position, 240u);
}

TEST(SegmentIndex, FilesRoundTrip) {
    auto idx = sample();
    segment_summary s{.log_size_bytes = 300, .last_offset = offset{25}, .max_timestamp = 40};
    auto decoded = segment_index::decode(idx.encode_offset_file(s), idx.encode_time_file(s), 100);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->second, s);
    EXPECT_EQ(decoded->first.offsets(), idx.offsets());
    EXPECT_EQ(decoded->first.times(), idx.times());
}

TEST(SegmentIndex, FlippedEntryByteIsCorrupt) {
    auto idx = sample();
    segment_summary s{.log_size_bytes = 300, .last_offset = offset{25}, .max_timestamp = 40};
    auto off = idx.encode_offset_file(s);
    off.back() ^= std::byte{1};
    EXPECT_EQ(segment_index::decode(off, idx.encode_time_file(s), 100).error(), errc::corrupt_data);
}

TEST(SegmentIndex, FlippedHeaderByteIsCorrupt) {
    auto idx = sample();
    segment_summary s{.log_size_bytes = 300, .last_offset = offset{25}, .max_timestamp = 40};
    auto tim = idx.encode_time_file(s);
    tim[10] ^= std::byte{1};
    EXPECT_EQ(segment_index::decode(idx.encode_offset_file(s), tim, 100).error(), errc::corrupt_data);
}

TEST(SegmentIndex, TruncatedFileIsCorrupt) {
    auto idx = sample();
    segment_summary s{.log_size_bytes = 300, .last_offset = offset{25}, .max_timestamp = 40};
    auto off = idx.encode_offset_file(s);
    off.resize(off.size() - 3);
    EXPECT_FALSE(segment_index::decode(off, idx.encode_time_file(s), 100));
}

TEST(SegmentIndex, EntryPastLogEndIsCorrupt) {
    auto idx = sample();
    segment_summary s{.log_size_bytes = 200, .last_offset = offset{25}, .max_timestamp = 40};
    EXPECT_FALSE(segment_index::decode(idx.encode_offset_file(s), idx.encode_time_file(s), 100));
}

TEST(SegmentIndex, MismatchedSummariesAreCorrupt) {
    auto idx = sample();
    segment_summary a{.log_size_bytes = 300, .last_offset = offset{25}, .max_timestamp = 40};
    segment_summary b{.log_size_bytes = 300, .last_offset = offset{26}, .max_timestamp = 40};
    EXPECT_FALSE(segment_index::decode(idx.encode_offset_file(a), idx.encode_time_file(b), 100));
}

}  // namespace
}  // namespace fjord::storage
