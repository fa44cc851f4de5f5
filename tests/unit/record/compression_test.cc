// Codecs: round trips, the output bound (exact limit, compression bombs), malformed and
// truncated input, and the framings other clients write (raw vs xerial snappy,
// concatenated gzip members / lz4 frames / zstd frames).
#include "record/compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "record/errc.h"

namespace fjord::record {
namespace {

constexpr compression all_codecs[] = {compression::none, compression::gzip, compression::snappy, compression::lz4,
                                      compression::zstd};
constexpr compression real_codecs[] = {compression::gzip, compression::snappy, compression::lz4, compression::zstd};

bytes text(size_t n, uint32_t seed = 1) {
    // Compressible but not trivial: words from a small vocabulary.
    static const char* words[] = {"kafka ", "fjord ", "record ", "batch ", "offset ", "leader ", "epoch "};
    std::mt19937 rng(seed);
    std::string s;
    while (s.size() < n) s += words[rng() % 7];
    s.resize(n);
    return to_bytes(s);
}

bytes random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    bytes out(n);
    for (auto& x : out) x = static_cast<std::byte>(rng());
    return out;
}

bytes concat(const bytes& a, const bytes& b) {
    bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

bytes hex(std::initializer_list<unsigned> xs) {
    bytes out;
    for (unsigned x : xs) out.push_back(static_cast<std::byte>(x));
    return out;
}

class Codec : public ::testing::TestWithParam<compression> {};

TEST_P(Codec, RoundTripsSmallLargeEmptyAndIncompressible) {
    for (const bytes& in : {bytes{}, text(1), text(100), text(1 << 20), random_bytes(300'000, 3)}) {
        auto c = compress(GetParam(), in);
        ASSERT_TRUE(c) << c.error().message();
        auto d = decompress(GetParam(), *c, in.size() + 1);
        ASSERT_TRUE(d) << to_string(GetParam()) << " size " << in.size() << ": " << d.error().message();
        EXPECT_EQ(*d, in);
    }
}

TEST_P(Codec, OutputExactlyAtTheBoundIsAccepted) {
    const bytes in = text(200'000);
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c);
    auto d = decompress(GetParam(), *c, in.size());
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(*d, in);
}

TEST_P(Codec, OutputOneByteOverTheBoundIsTooLarge) {
    const bytes in = text(200'000);
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c);
    auto d = decompress(GetParam(), *c, in.size() - 1);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompressed_too_large);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, Codec, ::testing::ValuesIn(all_codecs),
                         [](const auto& info) { return std::string(to_string(info.param)); });

class RealCodec : public ::testing::TestWithParam<compression> {};

TEST_P(RealCodec, CompressionBombStopsAtTheBound) {
    const bytes zeros(16 << 20, std::byte{0});  // 16 MiB that compresses to little
    auto c = compress(GetParam(), zeros);
    ASSERT_TRUE(c);
    const size_t bound = 1 << 20;
    EXPECT_LT(c->size(), bound) << "not a bomb";
    auto d = decompress(GetParam(), *c, bound);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompressed_too_large);
}

TEST_P(RealCodec, GarbageFailsToDecompress) {
    // (A lone 0x00 is a valid empty raw snappy block, so it is garbage for the others only.)
    for (const bytes& g : {to_bytes("this is certainly not compressed data, in any format"),
                           bytes(40, std::byte{0xff}), GetParam() == compression::snappy ? hex({0x01}) : hex({0x00})}) {
        auto d = decompress(GetParam(), g, 1 << 20);
        ASSERT_FALSE(d);
        EXPECT_EQ(d.error(), errc::decompression_failed);
    }
}

TEST_P(RealCodec, EmptyInputFailsToDecompress) {
    auto d = decompress(GetParam(), bytes{}, 1 << 20);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompression_failed);
}

TEST_P(RealCodec, TruncatedInputFailsToDecompress) {
    const bytes in = text(300'000, 9);
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c);
    for (size_t keep : {c->size() / 2, c->size() - 1}) {
        auto d = decompress(GetParam(), bytes_view(*c).first(keep), 1 << 20);
        ASSERT_FALSE(d) << "kept " << keep << " of " << c->size();
        EXPECT_EQ(d.error(), errc::decompression_failed);
    }
}

TEST_P(RealCodec, BitFlipsNeverCrashAndNeverExceedTheBound) {
    const bytes in = text(50'000, 4);
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c);
    std::mt19937 rng(99);
    for (int i = 0; i < 300; ++i) {
        bytes m = *c;
        m[rng() % m.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
        auto d = decompress(GetParam(), m, 60'000);
        if (d) {
            EXPECT_LE(d->size(), 60'000u);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Codecs, RealCodec, ::testing::ValuesIn(real_codecs),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Snappy, CompressWritesXerialFraming) {
    auto c = compress(compression::snappy, text(100'000));
    ASSERT_TRUE(c);
    ASSERT_GE(c->size(), 16u);
    EXPECT_EQ(bytes(c->begin(), c->begin() + 16),
              hex({0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1}));
}

// "hello" as one raw snappy block: uncompressed length 5, literal tag (5-1)<<2, bytes.
const bytes raw_hello = hex({0x05, 0x10, 'h', 'e', 'l', 'l', 'o'});

TEST(Snappy, DecompressesRawBlock) {
    auto d = decompress(compression::snappy, raw_hello, 100);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, to_bytes("hello"));
}

TEST(Snappy, DecompressesXerialWithSeveralBlocks) {
    bytes x = hex({0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1});
    for (int i = 0; i < 3; ++i) {
        x = concat(x, hex({0, 0, 0, 7}));
        x = concat(x, raw_hello);
    }
    auto d = decompress(compression::snappy, x, 100);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, to_bytes("hellohellohello"));
    auto small = decompress(compression::snappy, x, 14);
    ASSERT_FALSE(small);
    EXPECT_EQ(small.error(), errc::decompressed_too_large);
}

TEST(Snappy, XerialHeaderWithNoBlocksIsEmpty) {
    auto d = decompress(compression::snappy, hex({0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1}), 10);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->empty());
}

TEST(Snappy, XerialBlockLengthPastEndFails) {
    bytes x = hex({0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 8});
    x = concat(x, raw_hello);
    auto d = decompress(compression::snappy, x, 100);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompression_failed);
}

TEST(Snappy, XerialNegativeBlockLengthFails) {
    bytes x = hex({0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff});
    auto d = decompress(compression::snappy, x, 100);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompression_failed);
}

TEST(Snappy, DeclaredHugeLengthIsTooLargeWithoutAllocating) {
    // Declares 4 GiB - 1 of output in 6 bytes; must be refused from the declaration alone.
    auto d = decompress(compression::snappy, hex({0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}), 1 << 20);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::decompressed_too_large);
}

TEST(Gzip, ConcatenatedMembersAreOneStream) {
    auto a = compress(compression::gzip, to_bytes("first "));
    auto b = compress(compression::gzip, to_bytes("second"));
    auto d = decompress(compression::gzip, concat(*a, *b), 100);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, to_bytes("first second"));
}

TEST(Lz4, ConcatenatedFramesAreOneStream) {
    auto a = compress(compression::lz4, to_bytes("first "));
    auto b = compress(compression::lz4, to_bytes("second"));
    auto d = decompress(compression::lz4, concat(*a, *b), 100);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, to_bytes("first second"));
}

TEST(Zstd, ConcatenatedFramesAreOneStream) {
    auto a = compress(compression::zstd, to_bytes("first "));
    auto b = compress(compression::zstd, to_bytes("second"));
    auto d = decompress(compression::zstd, concat(*a, *b), 100);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, to_bytes("first second"));
}

TEST(None, CopiesAndHonoursTheBound) {
    auto d = decompress(compression::none, to_bytes("abc"), 3);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, to_bytes("abc"));
    EXPECT_EQ(decompress(compression::none, to_bytes("abcd"), 3).error(), errc::decompressed_too_large);
}

TEST(Compression, NamesOfCodecs) {
    EXPECT_EQ(to_string(compression::none), "none");
    EXPECT_EQ(to_string(compression::gzip), "gzip");
    EXPECT_EQ(to_string(compression::snappy), "snappy");
    EXPECT_EQ(to_string(compression::lz4), "lz4");
    EXPECT_EQ(to_string(compression::zstd), "zstd");
}

}  // namespace
}  // namespace fjord::record
