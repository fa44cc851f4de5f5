// Owned and borrowed byte buffers, and big-endian field access (Kafka is big-endian on the
// wire and on disk; so are our index files). Readers take a span and a position and REQUIRE
// pos + sizeof(T) <= span.size(): callers bounds-check first, these only assert.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "base/assert.h"

namespace fjord {

using bytes = std::vector<std::byte>;
using bytes_view = std::span<const std::byte>;

template<std::unsigned_integral U>
constexpr U byteswap_unsigned(U v) noexcept {
    if constexpr (sizeof(U) == 1) {
        return v;
    } else if constexpr (sizeof(U) == 2) {
        return static_cast<U>(__builtin_bswap16(v));
    } else if constexpr (sizeof(U) == 4) {
        return static_cast<U>(__builtin_bswap32(v));
    } else {
        return static_cast<U>(__builtin_bswap64(v));
    }
}

template<std::integral T>
T read_be(bytes_view buf, size_t pos) {
    FJORD_DASSERT(pos + sizeof(T) <= buf.size(), "read_be past end: {} + {} > {}", pos, sizeof(T), buf.size());
    std::make_unsigned_t<T> v;
    std::memcpy(&v, buf.data() + pos, sizeof(T));
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        v = byteswap_unsigned(v);
    }
    return static_cast<T>(v);
}

template<std::integral T>
void write_be(std::span<std::byte> buf, size_t pos, T value) {
    FJORD_DASSERT(pos + sizeof(T) <= buf.size(), "write_be past end: {} + {} > {}", pos, sizeof(T), buf.size());
    auto v = static_cast<std::make_unsigned_t<T>>(value);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        v = byteswap_unsigned(v);
    }
    std::memcpy(buf.data() + pos, &v, sizeof(T));
}

template<std::integral T>
void append_be(bytes& out, T value) {
    out.resize(out.size() + sizeof(T));
    write_be<T>(out, out.size() - sizeof(T), value);
}

inline bytes_view as_bytes_view(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string_view as_string_view(bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline bytes to_bytes(std::string_view s) {
    auto v = as_bytes_view(s);
    return {v.begin(), v.end()};
}

}  // namespace fjord
