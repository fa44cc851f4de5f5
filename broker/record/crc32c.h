// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2.
// crc32c() dispatches once, at first use, to the SSE4.2 instruction when the CPU has it and
// to a portable slicing-by-8 table otherwise. Both are exposed so tests check them against
// each other and benchmarks compare them.
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace fjord::record {

// Extends `crc` (the CRC of earlier bytes, 0 to start) over `data`.
uint32_t crc32c(bytes_view data, uint32_t crc = 0);
uint32_t crc32c_portable(bytes_view data, uint32_t crc = 0);
// REQUIRES: crc32c_hardware_available().
uint32_t crc32c_sse42(bytes_view data, uint32_t crc = 0);
bool crc32c_hardware_available();

}  // namespace fjord::record
