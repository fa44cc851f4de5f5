// fjord-streams: what a sliding-window store holds per window, and its serde.
//
// Sliding windows need, besides the aggregate, the largest record timestamp in the window
// (to find the previous record, as Kafka's ValueAndTimestamp does) and, in emit_final
// mode, whether the final result was already emitted (closed windows stay in the store
// until retention because later windows are built from them).
// Layout of sliding_value_serde<S>: [max record ts: 8 B BE][flags: 1 B, bit 0 = emitted]
// [S's bytes of the aggregate].
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "fjord/streams/serde/big_endian.hpp"
#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/serde/serde_traits.hpp"

namespace fjord::streams {

template <class R>
struct sliding_value {
  R value{};
  timestamp_ms max_timestamp = 0;
  bool emitted = false;
  friend bool operator==(const sliding_value&, const sliding_value&) = default;
};

template <class S>
struct sliding_value_serde {
  using value_type = serde_value_t<S>;
  static void encode(const sliding_value<value_type>& v, std::string& out) {
    be_i64::encode(v.max_timestamp, out);
    out.push_back(v.emitted ? '\1' : '\0');
    S::encode(v.value, out);
  }
  static result<sliding_value<value_type>> decode(std::string_view in) {
    if (in.size() < 9) return decode_error("sliding window value: expected at least 9 bytes");
    auto v = S::decode(in.substr(9));
    if (!v) return v.err();
    return sliding_value<value_type>{std::move(v).value(), be_i64::decode(in.substr(0, 8)).value(), in[8] != '\0'};
  }
};

}  // namespace fjord::streams
