// File names inside a partition directory. A segment is named by its base offset, zero
// padded to 20 digits so lexical order is offset order (Kafka's convention):
//   00000000000000000000.log         record batches
//   00000000000000000000.index       sparse offset index
//   00000000000000000000.timeindex   sparse time index
// Transient names, deleted on open if found (a crash interrupted their writer):
//   *.cleaned   compaction output not yet swapped in
//   *.tmp       io::write_file_atomic's temporary
// The partition directory also holds `start-offset` (see start_offset_checkpoint.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"

namespace fjord::storage {

inline constexpr std::string_view log_suffix = ".log";
inline constexpr std::string_view offset_index_suffix = ".index";
inline constexpr std::string_view time_index_suffix = ".timeindex";
inline constexpr std::string_view cleaned_suffix = ".cleaned";
inline constexpr std::string_view tmp_suffix = ".tmp";

// "<dir>/<20-digit base><suffix>"
std::string segment_path(const std::string& dir, offset base, std::string_view suffix);

// The base offset of a segment log file name ("00000000000000000042.log" -> 42); nullopt
// for any other name.
std::optional<offset> parse_log_file_name(std::string_view name);

bool is_transient_file_name(std::string_view name);

}  // namespace fjord::storage
