// CRC-32C: published check values, incremental use, and the SSE4.2 path against the
// portable one on every length 0..1024 at every alignment.
#include "record/crc32c.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string_view>

#include "base/bytes.h"

namespace fjord::record {
namespace {

bytes filled(size_t n, unsigned (*f)(size_t)) {
    bytes out(n);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(f(i));
    return out;
}

using crc_fn = uint32_t (*)(bytes_view, uint32_t);

void expect_vectors(crc_fn fn) {
    EXPECT_EQ(fn({}, 0), 0u);
    EXPECT_EQ(fn(as_bytes_view("123456789"), 0), 0xE3069283u);
    EXPECT_EQ(fn(as_bytes_view("a"), 0), 0xC1D04330u);
    EXPECT_EQ(fn(as_bytes_view("The quick brown fox jumps over the lazy dog"), 0), 0x22620404u);
    // RFC 3720 (iSCSI) appendix B.4.
    EXPECT_EQ(fn(filled(32, [](size_t) { return 0u; }), 0), 0x8A9136AAu);
    EXPECT_EQ(fn(filled(32, [](size_t) { return 0xffu; }), 0), 0x62A8AB43u);
    EXPECT_EQ(fn(filled(32, [](size_t i) { return static_cast<unsigned>(i); }), 0), 0x46DD794Eu);
    EXPECT_EQ(fn(filled(32, [](size_t i) { return static_cast<unsigned>(31 - i); }), 0), 0x113FDB5Cu);
    const unsigned char iscsi_read[48] = {
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
        0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    EXPECT_EQ(fn({reinterpret_cast<const std::byte*>(iscsi_read), sizeof iscsi_read}, 0), 0xD9963A56u);
}

TEST(Crc32c, KnownVectorsPortable) { expect_vectors(&crc32c_portable); }

TEST(Crc32c, KnownVectorsDispatched) { expect_vectors(&crc32c); }

TEST(Crc32c, KnownVectorsHardware) {
    if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
    expect_vectors(&crc32c_sse42);
}

TEST(Crc32c, ExtendingEqualsWholeBuffer) {
    const auto all = as_bytes_view("The quick brown fox jumps over the lazy dog");
    for (size_t split = 0; split <= all.size(); ++split) {
        const uint32_t first = crc32c(all.first(split));
        EXPECT_EQ(crc32c(all.subspan(split), first), crc32c(all)) << "split " << split;
        EXPECT_EQ(crc32c_portable(all.subspan(split), crc32c_portable(all.first(split))), crc32c(all));
    }
}

TEST(Crc32c, HardwareMatchesPortableAtEveryLengthAndAlignment) {
    if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
    const uint32_t seed = 20240611;
    std::printf("seed %u\n", seed);
    std::mt19937 rng(seed);
    bytes buf(1024 + 16);
    for (auto& x : buf) x = static_cast<std::byte>(rng());
    for (size_t start = 0; start < 8; ++start) {
        for (size_t len = 0; len <= 1024; ++len) {
            const bytes_view v(buf.data() + start, len);
            const uint32_t prior = static_cast<uint32_t>(rng());
            ASSERT_EQ(crc32c_sse42(v, 0), crc32c_portable(v, 0)) << "start " << start << " len " << len;
            ASSERT_EQ(crc32c_sse42(v, prior), crc32c_portable(v, prior)) << "start " << start << " len " << len;
        }
    }
}

TEST(Crc32c, HardwareMatchesPortableAroundTheInterleavingThresholds) {
    // The SSE4.2 path runs three chains for inputs of >= 3 x 256 and >= 3 x 8192 bytes.
    if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
    std::mt19937 rng(31337);
    bytes buf(4 * 8192 * 3 + 64);
    for (auto& x : buf) x = static_cast<std::byte>(rng());
    for (size_t base : {size_t{3 * 256}, size_t{6 * 256}, size_t{3 * 8192}, size_t{6 * 8192}, size_t{9 * 8192}}) {
        for (size_t len = base - 9; len <= base + 9; ++len) {
            for (size_t start : {0, 1, 3, 7}) {
                const bytes_view v(buf.data() + start, len);
                ASSERT_EQ(crc32c_sse42(v, 0x1234u), crc32c_portable(v, 0x1234u)) << "start " << start << " len " << len;
            }
        }
    }
    for (int i = 0; i < 200; ++i) {
        const size_t start = rng() % 8;
        const size_t len = rng() % (buf.size() - 8);
        const bytes_view v(buf.data() + start, len);
        ASSERT_EQ(crc32c_sse42(v), crc32c_portable(v)) << "start " << start << " len " << len;
    }
}

TEST(Crc32c, LargeBufferAgreesAcrossImplementations) {
    std::mt19937 rng(7);
    bytes buf(1 << 20);
    for (auto& x : buf) x = static_cast<std::byte>(rng());
    const uint32_t portable = crc32c_portable(buf);
    EXPECT_EQ(crc32c(buf), portable);
    if (crc32c_hardware_available()) {
        EXPECT_EQ(crc32c_sse42(buf), portable);
    }
}

}  // namespace
}  // namespace fjord::record
