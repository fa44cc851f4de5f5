// Assertions for programmer errors. FJORD_ASSERT is always on (release builds too): a
// broken invariant in a storage engine must stop the process before it writes bad data.
// FJORD_DASSERT is for checks too costly for release builds; it compiles out under NDEBUG.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace fjord::detail {
[[noreturn]] void assert_failed(std::string_view cond, std::string_view file, int line, std::string_view msg);
}  // namespace fjord::detail

#define FJORD_ASSERT(cond, ...)                                                                  \
    do {                                                                                         \
        if (!(cond)) [[unlikely]] {                                                              \
            ::fjord::detail::assert_failed(#cond, __FILE__, __LINE__, ::fmt::format(__VA_ARGS__)); \
        }                                                                                        \
    } while (0)

#ifdef NDEBUG
#define FJORD_DASSERT(cond, ...) \
    do {                         \
    } while (0)
#else
#define FJORD_DASSERT(cond, ...) FJORD_ASSERT(cond, __VA_ARGS__)
#endif
