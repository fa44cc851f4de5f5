#include "kafka/server/dispatcher.h"

#include "base/logger.h"
#include "kafka/protocol/errc.h"
#include "kafka/server/handlers/api_versions.h"
#include "kafka/server/handlers/handler.h"
#include "kafka/server/make_handler.h"

namespace fjord::kafka {

dispatcher::dispatcher(cluster::local_cluster& cluster, group::coordinator& groups)
    : cluster_(cluster), groups_(groups), logger_(make_logger("kafka")) {}

net::response api_versions_unsupported_response(int32_t correlation_id) {
    api_versions_response body;
    body.error_code = error_code::unsupported_version;
    const auto* h = find_handler(api_versions_handler::key);
    body.api_keys.push_back({.api_key = h->key, .min_version = h->min_version, .max_version = h->max_version});
    writer w;
    encode_response_header(w, correlation_id, api_versions_handler::key, 0);
    body.encode(w, 0);
    net::response out;
    out.chunks.emplace_back(std::move(w).take());
    return out;
}

boost::asio::awaitable<result<std::optional<net::response>>> dispatcher::handle(const net::connection_info& conn,
                                                                                bytes frame) {
    reader r(frame);
    auto header = decode_request_header(r);
    if (!header) {
        logger_->warn("{}: undecodable request header: {}", conn.peer, header.error().message());
        co_return header.error();
    }
    const auto* entry = find_handler(header->api_key);
    if (entry == nullptr) {
        logger_->warn("{}: unknown api key {} (client {})", conn.peer, header->api_key,
                      header->client_id.value_or(""));
        co_return make_error_code(errc::unknown_api);
    }
    if (header->api_version < entry->min_version || header->api_version > entry->max_version) {
        if (header->api_key == api_versions_handler::key) {
            logger_->debug("{}: ApiVersions v{} unsupported; answering with our range", conn.peer,
                           header->api_version);
            co_return std::optional<net::response>(api_versions_unsupported_response(header->correlation_id));
        }
        logger_->warn("{}: api {} version {} not served (client {})", conn.peer, header->api_key,
                      header->api_version, header->client_id.value_or(""));
        co_return make_error_code(errc::unsupported_version);
    }
    request_context ctx{.cluster = &cluster_,
                        .groups = &groups_,
                        .logger = logger_,
                        .api_key = header->api_key,
                        .api_version = header->api_version,
                        .correlation_id = header->correlation_id,
                        .client_id = header->client_id.value_or(""),
                        .peer = conn.peer};
    auto started = entry->dispatch(std::move(ctx), r);
    if (!started) {
        logger_->warn("{}: malformed request (api {} v{}): {}", conn.peer, header->api_key, header->api_version,
                      started.error().message());
        co_return started.error();
    }
    co_return co_await std::move(*started);
}

std::unique_ptr<net::request_handler> make_request_handler(cluster::local_cluster& cluster,
                                                          group::coordinator& groups) {
    return std::make_unique<dispatcher>(cluster, groups);
}

}  // namespace fjord::kafka
