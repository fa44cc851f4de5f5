// batch_scanner: walks the record batches of a segment file from a byte position, reading
// in chunks so a scan costs one read per chunk, not one per batch (1 MiB chunks when
// verifying CRCs, 8 KiB when only headers are needed; a header scan skips over the bodies
// of batches larger than what it has buffered without reading them).
//
// Each step yields the next batch's header and position. In `verify_crc` mode the whole
// batch is checked (record::validate with stored-batch rules, CRC included) before it is
// yielded; otherwise only the header is parsed (enough to rebuild an index of a sealed
// segment). The scan ends at end of file, or at the first batch that is torn (its length
// runs past the end), malformed or fails its CRC: stop_reason() says which, and position()
// is then where the valid prefix ends.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "io/file.h"
#include "record/batch.h"

namespace fjord::storage {

class batch_scanner {
public:
    enum class stop { none, end_of_file, torn, corrupt, io_error };

    // REQUIRES: `file` outlives the scanner.
    batch_scanner(io::file& file, uint64_t start_position, uint64_t end_position, bool verify_crc);

    // The next batch, or nullopt when the scan stopped.
    std::optional<record::batch_header> next();

    // Position of the batch last returned by next() (valid after a successful next()).
    uint64_t batch_position() const { return batch_pos_; }
    // The bytes of the batch last returned (valid until the next call; only in verify mode
    // or when the batch fit in the chunk).
    bytes_view batch_bytes() const { return last_batch_; }
    // End of the valid prefix scanned so far.
    uint64_t position() const { return pos_; }
    stop stop_reason() const { return stop_; }

private:
    bool fill(uint64_t need);

    io::file& file_;
    uint64_t pos_;
    uint64_t end_;
    bool verify_crc_;
    uint64_t chunk_bytes_;
    bytes buf_;
    uint64_t buf_start_ = 0;  // file position of buf_[0]
    uint64_t batch_pos_ = 0;
    bytes_view last_batch_;
    stop stop_ = stop::none;
};

}  // namespace fjord::storage
