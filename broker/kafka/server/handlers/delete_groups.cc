#include "kafka/server/handlers/delete_groups.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> delete_groups_handler::handle(request_context ctx, delete_groups_request req) {
    ctx.logger->debug("{} DeleteGroups v{} from client '{}': {} groups", ctx.peer, ctx.api_version, ctx.client_id,
                      req.groups_names.size());
    auto results = co_await ctx.groups->delete_groups(std::move(req.groups_names));
    delete_groups_response resp;
    resp.results.reserve(results.size());
    for (auto& [id, error] : results) {
        resp.results.push_back({.group_id = std::move(id), .error_code = error});
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
