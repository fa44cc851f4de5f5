#include "kafka/server/handlers/heartbeat.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> heartbeat_handler::handle(request_context ctx, heartbeat_request req) {
    ctx.logger->trace("{} Heartbeat v{} from client '{}': group '{}' member '{}' generation {}", ctx.peer,
                      ctx.api_version, ctx.client_id, req.group_id, req.member_id, req.generation_id);
    heartbeat_response resp;
    resp.error_code = ctx.groups->heartbeat({.group_id = std::move(req.group_id),
                                             .generation_id = req.generation_id,
                                             .member_id = std::move(req.member_id),
                                             .group_instance_id = std::move(req.group_instance_id)});
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
