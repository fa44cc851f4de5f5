// FindCoordinator (key 10): where the group (or transaction) coordinator for a key lives.
// A translation between the wire structs and group::coordinator (ctx.groups); the
// semantics live in the coordinator.
#pragma once

#include "kafka/server/request_context.h"

namespace fjord::kafka {

struct find_coordinator_handler {
    using request_type = find_coordinator_request;
    static constexpr int16_t key = request_type::key;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 2;
    static_assert(min_version >= request_type::version_min && max_version <= request_type::version_max);
    static boost::asio::awaitable<handler_result> handle(request_context ctx, request_type req);
};

}  // namespace fjord::kafka
