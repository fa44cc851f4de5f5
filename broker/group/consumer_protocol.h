// consumer_protocol: the "consumer" protocol's embedded formats (facts §6.3) —
// Subscription (JoinGroup protocol metadata, v0-3) and Assignment (SyncGroup, v0-3),
// classic (non-flexible) encoding. The broker treats them as opaque except to answer
// "which topics does this group subscribe to" (OffsetDelete) and to show assignments;
// the CLI and tests use the same code.
//
// Parsing reads the fields of the version it knows and ignores trailing bytes (newer
// versions add fields at the end), as every client does. An empty byte string is a valid
// assignment meaning "nothing assigned".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace fjord::group {

struct topic_partitions {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const topic_partitions&) const = default;
};

struct subscription {
    int16_t version = 0;
    std::vector<std::string> topics;
    std::optional<bytes> user_data;
    std::vector<topic_partitions> owned_partitions;  // v1+
    int32_t generation_id = -1;                      // v2+
    std::optional<std::string> rack_id;              // v3+
    bool operator==(const subscription&) const = default;
};

struct assignment {
    int16_t version = 0;
    std::vector<topic_partitions> partitions;
    std::optional<bytes> user_data;
    bool operator==(const assignment&) const = default;
};

// Both parsers read a version above 3 with the v3 layout (keeping the version read) and
// fail with base errc::invalid_argument on a negative version, or a kafka::errc on
// truncated or malformed fields. An empty subscription is an error (truncated).
result<subscription> parse_subscription(bytes_view data);
bytes encode_subscription(const subscription& s);  // writes the fields of s.version
result<assignment> parse_assignment(bytes_view data);  // empty data -> empty assignment
bytes encode_assignment(const assignment& a);

}  // namespace fjord::group
