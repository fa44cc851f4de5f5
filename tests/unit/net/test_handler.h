// A request_handler double for net's tests, and a blocking loopback client.
//
// The handler interprets each frame as text:
//   "none"          → no response (like Produce acks=0)
//   "fail"          → an error (the connection must close)
//   "slow:<ms> ..." → waits <ms> on a timer, then echoes (ordering under pipelining)
//   "file"          → "F:" then the configured file range, sent with sendfile
//   anything else   → echoed back
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/errc.h"
#include "net/listener.h"
#include "net/request_handler.h"
#include "net/shard_pool.h"

namespace fjord::net::test {

inline bytes to_bytes(const std::string& s) {
    bytes b(s.size());
    if (!s.empty()) {
        std::memcpy(b.data(), s.data(), s.size());
    }
    return b;
}

inline std::string to_string(const bytes& b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

class test_handler final : public request_handler {
public:
    file_chunk file;  // what "file" answers
    std::atomic<int> handled{0};

    boost::asio::awaitable<result<std::optional<response>>> handle(const connection_info&, bytes frame) override {
        ++handled;
        auto text = to_string(frame);
        if (text == "none") {
            co_return std::optional<response>{};
        }
        if (text == "fail") {
            co_return errc::invalid_argument;
        }
        if (text.starts_with("slow:")) {
            boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
            timer.expires_after(std::chrono::milliseconds(std::stoi(text.substr(5))));
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
        response r;
        if (text == "file") {
            r.chunks.emplace_back(to_bytes("F:"));
            r.chunks.emplace_back(file);
        } else {
            r.chunks.emplace_back(std::move(frame));
        }
        co_return std::optional<response>(std::move(r));
    }
};

// A blocking POSIX client with a receive timeout, so a broken server fails a test
// instead of hanging it.
class client {
public:
    explicit client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{.tv_sec = 10, .tv_usec = 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~client() { close(); }
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    bool connected() const { return connected_; }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

    bool send_raw(const std::string& data) {
        size_t sent = 0;
        while (sent < data.size()) {
            auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            sent += static_cast<size_t>(n);
        }
        return true;
    }
    static std::string frame(const std::string& body, int32_t size) {
        std::string out(4, '\0');
        uint32_t be = htonl(static_cast<uint32_t>(size));
        std::memcpy(out.data(), &be, 4);
        return out + body;
    }
    bool send_frame(const std::string& body) { return send_raw(frame(body, static_cast<int32_t>(body.size()))); }

    // Reads exactly n bytes; nullopt on EOF, error or timeout.
    std::optional<std::string> read_exact(size_t n) {
        std::string out(n, '\0');
        size_t got = 0;
        while (got < n) {
            auto r = ::recv(fd_, out.data() + got, n - got, 0);
            if (r <= 0) {
                return std::nullopt;
            }
            got += static_cast<size_t>(r);
        }
        return out;
    }
    std::optional<std::string> read_frame() {
        auto prefix = read_exact(4);
        if (!prefix) {
            return std::nullopt;
        }
        uint32_t be;
        std::memcpy(&be, prefix->data(), 4);
        return read_exact(ntohl(be));
    }
    // True when the server closed the connection (recv returns 0 or ECONNRESET).
    bool closed_by_peer() {
        char c;
        auto r = ::recv(fd_, &c, 1, 0);
        return r == 0 || (r < 0 && errno == ECONNRESET);
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

// A listener on 127.0.0.1:0 over a two-shard pool, torn down in the right order.
struct server {
    explicit server(uint64_t max_frame_bytes = 104857600) : pool(2) {
        listener_config cfg{.host = "127.0.0.1", .port = 0, .connection = {.max_frame_bytes = max_frame_bytes}};
        pool.start();
        auto l = listener::start(pool, handler, cfg);
        FJORD_ASSERT(l.has_value(), "listener start failed: {}", l.error().message());
        lst = std::move(*l);
    }
    ~server() {
        lst->stop();
        pool.stop();
    }
    uint16_t port() const { return lst->port(); }

    test_handler handler;
    shard_pool pool;
    std::unique_ptr<listener> lst;
};

}  // namespace fjord::net::test
