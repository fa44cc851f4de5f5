#include "kafka/server/handlers/list_offsets.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> list_offsets_handler::handle(request_context ctx, list_offsets_request req) {
    ctx.logger->debug("{} ListOffsets v{} from client '{}': {} topics", ctx.peer, ctx.api_version, ctx.client_id,
                      req.topics.size());
    list_offsets_response resp;
    for (const auto& t : req.topics) {
        auto& tr = resp.topics.emplace_back();
        tr.name = t.name;
        for (const auto& p : t.partitions) {
            auto& pr = tr.partitions.emplace_back();
            pr.partition_index = p.partition_index;
            cluster::topic_partition tp{t.name, partition_id(p.partition_index)};
            auto o = ctx.cluster->offsets(tp);
            if (!o) {
                pr.error_code = kafka_error_code(o.error());
                continue;
            }
            int64_t found = -1;
            int64_t ts = -1;
            if (p.timestamp == -1) {
                found = o->high_watermark.value();  // latest (= LSO too: no transactions)
            } else if (p.timestamp == -2) {
                found = o->log_start_offset.value();
            } else {
                auto l = ctx.cluster->offset_for_timestamp(tp, p.timestamp);
                if (!l) {
                    pr.error_code = kafka_error_code(l.error());
                    continue;
                }
                if (*l && (*l)->found < o->high_watermark) {
                    found = (*l)->found.value();
                    ts = (*l)->timestamp;
                }
            }
            pr.offset = found;
            pr.timestamp = ts;
            if (found >= 0) {
                pr.old_style_offsets.push_back(found);
            }
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
