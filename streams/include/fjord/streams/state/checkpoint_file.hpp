// fjord-streams: the per-task checkpoint file `<task dir>/.checkpoint`.
//
// Records, per persistent logged store, the changelog offset to restore from next (the
// offset after the last changelog record whose effect is durable in the local store).
// Text, '\n'-terminated lines:
//
//   fjord-streams-checkpoint 1        version line
//   2                                 number of entries
//   counts 1234                       "<store name> <next offset>" (store names have no
//   windows 77                         spaces; offsets are decimal, >= 0), sorted by name
//
// Written atomically: write `<file>.tmp`, fsync it, rename over the file, fsync the
// directory. read() returns nullopt when the file is absent or is not exactly this format
// (wrong version, bad count, malformed line, duplicate store): callers treat that as "no
// checkpoint", which is always safe (restore from the beginning). remove() deletes the file
// durably (unlink, then fsync the directory).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "fjord/streams/error.hpp"

namespace fjord::streams::checkpoint_file {

inline constexpr std::string_view version_line = "fjord-streams-checkpoint 1";
using offsets = std::map<std::string, std::int64_t, std::less<>>;

namespace detail {
inline bool parse_i64(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

inline void fsync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw streams_error("checkpoint: cannot open " + p.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw streams_error("checkpoint: fsync " + p.string() + ": " + std::strerror(err));
}
}  // namespace detail

inline std::optional<offsets> read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty() || text.back() != '\n') return std::nullopt;
  std::string_view rest(text);
  auto next_line = [&rest]() {
    const auto nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return line;
  };
  if (next_line() != version_line || rest.empty()) return std::nullopt;
  std::int64_t count = 0;
  if (!detail::parse_i64(next_line(), count) || count < 0) return std::nullopt;
  offsets out;
  for (std::int64_t i = 0; i < count; ++i) {
    if (rest.empty()) return std::nullopt;
    const std::string_view line = next_line();
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return std::nullopt;
    std::int64_t offset = 0;
    if (!detail::parse_i64(line.substr(sp + 1), offset) || offset < 0) return std::nullopt;
    if (!out.emplace(std::string(line.substr(0, sp)), offset).second) return std::nullopt;
  }
  if (!rest.empty()) return std::nullopt;
  return out;
}

// Throws streams_error on I/O failure. REQUIRES: names without whitespace.
inline void write(const std::filesystem::path& file, const offsets& entries) {
  std::ostringstream text;
  text << version_line << '\n' << entries.size() << '\n';
  for (const auto& [name, offset] : entries) text << name << ' ' << offset << '\n';
  const std::string bytes = text.str();

  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw streams_error("checkpoint: cannot write " + tmp.string());
  }
  detail::fsync_path(tmp, O_RDONLY);
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) throw streams_error("checkpoint: rename to " + file.string() + ": " + ec.message());
  detail::fsync_path(file.parent_path(), O_RDONLY | O_DIRECTORY);
}

// Deletes `file` (absent: nothing to do) and fsyncs its directory, so the removal survives
// a crash. Throws streams_error on I/O failure.
inline void remove(const std::filesystem::path& file) {
  std::error_code ec;
  const bool removed = std::filesystem::remove(file, ec);
  if (ec) throw streams_error("checkpoint: cannot remove " + file.string() + ": " + ec.message());
  if (removed) detail::fsync_path(file.parent_path(), O_RDONLY | O_DIRECTORY);
}

}  // namespace fjord::streams::checkpoint_file
