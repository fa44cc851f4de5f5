// producer_state_table: idempotent-producer bookkeeping per (partition, producer id) —
// the producer's current epoch and the metadata of its last 5 batches (clients keep up to
// 5 in flight), as Kafka's ProducerAppendInfo (facts sheet §4.5):
//   - a batch whose sequence range matches a cached one is a duplicate: answered with the
//     original offsets, nothing appended;
//   - epoch below the current one: errc::invalid_producer_epoch (47);
//   - a newer epoch must start at sequence 0, the same epoch at last sequence + 1
//     (wrapping at 2^31 - 1): otherwise errc::out_of_order_sequence (45);
//   - no state for the producer on this partition: any sequence is accepted (current
//     Kafka's rule; state is rebuilt from the log on start, see local_cluster::start).
// Threading: not thread-safe; local_cluster serialises idempotent appends under its lock.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "base/ids.h"
#include "base/result.h"
#include "storage/log_manager.h"

namespace fjord::cluster {

struct producer_batch {
    int32_t first_sequence = 0;
    int32_t last_sequence = 0;
    offset base_offset;
    offset last_offset;
    timestamp_ms log_append_time = no_timestamp;
};

inline constexpr size_t producer_batch_window = 5;

class producer_state_table {
public:
    // nullopt: append the batch; a value: a duplicate of that earlier batch.
    result<std::optional<producer_batch>> check(const storage::topic_partition& tp, int64_t producer_id,
                                                int16_t epoch, int32_t first_sequence,
                                                int32_t last_sequence) const;
    // Records an appended batch (also used when rebuilding from the log).
    void record(const storage::topic_partition& tp, int64_t producer_id, int16_t epoch, const producer_batch& b);
    void forget_topic(const std::string& topic);
    size_t size() const { return entries_.size(); }

private:
    struct entry {
        int16_t epoch = 0;
        std::deque<producer_batch> batches;  // oldest first, at most producer_batch_window
    };
    std::map<std::pair<storage::topic_partition, int64_t>, entry> entries_;
};

}  // namespace fjord::cluster
