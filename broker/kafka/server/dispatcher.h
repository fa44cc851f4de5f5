// dispatcher: the net::request_handler the listeners serve. Decodes the request header,
// refuses unknown API keys and versions we do not advertise (an error: net/ closes the
// connection, as Kafka does) — except ApiVersions, which gets the UNSUPPORTED_VERSION
// answer with a v0 body (facts §2.2) — then decodes the body and runs its handler.
#pragma once

#include "kafka/server/request_context.h"

namespace fjord::kafka {

class dispatcher final : public net::request_handler {
public:
    dispatcher(cluster::local_cluster& cluster, group::coordinator& groups);
    boost::asio::awaitable<result<std::optional<net::response>>> handle(const net::connection_info& conn,
                                                                        bytes frame) override;

private:
    cluster::local_cluster& cluster_;
    group::coordinator& groups_;
    std::shared_ptr<spdlog::logger> logger_;
};

// The body of ApiVersions v0 listing our ranges, with `error` (used for the unsupported-
// version answer; header v0 included).
net::response api_versions_unsupported_response(int32_t correlation_id);

}  // namespace fjord::kafka
