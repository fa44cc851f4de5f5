// CRC-32C (Castagnoli): a portable slicing-by-8 implementation, an SSE4.2 one, and the
// dispatcher that picks one at first use.
//
// Convention (as Kafka's Crc32C and every CRC-32C library): the register starts at ~crc
// and the result is complemented, so crc32c(b, crc32c(a)) == crc32c(a ++ b).
// The SSE4.2 function carries __attribute__((target("sse4.2"))), so this file compiles
// without -msse4.2 and the instruction runs only after the CPU check. For long inputs it
// runs three independent crc32 chains over adjacent blocks (the instruction has a latency
// of 3 cycles and a throughput of 1) and joins them with "append n zero bytes" operator
// tables, as in Mark Adler's crc32c.c (stackoverflow.com/a/17646775).
#include "record/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define FJORD_CRC32C_X86 1
#endif

namespace fjord::record {
namespace {

inline constexpr uint32_t poly_reflected = 0x82F63B78u;

// tables[k][b]: CRC of byte b followed by k zero bytes (slicing-by-8, Intel's layout).
constexpr std::array<std::array<uint32_t, 256>, 8> make_tables() {
    std::array<std::array<uint32_t, 256>, 8> t{};
    for (uint32_t b = 0; b < 256; ++b) {
        uint32_t c = b;
        for (int i = 0; i < 8; ++i) {
            c = (c & 1) ? (c >> 1) ^ poly_reflected : c >> 1;
        }
        t[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; ++b) {
        for (size_t k = 1; k < 8; ++k) {
            t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
        }
    }
    return t;
}

constexpr auto tables = make_tables();
static_assert(tables[0][1] == 0xF26B8303u, "CRC-32C table generation is wrong");

// --- Shifting a CRC register over n zero bytes (used to join interleaved chains) ---

// A 32x32 matrix over GF(2), one uint32 column per bit.
using gf2_matrix = std::array<uint32_t, 32>;

constexpr uint32_t gf2_times(const gf2_matrix& m, uint32_t v) {
    uint32_t sum = 0;
    for (size_t i = 0; v != 0; ++i, v >>= 1) {
        if (v & 1) {
            sum ^= m[i];
        }
    }
    return sum;
}

constexpr gf2_matrix gf2_square(const gf2_matrix& m) {
    gf2_matrix sq{};
    for (size_t i = 0; i < 32; ++i) {
        sq[i] = gf2_times(m, m[i]);
    }
    return sq;
}

// The operator that advances a raw CRC register over `n` zero bytes. REQUIRES: n is a power of 2.
constexpr gf2_matrix zeros_operator(size_t n) {
    gf2_matrix op{};  // one zero bit
    op[0] = poly_reflected;
    for (size_t i = 1; i < 32; ++i) {
        op[i] = uint32_t{1} << (i - 1);
    }
    for (int i = 0; i < 3; ++i) {  // 1 bit -> 8 bits = 1 byte
        op = gf2_square(op);
    }
    for (; n > 1; n >>= 1) {
        op = gf2_square(op);
    }
    return op;
}

using shift_table = std::array<std::array<uint32_t, 256>, 4>;

constexpr shift_table make_shift_table(size_t n) {
    const gf2_matrix op = zeros_operator(n);
    shift_table t{};
    for (uint32_t b = 0; b < 256; ++b) {
        for (size_t k = 0; k < 4; ++k) {
            t[k][b] = gf2_times(op, b << (8 * k));
        }
    }
    return t;
}

constexpr uint32_t shift(const shift_table& t, uint32_t c) {
    return t[0][c & 0xff] ^ t[1][(c >> 8) & 0xff] ^ t[2][(c >> 16) & 0xff] ^ t[3][c >> 24];
}

inline constexpr size_t long_block = 8192;
inline constexpr size_t short_block = 256;
constexpr shift_table long_shift = make_shift_table(long_block);
constexpr shift_table short_shift = make_shift_table(short_block);
// One zero byte shifts the register exactly as the byte table's entry 0 chain does.
static_assert(shift(make_shift_table(1), 0x12345678u) ==
              ((0x12345678u >> 8) ^ tables[0][0x78]), "zero-byte operator disagrees with the table");

inline uint32_t load_le32(const unsigned char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::big) {
        v = byteswap_unsigned(v);
    }
    return v;
}

#if FJORD_CRC32C_X86
__attribute__((target("sse4.2"))) uint32_t sse42_update(const unsigned char* p, size_t n, uint32_t c) {
    // Align to 8 bytes so the 64-bit loads do not straddle cache lines needlessly.
    while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
        c = _mm_crc32_u8(c, *p++);
        --n;
    }
    // Three chains over adjacent blocks, joined by shifting (see the file comment).
    for (size_t block : {long_block, short_block}) {
        const shift_table& t = block == long_block ? long_shift : short_shift;
        while (n >= 3 * block) {
            uint64_t c0 = c, c1 = 0, c2 = 0;
            for (const unsigned char* end = p + block; p < end; p += 8) {
                uint64_t v0, v1, v2;
                std::memcpy(&v0, p, 8);
                std::memcpy(&v1, p + block, 8);
                std::memcpy(&v2, p + 2 * block, 8);
                c0 = _mm_crc32_u64(c0, v0);
                c1 = _mm_crc32_u64(c1, v1);
                c2 = _mm_crc32_u64(c2, v2);
            }
            c = shift(t, static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
            c = shift(t, c) ^ static_cast<uint32_t>(c2);
            p += 2 * block;
            n -= 3 * block;
        }
    }
    uint64_t c64 = c;
    while (n >= 8) {
        uint64_t v;
        std::memcpy(&v, p, sizeof v);
        c64 = _mm_crc32_u64(c64, v);
        p += 8;
        n -= 8;
    }
    c = static_cast<uint32_t>(c64);
    while (n > 0) {
        c = _mm_crc32_u8(c, *p++);
        --n;
    }
    return c;
}
#endif

using crc_fn = uint32_t (*)(bytes_view, uint32_t);

crc_fn choose() {
    return crc32c_hardware_available() ? &crc32c_sse42 : &crc32c_portable;
}

}  // namespace

uint32_t crc32c_portable(bytes_view data, uint32_t crc) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    size_t n = data.size();
    uint32_t c = ~crc;
    while (n >= 8) {
        const uint32_t lo = load_le32(p) ^ c;
        const uint32_t hi = load_le32(p + 4);
        c = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^ tables[5][(lo >> 16) & 0xff] ^
            tables[4][lo >> 24] ^ tables[3][hi & 0xff] ^ tables[2][(hi >> 8) & 0xff] ^
            tables[1][(hi >> 16) & 0xff] ^ tables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        c = (c >> 8) ^ tables[0][(c ^ *p++) & 0xff];
        --n;
    }
    return ~c;
}

bool crc32c_hardware_available() {
#if FJORD_CRC32C_X86
    return __builtin_cpu_supports("sse4.2");
#else
    return false;
#endif
}

uint32_t crc32c_sse42(bytes_view data, uint32_t crc) {
#if FJORD_CRC32C_X86
    return ~sse42_update(reinterpret_cast<const unsigned char*>(data.data()), data.size(), ~crc);
#else
    FJORD_ASSERT(false, "crc32c_sse42 called on a CPU without SSE4.2");
    return crc32c_portable(data, crc);
#endif
}

uint32_t crc32c(bytes_view data, uint32_t crc) {
    static const crc_fn fn = choose();
    return fn(data, crc);
}

}  // namespace fjord::record
