// listener: accepts TCP connections on host:port and spreads them round-robin over the
// shards of a shard_pool; each connection then lives entirely on its shard's io_context.
//
// Lifetime: the pool and the handler must outlive the listener's connections, i.e. the
// pool must be stopped (shard_pool::stop) before the handler is destroyed. stop() closes
// the acceptor and every open connection; it does not wait (shard_pool::stop waits).
// Threading: start/stop/port from the controlling thread; the rest runs on the shards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "net/connection.h"
#include "net/request_handler.h"
#include "net/shard_pool.h"

namespace fjord::net {

struct listener_config {
    std::string host = "0.0.0.0";  // an address or a name; "" means every interface
    uint16_t port = 9092;          // 0 picks a free port (see listener::port())
    connection_options connection;
};

class listener {
public:
    // Binds and starts accepting (on shard 0). Fails when the address cannot be resolved
    // or bound (EADDRINUSE, ...).
    // REQUIRES: pool and handler outlive every connection (see above).
    static result<std::unique_ptr<listener>> start(shard_pool& pool, request_handler& handler,
                                                   const listener_config& config);
    ~listener();
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    // The bound port (useful with port 0).
    uint16_t port() const { return port_; }

    // Stops accepting and closes every connection. Idempotent.
    void stop();

    struct state;  // shared with the accept loop and connections

private:
    listener(std::shared_ptr<state> st, uint16_t port) : state_(std::move(st)), port_(port) {}
    std::shared_ptr<state> state_;
    uint16_t port_;
};

}  // namespace fjord::net
