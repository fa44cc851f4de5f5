#include "cluster/producer_state.h"

#include <limits>

#include "cluster/errc.h"

namespace fjord::cluster {

result<std::optional<producer_batch>> producer_state_table::check(const storage::topic_partition& tp,
                                                                  int64_t producer_id, int16_t epoch,
                                                                  int32_t first_sequence,
                                                                  int32_t last_sequence) const {
    auto it = entries_.find({tp, producer_id});
    if (it == entries_.end() || it->second.batches.empty()) {
        return std::optional<producer_batch>{};
    }
    const entry& e = it->second;
    if (epoch < e.epoch) {
        return errc::invalid_producer_epoch;
    }
    if (epoch > e.epoch) {
        if (first_sequence != 0) {
            return errc::out_of_order_sequence;
        }
        return std::optional<producer_batch>{};
    }
    for (const auto& b : e.batches) {
        if (b.first_sequence == first_sequence && b.last_sequence == last_sequence) {
            return std::optional<producer_batch>{b};
        }
    }
    const int32_t last = e.batches.back().last_sequence;
    const int32_t expected = last == std::numeric_limits<int32_t>::max() ? 0 : last + 1;
    if (first_sequence != expected) {
        return errc::out_of_order_sequence;
    }
    return std::optional<producer_batch>{};
}

void producer_state_table::record(const storage::topic_partition& tp, int64_t producer_id, int16_t epoch,
                                  const producer_batch& b) {
    entry& e = entries_[{tp, producer_id}];
    if (epoch != e.epoch) {
        e.batches.clear();
        e.epoch = epoch;
    }
    e.batches.push_back(b);
    while (e.batches.size() > producer_batch_window) {
        e.batches.pop_front();
    }
}

void producer_state_table::forget_topic(const std::string& topic) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->first.first.topic == topic ? entries_.erase(it) : std::next(it);
    }
}

}  // namespace fjord::cluster
