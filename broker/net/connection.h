// The per-connection coroutine: read a frame, await request_handler::handle(), write the
// response, repeat. One request in flight per connection, so responses leave in request
// order (Kafka's rule; kafka-python and Sarama pair responses FIFO).
//
// The connection ends when the peer closes, when a frame is malformed (negative size,
// size above max_frame_bytes, peer gone mid-frame), when handle() returns an error, when
// a write fails, or when the listener closes the socket at shutdown. Every abnormal end
// is one warning naming the peer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/request_handler.h"

namespace fjord::net {

struct connection_options {
    uint64_t max_frame_bytes = 104857600;  // socket.request.max.bytes
};

// Serves one connection until it ends, then closes the socket and calls on_close(info.id).
// Parameters are copied into the coroutine frame (no capturing lambdas, style.md).
// REQUIRES: `handler` outlives the coroutine.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<boost::asio::ip::tcp::socket> socket,
                                              connection_info info, request_handler& handler,
                                              connection_options options,
                                              std::function<void(uint64_t)> on_close);

}  // namespace fjord::net
