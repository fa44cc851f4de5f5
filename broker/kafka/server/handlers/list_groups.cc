#include "kafka/server/handlers/list_groups.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> list_groups_handler::handle(request_context ctx, list_groups_request req) {
    ctx.logger->debug("{} ListGroups v{} from client '{}': {} state filters", ctx.peer, ctx.api_version,
                      ctx.client_id, req.states_filter.size());
    // v4 states filter (empty = all). Names are Kafka's, matched case-insensitively; a name
    // we do not know matches no group.
    std::optional<std::vector<group::group_state>> states;
    if (!req.states_filter.empty()) {
        states.emplace();
        for (const auto& name : req.states_filter) {
            if (auto s = group::parse_group_state(name)) {
                states->push_back(*s);
            }
        }
    }
    auto [error, groups] = ctx.groups->list_groups(states);
    list_groups_response resp;
    resp.error_code = error;
    for (auto& g : groups) {
        resp.groups.push_back({.group_id = std::move(g.group_id),
                               .protocol_type = std::move(g.protocol_type),
                               .group_state = std::string(group::to_string(g.state))});  // v4+
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
