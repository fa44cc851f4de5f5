#include "base/result.h"

#include <gtest/gtest.h>

#include "base/errc.h"

namespace fjord {
namespace {

result<int> parse_positive(int v) {
    if (v <= 0) {
        return errc::invalid_argument;
    }
    return v;
}

result<void> chain(int v) {
    FJORD_TRY(parse_positive(v));
    return ok();
}

TEST(Result, HoldsValue) {
    auto r = parse_positive(3);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, 3);
    EXPECT_FALSE(r.error());
}

TEST(Result, HoldsError) {
    auto r = parse_positive(-1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_argument);
    EXPECT_EQ(r.error().category().name(), std::string("fjord"));
}

TEST(Result, TryPropagatesError) {
    EXPECT_TRUE(chain(1));
    EXPECT_EQ(chain(0).error(), errc::invalid_argument);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
    auto r = parse_positive(0);
    EXPECT_DEATH((void)r.value(), "invalid argument");
}

TEST(Errc, SystemErrorsMapToStorageErrors) {
    EXPECT_EQ(errc_from_system(std::make_error_code(std::errc::no_space_on_device)), errc::no_space);
    EXPECT_EQ(errc_from_system(std::make_error_code(std::errc::io_error)), errc::io_error);
    EXPECT_EQ(errc_from_system(make_error_code(errc::corrupt_data)), errc::corrupt_data);
    EXPECT_EQ(kafka_error_hint(errc::no_space), 56);
    EXPECT_EQ(kafka_error_hint(errc::corrupt_data), 2);
}

}  // namespace
}  // namespace fjord

namespace fjord {
namespace {

result<std::vector<int>> three() { return std::vector<int>{1, 2, 3}; }

TEST(Result, RangeForOverRvalueDoesNotDangle) {
    int sum = 0;
    for (int v : *three()) {  // the temporary result dies before the loop body runs
        sum += v;
    }
    EXPECT_EQ(sum, 6);
}

}  // namespace
}  // namespace fjord
