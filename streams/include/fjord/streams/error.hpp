// fjord-streams: errors as values.
//
// Owns `error` (a message plus a kind) and `result<T>`, the expected-like return type of
// every fallible step on the data path (decoding, store I/O). C++20 has no std::expected;
// result<T> is the small subset we need. Exceptions are used only for programmer errors
// and start-up failures (`streams_error`, e.g. a missing input topic).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace fjord::streams {

enum class error_kind {
  decode,        // bytes that a serde could not turn into a value
  store,         // a state store operation failed (RocksDB status, I/O)
  broker,        // the Kafka client reported an error
  config,        // a configuration or topology mistake
};

struct error {
  error_kind kind = error_kind::decode;
  std::string message;
};

// Holds a T or an error. REQUIRES for value(): ok(); for err(): !ok().
template <class T>
class result {
 public:
  result(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT: implicit by design
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

inline error decode_error(std::string message) { return {error_kind::decode, std::move(message)}; }

// Thrown for start-up failures and topology mistakes (never on the data path).
class streams_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace fjord::streams
