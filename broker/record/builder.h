// batch_builder: builds a valid RecordBatch v2 from records. Used by tests, benchmarks,
// compaction (which rebuilds batches keeping each record's original offset), and later
// by the broker for its own internal batches.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/result.h"
#include "record/batch.h"
#include "record/compression.h"

namespace fjord::record {

struct batch_options {
    offset base_offset{0};
    int32_t partition_leader_epoch = 0;
    compression codec = compression::none;
    timestamp_type ts_type = timestamp_type::create_time;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    bool transactional = false;
    bool control = false;
    // When set, becomes the header's base_timestamp (and the delete horizon if
    // delete_horizon is set); otherwise the first record's timestamp.
    std::optional<timestamp_ms> base_timestamp;
    bool delete_horizon = false;
    // When set, the header's last_offset_delta (compaction keeps the original span even when
    // the last records were removed); otherwise the last record's offset_delta.
    std::optional<int32_t> last_offset_delta;
};

class batch_builder {
public:
    explicit batch_builder(batch_options opts = {});

    // Adds a record at offset base_offset + offset_delta with absolute timestamp ts.
    // REQUIRES: offset_delta greater than the previous record's.
    batch_builder& add(int32_t offset_delta, timestamp_ms ts, std::optional<bytes> key,
                       std::optional<bytes> value, std::vector<record_header> headers = {});
    // Adds a record at the next offset delta (0, 1, 2, ...).
    batch_builder& add(timestamp_ms ts, std::optional<bytes> key, std::optional<bytes> value,
                       std::vector<record_header> headers = {});

    size_t record_count() const { return records_.size(); }

    // Encodes the batch (compressing the record array with the codec). Errors only from
    // compression. REQUIRES: at least one record.
    result<bytes> build() const;

private:
    batch_options opts_;
    std::vector<decoded_record> records_;
};

}  // namespace fjord::record
