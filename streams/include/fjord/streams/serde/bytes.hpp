// fjord-streams: the raw-bytes serde.
//
// `bytes` serialises std::vector<std::byte> as its contents, unchanged (like Kafka's
// ByteArraySerializer). Decode never fails; zero bytes decode to an empty vector.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fjord/streams/serde/serde.hpp"

namespace fjord::streams {

struct bytes {
  static void encode(const std::vector<std::byte>& v, std::string& out) {
    out.append(reinterpret_cast<const char*>(v.data()), v.size());
  }
  static result<std::vector<std::byte>> decode(std::string_view in) {
    const auto* p = reinterpret_cast<const std::byte*>(in.data());
    return std::vector<std::byte>(p, p + in.size());
  }
};

}  // namespace fjord::streams
