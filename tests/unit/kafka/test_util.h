// Helpers shared by the kafka protocol tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "base/bytes.h"

namespace fjord::kafka::test {

inline bytes make_bytes(std::initializer_list<int> values) {
    bytes b;
    for (int v : values) {
        b.push_back(static_cast<std::byte>(v));
    }
    return b;
}

inline void append(bytes& b, std::initializer_list<int> values) {
    for (int v : values) {
        b.push_back(static_cast<std::byte>(v));
    }
}

inline void append(bytes& b, std::string_view s) {
    for (char c : s) {
        b.push_back(static_cast<std::byte>(c));
    }
}

inline std::string hex(bytes_view b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::byte x : b) {
        auto v = static_cast<uint8_t>(x);
        s += digits[v >> 4];
        s += digits[v & 15];
        s += ' ';
    }
    return s;
}

}  // namespace fjord::kafka::test
