#include "kafka/server/handlers/offset_fetch.h"

#include <map>
#include <utility>

namespace fjord::kafka {
namespace {

using response_partition = offset_fetch_response::topic::partition;

response_partition to_wire(const group::fetched_offset& f) {
    return {.partition_index = f.partition,
            .committed_offset = f.offset,
            .committed_leader_epoch = f.leader_epoch,  // v5+
            .metadata = f.metadata,
            .error_code = f.error_code};
}

// Nothing committed (Kafka's INVALID_OFFSET, NO_METADATA), with `error`.
response_partition uncommitted(int32_t partition, int16_t error) {
    return {.partition_index = partition, .committed_offset = -1, .committed_leader_epoch = -1, .metadata = "",
            .error_code = error};
}

}  // namespace

boost::asio::awaitable<handler_result> offset_fetch_handler::handle(request_context ctx, offset_fetch_request req) {
    ctx.logger->debug("{} OffsetFetch v{} from client '{}': group '{}', {} topics{}", ctx.peer, ctx.api_version,
                      ctx.client_id, req.group_id, req.topics ? std::to_string(req.topics->size()) : "all",
                      req.require_stable ? " (require stable)" : "");
    // v0-1 cannot send null topics (the decoder refuses it); v2+ null = every committed offset.
    std::optional<std::vector<group::requested_partitions>> which;
    if (req.topics) {
        which.emplace();
        for (const auto& t : *req.topics) {
            which->push_back({.topic = t.name, .partitions = t.partition_indexes});
        }
    }
    const auto r = ctx.groups->fetch_offsets(req.group_id, which, req.require_stable);  // require_stable: v7+

    offset_fetch_response resp;
    resp.error_code = r.error_code;  // v2+
    if (r.error_code != group::err::none) {
        // Kafka's error answer: v2+ only the top-level error; v0-1 have none, so every
        // requested partition carries it.
        if (ctx.api_version < 2 && req.topics) {
            for (const auto& t : *req.topics) {
                auto& tr = resp.topics.emplace_back();
                tr.name = t.name;
                for (int32_t p : t.partition_indexes) {
                    tr.partitions.push_back(uncommitted(p, r.error_code));
                }
            }
        }
        co_return respond(ctx, resp);
    }

    if (req.topics) {
        // Answer in request order; a requested partition the coordinator did not answer has
        // nothing committed.
        std::map<std::pair<std::string_view, int32_t>, const group::fetched_offset*> found;
        for (const auto& f : r.offsets) {
            found.emplace(std::pair<std::string_view, int32_t>{f.topic, f.partition}, &f);
        }
        for (const auto& t : *req.topics) {
            auto& tr = resp.topics.emplace_back();
            tr.name = t.name;
            for (int32_t p : t.partition_indexes) {
                auto it = found.find({t.name, p});
                tr.partitions.push_back(it != found.end() ? to_wire(*it->second) : uncommitted(p, group::err::none));
            }
        }
    } else {
        // Every committed offset, grouped by topic (topics in order of first appearance).
        std::map<std::string_view, size_t> topic_index;
        for (const auto& f : r.offsets) {
            auto [it, inserted] = topic_index.emplace(f.topic, resp.topics.size());
            if (inserted) {
                resp.topics.emplace_back().name = f.topic;
            }
            resp.topics[it->second].partitions.push_back(to_wire(f));
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
