// result<T>: a value or the std::error_code that says why there is none.
//
// Expected failures on the data path are values, never exceptions (style habit 5). Every
// module defines its own `enum class errc` with a std::error_category (see base/errc.h for
// the pattern) and returns result<T>. Reading value() of an error is a programmer error and
// aborts with the error's message.
#pragma once

#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace fjord {

template<typename T>
class [[nodiscard]] result {
public:
    using value_type = T;

    result(const T& v) : v_(std::in_place_index<0>, v) {}                 // NOLINT: implicit by design
    result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}           // NOLINT
    result(std::error_code ec) : v_(std::in_place_index<1>, ec) {         // NOLINT
        FJORD_ASSERT(ec, "result built from a success error_code");
    }
    template<typename E>
        requires std::is_error_code_enum_v<E>
    result(E e) : result(make_error_code(e)) {}                           // NOLINT

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { check(); return std::get<0>(v_); }
    const T& value() const& { check(); return std::get<0>(v_); }
    // Rvalue access returns by value, so `for (auto& x : *f())` never dangles.
    T value() && { check(); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    std::error_code error() const noexcept {
        return has_value() ? std::error_code{} : std::get<1>(v_);
    }

private:
    void check() const {
        FJORD_ASSERT(has_value(), "value() of an error result: {}", std::get<1>(v_).message());
    }
    std::variant<T, std::error_code> v_;
};

// result<void>: success, or an error.
template<>
class [[nodiscard]] result<void> {
public:
    result() = default;
    result(std::error_code ec) : ec_(ec) {}                               // NOLINT
    template<typename E>
        requires std::is_error_code_enum_v<E>
    result(E e) : ec_(make_error_code(e)) {}                              // NOLINT

    bool has_value() const noexcept { return !ec_; }
    explicit operator bool() const noexcept { return has_value(); }
    std::error_code error() const noexcept { return ec_; }

private:
    std::error_code ec_;
};

inline result<void> ok() { return {}; }

}  // namespace fjord

// Propagate an error from an expression returning result<...>; evaluates to nothing.
#define FJORD_TRY(expr)                                  \
    do {                                                 \
        if (auto fjord_try_r_ = (expr); !fjord_try_r_) { \
            return fjord_try_r_.error();                 \
        }                                                \
    } while (0)
