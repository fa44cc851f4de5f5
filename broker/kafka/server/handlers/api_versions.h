#pragma once
// ApiVersions (18): our version ranges, from the handler registry intersected with the codec's
// api_table. An unsupported ApiVersions version is answered by the dispatcher (facts §2.2).

#include "kafka/server/request_context.h"

namespace fjord::kafka {

struct api_versions_handler {
    using request_type = api_versions_request;
    static constexpr int16_t key = request_type::key;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static_assert(min_version >= request_type::version_min && max_version <= request_type::version_max);
    static boost::asio::awaitable<handler_result> handle(request_context ctx, request_type req);
};

}  // namespace fjord::kafka
