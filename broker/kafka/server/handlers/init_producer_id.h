#pragma once

#include "kafka/server/request_context.h"

namespace fjord::kafka {

struct init_producer_id_handler {
    using request_type = init_producer_id_request;
    static constexpr int16_t key = request_type::key;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;
    static_assert(min_version >= request_type::version_min && max_version <= request_type::version_max);
    static boost::asio::awaitable<handler_result> handle(request_context ctx, request_type req);
};

}  // namespace fjord::kafka
