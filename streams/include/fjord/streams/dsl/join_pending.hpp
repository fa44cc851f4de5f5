// fjord-streams: the store of stream–stream left/outer join records still waiting for a
// partner (`<store>-outer`).
//
// A key-value store whose key is (timestamp, side, key) and whose value is every record of
// that side with that key and timestamp still unmatched (two records with equal key and
// timestamp find exactly the same partners, so they are matched or emitted together).
// Key bytes: [ts: u64 with the sign bit flipped, big-endian][side: 0 left, 1 right][KS
// bytes], so the store's byte order is timestamp order: the records whose window closes
// first come first, and emitting stops at the first still-open one (Kafka's
// TimestampedKeyAndJoinSide layout). Value bytes: [u32 n left]{[u32 len][VS1 bytes]}
// [u32 n right]{[u32 len][VS2 bytes]}; decoding is bounds-checked.
//
// An entry with no values at all (8 zero bytes) is an "emitted" marker: the records of that
// (timestamp, side, key) were forwarded as unmatched, so a partner arriving later must not
// be joined with them. The join deletes it once no partner can arrive any more.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"
#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/serde/serde_traits.hpp"
#include "fjord/streams/state/key_layout.hpp"

namespace fjord::streams {

template <class K>
struct pending_key {
  timestamp_ms timestamp = 0;
  bool left = true;
  K key{};
};

template <class V1, class V2>
struct pending_values {
  std::vector<V1> left;
  std::vector<V2> right;

  // The "emitted" marker: no record left to wait for.
  bool emitted() const { return left.empty() && right.empty(); }
};

// Whether stored value bytes are the "emitted" marker (both counts zero).
inline bool pending_emitted_marker(std::string_view value_bytes) {
  return value_bytes == std::string_view("\0\0\0\0\0\0\0\0", 8);
}

template <class KS>
struct pending_key_serde {
  template <class K>
  static void encode(const pending_key<K>& k, std::string& out) {
    key_layout::append_ts(out, k.timestamp);
    out.push_back(k.left ? '\0' : '\1');
    KS::encode(k.key, out);
  }
  static auto decode(std::string_view in) -> result<pending_key<serde_value_t<KS>>> {
    if (in.size() < 9) return decode_error("join pending key: too short");
    auto key = KS::decode(in.substr(9));
    if (!key.ok()) return key.err();
    return pending_key<serde_value_t<KS>>{key_layout::read_ts(in), in[8] == '\0', std::move(key).value()};
  }
};

template <class VS1, class VS2>
struct pending_values_serde {
  using V1 = serde_value_t<VS1>;
  using V2 = serde_value_t<VS2>;

  static void encode(const pending_values<V1, V2>& v, std::string& out) {
    put_list<VS1>(v.left, out);
    put_list<VS2>(v.right, out);
  }
  static result<pending_values<V1, V2>> decode(std::string_view in) {
    pending_values<V1, V2> v;
    if (auto e = get_list<VS1>(in, v.left)) return *e;
    if (auto e = get_list<VS2>(in, v.right)) return *e;
    if (!in.empty()) return decode_error("join pending values: trailing bytes");
    return v;
  }

 private:
  template <class S, class T>
  static void put_list(const std::vector<T>& list, std::string& out) {
    key_layout::append_u32(out, static_cast<std::uint32_t>(list.size()));
    for (const auto& x : list) {
      const std::size_t at = out.size();
      out.append(4, '\0');
      S::encode(x, out);
      std::string len;
      key_layout::append_u32(len, static_cast<std::uint32_t>(out.size() - at - 4));
      out.replace(at, 4, len);
    }
  }
  template <class S, class T>
  static std::optional<error> get_list(std::string_view& in, std::vector<T>& list) {
    if (in.size() < 4) return decode_error("join pending values: truncated count");
    const std::uint32_t n = key_layout::read_u32(in);
    in.remove_prefix(4);
    if (n > in.size() / 4) return decode_error("join pending values: count exceeds the bytes");
    list.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (in.size() < 4) return decode_error("join pending values: truncated length");
      const std::uint32_t len = key_layout::read_u32(in);
      in.remove_prefix(4);
      if (len > in.size()) return decode_error("join pending values: truncated value");
      auto x = S::decode(in.substr(0, len));
      if (!x.ok()) return x.err();
      list.push_back(std::move(x).value());
      in.remove_prefix(len);
    }
    return std::nullopt;
  }
};

}  // namespace fjord::streams
