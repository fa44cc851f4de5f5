// key_layout and checkpoint_file in isolation: timestamp encoding order, floor division,
// prefix successor, window/session key parsing, checkpoint round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "fjord/streams/state/checkpoint_file.hpp"
#include "fjord/streams/state/key_layout.hpp"
#include "fjord/streams/state/segment_math.hpp"
#include "state_test_support.hpp"

namespace fjord::streams::state_test {
namespace {

namespace kl = key_layout;

TEST(KeyLayoutTest, TimestampBytesSortNumerically) {
  const std::vector<timestamp_ms> ts = {std::numeric_limits<timestamp_ms>::min(), -1000, -1, 0, 1, 1000,
                                        std::numeric_limits<timestamp_ms>::max()};
  std::vector<std::string> enc;
  for (auto t : ts) {
    std::string s;
    kl::append_ts(s, t);
    ASSERT_EQ(s.size(), 8u);
    EXPECT_EQ(kl::read_ts(s), t);
    enc.push_back(s);
  }
  EXPECT_TRUE(std::is_sorted(enc.begin(), enc.end()));
  std::string zero;
  kl::append_ts(zero, 0);
  EXPECT_EQ(zero, bytes({0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(KeyLayoutTest, FloorDivisionAndExpiryCutoff) {
  EXPECT_EQ(kl::floor_div(9, 10), 0);
  EXPECT_EQ(kl::floor_div(10, 10), 1);
  EXPECT_EQ(kl::floor_div(-1, 10), -1);
  EXPECT_EQ(kl::floor_div(-10, 10), -1);
  EXPECT_EQ(kl::floor_div(-11, 10), -2);
  EXPECT_EQ(detail::first_live_segment(40, 20, 10), 2);
  EXPECT_EQ(detail::first_live_segment(39, 20, 10), 1);
  EXPECT_EQ(detail::first_live_segment(std::numeric_limits<timestamp_ms>::min(), 20, 10), std::nullopt);
}

TEST(KeyLayoutTest, PrefixSuccessor) {
  EXPECT_EQ(kl::prefix_successor("ab"), "ac");
  EXPECT_EQ(kl::prefix_successor(bytes({'a', 0xff})), "b");
  EXPECT_EQ(kl::prefix_successor(bytes({0xff, 0xff})), "");
}

TEST(KeyLayoutTest, WindowAndSessionKeysRoundTrip) {
  const std::string w = kl::window_key("key", -7, 3u);
  auto pw = kl::parse_window_key(w, true);
  ASSERT_TRUE(pw);
  EXPECT_EQ(pw->key, "key");
  EXPECT_EQ(pw->start, -7);
  EXPECT_EQ(pw->seq, 3u);
  EXPECT_FALSE(kl::parse_window_key(w, false));  // 4 bytes too long without duplicates
  EXPECT_FALSE(kl::parse_window_key("abc", false));
  EXPECT_FALSE(kl::parse_window_key(bytes({0xff, 0xff, 0xff, 0xff}), false));  // huge length

  const std::string s = kl::session_key("", 5, 9);
  auto ps = kl::parse_session_key(s);
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->key, "");
  EXPECT_EQ(ps->start, 5);
  EXPECT_EQ(ps->end, 9);
  EXPECT_FALSE(kl::parse_session_key(s.substr(1)));
}

TEST(CheckpointFileTest, RoundTripAndAbsentFile) {
  temp_dir d;
  const auto f = d.path() / ".checkpoint";
  EXPECT_EQ(checkpoint_file::read(f), std::nullopt);
  checkpoint_file::write(f, {{"b", 2}, {"a", 0}});
  auto r = checkpoint_file::read(f);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (checkpoint_file::offsets{{"a", 0}, {"b", 2}}));
  checkpoint_file::write(f, {});
  r = checkpoint_file::read(f);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace fjord::streams::state_test
