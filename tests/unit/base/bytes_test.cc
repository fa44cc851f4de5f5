#include "base/bytes.h"

#include <gtest/gtest.h>

namespace fjord {
namespace {

TEST(Bytes, BigEndianRoundTrip) {
    bytes buf(14);
    write_be<int64_t>(buf, 0, 0x0102030405060708);
    write_be<int32_t>(buf, 8, -2);
    write_be<uint16_t>(buf, 12, 0xabcd);
    EXPECT_EQ(buf[0], std::byte{0x01});
    EXPECT_EQ(buf[7], std::byte{0x08});
    EXPECT_EQ(read_be<int64_t>(buf, 0), 0x0102030405060708);
    EXPECT_EQ(read_be<int32_t>(buf, 8), -2);
    EXPECT_EQ(read_be<uint16_t>(buf, 12), 0xabcd);
}

TEST(Bytes, AppendGrows) {
    bytes buf;
    append_be<int16_t>(buf, 0x1234);
    append_be<int8_t>(buf, -1);
    ASSERT_EQ(buf.size(), 3u);
    EXPECT_EQ(buf[0], std::byte{0x12});
    EXPECT_EQ(buf[2], std::byte{0xff});
}

}  // namespace
}  // namespace fjord
