#include "kafka/server/handlers/produce.h"

#include "record/batch.h"

namespace fjord::kafka {
namespace {

// Facts §3.4: each partition carries exactly one magic-2 batch; zstd needs Produce v7.
int16_t check_one_batch(const std::optional<bytes>& records, int16_t version) {
    if (!records || records->empty()) {
        return error_code::invalid_record;
    }
    auto h = record::read_header(*records);
    if (!h) {
        return h.error() == make_error_code(record::errc::bad_magic) ? error_code::invalid_record
                                                                      : error_code::corrupt_message;
    }
    if (h->size_bytes() < records->size()) {
        return error_code::invalid_record;  // more than one batch
    }
    if (h->size_bytes() > records->size()) {
        return error_code::corrupt_message;  // truncated
    }
    if (h->compression_type() == record::compression::zstd && version < 7) {
        return 76;  // UNSUPPORTED_COMPRESSION_TYPE
    }
    return error_code::none;
}

}  // namespace

boost::asio::awaitable<handler_result> produce_handler::handle(request_context ctx, produce_request req) {
    ctx.logger->debug("{} Produce v{} from client '{}': acks={} {} topics", ctx.peer, ctx.api_version,
                      ctx.client_id, req.acks, req.topics.size());
    produce_response resp;
    for (auto& topic : req.topics) {
        auto& tr = resp.responses.emplace_back();
        tr.name = topic.name;
        for (auto& p : topic.partitions) {
            auto& pr = tr.partitions.emplace_back();
            pr.partition_index = p.partition_index;
            pr.base_offset = -1;
            pr.error_code = check_one_batch(p.records, ctx.api_version);
            if (pr.error_code != error_code::none) {
                continue;
            }
            cluster::topic_partition tp{topic.name, partition_id(p.partition_index)};
            auto r = ctx.cluster->produce(tp, std::span<std::byte>(*p.records), req.acks);
            if (!r) {
                pr.error_code = kafka_error_code(r.error());
                ctx.logger->debug("[{}] produce refused: {}", tp.dir_name(), r.error().message());
                continue;
            }
            pr.base_offset = r->base_offset.value();
            pr.log_append_time_ms = r->log_append_time;
            pr.log_start_offset = r->log_start_offset.value();
        }
    }
    if (req.acks == 0) {
        co_return std::optional<net::response>{};
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
