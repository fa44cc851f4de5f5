#include "base/errc.h"
#include "cluster/errc.h"
#include "kafka/server/request_context.h"
#include "record/errc.h"
#include "record/legacy_errc.h"

namespace fjord::kafka {

int16_t kafka_error_code(std::error_code ec) noexcept {
    if (!ec) {
        return error_code::none;
    }
    if (ec.category() == cluster::cluster_category()) {
        switch (static_cast<cluster::errc>(ec.value())) {
        case cluster::errc::success: return 0;
        case cluster::errc::unknown_topic_or_partition: return 3;
        case cluster::errc::topic_already_exists: return 36;
        case cluster::errc::invalid_topic: return 17;
        case cluster::errc::invalid_partitions: return 37;
        case cluster::errc::invalid_replication_factor: return 38;
        case cluster::errc::invalid_config: return 40;
        case cluster::errc::invalid_required_acks: return 21;
        case cluster::errc::not_enough_replicas: return 19;
        case cluster::errc::out_of_order_sequence: return 45;
        case cluster::errc::invalid_producer_epoch: return 47;
        case cluster::errc::unknown_producer_id: return 59;
        case cluster::errc::corrupt_state: return -1;
        }
        return -1;
    }
    if (ec.category() == record::record_category()) {
        switch (static_cast<record::errc>(ec.value())) {
        case record::errc::unsupported_compression: return error_code::unsupported_compression_type;
        // A CRC-valid batch whose offsets do not match its records: Kafka's LogValidator
        // answers INVALID_RECORD ("Inconsistent batch offset range"), a non-retriable error.
        case record::errc::bad_record_count:
        case record::errc::bad_offset_delta: return 87;  // INVALID_RECORD
        default: return error_code::corrupt_message;
        }
    }
    // A refused legacy (magic 0/1) set: structural rules are INVALID_RECORD, as Kafka.
    if (ec.category() == record::legacy_category()) {
        switch (static_cast<record::legacy_errc>(ec.value())) {
        case record::legacy_errc::invalid_timestamp: return error_code::invalid_timestamp;
        case record::legacy_errc::zstd_wrapper: return error_code::unsupported_compression_type;  // zstd needs v7
        default: return error_code::invalid_record;
        }
    }
    if (ec.category() == fjord_category()) {
        return kafka_error_hint(static_cast<fjord::errc>(ec.value()));
    }
    auto mapped = to_fjord_error(ec);
    if (mapped.category() == fjord_category()) {
        return kafka_error_hint(static_cast<fjord::errc>(mapped.value()));
    }
    return error_code::unknown_server_error;
}

}  // namespace fjord::kafka
