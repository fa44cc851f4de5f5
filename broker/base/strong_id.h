// strong_id<Tag, T>: a number that only compares and adds with numbers of its own kind.
//
// Fjord keeps Kafka offsets, raft terms, node ids, partition ids and file positions in
// distinct types so that passing one where another belongs does not compile
// (style habit 4). Arithmetic is deliberately narrow: a strong id plus or minus a plain
// delta of its underlying type gives a strong id; two ids subtract to a plain delta.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>

#include <fmt/format.h>

namespace fjord {

template<typename Tag, std::integral T>
class strong_id {
public:
    using value_type = T;

    constexpr strong_id() = default;
    constexpr explicit strong_id(T v) noexcept : value_(v) {}

    constexpr T value() const noexcept { return value_; }
    constexpr explicit operator T() const noexcept { return value_; }

    static constexpr strong_id min() noexcept { return strong_id(std::numeric_limits<T>::min()); }
    static constexpr strong_id max() noexcept { return strong_id(std::numeric_limits<T>::max()); }

    constexpr auto operator<=>(const strong_id&) const = default;

    constexpr strong_id operator+(T delta) const noexcept { return strong_id(value_ + delta); }
    constexpr strong_id operator-(T delta) const noexcept { return strong_id(value_ - delta); }
    constexpr T operator-(strong_id other) const noexcept { return value_ - other.value_; }
    constexpr strong_id& operator+=(T delta) noexcept { value_ += delta; return *this; }
    constexpr strong_id& operator++() noexcept { ++value_; return *this; }

    friend std::ostream& operator<<(std::ostream& os, strong_id id) { return os << id.value_; }

private:
    T value_{};
};

}  // namespace fjord

template<typename Tag, typename T>
struct std::hash<fjord::strong_id<Tag, T>> {
    size_t operator()(fjord::strong_id<Tag, T> id) const noexcept { return std::hash<T>{}(id.value()); }
};

template<typename Tag, typename T>
struct fmt::formatter<fjord::strong_id<Tag, T>> : fmt::formatter<T> {
    auto format(fjord::strong_id<Tag, T> id, format_context& ctx) const {
        return fmt::formatter<T>::format(id.value(), ctx);
    }
};
