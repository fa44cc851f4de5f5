#include "base/ids.h"

#include <type_traits>

#include <gtest/gtest.h>

namespace fjord {
namespace {

static_assert(!std::is_convertible_v<offset, term>, "offsets and terms must not mix");
static_assert(!std::is_convertible_v<int64_t, offset>, "a plain integer is not an offset");
static_assert(!std::is_convertible_v<offset, file_pos>, "an offset is not a file position");

TEST(StrongId, ArithmeticStaysInItsKind) {
    offset a{10};
    offset b = a + 5;
    EXPECT_EQ(b.value(), 15);
    EXPECT_EQ(b - a, 5);
    ++b;
    EXPECT_EQ(b, offset{16});
    EXPECT_LT(a, b);
    EXPECT_EQ(fmt::format("{}", b), "16");
}

}  // namespace
}  // namespace fjord
