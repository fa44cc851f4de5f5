// Unit tests: store writes combined per key before they reach the changelog
// (processor/changelog_buffer.hpp) and task_context's use of it — the latest write of a
// key wins, deletes stay tombstones, nothing is sent before the flush unless the byte bound
// is passed, and with no buffer every write is sent at once (the test driver's mode).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fjord/streams/processor/changelog_buffer.hpp"
#include "fjord/streams/processor/task_context.hpp"
#include "fjord/streams.hpp"

namespace fs = fjord::streams;

namespace {

using sent = std::tuple<std::string, std::string, std::optional<std::string>, fs::timestamp_ms>;

std::vector<sent> drain(fs::changelog_buffer& b) {
  std::vector<sent> out;
  b.drain([&](std::string_view store, std::string_view key, std::optional<std::string_view> v, fs::timestamp_ms ts) {
    out.emplace_back(std::string(store), std::string(key), v ? std::optional<std::string>(*v) : std::nullopt, ts);
  });
  return out;
}

constexpr std::size_t kOver = fs::changelog_buffer::kEntryOverhead;

TEST(ChangelogBuffer, TheLatestWriteOfAKeyWins) {
  fs::changelog_buffer b;
  EXPECT_TRUE(b.empty());
  for (int i = 1; i <= 1000; ++i) EXPECT_FALSE(b.add("counts", "k", std::to_string(i), i, 1 << 20));
  EXPECT_FALSE(b.add("counts", "j", std::string("7"), 5, 1 << 20));
  EXPECT_FALSE(b.add("other", "k", std::string("x"), 6, 1 << 20));
  EXPECT_EQ(b.bytes(), 3 * kOver + 1u + 4u + 1u + 1u + 1u + 1u);  // k=1000, j=7, other k=x
  // In the order the keys were first written.
  EXPECT_EQ(drain(b), (std::vector<sent>{{"counts", "k", "1000", 1000}, {"counts", "j", "7", 5}, {"other", "k", "x", 6}}));
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.bytes(), 0u);
  EXPECT_TRUE(drain(b).empty());
}

TEST(ChangelogBuffer, ADeleteIsKeptAsATombstoneAndAPutAfterItWins) {
  fs::changelog_buffer b;
  b.add("s", "a", std::string("1"), 1, 100);
  b.add("s", "a", std::nullopt, 2, 100);
  b.add("s", "b", std::nullopt, 3, 100);
  b.add("s", "b", std::string("back"), 4, 100);
  EXPECT_EQ(b.bytes(), 2 * kOver + 1u + 1u + 4u);
  EXPECT_EQ(drain(b), (std::vector<sent>{{"s", "a", std::nullopt, 2}, {"s", "b", "back", 4}}));
}

TEST(ChangelogBuffer, DrainsInFirstWriteOrderAcrossStores) {
  fs::changelog_buffer b;
  b.add("sessions", "s1", std::nullopt, 1, 1 << 20);           // a merge: delete first ...
  b.add("pending", "p", std::string("x"), 2, 1 << 20);
  b.add("sessions", "s0", std::string("merged"), 3, 1 << 20);  // ... then the merged session
  b.add("sessions", "s1", std::string("again"), 4, 1 << 20);   // a rewrite keeps s1's place
  EXPECT_EQ(drain(b), (std::vector<sent>{{"sessions", "s1", "again", 4},
                                         {"pending", "p", "x", 2},
                                         {"sessions", "s0", "merged", 3}}));
  b.add("sessions", "s0", std::string("next"), 5, 1 << 20);  // a new interval
  EXPECT_EQ(drain(b), (std::vector<sent>{{"sessions", "s0", "next", 5}}));
}

TEST(ChangelogBuffer, SaysWhenItIsOverTheBound) {
  fs::changelog_buffer b;
  const std::size_t bound = 2 * kOver + 20;
  EXPECT_FALSE(b.add("s", "k1", std::string(8, 'v'), 1, bound));  // kOver + 10
  EXPECT_FALSE(b.add("s", "k2", std::string(8, 'v'), 1, bound));  // at the bound
  EXPECT_TRUE(b.add("s", "k3", std::string(1, 'v'), 1, bound));   // over
  EXPECT_FALSE(b.add("s", "k1", std::string(1, 'v'), 1, 10'000));  // replacing shrinks it
  EXPECT_EQ(b.bytes(), 3 * kOver + 16u);
  EXPECT_FALSE(b.add("s", "k4", std::nullopt, 1, 10'000));  // a tombstone costs its key and the overhead
  EXPECT_EQ(b.bytes(), 4 * kOver + 18u);
}

// A collector that keeps what it is sent.
struct capture final : fs::record_collector {
  std::vector<sent> records;
  void send(std::string_view topic, std::optional<std::int32_t> partition, std::optional<std::string_view> key,
            std::optional<std::string_view> value, fs::timestamp_ms ts, const fs::header_list&) override {
    EXPECT_EQ(partition, 2);
    records.emplace_back(std::string(topic), std::string(key.value_or("")),
                         value ? std::optional<std::string>(*value) : std::nullopt, ts);
  }
};

fs::task_context context(capture& c, fs::metrics& m, std::size_t buffer_bytes) {
  return fs::task_context(fs::task_id{0, 2},
                          fs::task_context::services{.application_id = "app",
                                                     .collector = &c,
                                                     .metrics = &m,
                                                     .state = {std::filesystem::temp_directory_path(), "app", nullptr},
                                                     .on_decode_error = fs::decode_errors::fail(),
                                                     .changelog_buffer_bytes = buffer_bytes},
                          0);
}

TEST(TaskContextChangelog, BufferedWritesGoOutAtTheFlushCombinedPerKey) {
  capture c;
  fs::metrics m;
  auto ctx = context(c, m, 1 << 20);
  ctx.set_current_timestamp(10);
  ctx.log("counts", "k", std::string_view("1"));
  ctx.set_current_timestamp(20);
  ctx.log("counts", "k", std::string_view("2"));
  ctx.log("counts", "gone", std::nullopt);
  EXPECT_TRUE(c.records.empty());  // nothing before the flush
  ctx.flush_changelog();
  EXPECT_EQ(c.records, (std::vector<sent>{{"app-counts-changelog", "k", "2", 20},
                                          {"app-counts-changelog", "gone", std::nullopt, 20}}));
  ctx.flush_changelog();
  EXPECT_EQ(c.records.size(), 2u);  // drained
}

TEST(TaskContextChangelog, PassingTheBoundSendsEarly) {
  capture c;
  fs::metrics m;
  auto ctx = context(c, m, kOver + 4);
  ctx.log("s", "ab", std::string_view("cd"));  // at the bound
  EXPECT_TRUE(c.records.empty());
  ctx.log("s", "e", std::string_view("f"));  // over: everything goes
  EXPECT_EQ(c.records.size(), 2u);
}

TEST(TaskContextChangelog, WithoutABufferEveryWriteIsSentAtOnce) {
  capture c;
  fs::metrics m;
  auto ctx = context(c, m, 0);
  ctx.log("counts", "k", std::string_view("1"));
  ctx.log("counts", "k", std::string_view("2"));
  EXPECT_EQ(c.records, (std::vector<sent>{{"app-counts-changelog", "k", "1", 0}, {"app-counts-changelog", "k", "2", 0}}));
}

// Through the test driver in the runtime's mode: a count updated three times between two
// commits writes one changelog record, and every update still reaches the store and the
// output; commit() is what sends it.
TEST(TaskContextChangelog, ACommitSendsOneRecordPerKeyThroughTheDriver) {
  const fs::topic<std::string, std::string, fs::utf8, fs::utf8> in{"in"};
  const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> out{"out"};
  fs::topology t{"app"};
  t.stream(in).group_by_key().count(fs::store::in_memory{"counts"}).to_stream().to(out);
  fs::test_driver td{t, {.changelog_buffer_bytes = 1 << 20}};
  for (int i = 0; i < 3; ++i) td.pipe(in, "k", "v", 10 + i);
  td.pipe(in, "j", "v", 20);
  EXPECT_EQ(td.read(out).size(), 4u);  // every update downstream
  EXPECT_TRUE(td.history("app-counts-changelog").empty());
  td.commit();
  const auto& log = td.history("app-counts-changelog");
  ASSERT_EQ(log.size(), 2u);  // k (3) then j (1), in first-write order
  EXPECT_EQ(log[0].key, "k");
  EXPECT_EQ(log[0].timestamp, 12);
  ASSERT_TRUE(log[0].value.has_value());
  EXPECT_EQ(*log[0].value, std::string("\0\0\0\0\0\0\0\3", 8));  // the count, 3, big-endian
  EXPECT_EQ(log[1].key, "j");
  td.commit();
  EXPECT_EQ(td.history("app-counts-changelog").size(), 2u);  // nothing new to send
}

}  // namespace
