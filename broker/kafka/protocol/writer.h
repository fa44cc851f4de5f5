// writer: appends a Kafka message (header or body) to an owned buffer.
//
// Writing cannot fail. Values a field cannot represent are programmer errors and assert:
// a string over 32767 bytes in a classic (int16-length) encoding, or an array or byte
// buffer over 2^31 - 1 elements/bytes. `compact` selects the flexible-version encodings
// (facts sheet §1.3), exactly as for reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "kafka/protocol/types.h"

namespace fjord::kafka {

class writer {
public:
    writer() = default;

    template<typename T>
        requires std::is_integral_v<T>
    void write_int(T v) {
        append_be<T>(buf_, v);
    }
    void write_bool(bool v) { buf_.push_back(std::byte{v ? uint8_t{1} : uint8_t{0}}); }
    void write_float64(double v);
    void write_uuid(const uuid& v);
    void write_uvarint(uint32_t v);

    void write_string(std::string_view s, bool compact);
    void write_nullable_string(const std::optional<std::string>& s, bool compact);
    void write_bytes(bytes_view b, bool compact);
    void write_nullable_bytes(const std::optional<bytes>& b, bool compact);
    // An array's element count; -1 writes null.
    void write_array_length(int64_t n, bool compact);
    void write_raw(bytes_view b) { buf_.insert(buf_.end(), b.begin(), b.end()); }

    size_t size() const noexcept { return buf_.size(); }
    bytes_view view() const noexcept { return buf_; }
    bytes take() && { return std::move(buf_); }

private:
    void write_length(int64_t n, bool compact, bool int16_length);

    bytes buf_;
};

}  // namespace fjord::kafka
