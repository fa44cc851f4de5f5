#include "kafka/server/handlers/join_group.h"

#include <string_view>

namespace fjord::kafka {
namespace {

// Kafka reports a member's host as InetAddress.toString of the peer with no host name:
// "/" + the IP. ctx.peer is "ip:port" or "[ipv6]:port".
std::string client_host(std::string_view peer) {
    if (const auto colon = peer.rfind(':'); colon != std::string_view::npos) {
        peer = peer.substr(0, colon);
    }
    if (peer.size() >= 2 && peer.front() == '[' && peer.back() == ']') {
        peer = peer.substr(1, peer.size() - 2);
    }
    return "/" + std::string(peer);
}

}  // namespace

boost::asio::awaitable<handler_result> join_group_handler::handle(request_context ctx, join_group_request req) {
    ctx.logger->debug("{} JoinGroup v{} from client '{}': group '{}' member '{}' ({} protocols)", ctx.peer,
                      ctx.api_version, ctx.client_id, req.group_id, req.member_id, req.protocols.size());
    join_group_response resp;
    // An empty group id is refused by the coordinator (INVALID_GROUP_ID, Kafka's isValidGroupId).
    group::join_request jr;
    jr.member_id = req.member_id;
    jr.group_instance_id = req.group_instance_id;  // v5+; null before
    jr.client_id = ctx.client_id;
    jr.client_host = client_host(ctx.peer);
    jr.session_timeout_ms = req.session_timeout_ms;
    // v0 has no rebalance timeout: Kafka uses the session timeout.
    jr.rebalance_timeout_ms = ctx.api_version >= 1 ? req.rebalance_timeout_ms : req.session_timeout_ms;
    jr.protocol_type = req.protocol_type;
    jr.protocols.reserve(req.protocols.size());
    for (auto& p : req.protocols) {
        jr.protocols.push_back({.name = std::move(p.name), .metadata = std::move(p.metadata)});
    }
    jr.require_known_member_id = ctx.api_version >= 4;
    auto r = co_await ctx.groups->join(std::move(req.group_id), std::move(jr));
    resp.error_code = r.error_code;
    if (r.error_code != group::err::none) {
        // Kafka's error answer; MEMBER_ID_REQUIRED carries the id to rejoin with.
        resp.generation_id = -1;
        resp.member_id = r.member_id.empty() ? req.member_id : r.member_id;
        co_return respond(ctx, resp);
    }
    resp.generation_id = r.generation_id;
    resp.protocol_name = r.protocol_name.value_or("");  // non-nullable before v7
    resp.leader = r.leader;
    resp.member_id = r.member_id;
    resp.members.reserve(r.members.size());
    for (auto& m : r.members) {
        resp.members.push_back({.member_id = std::move(m.member_id),
                                .group_instance_id = std::move(m.group_instance_id),
                                .metadata = std::move(m.metadata)});
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
