// fjord-streams: JSON serde on nlohmann-json.
//
// `json<T>` works for any T that nlohmann-json can convert both ways (to_json/from_json
// found by ADL, NLOHMANN_DEFINE_TYPE_* macros, standard containers, nlohmann::json
// itself). Wire format: compact JSON text (`dump()` with no indentation), UTF-8.
// Invariants: decode never throws; a parse error or a from_json failure becomes a decode
// error carrying nlohmann's message. Encode never fails on bad UTF-8 inside strings (it is
// replaced by U+FFFD rather than throwing); an exception thrown by a user to_json is a
// programmer error and propagates.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fjord/streams/serde/serde.hpp"

namespace fjord::streams {

template <class T>
concept json_convertible = requires(const T& v, const nlohmann::json& j) {
  nlohmann::json(v);
  j.template get<T>();
};

template <json_convertible T>
struct json {
  static void encode(const T& v, std::string& out) {
    out += nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  static result<T> decode(std::string_view in) {
    try {
      return nlohmann::json::parse(in).template get<T>();
    } catch (const std::exception& e) {
      return decode_error(std::string("json: ") + e.what());
    }
  }
};

}  // namespace fjord::streams
