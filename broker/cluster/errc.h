// Why a cluster operation was refused. Each value stands for one Kafka error code; the Kafka
// layer maps them in one table (kafka/server/error_mapping.cc). Storage failures come back
// as the base errc / record::errc values storage reports, unchanged.
#pragma once

#include <system_error>

namespace fjord::cluster {

enum class errc : int {
    success = 0,
    unknown_topic_or_partition,  // UNKNOWN_TOPIC_OR_PARTITION (3)
    topic_already_exists,        // TOPIC_ALREADY_EXISTS (36)
    invalid_topic,               // INVALID_TOPIC_EXCEPTION (17)
    invalid_partitions,          // INVALID_PARTITIONS (37)
    invalid_replication_factor,  // INVALID_REPLICATION_FACTOR (38)
    invalid_config,              // INVALID_CONFIG (40)
    invalid_required_acks,       // INVALID_REQUIRED_ACKS (21)
    not_enough_replicas,         // NOT_ENOUGH_REPLICAS (19): acks=all with min.insync.replicas > 1
    out_of_order_sequence,       // OUT_OF_ORDER_SEQUENCE_NUMBER (45)
    invalid_producer_epoch,      // INVALID_PRODUCER_EPOCH (47)
    unknown_producer_id,         // UNKNOWN_PRODUCER_ID (59)
    corrupt_state,               // the persisted cluster state failed its CRC or parse
};

const std::error_category& cluster_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), cluster_category()}; }

}  // namespace fjord::cluster

template<>
struct std::is_error_code_enum<fjord::cluster::errc> : std::true_type {};
