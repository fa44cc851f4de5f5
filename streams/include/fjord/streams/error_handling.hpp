// fjord-streams: what to do with a record whose key or value cannot be decoded.
//
// `decode_error_policy` is chosen once per application (or per source topic):
//   fail         processing stops and the runtime reports the decode error;
//   skip         the record is dropped and counted in `deserialization-errors`;
//   dead_letter  the record's raw key/value bytes are produced, unchanged, to
//                `dead_letter_topic` with the headers below added to its own, and counted
//                in `deserialization-errors`; processing continues.
// Build one with decode_errors::fail() / skip() / dead_letter("app.dlq").
// Invariant: action == dead_letter ⇔ dead_letter_topic is non-empty.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"

namespace fjord::streams {

struct decode_error_policy {
  enum class action { fail, skip, dead_letter };
  action act = action::fail;
  std::string dead_letter_topic;
  friend bool operator==(const decode_error_policy&, const decode_error_policy&) = default;
};

namespace decode_errors {
inline decode_error_policy fail() { return {decode_error_policy::action::fail, {}}; }
inline decode_error_policy skip() { return {decode_error_policy::action::skip, {}}; }
// THROWS streams_error for an empty topic name (a configuration mistake).
inline decode_error_policy dead_letter(std::string topic) {
  if (topic.empty()) throw streams_error("decode_errors::dead_letter: empty topic name");
  return {decode_error_policy::action::dead_letter, std::move(topic)};
}
}  // namespace decode_errors

// Header keys added to a dead-lettered record.
namespace dead_letter_headers {
inline constexpr std::string_view message = "fjord.error.message";
inline constexpr std::string_view topic = "fjord.error.topic";
inline constexpr std::string_view partition = "fjord.error.partition";
inline constexpr std::string_view offset = "fjord.error.offset";
}  // namespace dead_letter_headers

// The headers describing why and from where a record was dead-lettered, appended to `to`
// (the record's original headers).
inline void add_dead_letter_headers(header_list& to, const error& why, const record_metadata& from) {
  to.push_back({std::string(dead_letter_headers::message), why.message});
  to.push_back({std::string(dead_letter_headers::topic), std::string(from.topic)});
  to.push_back({std::string(dead_letter_headers::partition), std::to_string(from.partition)});
  to.push_back({std::string(dead_letter_headers::offset), std::to_string(from.offset)});
}

}  // namespace fjord::streams
