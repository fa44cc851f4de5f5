// The Kafka error codes the group coordinator answers with (facts sheet §5). The group
// coordinator speaks Kafka's error space directly: every outcome it produces is one of
// these, so there is nothing to map.
#pragma once

#include <cstdint>

namespace fjord::group::err {

inline constexpr int16_t none = 0;
inline constexpr int16_t unknown_server_error = -1;
inline constexpr int16_t unknown_topic_or_partition = 3;
inline constexpr int16_t offset_metadata_too_large = 12;
inline constexpr int16_t coordinator_load_in_progress = 14;
inline constexpr int16_t coordinator_not_available = 15;
inline constexpr int16_t not_coordinator = 16;
inline constexpr int16_t request_timed_out = 7;
inline constexpr int16_t illegal_generation = 22;
inline constexpr int16_t invalid_commit_offset_size = 28;
inline constexpr int16_t inconsistent_group_protocol = 23;
inline constexpr int16_t invalid_group_id = 24;
inline constexpr int16_t unknown_member_id = 25;
inline constexpr int16_t invalid_session_timeout = 26;
inline constexpr int16_t rebalance_in_progress = 27;
inline constexpr int16_t invalid_request = 42;
inline constexpr int16_t kafka_storage_error = 56;
inline constexpr int16_t non_empty_group = 68;
inline constexpr int16_t group_id_not_found = 69;
inline constexpr int16_t member_id_required = 79;
inline constexpr int16_t group_max_size_reached = 81;
inline constexpr int16_t fenced_instance_id = 82;
inline constexpr int16_t group_subscribed_to_topic = 86;

}  // namespace fjord::group::err
