// write_response: gathered writes for byte chunks, sendfile(2) for file chunks.
#include "net/response_writer.h"

#include <sys/sendfile.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>

#include "base/errc.h"

namespace fjord::net {

namespace asio = boost::asio;

namespace {

// Largest count one sendfile(2) call transfers on Linux.
constexpr uint64_t sendfile_max_bytes = 0x7ffff000;

asio::awaitable<std::error_code> send_file_chunk(asio::ip::tcp::socket& socket, const file_chunk& chunk) {
    boost::system::error_code bec;
    socket.native_non_blocking(true, bec);
    if (bec) {
        co_return bec;
    }
    off_t offset = static_cast<off_t>(chunk.offset);
    uint64_t left = chunk.length;
    while (left > 0) {
        ssize_t n = ::sendfile(socket.native_handle(), chunk.fd, &offset, std::min(left, sendfile_max_bytes));
        if (n > 0) {
            left -= static_cast<uint64_t>(n);
            continue;
        }
        if (n == 0) {
            co_return errc::out_of_range;  // the file is shorter than the chunk says
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            // In asio's (boost system) category, like every other socket error here, so
            // callers can compare with asio::error::broken_pipe / connection_reset.
            co_return boost::system::error_code(errno, boost::system::system_category());
        }
        auto [ec] = co_await socket.async_wait(asio::socket_base::wait_write, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            co_return ec;
        }
    }
    co_return std::error_code{};
}

asio::awaitable<std::error_code> write_buffers(asio::ip::tcp::socket& socket,
                                               const std::vector<asio::const_buffer>& buffers) {
    if (buffers.empty()) {
        co_return std::error_code{};
    }
    auto [ec, n] = co_await asio::async_write(socket, buffers, asio::as_tuple(asio::use_awaitable));
    co_return ec;
}

}  // namespace

asio::awaitable<std::error_code> write_response(asio::ip::tcp::socket& socket, const response& resp) {
    uint64_t size = resp.size_bytes();
    if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        co_return errc::too_large;
    }
    std::array<std::byte, 4> prefix{};
    write_be<int32_t>(prefix, 0, static_cast<int32_t>(size));

    std::vector<asio::const_buffer> pending{asio::buffer(prefix)};
    for (const auto& chunk : resp.chunks) {
        if (const auto* b = std::get_if<bytes>(&chunk)) {
            if (!b->empty()) {
                pending.push_back(asio::buffer(*b));
            }
            continue;
        }
        const auto& f = std::get<file_chunk>(chunk);
        if (auto ec = co_await write_buffers(socket, pending)) {
            co_return ec;
        }
        pending.clear();
        if (auto ec = co_await send_file_chunk(socket, f)) {
            co_return ec;
        }
    }
    co_return co_await write_buffers(socket, pending);
}

}  // namespace fjord::net
