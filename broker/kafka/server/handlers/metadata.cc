#include "kafka/server/handlers/metadata.h"

namespace fjord::kafka {
namespace {

metadata_response::topic describe(const cluster::local_cluster& c, const cluster::topic_entry& t) {
    metadata_response::topic out;
    out.name = t.name;
    out.error_code = error_code::none;
    out.is_internal = group::is_internal_topic(t.name);
    for (int32_t p = 0; p < t.partitions; ++p) {
        out.partitions.push_back({.error_code = error_code::none,
                                  .partition_index = p,
                                  .leader_id = c.node_id(),
                                  .replica_nodes = {c.node_id()},
                                  .isr_nodes = {c.node_id()},
                                  .offline_replicas = {}});
    }
    return out;
}

}  // namespace

boost::asio::awaitable<handler_result> metadata_handler::handle(request_context ctx, metadata_request req) {
    auto& c = *ctx.cluster;
    ctx.logger->debug("{} Metadata v{} from client '{}': {} topics", ctx.peer, ctx.api_version, ctx.client_id,
                      req.topics ? std::to_string(req.topics->size()) : std::string("all"));
    metadata_response resp;
    resp.brokers.push_back({.node_id = c.node_id(),
                            .host = c.config().advertised_host,
                            .port = c.config().advertised_port,
                            .rack = std::nullopt});
    resp.cluster_id = c.cluster_id();
    resp.controller_id = c.node_id();
    // v0: an empty list means every topic; v1+: null means every topic.
    const bool all = !req.topics || (ctx.api_version == 0 && req.topics->empty());
    if (all) {
        for (const auto& t : c.list_topics()) {
            resp.topics.push_back(describe(c, t));
        }
        co_return respond(ctx, resp);
    }
    const bool may_create = c.config().auto_create_topics && (ctx.api_version < 4 || req.allow_auto_topic_creation);
    for (const auto& rt : *req.topics) {
        auto t = c.find_topic(rt.name);
        if (!t && may_create && !group::is_internal_topic(rt.name)) {
            auto r = c.create_topic({.name = rt.name, .partitions = -1, .replication_factor = -1, .configs = {}});
            if (!r && r.error() != make_error_code(cluster::errc::topic_already_exists)) {
                metadata_response::topic e;
                e.name = rt.name;
                e.error_code = kafka_error_code(r.error());
                resp.topics.push_back(std::move(e));
                continue;
            }
            ctx.logger->info("auto-created topic {} for client '{}'", rt.name, ctx.client_id);
            t = c.find_topic(rt.name);
        }
        if (!t) {
            metadata_response::topic e;
            e.name = rt.name;
            e.error_code = error_code::unknown_topic_or_partition;
            resp.topics.push_back(std::move(e));
            continue;
        }
        resp.topics.push_back(describe(c, *t));
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
