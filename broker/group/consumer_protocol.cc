// consumer_protocol: Subscription and Assignment of the "consumer" protocol, classic
// big-endian encoding (Kafka's clients/src/main/resources/common/message/
// ConsumerProtocolSubscription.json and ConsumerProtocolAssignment.json, v0-3).
//
//   subscription := version:int16 topics:[string] user_data:nullable_bytes
//                   owned_partitions:[topic:string partitions:[int32]]   (v1+)
//                   generation_id:int32                                  (v2+)
//                   rack_id:nullable_string                              (v3+)
//   assignment   := version:int16 partitions:[topic:string partitions:[int32]]
//                   user_data:nullable_bytes
//
// Like Kafka's ConsumerProtocol, a version above 3 is read with the v3 layout and a
// negative version is an error.
#include "group/consumer_protocol.h"

#include <algorithm>
#include <utility>

#include "base/errc.h"
#include "kafka/protocol/reader.h"
#include "kafka/protocol/writer.h"

namespace fjord::group {
namespace {

constexpr bool classic = false;   // non-flexible encoding throughout
constexpr int16_t highest_known = 3;

// Smallest encodings, for the reader's array-count checks.
constexpr size_t min_string_bytes = 2;
constexpr size_t min_int32_bytes = 4;
constexpr size_t min_topic_partitions_bytes = 2 + 4;  // empty topic, empty partition array

// Moves a successful read into `out`, or passes its error on.
template<typename T>
result<void> read_into(result<T> r, T& out) {
    if (!r) {
        return r.error();
    }
    out = std::move(*r);
    return ok();
}

// The version prefix; returns the layout version to read (min(version, 3)).
result<int16_t> read_version(kafka::reader& r, int16_t& version) {
    FJORD_TRY(read_into(r.read_int<int16_t>(), version));
    if (version < 0) {
        return errc::invalid_argument;
    }
    return std::min(version, highest_known);
}

result<void> read_topics(kafka::reader& r, std::vector<std::string>& out) {
    int32_t n = 0;
    FJORD_TRY(read_into(r.read_array_length(classic, /*nullable=*/false, min_string_bytes), n));
    out.reserve(static_cast<size_t>(n));  // bounded by the reader's length check
    for (int32_t i = 0; i < n; ++i) {
        std::string topic;
        FJORD_TRY(read_into(r.read_string(classic), topic));
        out.push_back(std::move(topic));
    }
    return ok();
}

result<void> read_partitions(kafka::reader& r, std::vector<int32_t>& out) {
    int32_t n = 0;
    FJORD_TRY(read_into(r.read_array_length(classic, /*nullable=*/false, min_int32_bytes), n));
    out.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        int32_t p = 0;
        FJORD_TRY(read_into(r.read_int<int32_t>(), p));
        out.push_back(p);
    }
    return ok();
}

result<void> read_topic_partitions(kafka::reader& r, std::vector<topic_partitions>& out) {
    int32_t n = 0;
    FJORD_TRY(read_into(r.read_array_length(classic, /*nullable=*/false, min_topic_partitions_bytes), n));
    out.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        topic_partitions tp;
        FJORD_TRY(read_into(r.read_string(classic), tp.topic));
        FJORD_TRY(read_partitions(r, tp.partitions));
        out.push_back(std::move(tp));
    }
    return ok();
}

void write_topic_partitions(kafka::writer& w, const std::vector<topic_partitions>& tps) {
    w.write_array_length(static_cast<int64_t>(tps.size()), classic);
    for (const auto& tp : tps) {
        w.write_string(tp.topic, classic);
        w.write_array_length(static_cast<int64_t>(tp.partitions.size()), classic);
        for (int32_t p : tp.partitions) {
            w.write_int<int32_t>(p);
        }
    }
}

}  // namespace

result<subscription> parse_subscription(bytes_view data) {
    kafka::reader r(data);
    subscription s;
    auto layout = read_version(r, s.version);
    if (!layout) {
        return layout.error();
    }
    FJORD_TRY(read_topics(r, s.topics));
    FJORD_TRY(read_into(r.read_nullable_bytes(classic), s.user_data));
    if (*layout >= 1) {
        FJORD_TRY(read_topic_partitions(r, s.owned_partitions));
    }
    if (*layout >= 2) {
        FJORD_TRY(read_into(r.read_int<int32_t>(), s.generation_id));
    }
    if (*layout >= 3) {
        FJORD_TRY(read_into(r.read_nullable_string(classic), s.rack_id));
    }
    return s;  // trailing bytes: fields of a newer version, ignored
}

bytes encode_subscription(const subscription& s) {
    kafka::writer w;
    w.write_int<int16_t>(s.version);
    w.write_array_length(static_cast<int64_t>(s.topics.size()), classic);
    for (const auto& t : s.topics) {
        w.write_string(t, classic);
    }
    w.write_nullable_bytes(s.user_data, classic);
    if (s.version >= 1) {
        write_topic_partitions(w, s.owned_partitions);
    }
    if (s.version >= 2) {
        w.write_int<int32_t>(s.generation_id);
    }
    if (s.version >= 3) {
        w.write_nullable_string(s.rack_id, classic);
    }
    return std::move(w).take();
}

result<assignment> parse_assignment(bytes_view data) {
    assignment a;
    if (data.empty()) {
        return a;  // "nothing assigned" (what a leader sends for a member it gives nothing)
    }
    kafka::reader r(data);
    auto layout = read_version(r, a.version);
    if (!layout) {
        return layout.error();
    }
    // v0-3 share one layout (v1-3 only mark what the matching Subscription carries).
    FJORD_TRY(read_topic_partitions(r, a.partitions));
    FJORD_TRY(read_into(r.read_nullable_bytes(classic), a.user_data));
    return a;  // trailing bytes ignored
}

bytes encode_assignment(const assignment& a) {
    kafka::writer w;
    w.write_int<int16_t>(a.version);
    write_topic_partitions(w, a.partitions);
    w.write_nullable_bytes(a.user_data, classic);
    return std::move(w).take();
}

}  // namespace fjord::group
