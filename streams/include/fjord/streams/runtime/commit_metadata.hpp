// fjord-streams runtime: what a task stores beside its committed offsets.
//
// Kafka Streams keeps a task's stream time in the metadata string of every offset it
// commits, so that a restarted or reassigned task resumes with the stream time it had:
// windows closed before the restart stay closed (a late record is dropped, not counted
// into a window whose final result was already emitted) and stream-time punctuators do
// not fire again for time already passed. fjord-streams does the same with its own
// format, readable in any tool that shows commit metadata:
//   "fjord-streams/1 stream-time=<ms>"   (ms since the epoch, decimal, may be negative)
// Every source partition of a task carries its task's stream time as of that commit; on
// assignment the task takes the largest value found (partitions committed at different
// times carry older values). Metadata written by anything else (another library, a tool
// resetting offsets) is not ours and is ignored; ours but malformed is reported.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "fjord/streams/record.hpp"

namespace fjord::streams {

inline constexpr std::string_view kCommitMetadataPrefix = "fjord-streams/1 stream-time=";

inline std::string encode_commit_metadata(timestamp_ms stream_time) {
  return std::string(kCommitMetadataPrefix) + std::to_string(stream_time);
}

struct commit_metadata {
  enum class kind { none, stream_time, malformed };
  kind what = kind::none;
  timestamp_ms stream_time = 0;  // when what == stream_time
};

inline commit_metadata decode_commit_metadata(std::string_view md) {
  if (!md.starts_with(kCommitMetadataPrefix)) return {.what = commit_metadata::kind::none, .stream_time = 0};
  md.remove_prefix(kCommitMetadataPrefix.size());
  timestamp_ms t = 0;
  const auto [end, ec] = std::from_chars(md.data(), md.data() + md.size(), t);
  if (ec != std::errc() || end != md.data() + md.size() || md.empty()) {
    return {.what = commit_metadata::kind::malformed, .stream_time = 0};
  }
  return {.what = commit_metadata::kind::stream_time, .stream_time = t};
}

}  // namespace fjord::streams
