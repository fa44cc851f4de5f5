#include "kafka/server/handlers/create_partitions.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> create_partitions_handler::handle(request_context ctx,
                                                                         create_partitions_request req) {
    ctx.logger->debug("{} CreatePartitions v{} from client '{}': {} topics", ctx.peer, ctx.api_version,
                      ctx.client_id, req.topics.size());
    create_partitions_response resp;
    for (const auto& t : req.topics) {
        auto& tr = resp.results.emplace_back();
        tr.name = t.name;
        if (group::is_internal_topic(t.name)) {
            tr.error_code = error_code::invalid_topic_exception;  // groups are hashed over its partitions
            tr.error_message = "internal topics cannot be changed";
            continue;
        }
        if (t.assignments && !t.assignments->empty()) {
            tr.error_code = 39;  // INVALID_REPLICA_ASSIGNMENT
            tr.error_message = "manual replica assignment is not supported";
            continue;
        }
        auto r = ctx.cluster->create_partitions(t.name, t.count, req.validate_only);
        tr.error_code = r ? error_code::none : kafka_error_code(r.error());
        if (!r) {
            tr.error_message = r.error().message();
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
