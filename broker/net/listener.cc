// listener: accept loop on shard 0, round-robin hand-off, connection registry for stop().
#include "net/listener.h"

#include <atomic>
#include <map>
#include <mutex>
#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/logger.h"

namespace fjord::net {

namespace asio = boost::asio;
using asio::ip::tcp;

struct listener::state {
    state(shard_pool& p, request_handler& h, connection_options o)
        : pool(p), handler(h), options(o), acceptor(p.shard(0)) {}

    shard_pool& pool;
    request_handler& handler;
    connection_options options;
    tcp::acceptor acceptor;  // used only on shard 0
    std::atomic<uint64_t> next_id{1};

    std::mutex mu;
    bool stopping = false;
    std::map<uint64_t, std::shared_ptr<tcp::socket>> connections;

    void forget(uint64_t id) {
        std::lock_guard lock(mu);
        connections.erase(id);
    }
};

namespace {

std::string peer_name(const tcp::socket& socket) {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) {
        return "unknown peer";
    }
    auto addr = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + addr + "]" : addr) + ":" + std::to_string(ep.port());
}

void close_on_its_shard(std::shared_ptr<tcp::socket> socket) {
    asio::post(socket->get_executor(), [socket] {
        boost::system::error_code ignored;
        socket->shutdown(tcp::socket::shutdown_both, ignored);
        socket->close(ignored);
    });
}

void start_connection(std::shared_ptr<listener::state> st, std::shared_ptr<tcp::socket> socket) {
    connection_info info{.id = st->next_id++, .peer = peer_name(*socket)};
    {
        std::lock_guard lock(st->mu);
        if (st->stopping) {
            close_on_its_shard(socket);
            return;
        }
        st->connections.emplace(info.id, socket);
    }
    boost::system::error_code ignored;
    socket->set_option(tcp::no_delay(true), ignored);
    auto on_close = [st](uint64_t id) { st->forget(id); };
    auto exec = socket->get_executor();
    asio::co_spawn(exec, serve_connection(std::move(socket), std::move(info), st->handler, st->options, on_close),
                   asio::detached);
}

asio::awaitable<void> accept_loop(std::shared_ptr<listener::state> st) {
    auto log = make_logger("net");
    size_t next_shard = 0;
    for (;;) {
        auto& target = st->pool.shard(next_shard);
        next_shard = (next_shard + 1) % st->pool.size();
        auto [ec, socket] = co_await st->acceptor.async_accept(target, asio::as_tuple(asio::use_awaitable));
        if (ec == boost::system::error_code(asio::error::operation_aborted) || !st->acceptor.is_open()) {
            co_return;
        }
        if (ec) {
            // EMFILE and friends: log and keep serving; the others are still fine.
            log->warn("accept failed: {}", ec.message());
            continue;
        }
        start_connection(st, std::make_shared<tcp::socket>(std::move(socket)));
    }
}

result<tcp::endpoint> resolve(const std::string& host, uint16_t port) {
    if (host.empty()) {
        return tcp::endpoint(tcp::v4(), port);
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (!ec) {
        return tcp::endpoint(addr, port);
    }
    asio::io_context ctx;
    tcp::resolver resolver(ctx);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) {
        return std::error_code(ec);
    }
    for (const auto& r : results) {
        if (r.endpoint().address().is_v4()) {
            return r.endpoint();  // prefer IPv4 ("localhost" → 127.0.0.1)
        }
    }
    if (results.begin() == results.end()) {
        return std::error_code(boost::system::error_code(asio::error::host_not_found));
    }
    return results.begin()->endpoint();
}

}  // namespace

result<std::unique_ptr<listener>> listener::start(shard_pool& pool, request_handler& handler,
                                                  const listener_config& config) {
    auto endpoint = resolve(config.host, config.port);
    if (!endpoint) {
        return endpoint.error();
    }
    auto st = std::make_shared<state>(pool, handler, config.connection);
    boost::system::error_code ec;
    st->acceptor.open(endpoint->protocol(), ec);
    if (!ec) {
        st->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        st->acceptor.bind(*endpoint, ec);
    }
    if (!ec) {
        st->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return std::error_code(ec);
    }
    uint16_t port = st->acceptor.local_endpoint().port();
    make_logger("net")->info("listening on {}:{} ({} shards)", endpoint->address().to_string(), port, pool.size());
    asio::co_spawn(pool.shard(0), accept_loop(st), asio::detached);
    return std::unique_ptr<listener>(new listener(std::move(st), port));
}

listener::~listener() {
    stop();
}

void listener::stop() {
    std::map<uint64_t, std::shared_ptr<tcp::socket>> open;
    {
        std::lock_guard lock(state_->mu);
        if (state_->stopping) {
            return;
        }
        state_->stopping = true;
        open.swap(state_->connections);
    }
    asio::post(state_->pool.shard(0), [st = state_] {
        boost::system::error_code ignored;
        st->acceptor.close(ignored);
    });
    for (auto& [id, socket] : open) {
        close_on_its_shard(socket);
    }
}

}  // namespace fjord::net
