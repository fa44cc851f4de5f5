#include "kafka/server/handlers/find_coordinator.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> find_coordinator_handler::handle(request_context ctx,
                                                                        find_coordinator_request req) {
    ctx.logger->debug("{} FindCoordinator v{} from client '{}': key '{}' type {}", ctx.peer, ctx.api_version,
                      ctx.client_id, req.coordinator_key, req.key_type);
    // v0 has no key_type on the wire: it decodes as 0 (group).
    const auto loc = ctx.groups->find_coordinator(req.coordinator_key, req.key_type);
    find_coordinator_response resp;
    resp.error_code = loc.error_code;
    if (!loc.error_message.empty()) {
        resp.error_message = loc.error_message;  // v1+; null when there is nothing to say
    }
    resp.node_id = loc.node_id;
    resp.host = loc.host;
    resp.port = loc.port;
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
