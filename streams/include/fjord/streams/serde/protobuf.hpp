// fjord-streams: Protocol Buffers serde, without depending on protobuf headers.
//
// `protobuf<M>` works for any generated message type M (constrained structurally by
// `protobuf_message<M>`: SerializeToString(std::string*) -> bool and
// ParseFromArray(const void*, int) -> bool), so only applications that use it need
// libprotobuf. Wire format: the standard protobuf binary encoding of M, no framing and no
// schema-registry prefix.
// Invariants: decode never throws; unparsable bytes (or more than INT_MAX of them) are a
// decode error naming the message type. Encode fails only when M cannot be serialised
// (a proto2 message missing required fields, or one over 2 GiB): that is a programmer
// error and throws streams_error.
#pragma once

#include <climits>
#include <concepts>
#include <string>
#include <string_view>

#include "fjord/streams/serde/serde.hpp"

namespace fjord::streams {

template <class M>
concept protobuf_message =
    std::default_initializable<M> && std::movable<M> &&
    requires(const M& cm, M& m, std::string* s, const void* data, int size) {
      { cm.SerializeToString(s) } -> std::same_as<bool>;
      { m.ParseFromArray(data, size) } -> std::same_as<bool>;
    };

template <protobuf_message M>
struct protobuf {
  static void encode(const M& v, std::string& out) {
    // SerializeToString replaces its target, so serialise in place only into an empty one.
    std::string tmp;
    std::string& target = out.empty() ? out : tmp;
    if (!v.SerializeToString(&target)) throw streams_error("protobuf: cannot serialise " + type_name(v));
    out += tmp;
  }

  static result<M> decode(std::string_view in) {
    M m;
    if (in.size() > static_cast<std::size_t>(INT_MAX) ||
        !m.ParseFromArray(in.data(), static_cast<int>(in.size()))) {
      return decode_error("protobuf: cannot parse " + std::to_string(in.size()) + " bytes as " +
                          type_name(m));
    }
    return m;
  }

 private:
  static std::string type_name(const M& m) {
    if constexpr (requires { { m.GetTypeName() } -> std::convertible_to<std::string>; }) {
      return m.GetTypeName();
    } else {
      return "message";
    }
  }
};

}  // namespace fjord::streams
