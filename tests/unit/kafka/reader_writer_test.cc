// reader and writer: every primitive encoding of facts sheet §1.3, classic and compact.
#include <gtest/gtest.h>

#include <limits>

#include "kafka/protocol/reader.h"
#include "kafka/protocol/writer.h"
#include "test_util.h"

namespace fjord::kafka {
namespace {

using test::hex;
using test::make_bytes;

bytes written(auto&& fn) {
    writer w;
    fn(w);
    return std::move(w).take();
}

TEST(Writer, IntegersAreBigEndian) {
    auto b = written([](writer& w) {
        w.write_int<int8_t>(-2);
        w.write_int<int16_t>(0x0102);
        w.write_int<int32_t>(-1);
        w.write_int<int64_t>(0x0102030405060708);
        w.write_int<uint16_t>(0xfffe);
        w.write_bool(true);
    });
    EXPECT_EQ(b, make_bytes({0xfe, 1, 2, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xfe, 1}));
    reader r(b);
    EXPECT_EQ(*r.read_int<int8_t>(), -2);
    EXPECT_EQ(*r.read_int<int16_t>(), 0x0102);
    EXPECT_EQ(*r.read_int<int32_t>(), -1);
    EXPECT_EQ(*r.read_int<int64_t>(), 0x0102030405060708);
    EXPECT_EQ(*r.read_int<uint16_t>(), 0xfffe);
    EXPECT_TRUE(*r.read_bool());
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(Writer, Float64AndUuid) {
    uuid u;
    u.bytes[0] = 0xab;
    u.bytes[15] = 0xcd;
    auto b = written([&](writer& w) {
        w.write_float64(1.5);
        w.write_uuid(u);
    });
    EXPECT_EQ(hex(b), "3f f8 00 00 00 00 00 00 ab 00 00 00 00 00 00 00 00 00 00 00 00 00 00 cd ");
    reader r(b);
    EXPECT_EQ(*r.read_float64(), 1.5);
    EXPECT_EQ(*r.read_uuid(), u);
}

TEST(Writer, ClassicStringIsInt16LengthAndNullIsMinusOne) {
    auto b = written([](writer& w) {
        w.write_string("ab", false);
        w.write_nullable_string(std::nullopt, false);
    });
    EXPECT_EQ(b, make_bytes({0, 2, 'a', 'b', 0xff, 0xff}));
    reader r(b);
    EXPECT_EQ(*r.read_string(false), "ab");
    EXPECT_EQ(*r.read_nullable_string(false), std::nullopt);
}

TEST(Writer, CompactStringIsLengthPlusOneAndNullIsZero) {
    auto b = written([](writer& w) {
        w.write_string("ab", true);
        w.write_nullable_string(std::nullopt, true);
        w.write_string("", true);
    });
    EXPECT_EQ(b, make_bytes({3, 'a', 'b', 0, 1}));
    reader r(b);
    EXPECT_EQ(*r.read_string(true), "ab");
    EXPECT_EQ(*r.read_nullable_string(true), std::nullopt);
    EXPECT_EQ(*r.read_string(true), "");
}

TEST(Writer, BytesClassicInt32AndCompact) {
    bytes payload = make_bytes({9, 8});
    auto b = written([&](writer& w) {
        w.write_bytes(payload, false);
        w.write_nullable_bytes(std::nullopt, false);
        w.write_bytes(payload, true);
        w.write_nullable_bytes(std::nullopt, true);
    });
    EXPECT_EQ(b, make_bytes({0, 0, 0, 2, 9, 8, 0xff, 0xff, 0xff, 0xff, 3, 9, 8, 0}));
    reader r(b);
    EXPECT_EQ(*r.read_bytes(false), payload);
    EXPECT_EQ(*r.read_nullable_bytes(false), std::nullopt);
    EXPECT_EQ(*r.read_bytes(true), payload);
    EXPECT_EQ(*r.read_nullable_bytes(true), std::nullopt);
}

TEST(Writer, ArrayLengths) {
    auto b = written([](writer& w) {
        w.write_array_length(2, false);
        w.write_array_length(-1, false);
        w.write_array_length(2, true);
        w.write_array_length(-1, true);
    });
    EXPECT_EQ(b, make_bytes({0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 3, 0}));
}

TEST(Writer, UvarintBoundaries) {
    auto b = written([](writer& w) {
        w.write_uvarint(0);
        w.write_uvarint(127);
        w.write_uvarint(128);
        w.write_uvarint(300);
        w.write_uvarint(std::numeric_limits<uint32_t>::max());
    });
    EXPECT_EQ(hex(b), "00 7f 80 01 ac 02 ff ff ff ff 0f ");
    reader r(b);
    EXPECT_EQ(*r.read_uvarint(), 0u);
    EXPECT_EQ(*r.read_uvarint(), 127u);
    EXPECT_EQ(*r.read_uvarint(), 128u);
    EXPECT_EQ(*r.read_uvarint(), 300u);
    EXPECT_EQ(*r.read_uvarint(), std::numeric_limits<uint32_t>::max());
}

TEST(Reader, EveryReadChecksRemainingBytes) {
    bytes b = make_bytes({1, 2, 3});
    EXPECT_EQ(reader(b).read_int<int32_t>().error(), errc::truncated);
    EXPECT_EQ(reader(b).read_int<int64_t>().error(), errc::truncated);
    EXPECT_EQ(reader(b).read_uuid().error(), errc::truncated);
    EXPECT_EQ(reader(b).read_float64().error(), errc::truncated);
    EXPECT_EQ(reader(bytes_view{}).read_bool().error(), errc::truncated);
    EXPECT_EQ(reader(bytes_view{}).read_uvarint().error(), errc::truncated);
    EXPECT_EQ(reader(b).skip(4).error(), errc::truncated);
    EXPECT_EQ(reader(b).read_sub(4).error(), errc::truncated);
}

TEST(Reader, ErrorsBelongToTheKafkaProtocolCategory) {
    auto ec = make_error_code(errc::invalid_length);
    EXPECT_STREQ(ec.category().name(), "kafka.protocol");
    EXPECT_EQ(ec.message(), "invalid length");
}

}  // namespace
}  // namespace fjord::kafka
