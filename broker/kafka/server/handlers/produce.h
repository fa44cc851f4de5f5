// Produce (key 0), v0-7. v3+ carries exactly one RecordBatch v2 per partition. v0-2 may
// also carry a legacy message set (magic 0 or 1), which is up-converted to one v2 batch
// (record/legacy_convert.h) before it is appended, so the log only ever holds magic 2 and
// every consumer reads it normally. docs/protocol-support.md lists the error codes.
#pragma once

#include "kafka/server/request_context.h"

namespace fjord::kafka {

struct produce_handler {
    using request_type = produce_request;
    static constexpr int16_t key = request_type::key;
    // v0-2 for legacy clients (Sarama's default config, kafka-python api_version < 0.11,
    // librdkafka with an old broker.version.fallback). Including v0 also makes librdkafka
    // 2.0.2 compress at all: it uses gzip/snappy/lz4 only if the range overlaps [0,0].
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 7;
    static_assert(min_version >= request_type::version_min && max_version <= request_type::version_max);
    static boost::asio::awaitable<handler_result> handle(request_context ctx, request_type req);
};

}  // namespace fjord::kafka
