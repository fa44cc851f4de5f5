// What every handler gets besides its decoded request, and the helpers that turn a
// response struct into a net::response. Handlers have one shape (style habit 7):
//
//   struct <api>_handler {
//       using request_type = <api>_request;
//       static constexpr int16_t key, min_version, max_version;  // what we advertise
//       static awaitable<handler_result> handle(request_context ctx, request_type req);
//   };
//
// and their bodies run decode (done by the dispatcher) -> log -> per-partition work ->
// respond. Contexts and requests are passed by value: coroutine parameters are copied
// into the frame, so nothing dangles across a suspension.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "cluster/local_cluster.h"
#include "group/coordinator.h"
#include "kafka/protocol/frame.h"
#include "net/request_handler.h"

namespace fjord::kafka {

using handler_result = result<std::optional<net::response>>;

struct request_context {
    cluster::local_cluster* cluster = nullptr;
    group::coordinator* groups = nullptr;
    std::shared_ptr<spdlog::logger> logger;
    int16_t api_key = 0;
    int16_t api_version = 0;
    int32_t correlation_id = 0;
    std::string client_id;
    std::string peer;
};

// Header + body of a response to the request in `ctx`, as one bytes chunk.
template<typename Response>
net::response respond(const request_context& ctx, const Response& body) {
    writer w;
    encode_response_header(w, ctx.correlation_id, ctx.api_key, ctx.api_version);
    body.encode(w, ctx.api_version);
    net::response out;
    out.chunks.emplace_back(std::move(w).take());
    return out;
}

// The Kafka error code for an error from cluster/, storage/ or record/ (one table).
int16_t kafka_error_code(std::error_code ec) noexcept;

namespace error_code {
inline constexpr int16_t none = 0;
inline constexpr int16_t unknown_server_error = -1;
inline constexpr int16_t offset_out_of_range = 1;
inline constexpr int16_t corrupt_message = 2;
inline constexpr int16_t unknown_topic_or_partition = 3;
inline constexpr int16_t leader_not_available = 5;
inline constexpr int16_t message_too_large = 10;
inline constexpr int16_t invalid_topic_exception = 17;
inline constexpr int16_t invalid_timestamp = 32;
inline constexpr int16_t unsupported_version = 35;
inline constexpr int16_t invalid_request = 42;
inline constexpr int16_t invalid_config = 40;
inline constexpr int16_t kafka_storage_error = 56;
inline constexpr int16_t unsupported_compression_type = 76;
inline constexpr int16_t invalid_record = 87;
}  // namespace error_code

}  // namespace fjord::kafka
