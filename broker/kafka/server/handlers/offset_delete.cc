#include "kafka/server/handlers/offset_delete.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> offset_delete_handler::handle(request_context ctx, offset_delete_request req) {
    ctx.logger->debug("{} OffsetDelete v{} from client '{}': group '{}', {} topics", ctx.peer, ctx.api_version,
                      ctx.client_id, req.group_id, req.topics.size());
    std::vector<group::topic_partitions> which;
    which.reserve(req.topics.size());
    for (const auto& t : req.topics) {
        auto& tp = which.emplace_back();
        tp.topic = t.name;
        for (const auto& p : t.partitions) {
            tp.partitions.push_back(p.partition_index);
        }
    }
    auto r = co_await ctx.groups->delete_offsets(std::move(req.group_id), std::move(which));
    offset_delete_response resp;
    resp.error_code = r.error_code;
    if (r.error_code != group::err::none) {
        co_return respond(ctx, resp);  // Kafka's error answer: the top-level error only
    }
    for (auto& [tp, errors] : r.partition_errors) {
        auto& tr = resp.topics.emplace_back();
        tr.name = std::move(tp.topic);
        FJORD_ASSERT(errors.size() == tp.partitions.size(), "the coordinator answers every partition");
        for (size_t i = 0; i < tp.partitions.size(); ++i) {
            tr.partitions.push_back({.partition_index = tp.partitions[i], .error_code = errors[i]});
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
