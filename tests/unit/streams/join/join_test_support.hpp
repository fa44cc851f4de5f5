// Shared topics and helpers of the table and join tests (tests/unit/streams/join).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <fjord/streams.hpp>
#include <fjord/streams/dsl/join.hpp>

namespace join_test {

namespace fs = fjord::streams;
using fs::be_i64;
using fs::topic;
using fs::utf8;

inline const topic<std::string, std::string, utf8, utf8> names{"names"};
inline const topic<std::string, std::int64_t, utf8, be_i64> amounts{"amounts"};
inline const topic<std::string, std::string, utf8, utf8> lefts{"lefts"};
inline const topic<std::string, std::string, utf8, utf8> rights{"rights"};
inline const topic<std::string, std::string, utf8, utf8> out{"out"};
inline const topic<std::string, std::string, utf8, utf8>& amounts_out() {
  static const topic<std::string, std::string, utf8, utf8> t{"out2"};
  return t;
}
inline const topic<std::string, std::optional<std::string>, utf8, fs::optional<utf8>> out_opt{"out"};

// "(null)" for nullptr: lets joiners with pointer arguments render a string.
inline std::string str(const std::string* s) { return s ? *s : "(null)"; }

struct kvt {
  std::string key;
  std::string value;
  fs::timestamp_ms ts;
  friend bool operator==(const kvt&, const kvt&) = default;
};
inline std::ostream& operator<<(std::ostream& o, const kvt& r) {
  return o << "{" << r.key << ", " << r.value << ", " << r.ts << "}";
}

template <class R>
std::vector<kvt> kvts(const R& records) {
  std::vector<kvt> v;
  for (const auto& r : records) v.push_back({r.key, r.value, r.timestamp});
  return v;
}

}  // namespace join_test
