// Fetch is the one handler that encodes its response by hand: the records of each
// partition are file ranges (net/ sends them with sendfile), spliced between byte chunks
// the writer builds. Only non-flexible versions (4-11) are served, so the layout is the
// classic one of fetch.schema.
#include "kafka/server/handlers/fetch.h"

#include <algorithm>
#include <chrono>

namespace fjord::kafka {
namespace {

struct partition_answer {
    int32_t partition = 0;
    int16_t error = 0;
    int64_t high_watermark = -1;
    int64_t log_start_offset = -1;
    std::vector<storage::read_slice> slices;
    uint64_t bytes = 0;
};

struct topic_answer {
    std::string topic;
    std::vector<partition_answer> partitions;
};

// Reads every requested partition once; returns the bytes gathered.
uint64_t read_all(const request_context& ctx, const fetch_request& req, std::vector<topic_answer>& out) {
    out.clear();
    uint64_t total = 0;
    const uint64_t max_total = req.max_bytes > 0 ? static_cast<uint64_t>(req.max_bytes) : 0;
    for (const auto& t : req.topics) {
        auto& ta = out.emplace_back();
        ta.topic = t.topic;
        for (const auto& p : t.partitions) {
            auto& pa = ta.partitions.emplace_back();
            pa.partition = p.partition;
            cluster::topic_partition tp{t.topic, partition_id(p.partition)};
            // The first partition with data always gets at least one whole batch (KIP-74);
            // later ones only what is left of max_bytes.
            uint64_t budget = static_cast<uint64_t>(std::max(p.partition_max_bytes, 0));
            if (total > 0) {
                budget = std::min(budget, max_total > total ? max_total - total : 0);
                if (budget == 0) {
                    auto o = ctx.cluster->offsets(tp);
                    if (!o) {
                        pa.error = kafka_error_code(o.error());
                    } else {
                        pa.high_watermark = o->high_watermark.value();
                        pa.log_start_offset = o->log_start_offset.value();
                    }
                    continue;
                }
            }
            auto r = ctx.cluster->fetch(tp, offset(p.fetch_offset), std::max<uint64_t>(budget, 1));
            if (!r) {
                pa.error = kafka_error_code(r.error());
                auto o = ctx.cluster->offsets(tp);
                if (o) {
                    pa.high_watermark = o->high_watermark.value();
                    pa.log_start_offset = o->log_start_offset.value();
                }
                continue;
            }
            pa.high_watermark = r->high_watermark.value();
            pa.log_start_offset = r->log_start_offset.value();
            pa.slices = std::move(r->slices);
            pa.bytes = r->total_bytes;
            total += pa.bytes;
        }
    }
    return total;
}

void flush_writer(writer& w, net::response& out) {
    out.chunks.emplace_back(std::move(w).take());
    w = writer();
}

net::response encode(const request_context& ctx, const fetch_request& req, const std::vector<topic_answer>& answers) {
    const int16_t v = ctx.api_version;
    net::response out;
    writer w;
    encode_response_header(w, ctx.correlation_id, ctx.api_key, v);
    w.write_int<int32_t>(0);  // throttle_time_ms
    if (v >= 7) {
        w.write_int<int16_t>(error_code::none);
        w.write_int<int32_t>(0);  // session_id: no fetch sessions
    }
    w.write_array_length(static_cast<int64_t>(answers.size()), false);
    for (const auto& t : answers) {
        w.write_string(t.topic, false);
        w.write_array_length(static_cast<int64_t>(t.partitions.size()), false);
        for (const auto& p : t.partitions) {
            w.write_int<int32_t>(p.partition);
            w.write_int<int16_t>(p.error);
            w.write_int<int64_t>(p.high_watermark);
            w.write_int<int64_t>(p.high_watermark);  // last_stable_offset: no transactions
            if (v >= 5) {
                w.write_int<int64_t>(p.log_start_offset);
            }
            // aborted_transactions: null for read_uncommitted, empty for read_committed.
            w.write_array_length(req.isolation_level == 0 ? -1 : 0, false);
            if (v >= 11) {
                w.write_int<int32_t>(-1);  // preferred_read_replica
            }
            w.write_int<int32_t>(static_cast<int32_t>(p.bytes));  // records size; never null
            if (p.bytes > 0) {
                flush_writer(w, out);
                for (const auto& s : p.slices) {
                    out.chunks.emplace_back(net::file_chunk{.fd = s.native_handle(),
                                                            .offset = s.position,
                                                            .length = s.length,
                                                            .keepalive = s.seg});
                }
            }
        }
    }
    flush_writer(w, out);
    return out;
}

}  // namespace

boost::asio::awaitable<handler_result> fetch_handler::handle(request_context ctx, fetch_request req) {
    ctx.logger->debug("{} Fetch v{} from client '{}': {} topics, max_wait={}ms min_bytes={}", ctx.peer,
                      ctx.api_version, ctx.client_id, req.topics.size(), req.max_wait_ms, req.min_bytes);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
    std::vector<topic_answer> answers;
    for (;;) {
        const uint64_t seen = ctx.cluster->append_sequence();
        const uint64_t total = read_all(ctx, req, answers);
        bool any_error = false;
        for (const auto& t : answers) {
            for (const auto& p : t.partitions) {
                any_error = any_error || p.error != error_code::none;
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (any_error || total >= static_cast<uint64_t>(std::max(req.min_bytes, 0)) ||
            now >= deadline) {
            break;
        }
        co_await ctx.cluster->wait_for_append(
            seen, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + std::chrono::milliseconds(1));
    }
    co_return encode(ctx, req, answers);
}

}  // namespace fjord::kafka
