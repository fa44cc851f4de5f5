#include "kafka/server/handlers/describe_groups.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> describe_groups_handler::handle(request_context ctx,
                                                                       describe_groups_request req) {
    ctx.logger->debug("{} DescribeGroups v{} from client '{}': {} groups", ctx.peer, ctx.api_version, ctx.client_id,
                      req.groups.size());
    describe_groups_response resp;
    for (const auto& id : req.groups) {
        auto d = ctx.groups->describe_group(id);
        auto& g = resp.groups.emplace_back();
        g.error_code = d.error_code;
        g.group_id = id;
        g.group_state = group::to_string(d.description.state);
        g.protocol_type = std::move(d.description.protocol_type);
        g.protocol_data = std::move(d.description.protocol_name);
        for (auto& m : d.description.members) {
            g.members.push_back({.member_id = std::move(m.member_id),
                                 .group_instance_id = std::move(m.group_instance_id),  // v4+
                                 .client_id = std::move(m.client_id),
                                 .client_host = std::move(m.client_host),
                                 .member_metadata = std::move(m.metadata),
                                 .member_assignment = std::move(m.assignment)});
        }
        // v3+: no ACLs are enforced, and even when include_authorized_operations asks we
        // answer Kafka's "not provided" (INT32_MIN), the schema default.
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
