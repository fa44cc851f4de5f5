// THE table of broker configuration keys: name (Kafka's where Kafka has one), type, default,
// allowed range and meaning. Loading validates against it, `fjord-broker --help-config`
// prints it, and docs/operations.md is kept in step by a unit test (app.ConfigDocs.*).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace fjord::app {

enum class key_type { integer, boolean, string, list };

struct config_key {
    std::string_view name;
    key_type type;
    std::string_view default_value;  // "" means unset (see the description)
    int64_t min = std::numeric_limits<int64_t>::min();  // integers only
    int64_t max = std::numeric_limits<int64_t>::max();
    std::string_view description;
};

inline constexpr int64_t long_max = std::numeric_limits<int64_t>::max();
inline constexpr int64_t int_max = std::numeric_limits<int32_t>::max();

inline constexpr std::array config_keys{
    config_key{"node.id", key_type::integer, "1", 0, int_max, "This broker's id."},
    config_key{"listeners", key_type::string, "PLAINTEXT://localhost:9092", 0, 0,
               "Where to accept Kafka clients: one PLAINTEXT://host:port. An empty host or 0.0.0.0 "
               "listens on every interface."},
    config_key{"advertised.listeners", key_type::string, "", 0, 0,
               "The PLAINTEXT://host:port clients are told to connect to (Metadata). Unset: the "
               "listener's, with localhost for an empty or 0.0.0.0 host."},
    config_key{"log.dirs", key_type::list, "/tmp/fjord-logs", 0, 0,
               "Comma-separated directories for partition logs and broker metadata (created if missing)."},
    config_key{"num.partitions", key_type::integer, "1", 1, 1000000, "Partitions of an auto-created topic."},
    config_key{"default.replication.factor", key_type::integer, "1", 1, 32767,
               "Replication factor of an auto-created topic (a single node supports 1)."},
    config_key{"min.insync.replicas", key_type::integer, "1", 1, 32767,
               "Replicas that must have a batch before acks=all is answered."},
    config_key{"log.segment.bytes", key_type::integer, "1073741824", 64, int_max,
               "A segment rolls when it would grow past this size."},
    config_key{"log.roll.ms", key_type::integer, "", 1, long_max,
               "A segment rolls when its first batch is this old. Unset: log.roll.hours."},
    config_key{"log.roll.hours", key_type::integer, "168", 1, int_max, "log.roll.ms in hours."},
    config_key{"log.retention.ms", key_type::integer, "", -1, long_max,
               "Delete segments whose newest batch is older than this; -1: no time limit. Unset: "
               "log.retention.hours."},
    config_key{"log.retention.hours", key_type::integer, "168", -1, int_max,
               "log.retention.ms in hours; -1: no time limit."},
    config_key{"log.retention.bytes", key_type::integer, "-1", -1, long_max,
               "Delete the oldest segments while a partition is larger than this; -1: no size limit."},
    config_key{"log.cleanup.policy", key_type::string, "delete", 0, 0,
               "delete (retention), compact (keep the last record per key) or compact,delete."},
    config_key{"log.index.interval.bytes", key_type::integer, "4096", 1, int_max,
               "Bytes between entries of the sparse offset and time indexes."},
    config_key{"log.flush.interval.messages", key_type::integer, "9223372036854775807", 1, long_max,
               "1: fdatasync every append before it is acknowledged. The default (Long.MAX_VALUE): "
               "never by count. Other values are not supported."},
    config_key{"log.flush.interval.ms", key_type::integer, "", 0, long_max,
               "fdatasync a log at most this long after its first unflushed append. Unset: no "
               "timed flush (the OS writes back; acks=all still syncs)."},
    config_key{"log.retention.check.interval.ms", key_type::integer, "300000", 1, long_max,
               "How often the background pass applies retention, compacts, and does timed flushes "
               "(it runs at least every log.flush.interval.ms when that is set)."},
    config_key{"message.max.bytes", key_type::integer, "1048588", 0, int_max,
               "Largest record batch a producer may send (after compression)."},
    config_key{"auto.create.topics.enable", key_type::boolean, "true", 0, 0,
               "Create a topic on first Metadata or Produce for it."},
    config_key{"socket.request.max.bytes", key_type::integer, "104857600", 1, int_max,
               "Largest request frame; a larger (or negative) size prefix closes the connection."},
    config_key{"num.io.threads", key_type::integer, "0", 0, 1024,
               "Shards: threads, each with its own event loop. 0: one per CPU core."},
    config_key{"group.min.session.timeout.ms", key_type::integer, "6000", 1, int_max,
               "Smallest session timeout a consumer group member may ask for (JoinGroup); below it: "
               "INVALID_SESSION_TIMEOUT."},
    config_key{"group.max.session.timeout.ms", key_type::integer, "1800000", 1, int_max,
               "Largest session timeout a consumer group member may ask for."},
    config_key{"group.initial.rebalance.delay.ms", key_type::integer, "3000", 0, int_max,
               "How long the first rebalance of an empty group waits for more members (each new "
               "member extends it, up to the rebalance timeout)."},
    config_key{"group.max.size", key_type::integer, "2147483647", 1, int_max,
               "Most members a consumer group may have (GROUP_MAX_SIZE_REACHED beyond)."},
    config_key{"offsets.topic.num.partitions", key_type::integer, "50", 1, 1000,
               "Partitions of __consumer_offsets when it is created (on the first group request); "
               "a group's coordinator partition is hash(group) mod this. Fixed once created."},
    config_key{"offsets.topic.segment.bytes", key_type::integer, "104857600", 1048576, int_max,
               "Segment size of __consumer_offsets (compacted) when it is created."},
    config_key{"offsets.retention.minutes", key_type::integer, "10080", 1, int_max,
               "Committed offsets of a group with no members are deleted this long after the group "
               "became empty (or after the commit, if later)."},
    config_key{"offsets.retention.check.interval.ms", key_type::integer, "600000", 1, int_max,
               "How often expired committed offsets are looked for."},
    config_key{"offset.metadata.max.bytes", key_type::integer, "4096", 0, int_max,
               "Largest metadata string of one committed offset (OFFSET_METADATA_TOO_LARGE beyond)."},
    config_key{"controller.quorum.voters", key_type::string, "", 0, 0,
               "id@host:port of the controller voters. Single node only for now: unset, or exactly "
               "this node's id."},
};

// The known key nearest to `name` (edit distance), for "did you mean" messages.
std::string_view closest_key(std::string_view name);

const config_key* find_key(std::string_view name);

}  // namespace fjord::app
