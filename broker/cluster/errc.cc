#include "cluster/errc.h"

#include <string>

namespace fjord::cluster {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "fjord.cluster"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success: return "success";
        case errc::unknown_topic_or_partition: return "unknown topic or partition";
        case errc::topic_already_exists: return "topic already exists";
        case errc::invalid_topic: return "invalid topic name";
        case errc::invalid_partitions: return "invalid partition count";
        case errc::invalid_replication_factor: return "invalid replication factor";
        case errc::invalid_config: return "invalid topic config";
        case errc::invalid_required_acks: return "acks must be -1, 0 or 1";
        case errc::not_enough_replicas: return "min.insync.replicas exceeds the replicas of a single node";
        case errc::out_of_order_sequence: return "out of order sequence number";
        case errc::invalid_producer_epoch: return "invalid producer epoch";
        case errc::unknown_producer_id: return "unknown producer id";
        case errc::corrupt_state: return "corrupt cluster state file";
        }
        return "unknown cluster error";
    }
};

}  // namespace

const std::error_category& cluster_category() noexcept {
    static const category c;
    return c;
}

}  // namespace fjord::cluster
