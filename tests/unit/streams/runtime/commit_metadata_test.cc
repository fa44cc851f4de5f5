// Unit tests: the stream time kept in offset-commit metadata (runtime/commit_metadata.hpp)
// — round trip, foreign metadata ignored, ours but malformed reported.
#include <gtest/gtest.h>

#include <limits>

#include "fjord/streams/runtime/commit_metadata.hpp"

namespace fs = fjord::streams;

namespace {

TEST(CommitMetadata, StreamTimeRoundTrips) {
  for (fs::timestamp_ms t : {fs::timestamp_ms{0}, fs::timestamp_ms{1'700'000'000'123}, fs::timestamp_ms{-5},
                             std::numeric_limits<fs::timestamp_ms>::max()}) {
    const auto md = fs::decode_commit_metadata(fs::encode_commit_metadata(t));
    EXPECT_EQ(md.what, fs::commit_metadata::kind::stream_time) << t;
    EXPECT_EQ(md.stream_time, t);
  }
  EXPECT_EQ(fs::encode_commit_metadata(42), "fjord-streams/1 stream-time=42");
}

TEST(CommitMetadata, MetadataOfOtherToolsIsNotOurs) {
  for (const char* md : {"", "AQAAAXzJ2x8A", "fjord-streams/2 stream-time=5", "stream-time=5"}) {
    EXPECT_EQ(fs::decode_commit_metadata(md).what, fs::commit_metadata::kind::none) << md;
  }
}

TEST(CommitMetadata, OursButMalformedIsReported) {
  for (const char* md : {"fjord-streams/1 stream-time=", "fjord-streams/1 stream-time=12x", "fjord-streams/1 stream-time= 12",
                         "fjord-streams/1 stream-time=99999999999999999999"}) {
    EXPECT_EQ(fs::decode_commit_metadata(md).what, fs::commit_metadata::kind::malformed) << md;
  }
}

}  // namespace
