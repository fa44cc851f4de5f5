// reader: a bounds-checked cursor over one Kafka message (header or body).
//
// Every read checks the bytes that remain and fails with a kafka::errc instead of reading
// past the end; on failure the position is unspecified and the reader must be dropped.
// Lengths are checked against the bytes that remain BEFORE anything is allocated:
// - a string or bytes length must fit in what remains;
// - an array of N elements needs at least N x (minimum encoded element size) bytes, so a
//   forged count can never make us reserve more than a small multiple of the input size;
// - a tagged-field count is capped at min(remaining bytes, max_tagged_fields).
// The caller passes "compact" for flexible versions (facts sheet §1.3): compact lengths are
// unsigned varints holding length + 1 (0 = null); classic ones are int16 (strings) or int32
// (bytes, arrays), -1 = null.
//
// The reader borrows the buffer; it must outlive the reader. Decoded strings and byte
// buffers are copies, so a decoded message does not borrow the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "kafka/protocol/errc.h"
#include "kafka/protocol/types.h"

namespace fjord::kafka {

// Upper bound on the number of tagged fields in one tag buffer.
inline constexpr uint32_t max_tagged_fields = 1024;

class reader {
public:
    explicit reader(bytes_view buf) noexcept : buf_(buf) {}

    size_t remaining() const noexcept { return buf_.size() - pos_; }
    size_t position() const noexcept { return pos_; }

    template<typename T>
        requires std::is_integral_v<T>
    result<T> read_int() noexcept {
        if (remaining() < sizeof(T)) {
            return errc::truncated;
        }
        T v = read_be<T>(buf_, pos_);
        pos_ += sizeof(T);
        return v;
    }
    result<bool> read_bool() noexcept;
    result<double> read_float64() noexcept;
    result<uuid> read_uuid() noexcept;

    // Unsigned varint of at most 5 bytes whose value fits in 32 bits.
    result<uint32_t> read_uvarint() noexcept;

    result<std::string> read_string(bool compact);
    result<std::optional<std::string>> read_nullable_string(bool compact);
    result<bytes> read_bytes(bool compact);
    result<std::optional<bytes>> read_nullable_bytes(bool compact);

    // An array's element count; -1 means null and is only accepted when `nullable`.
    // Fails with invalid_length unless count x max(1, min_element_size) <= remaining().
    result<int32_t> read_array_length(bool compact, bool nullable, size_t min_element_size) noexcept;

    // The count that opens a tag buffer, capped as described above.
    result<uint32_t> read_tag_count() noexcept;

    // Consumes `n` bytes and returns a reader over exactly those bytes.
    result<reader> read_sub(size_t n) noexcept;
    result<void> skip(size_t n) noexcept;

private:
    // The length of a string/bytes field: -1 for null, else checked against remaining().
    result<int64_t> read_length(bool compact, bool int16_length) noexcept;

    bytes_view buf_;
    size_t pos_ = 0;
};

}  // namespace fjord::kafka
