#include "kafka/server/handlers/produce.h"

#include <variant>

#include "record/batch.h"
#include "record/legacy_convert.h"
#include "record/legacy_errc.h"

namespace fjord::kafka {
namespace {

inline constexpr int16_t invalid_timestamp = 32;
inline constexpr int16_t unsupported_compression_type = 76;
// The last Produce version that may carry a legacy (magic 0/1) message set.
inline constexpr int16_t last_legacy_version = 2;

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
        return unsupported_compression_type;
    }
    return error_code::none;
}

// The Kafka code for a refused legacy set: structural rules are INVALID_RECORD, a bad
// timestamp INVALID_TIMESTAMP, damaged bytes CORRUPT_MESSAGE (legacy_errc.h), codecs 5-7
// UNSUPPORTED_COMPRESSION_TYPE.
int16_t legacy_error_code(std::error_code ec) {
    if (ec == make_error_code(record::legacy_errc::invalid_timestamp)) {
        return invalid_timestamp;
    }
    if (ec.category() == record::legacy_category()) {
        return error_code::invalid_record;
    }
    return kafka_error_code(ec);
}

// What to append for one partition: the client's batch as it came, a v2 batch converted
// from a legacy set (Produce v0-2), or the error code that refuses it.
using prepared_records = std::variant<int16_t, std::span<std::byte>, bytes>;

prepared_records prepare(const request_context& ctx, const std::string& topic, std::optional<bytes>& records) {
    if (ctx.api_version <= last_legacy_version && records && record::looks_like_legacy_set(*records)) {
        const auto limit = static_cast<size_t>(ctx.cluster->config().log_defaults.decompress_limit_bytes);
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
        cluster::topic_partition tp;
        offset end;
    };
    std::vector<durability_wait> awaiting_durability;
    for (auto& topic : req.topics) {
        auto& tr = resp.responses.emplace_back();
        tr.name = topic.name;
        for (auto& p : topic.partitions) {
            auto& pr = tr.partitions.emplace_back();
            pr.partition_index = p.partition_index;
            pr.base_offset = -1;
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
                awaiting_durability.push_back(
                    {resp.responses.size() - 1, tr.partitions.size() - 1, std::move(tp), r->last_offset + 1});
            }
        }
    }
    // acks=all: every partition's flush was started at its append, so they overlap; answer
    // each partition only once its batch is durable (group commit, docs/guarantees.md).
    for (auto& w : awaiting_durability) {
        if (auto d = co_await ctx.cluster->wait_durable(w.tp, w.end); !d) {
            auto& pr = resp.responses[w.topic_index].partitions[w.partition_index];
            pr.error_code = kafka_error_code(d.error());
            pr.base_offset = -1;
            ctx.logger->warn("[{}] acks=all produce not made durable: {}", w.tp.dir_name(), d.error().message());
        }
    }
    if (req.acks == 0) {
        co_return std::optional<net::response>{};
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
