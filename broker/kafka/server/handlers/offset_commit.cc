#include "kafka/server/handlers/offset_commit.h"

#include "base/assert.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> offset_commit_handler::handle(request_context ctx, offset_commit_request req) {
    ctx.logger->debug("{} OffsetCommit v{} from client '{}': group '{}' member '{}' generation {}, {} topics",
                      ctx.peer, ctx.api_version, ctx.client_id, req.group_id, req.member_id, req.generation_id,
                      req.topics.size());
    // v0 has no generation or member on the wire: they decode as -1 and "" (a simple
    // commit). retention_time_ms (v2-4) and commit_timestamp (v1) are ignored, as in Kafka.
    offset_commit_response resp;
    group::commit_request cr;
    cr.group_id = req.group_id;
    cr.generation_id = req.generation_id;
    cr.member_id = req.member_id;
    cr.group_instance_id = req.group_instance_id;  // v7+
    for (const auto& t : req.topics) {
        auto& tr = resp.topics.emplace_back();
        tr.name = t.name;
        for (const auto& p : t.partitions) {
            tr.partitions.push_back({.partition_index = p.partition_index, .error_code = group::err::none});
            cr.partitions.push_back({.topic = t.name,
                                     .partition = p.partition_index,
                                     .offset = p.committed_offset,
                                     .leader_epoch = p.committed_leader_epoch,  // v6+; -1 before
                                     .metadata = p.committed_metadata});
        }
    }
    const size_t count = cr.partitions.size();
    const auto errors = co_await ctx.groups->commit_offsets(std::move(cr));
    // Invariant: one error per partition, in request order (coordinator.h).
    FJORD_ASSERT(errors.size() == count, "coordinator answered {} errors for {} partitions", errors.size(), count);
    size_t i = 0;
    for (auto& tr : resp.topics) {
        for (auto& pr : tr.partitions) {
            pr.error_code = errors[i++];
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
