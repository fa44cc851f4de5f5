#include "kafka/server/handlers/delete_records.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> delete_records_handler::handle(request_context ctx, delete_records_request req) {
    ctx.logger->debug("{} DeleteRecords v{} from client '{}': {} topics", ctx.peer, ctx.api_version,
                      ctx.client_id, req.topics.size());
    delete_records_response resp;
    for (const auto& t : req.topics) {
        auto& tr = resp.topics.emplace_back();
        tr.name = t.name;
        for (const auto& p : t.partitions) {
            if (group::is_internal_topic(t.name)) {
                tr.partitions.push_back({.partition_index = p.partition_index,
                                         .low_watermark = -1,
                                         .error_code = error_code::invalid_topic_exception});
                continue;
            }
            auto r = ctx.cluster->delete_records({t.name, partition_id(p.partition_index)}, offset(p.offset));
            tr.partitions.push_back({.partition_index = p.partition_index,
                                     .low_watermark = r ? r->value() : -1,
                                     .error_code = r ? error_code::none : kafka_error_code(r.error())});
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
