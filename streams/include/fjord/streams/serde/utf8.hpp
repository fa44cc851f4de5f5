// fjord-streams: the string serde.
//
// `utf8` serialises std::string as its bytes, unchanged (like Kafka's StringSerializer
// with UTF-8). Despite the name it does NOT validate: decode accepts any byte sequence and
// never fails, so `decode(encode(s)) == s` for every std::string, UTF-8 or not. Validate in
// the application if a topic may carry non-UTF-8 data and that matters. Wire format: the
// string's bytes; the empty string is zero bytes (which is also how a null key decodes).
#pragma once

#include <string>
#include <string_view>

#include "fjord/streams/serde/serde.hpp"

namespace fjord::streams {

struct utf8 {
  static void encode(const std::string& v, std::string& out) { out += v; }
  static result<std::string> decode(std::string_view in) { return std::string(in); }
};

}  // namespace fjord::streams
