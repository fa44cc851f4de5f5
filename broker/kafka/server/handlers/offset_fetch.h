// OffsetFetch (key 9): committed offsets from the group coordinator (v2+: null topics = all).
// A translation between the wire structs and group::coordinator (ctx.groups); the
// semantics live in the coordinator.
#pragma once

#include "kafka/server/request_context.h"

namespace fjord::kafka {

struct offset_fetch_handler {
    using request_type = offset_fetch_request;
    static constexpr int16_t key = request_type::key;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 7;
    static_assert(min_version >= request_type::version_min && max_version <= request_type::version_max);
    static boost::asio::awaitable<handler_result> handle(request_context ctx, request_type req);
};

}  // namespace fjord::kafka
