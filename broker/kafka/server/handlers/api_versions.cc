#include "kafka/server/handlers/api_versions.h"

#include <algorithm>

#include "kafka/server/handlers/handler.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> api_versions_handler::handle(request_context ctx, api_versions_request req) {
    ctx.logger->debug("{} ApiVersions v{} from client '{}' ({} {})", ctx.peer, ctx.api_version, ctx.client_id,
                      req.client_software_name, req.client_software_version);
    api_versions_response resp;
    for (const auto& h : handler_table()) {
        const api_info* codec = find_api(h.key);
        if (codec == nullptr) {
            continue;
        }
        const int16_t lo = std::max(h.min_version, codec->version_min);
        const int16_t hi = std::min(h.max_version, codec->version_max);
        if (lo <= hi) {
            resp.api_keys.push_back({.api_key = h.key, .min_version = lo, .max_version = hi});
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
