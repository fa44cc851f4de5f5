// outcome<T>: the value of a CLI step, or the failure that ends the command.
//
// The broker's fjord::result<T> carries only an std::error_code; a command-line tool has
// to tell a person what went wrong and how to fix it ("topic 'x' does not exist (create it
// with `fjord topic create x`)"), so a failure here is a message plus the exit code it
// ends the process with: 1 for a runtime failure, 2 for a usage error (docs/cli.md).
// Expected failures are values (style habit 5); exceptions are only for bugs.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace fjord::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_runtime_failure = 1;
inline constexpr int exit_usage_error = 2;

struct failure {
    int exit_code = exit_runtime_failure;
    std::string message;
};

template<typename... Args>
failure runtime_failure(fmt::format_string<Args...> f, Args&&... args) {
    return {exit_runtime_failure, fmt::format(f, std::forward<Args>(args)...)};
}

template<typename... Args>
failure usage_failure(fmt::format_string<Args...> f, Args&&... args) {
    return {exit_usage_error, fmt::format(f, std::forward<Args>(args)...)};
}

template<typename T>
class [[nodiscard]] outcome {
public:
    outcome(T v) : v_(std::in_place_index<0>, std::move(v)) {}          // NOLINT: implicit by design
    outcome(failure f) : v_(std::in_place_index<1>, std::move(f)) {}    // NOLINT

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    // REQUIRES: has_value().
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // REQUIRES: !has_value().
    const failure& error() const& { return std::get<1>(v_); }
    failure error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, failure> v_;
};

template<>
class [[nodiscard]] outcome<void> {
public:
    outcome() = default;
    outcome(failure f) : f_(std::move(f)), failed_(true) {}             // NOLINT

    bool has_value() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return has_value(); }
    const failure& error() const& { return f_; }
    failure error() && { return std::move(f_); }

private:
    failure f_;
    bool failed_ = false;
};

}  // namespace fjord::cli

// Returns the failure of an outcome-valued expression from the enclosing function.
#define FJORD_CLI_TRY(expr)                                 \
    do {                                                    \
        if (auto fjord_cli_try_ = (expr); !fjord_cli_try_) { \
            return std::move(fjord_cli_try_).error();       \
        }                                                   \
    } while (0)
