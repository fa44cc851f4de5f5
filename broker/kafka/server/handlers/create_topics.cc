#include "kafka/server/handlers/create_topics.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> create_topics_handler::handle(request_context ctx, create_topics_request req) {
    ctx.logger->debug("{} CreateTopics v{} from client '{}': {} topics{}", ctx.peer, ctx.api_version,
                      ctx.client_id, req.topics.size(), req.validate_only ? " (validate only)" : "");
    create_topics_response resp;
    for (const auto& t : req.topics) {
        auto& tr = resp.topics.emplace_back();
        tr.name = t.name;
        if (group::is_internal_topic(t.name)) {
            tr.error_code = error_code::invalid_topic_exception;
            tr.error_message = "internal topics are created by the broker";
            continue;
        }
        if (!t.assignments.empty()) {
            tr.error_code = 39;  // INVALID_REPLICA_ASSIGNMENT: one node places every replica itself
            tr.error_message = "manual replica assignment is not supported";
            continue;
        }
        cluster::topic_entry spec{.name = t.name,
                                  .partitions = t.num_partitions,
                                  .replication_factor = t.replication_factor,
                                  .configs = {}};
        for (const auto& c : t.configs) {
            if (c.value) {
                spec.configs[c.name] = *c.value;
            }
        }
        auto r = ctx.cluster->create_topic(std::move(spec), req.validate_only);
        tr.error_code = r ? error_code::none : kafka_error_code(r.error());
        if (!r) {
            tr.error_message = r.error().message();
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
