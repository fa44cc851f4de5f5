// Helpers for the legacy message set tests: an encoder for magic 0/1 messages and sets
// written independently of broker/record (its own CRC-32), so a shared misreading of the
// format cannot make both sides agree. Fields can be overridden to build malformed input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace fjord::record::test {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit.
inline uint32_t crc32_ieee(bytes_view data) {
    uint32_t c = 0xFFFFFFFFU;
    for (std::byte b : data) {
        c ^= static_cast<uint32_t>(b);
        for (int k = 0; k < 8; ++k) {
            c = (c & 1U) ? (c >> 1) ^ 0xEDB88320U : c >> 1;
        }
    }
    return c ^ 0xFFFFFFFFU;
}

struct legacy_msg {
    int8_t magic = 1;
    int8_t attributes = 0;
    int64_t timestamp = 1'700'000'000'000;  // written for magic 1 only
    std::optional<bytes> key;
    std::optional<bytes> value;
    std::optional<uint32_t> crc;  // overrides the computed CRC
};

inline void append_nullable(bytes& out, const std::optional<bytes>& v) {
    if (!v) {
        append_be<int32_t>(out, -1);
        return;
    }
    append_be<int32_t>(out, static_cast<int32_t>(v->size()));
    out.insert(out.end(), v->begin(), v->end());
}

// crc .. value of one message.
inline bytes encode_message(const legacy_msg& m) {
    bytes body;
    body.push_back(static_cast<std::byte>(m.magic));
    body.push_back(static_cast<std::byte>(m.attributes));
    if (m.magic == 1) {
        append_be<int64_t>(body, m.timestamp);
    }
    append_nullable(body, m.key);
    append_nullable(body, m.value);
    bytes out;
    append_be<uint32_t>(out, m.crc.value_or(crc32_ieee(body)));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

// offset + message_size + message; `size` overrides message_size.
inline bytes encode_entry(int64_t offset, const legacy_msg& m, std::optional<int32_t> size = std::nullopt) {
    const bytes msg = encode_message(m);
    bytes out;
    append_be<int64_t>(out, offset);
    append_be<int32_t>(out, size.value_or(static_cast<int32_t>(msg.size())));
    out.insert(out.end(), msg.begin(), msg.end());
    return out;
}

// Entries with offsets first_offset, first_offset + 1, ...
inline bytes encode_set(const std::vector<legacy_msg>& msgs, int64_t first_offset = 0) {
    bytes out;
    for (size_t i = 0; i < msgs.size(); ++i) {
        auto e = encode_entry(first_offset + static_cast<int64_t>(i), msgs[i]);
        out.insert(out.end(), e.begin(), e.end());
    }
    return out;
}

inline std::optional<bytes> opt(std::string_view s) { return to_bytes(s); }

}  // namespace fjord::record::test
