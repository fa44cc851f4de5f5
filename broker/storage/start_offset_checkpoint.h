// The `start-offset` file of a partition directory: the log start offset raised by
// DeleteRecords, which may fall inside a segment and so cannot be derived from file names.
// Layout (big-endian, 20 bytes): magic u32 "FJSO", version u16 = 1, reserved u16 = 0,
// start offset i64, CRC-32C u32 of bytes [0, 16). Written with io::write_file_atomic.
#pragma once

#include <optional>
#include <string>

#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"

namespace fjord::storage {

inline constexpr std::string_view start_offset_file_name = "start-offset";

result<void> write_start_offset(io::filesystem& fs, const std::string& dir, offset start);

// nullopt when the file does not exist; errc::corrupt_data when it is damaged.
result<std::optional<offset>> read_start_offset(io::filesystem& fs, const std::string& dir);

}  // namespace fjord::storage
