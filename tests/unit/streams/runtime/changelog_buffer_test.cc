// Unit tests: store writes combined per key before they reach the changelog
// (processor/changelog_buffer.hpp) and task_context's use of it — the latest write of a
// key wins, deletes stay tombstones, nothing is sent before the flush unless the byte bound
// is passed, and with no buffer every write is sent at once (the test driver's mode).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fjord/streams/processor/changelog_buffer.hpp"
#include "fjord/streams/processor/task_context.hpp"

namespace fs = fjord::streams;

namespace {

using sent = std::tuple<std::string, std::string, std::optional<std::string>, fs::timestamp_ms>;

std::vector<sent> drain(fs::changelog_buffer& b) {
  std::vector<sent> out;
  b.drain([&](std::string_view store, std::string_view key, std::optional<std::string_view> v, fs::timestamp_ms ts) {
    out.emplace_back(std::string(store), std::string(key), v ? std::optional<std::string>(*v) : std::nullopt, ts);
  });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ChangelogBuffer, TheLatestWriteOfAKeyWins) {
  fs::changelog_buffer b;
  EXPECT_TRUE(b.empty());
  for (int i = 1; i <= 1000; ++i) EXPECT_FALSE(b.add("counts", "k", std::to_string(i), i, 1 << 20));
  EXPECT_FALSE(b.add("counts", "j", std::string("7"), 5, 1 << 20));
  EXPECT_FALSE(b.add("other", "k", std::string("x"), 6, 1 << 20));
  EXPECT_EQ(b.bytes(), 1u + 4u + 1u + 1u + 1u + 1u);  // k=1000, j=7, other k=x
  EXPECT_EQ(drain(b), (std::vector<sent>{{"counts", "j", "7", 5}, {"counts", "k", "1000", 1000}, {"other", "k", "x", 6}}));
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
  EXPECT_EQ(b.bytes(), 1u + 1u + 4u);
  EXPECT_EQ(drain(b), (std::vector<sent>{{"s", "a", std::nullopt, 2}, {"s", "b", "back", 4}}));
}

TEST(ChangelogBuffer, SaysWhenItIsOverTheBound) {
  fs::changelog_buffer b;
  EXPECT_FALSE(b.add("s", "k1", std::string(8, 'v'), 1, 20));  // 10 bytes
  EXPECT_FALSE(b.add("s", "k2", std::string(8, 'v'), 1, 20));  // 20: at the bound
  EXPECT_TRUE(b.add("s", "k3", std::string(1, 'v'), 1, 20));   // 23: over
  EXPECT_FALSE(b.add("s", "k1", std::string(1, 'v'), 1, 10'000));  // replacing shrinks it: 16
  EXPECT_EQ(b.bytes(), 16u);
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
  std::sort(c.records.begin(), c.records.end());
  EXPECT_EQ(c.records, (std::vector<sent>{{"app-counts-changelog", "gone", std::nullopt, 20},
                                          {"app-counts-changelog", "k", "2", 20}}));
  ctx.flush_changelog();
  EXPECT_EQ(c.records.size(), 2u);  // drained
}

TEST(TaskContextChangelog, PassingTheBoundSendsEarly) {
  capture c;
  fs::metrics m;
  auto ctx = context(c, m, 4);
  ctx.log("s", "ab", std::string_view("cd"));  // 4 bytes: at the bound
  EXPECT_TRUE(c.records.empty());
  ctx.log("s", "e", std::string_view("f"));  // 6: over, everything goes
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

}  // namespace
