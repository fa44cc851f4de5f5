#include "kafka/server/handlers/sync_group.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> sync_group_handler::handle(request_context ctx, sync_group_request req) {
    ctx.logger->debug("{} SyncGroup v{} from client '{}': group '{}' member '{}' generation {} ({} assignments)",
                      ctx.peer, ctx.api_version, ctx.client_id, req.group_id, req.member_id, req.generation_id,
                      req.assignments.size());
    sync_group_response resp;
    group::sync_request sr;
    sr.member_id = std::move(req.member_id);
    sr.group_instance_id = std::move(req.group_instance_id);  // v3+
    sr.generation_id = req.generation_id;
    sr.assignments.reserve(req.assignments.size());
    for (auto& a : req.assignments) {
        sr.assignments.push_back({.member_id = std::move(a.member_id), .assignment = std::move(a.assignment)});
    }
    auto r = co_await ctx.groups->sync(std::move(req.group_id), std::move(sr));
    resp.error_code = r.error_code;
    resp.assignment = std::move(r.assignment);
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
