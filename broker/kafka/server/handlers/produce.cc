// produce_handler: Produce v0-7. Checks each partition's records (one magic-2 batch on
// v3+; on v0-2 a legacy message set is up-converted first), appends through the cluster
// seam, and for acks=all answers each partition only once its batch is durable (the
// cluster's flusher, group commit). acks=0 sends no response; a failed partition then
// closes the connection, as Kafka does.
#include "kafka/server/handlers/produce.h"

#include <algorithm>
#include <chrono>
#include <variant>

#include "base/errc.h"
#include "record/batch.h"
#include "record/legacy_convert.h"
#include "record/legacy_errc.h"

namespace fjord::kafka {
namespace {

// The last Produce version that may carry a legacy (magic 0/1) message set.
inline constexpr int16_t last_legacy_version = 2;
// A legacy set may decompress to at most this many times the topic's max.message.bytes.
inline constexpr uint64_t legacy_expansion_limit = 8;

// Facts §3.4: each partition carries exactly one magic-2 batch; zstd needs Produce v7.
// Magic 0/1 here (v3+) is INVALID_RECORD, like Kafka's ProduceRequest.validateRecords;
// any other magic is CORRUPT_MESSAGE, like Kafka's batch iterator.
int16_t check_one_batch(const std::optional<bytes>& records, int16_t version) {
    if (!records || records->empty()) {
        return error_code::invalid_record;
    }
    auto h = record::read_header(*records);
    if (!h) {
        if (h.error() == make_error_code(record::errc::bad_magic) && record::looks_like_legacy_set(*records)) {
            return error_code::invalid_record;
        }
        return error_code::corrupt_message;
    }
    if (h->size_bytes() < records->size()) {
        return error_code::invalid_record;  // more than one batch
    }
    if (h->size_bytes() > records->size()) {
        return error_code::corrupt_message;  // truncated
    }
    if (h->compression_type() == record::compression::zstd && version < 7) {
        return error_code::unsupported_compression_type;
    }
    return error_code::none;
}

// The Kafka code for a refused legacy set (the shared table, kafka_error_code), except a
// set that decompresses past the bound prepare() derives from max.message.bytes.
int16_t legacy_error_code(std::error_code ec) {
    if (ec == make_error_code(record::errc::decompressed_too_large)) {
        return error_code::message_too_large;
    }
    return kafka_error_code(ec);
}

// What to append for one partition: the client's batch as it came, a v2 batch converted
// from a legacy set (Produce v0-2), or the error code that refuses it.
using prepared_records = std::variant<int16_t, std::span<std::byte>, bytes>;

prepared_records prepare(const request_context& ctx, const std::string& topic, std::optional<bytes>& records) {
    if (ctx.api_version <= last_legacy_version && records && record::looks_like_legacy_set(*records)) {
        // Conversion costs several times the decompressed size in memory, so bound it by the
        // topic's max.message.bytes before and while decompressing (the converted batch must
        // fit it anyway), not only by the storage's general decompression limit.
        auto config = ctx.cluster->describe_topic_config(topic);
        const auto& log_config = config ? config->effective : ctx.cluster->config().log_defaults;
        if (records->size() > log_config.max_message_bytes) {
            return error_code::message_too_large;
        }
        const auto limit = static_cast<size_t>(
            std::min<uint64_t>(log_config.decompress_limit_bytes, legacy_expansion_limit * log_config.max_message_bytes));
        auto converted = record::convert_legacy_message_set(*records, limit);
        if (!converted) {
            ctx.logger->debug("{} Produce v{} to '{}': legacy message set refused: {}", ctx.peer, ctx.api_version,
                              topic, converted.error().message());
            return legacy_error_code(converted.error());
        }
        ctx.logger->debug("{} Produce v{} to '{}': legacy message set ({} bytes) up-converted to a {}-byte v2 batch",
                          ctx.peer, ctx.api_version, topic, records->size(), converted->size());
        return std::move(*converted);
    }
    if (const int16_t err = check_one_batch(records, ctx.api_version); err != error_code::none) {
        return err;
    }
    return std::span<std::byte>(*records);
}

}  // namespace

boost::asio::awaitable<handler_result> produce_handler::handle(request_context ctx, produce_request req) {
    ctx.logger->debug("{} Produce v{} from client '{}': acks={} {} topics", ctx.peer, ctx.api_version,
                      ctx.client_id, req.acks, req.topics.size());
    produce_response resp;
    struct durability_wait {
        size_t topic_index;  // indices: the response vectors grow while we collect
        size_t partition_index;
        cluster::produce_result produced;
    };
    std::vector<durability_wait> awaiting_durability;
    for (auto& topic : req.topics) {
        auto& tr = resp.responses.emplace_back();
        tr.name = topic.name;
        for (auto& p : topic.partitions) {
            auto& pr = tr.partitions.emplace_back();
            pr.partition_index = p.partition_index;
            pr.base_offset = -1;
            if (group::is_internal_topic(topic.name)) {
                pr.error_code = error_code::invalid_topic_exception;  // only the coordinator writes it
                continue;
            }
            auto prepared = prepare(ctx, topic.name, p.records);
            if (const auto* err = std::get_if<int16_t>(&prepared)) {
                pr.error_code = *err;
                continue;
            }
            auto* converted = std::get_if<bytes>(&prepared);
            const std::span<std::byte> batch =
                converted ? std::span<std::byte>(*converted) : std::get<std::span<std::byte>>(prepared);
            cluster::topic_partition tp{topic.name, partition_id(p.partition_index)};
            auto r = ctx.cluster->produce(tp, batch, req.acks);
            if (!r) {
                pr.error_code = kafka_error_code(r.error());
                ctx.logger->debug("[{}] produce refused: {}", tp.dir_name(), r.error().message());
                continue;
            }
            pr.base_offset = r->base_offset.value();
            pr.log_append_time_ms = r->log_append_time;
            pr.log_start_offset = r->log_start_offset.value();
            if (req.acks == -1) {
                awaiting_durability.push_back({resp.responses.size() - 1, tr.partitions.size() - 1, std::move(*r)});
            }
        }
    }
    // acks=all: every partition's flush was started at its append, so they overlap; answer
    // each partition only once its batch is durable (group commit, docs/guarantees.md).
    // The request's timeout_ms bounds the whole wait (REQUEST_TIMED_OUT past it, as Kafka).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(req.timeout_ms);
    for (auto& w : awaiting_durability) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (req.timeout_ms > 0) {
            left = std::max(left, std::chrono::milliseconds(1));
        } else {
            left = std::chrono::milliseconds::zero();  // no timeout
        }
        if (auto d = co_await ctx.cluster->wait_durable(w.produced, left); !d) {
            auto& pr = resp.responses[w.topic_index].partitions[w.partition_index];
            pr.error_code = kafka_error_code(d.error());
            pr.base_offset = -1;
            pr.log_append_time_ms = -1;
            pr.log_start_offset = -1;
            ctx.logger->warn("[{}] acks=all produce not made durable: {}", w.produced.partition_log->name(),
                             d.error().message());
        }
    }
    if (req.acks == 0) {
        // No response; but like Kafka, close the connection when a partition failed, so the
        // client learns of it (its next request fails and it reconnects).
        for (const auto& tr : resp.responses) {
            for (const auto& pr : tr.partitions) {
                if (pr.error_code != error_code::none) {
                    ctx.logger->info("{} acks=0 produce to '{}' [{}] failed with error {}: closing the connection",
                                     ctx.peer, tr.name, pr.partition_index, pr.error_code);
                    co_return make_error_code(fjord::errc::invalid_argument);
                }
            }
        }
        co_return std::optional<net::response>{};
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
