#include "kafka/protocol/reader.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace fjord::kafka {

result<bool> reader::read_bool() noexcept {
    auto v = read_int<uint8_t>();
    if (!v) {
        return v.error();
    }
    return *v != 0;
}

result<double> reader::read_float64() noexcept {
    auto v = read_int<uint64_t>();
    if (!v) {
        return v.error();
    }
    return std::bit_cast<double>(*v);
}

result<uuid> reader::read_uuid() noexcept {
    if (remaining() < 16) {
        return errc::truncated;
    }
    uuid u;
    std::memcpy(u.bytes.data(), buf_.data() + pos_, 16);
    pos_ += 16;
    return u;
}

result<uint32_t> reader::read_uvarint() noexcept {
    uint32_t value = 0;
    for (int i = 0; i < 5; ++i) {
        if (remaining() == 0) {
            return errc::truncated;
        }
        auto b = static_cast<uint8_t>(buf_[pos_++]);
        if (i == 4 && (b & 0xf0) != 0) {
            return errc::invalid_varint;  // a sixth byte, or bits above 32
        }
        value |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            return value;
        }
    }
    return errc::invalid_varint;  // unreachable: the fifth byte's high bit is rejected above
}

result<int64_t> reader::read_length(bool compact, bool int16_length) noexcept {
    int64_t n;
    if (compact) {
        auto v = read_uvarint();
        if (!v) {
            return v.error();
        }
        n = static_cast<int64_t>(*v) - 1;
    } else if (int16_length) {
        auto v = read_int<int16_t>();
        if (!v) {
            return v.error();
        }
        n = *v;
    } else {
        auto v = read_int<int32_t>();
        if (!v) {
            return v.error();
        }
        n = *v;
    }
    if (n < -1) {
        return errc::invalid_length;
    }
    if (n > static_cast<int64_t>(remaining())) {
        return errc::invalid_length;
    }
    return n;
}

result<std::string> reader::read_string(bool compact) {
    auto s = read_nullable_string(compact);
    if (!s) {
        return s.error();
    }
    if (!s->has_value()) {
        return errc::unexpected_null;
    }
    return std::move(**s);
}

result<std::optional<std::string>> reader::read_nullable_string(bool compact) {
    auto n = read_length(compact, /*int16_length=*/true);
    if (!n) {
        return n.error();
    }
    if (*n < 0) {
        return std::optional<std::string>{};
    }
    std::string s(reinterpret_cast<const char*>(buf_.data() + pos_), static_cast<size_t>(*n));
    pos_ += static_cast<size_t>(*n);
    return std::optional<std::string>{std::move(s)};
}

result<bytes> reader::read_bytes(bool compact) {
    auto b = read_nullable_bytes(compact);
    if (!b) {
        return b.error();
    }
    if (!b->has_value()) {
        return errc::unexpected_null;
    }
    return std::move(**b);
}

result<std::optional<bytes>> reader::read_nullable_bytes(bool compact) {
    auto n = read_length(compact, /*int16_length=*/false);
    if (!n) {
        return n.error();
    }
    if (*n < 0) {
        return std::optional<bytes>{};
    }
    auto first = buf_.begin() + static_cast<std::ptrdiff_t>(pos_);
    bytes b(first, first + static_cast<std::ptrdiff_t>(*n));
    pos_ += static_cast<size_t>(*n);
    return std::optional<bytes>{std::move(b)};
}

result<int32_t> reader::read_array_length(bool compact, bool nullable, size_t min_element_size) noexcept {
    int64_t n;
    if (compact) {
        auto v = read_uvarint();
        if (!v) {
            return v.error();
        }
        n = static_cast<int64_t>(*v) - 1;
    } else {
        auto v = read_int<int32_t>();
        if (!v) {
            return v.error();
        }
        n = *v;
    }
    if (n == -1) {
        if (!nullable) {
            return errc::unexpected_null;
        }
        return int32_t{-1};
    }
    if (n < -1) {
        return errc::invalid_length;
    }
    // Division, not multiplication: n x size could overflow.
    if (static_cast<uint64_t>(n) > remaining() / std::max<size_t>(1, min_element_size)) {
        return errc::invalid_length;
    }
    return static_cast<int32_t>(n);
}

result<uint32_t> reader::read_tag_count() noexcept {
    auto n = read_uvarint();
    if (!n) {
        return n.error();
    }
    // Each tagged field takes at least two bytes (tag and size varints).
    if (*n > max_tagged_fields || *n > remaining() / 2) {
        return errc::too_many_tagged_fields;
    }
    return *n;
}

result<reader> reader::read_sub(size_t n) noexcept {
    if (n > remaining()) {
        return errc::truncated;
    }
    reader sub(buf_.subspan(pos_, n));
    pos_ += n;
    return sub;
}

result<void> reader::skip(size_t n) noexcept {
    if (n > remaining()) {
        return errc::truncated;
    }
    pos_ += n;
    return ok();
}

}  // namespace fjord::kafka
