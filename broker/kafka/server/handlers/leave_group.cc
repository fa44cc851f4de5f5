#include "kafka/server/handlers/leave_group.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> leave_group_handler::handle(request_context ctx, leave_group_request req) {
    const bool batch = ctx.api_version >= 3;
    ctx.logger->debug("{} LeaveGroup v{} from client '{}': group '{}', {} members", ctx.peer, ctx.api_version,
                      ctx.client_id, req.group_id, batch ? req.members.size() : 1);
    leave_group_response resp;
    std::vector<group::leave_member> members;
    if (batch) {
        members.reserve(req.members.size());
        for (const auto& m : req.members) {
            members.push_back({.member_id = m.member_id, .group_instance_id = m.group_instance_id});
        }
    } else {
        members.push_back({.member_id = req.member_id, .group_instance_id = std::nullopt});
    }
    const auto r = ctx.groups->leave(req.group_id, members);
    resp.error_code = r.error_code;
    if (r.error_code != group::err::none) {
        co_return respond(ctx, resp);  // a group-level failure: no per-member answers
    }
    FJORD_ASSERT(r.member_errors.size() == members.size(), "the coordinator answers every member");
    if (!batch) {
        // v0-2 answer only one error: the member's own.
        resp.error_code = r.member_errors.front();
        co_return respond(ctx, resp);
    }
    resp.members.reserve(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
        resp.members.push_back({.member_id = std::move(members[i].member_id),
                                .group_instance_id = std::move(members[i].group_instance_id),
                                .error_code = r.member_errors[i]});
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
