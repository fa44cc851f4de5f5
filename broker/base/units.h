// Byte-size constants; names put the unit last (style habit 13).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fjord {

inline constexpr uint64_t kib = 1024;
inline constexpr uint64_t mib = 1024 * kib;
inline constexpr uint64_t gib = 1024 * mib;

}  // namespace fjord
