// group_snapshot: what the coordinator persists about one classic group in
// __consumer_offsets (Kafka's GroupMetadataValue v3, docs/formats/consumer-offsets.md),
// and what a coordinator that takes over restores the group from.
//
// Invariant: `protocol` and `leader` are set iff `members` is non-empty; each member's
// `subscription` is its metadata for the selected protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace fjord::group {

struct member_snapshot {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    bytes subscription;  // protocol metadata of the selected protocol
    bytes assignment;    // what SyncGroup handed the member (empty: nothing)
    bool operator==(const member_snapshot&) const = default;
};

struct group_snapshot {
    std::string protocol_type;  // "consumer" for consumers; "" for a group without members ever
    int32_t generation_id = 0;
    std::optional<std::string> protocol;  // selected protocol (assignor) name
    std::optional<std::string> leader;
    int64_t current_state_timestamp = -1;  // wall ms of the last state change (-1 unknown)
    std::vector<member_snapshot> members;
    bool operator==(const group_snapshot&) const = default;
};

}  // namespace fjord::group
