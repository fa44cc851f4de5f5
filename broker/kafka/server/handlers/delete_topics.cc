#include "kafka/server/handlers/delete_topics.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> delete_topics_handler::handle(request_context ctx, delete_topics_request req) {
    ctx.logger->debug("{} DeleteTopics v{} from client '{}': {} topics", ctx.peer, ctx.api_version, ctx.client_id,
                      req.topic_names.size());
    delete_topics_response resp;
    for (const auto& name : req.topic_names) {
        if (group::is_internal_topic(name)) {
            resp.responses.push_back({.name = name, .error_code = error_code::invalid_topic_exception});
            continue;
        }
        auto r = ctx.cluster->delete_topic(name);
        resp.responses.push_back({.name = name, .error_code = r ? error_code::none : kafka_error_code(r.error())});
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
