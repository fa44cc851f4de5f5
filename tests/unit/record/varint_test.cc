// Varint / varlong / unsigned varint: exact encodings of edge values, round trips, and
// every way a decoder can be fed bad bytes (over-long, too wide, truncated).
#include "record/varint.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <random>
#include <vector>

namespace fjord::record {
namespace {

bytes hex(std::initializer_list<unsigned> xs) {
    bytes out;
    for (unsigned x : xs) out.push_back(static_cast<std::byte>(x));
    return out;
}

bytes enc_varint(int32_t v) { bytes b; append_varint(b, v); return b; }
bytes enc_varlong(int64_t v) { bytes b; append_varlong(b, v); return b; }

constexpr int32_t i32_min = std::numeric_limits<int32_t>::min();
constexpr int32_t i32_max = std::numeric_limits<int32_t>::max();
constexpr int64_t i64_min = std::numeric_limits<int64_t>::min();
constexpr int64_t i64_max = std::numeric_limits<int64_t>::max();

TEST(Varint, ZigzagEncodingsOfEdgeValues) {
    EXPECT_EQ(enc_varint(0), hex({0x00}));
    EXPECT_EQ(enc_varint(-1), hex({0x01}));
    EXPECT_EQ(enc_varint(1), hex({0x02}));
    EXPECT_EQ(enc_varint(-64), hex({0x7f}));
    EXPECT_EQ(enc_varint(64), hex({0x80, 0x01}));
    EXPECT_EQ(enc_varint(150), hex({0xac, 0x02}));
    EXPECT_EQ(enc_varint(i32_max), hex({0xfe, 0xff, 0xff, 0xff, 0x0f}));
    EXPECT_EQ(enc_varint(i32_min), hex({0xff, 0xff, 0xff, 0xff, 0x0f}));
    EXPECT_EQ(enc_varlong(i64_max), hex({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
    EXPECT_EQ(enc_varlong(i64_min), hex({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(Varint, RoundTripsEdgeValues) {
    for (int32_t v : {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 1 << 20, -(1 << 20), i32_max, i32_min,
                      i32_max - 1, i32_min + 1}) {
        const bytes e = enc_varint(v);
        EXPECT_EQ(e.size(), varint_size(v));
        size_t pos = 0;
        auto r = read_varint(e, pos);
        ASSERT_TRUE(r) << v;
        EXPECT_EQ(*r, v);
        EXPECT_EQ(pos, e.size());
    }
}

TEST(Varlong, RoundTripsEdgeValues) {
    for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{i32_max}, int64_t{i32_min},
                      int64_t{i32_max} + 1, int64_t{i32_min} - 1, i64_max, i64_min, i64_max - 1, i64_min + 1}) {
        const bytes e = enc_varlong(v);
        EXPECT_EQ(e.size(), varlong_size(v));
        size_t pos = 0;
        auto r = read_varlong(e, pos);
        ASSERT_TRUE(r) << v;
        EXPECT_EQ(*r, v);
        EXPECT_EQ(pos, e.size());
    }
}

TEST(Uvarint, RoundTripsEdgeValues) {
    for (uint32_t v : {0u, 1u, 127u, 128u, 16383u, 16384u, std::numeric_limits<uint32_t>::max()}) {
        bytes e;
        append_uvarint(e, v);
        EXPECT_EQ(e.size(), uvarint_size(v));
        size_t pos = 0;
        auto r = read_uvarint(e, pos);
        ASSERT_TRUE(r) << v;
        EXPECT_EQ(*r, v);
    }
    bytes e;
    append_uvarint(e, 300);
    EXPECT_EQ(e, hex({0xac, 0x02}));
}

TEST(Varint, RandomRoundTrips) {
    const uint32_t seed = 12345;
    std::printf("seed %u\n", seed);
    std::mt19937_64 rng(seed);
    bytes buf;
    std::vector<int64_t> longs;
    std::vector<int32_t> ints;
    for (int i = 0; i < 10000; ++i) {
        const auto l = static_cast<int64_t>(rng() >> (rng() % 64));
        const auto n = static_cast<int32_t>(static_cast<uint32_t>(rng()) >> (rng() % 32));
        longs.push_back(i % 2 ? -l : l);
        ints.push_back(i % 3 ? -n : n);
        append_varlong(buf, longs.back());
        append_varint(buf, ints.back());
    }
    size_t pos = 0;
    for (size_t i = 0; i < longs.size(); ++i) {
        ASSERT_EQ(*read_varlong(buf, pos), longs[i]);
        ASSERT_EQ(*read_varint(buf, pos), ints[i]);
    }
    EXPECT_EQ(pos, buf.size());
}

TEST(Varint, DecodesAtAnOffset) {
    const bytes buf = hex({0xaa, 0xac, 0x02, 0x01});
    size_t pos = 1;
    EXPECT_EQ(*read_uvarint(buf, pos), 300u);
    EXPECT_EQ(pos, 3u);
    EXPECT_EQ(*read_varint(buf, pos), -1);
    EXPECT_EQ(pos, 4u);
}

void expect_bad_varint(const bytes& b) {
    size_t pos = 0;
    auto r = read_varint(b, pos);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_varint);
    EXPECT_EQ(pos, 0u) << "pos must not move on error";
}

void expect_bad_varlong(const bytes& b) {
    size_t pos = 0;
    auto r = read_varlong(b, pos);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_varint);
    EXPECT_EQ(pos, 0u);
}

TEST(Varint, EmptyInputIsBad) { expect_bad_varint({}); expect_bad_varlong({}); }

TEST(Varint, TruncatedInputIsBad) {
    expect_bad_varint(hex({0x80}));
    expect_bad_varint(hex({0xff, 0xff, 0xff, 0xff}));
    expect_bad_varlong(hex({0x80, 0x80, 0x80}));
}

TEST(Varint, SixByteEncodingIsOverLong) { expect_bad_varint(hex({0x80, 0x80, 0x80, 0x80, 0x80, 0x00})); }

TEST(Varint, ContinuationOnFifthByteIsOverLong) { expect_bad_varint(hex({0xff, 0xff, 0xff, 0xff, 0xff, 0x01})); }

TEST(Varint, FifthByteAbove32BitsIsRejected) {
    expect_bad_varint(hex({0xff, 0xff, 0xff, 0xff, 0x1f}));
    size_t pos = 0;
    EXPECT_FALSE(read_uvarint(hex({0x80, 0x80, 0x80, 0x80, 0x10}), pos));
}

TEST(Varint, PaddedButInRangeFiveByteEncodingIsAccepted) {
    // Zero-padded encodings of small values fit the width; Kafka's reader accepts them too.
    size_t pos = 0;
    auto r = read_varint(hex({0x82, 0x80, 0x80, 0x80, 0x00}), pos);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, 1);
}

TEST(Varlong, ElevenByteEncodingIsOverLong) {
    expect_bad_varlong(hex({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}));
}

TEST(Varlong, TenthByteAbove64BitsIsRejected) {
    expect_bad_varlong(hex({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}));
}

TEST(Varint, AbsurdVarintOfAllContinuationBytes) {
    bytes b(64, std::byte{0xff});
    expect_bad_varint(b);
    expect_bad_varlong(b);
}

}  // namespace
}  // namespace fjord::record
