// serve_connection: frame → handle() → response, strictly in order.
#include "net/connection.h"

#include <exception>
#include <utility>

#include <boost/asio/error.hpp>

#include "base/errc.h"
#include "base/logger.h"
#include "net/frame_reader.h"
#include "net/response_writer.h"

namespace fjord::net {

namespace asio = boost::asio;

namespace {

bool is_quiet_end(std::error_code ec) {
    auto is = [ec](boost::system::error_code e) { return ec == std::error_code(e); };
    return is(asio::error::eof) || is(asio::error::operation_aborted) || is(asio::error::connection_reset) ||
           is(asio::error::bad_descriptor) || is(asio::error::broken_pipe);
}

void log_read_error(spdlog::logger& log, const connection_info& info, const frame_reader& reader,
                    std::error_code ec, uint64_t max_frame_bytes) {
    if (ec == errc::too_large) {
        log.warn("closing connection {} from {}: frame size {} above socket.request.max.bytes {}", info.id,
                 info.peer, reader.last_size(), max_frame_bytes);
    } else if (ec == errc::corrupt_data) {
        log.warn("closing connection {} from {}: negative frame size {}", info.id, info.peer, reader.last_size());
    } else if (ec == errc::invalid_argument) {
        log.warn("connection {} from {} closed in the middle of a request", info.id, info.peer);
    } else if (is_quiet_end(ec)) {
        log.debug("connection {} from {} closed: {}", info.id, info.peer, ec.message());
    } else {
        log.warn("closing connection {} from {}: read failed: {}", info.id, info.peer, ec.message());
    }
}

asio::awaitable<void> serve_frames(asio::ip::tcp::socket& socket, const connection_info& info,
                                   request_handler& handler, connection_options options, spdlog::logger& log) {
    frame_reader reader(socket, options.max_frame_bytes);
    for (;;) {
        auto frame = co_await reader.next();
        if (!frame) {
            log_read_error(log, info, reader, frame.error(), options.max_frame_bytes);
            co_return;
        }
        auto resp = co_await handler.handle(info, std::move(*frame));
        if (!resp) {
            log.warn("closing connection {} from {}: bad request: {}", info.id, info.peer, resp.error().message());
            co_return;
        }
        if (!resp->has_value()) {
            continue;  // e.g. Produce with acks=0: no response at all
        }
        if (auto ec = co_await write_response(socket, **resp)) {
            if (is_quiet_end(ec)) {
                log.debug("connection {} from {} closed while writing: {}", info.id, info.peer, ec.message());
            } else {
                log.warn("closing connection {} from {}: write failed: {}", info.id, info.peer, ec.message());
            }
            co_return;
        }
    }
}

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<asio::ip::tcp::socket> socket, connection_info info,
                                       request_handler& handler, connection_options options,
                                       std::function<void(uint64_t)> on_close) {
    auto log = make_logger("net");
    log->debug("connection {} from {} opened", info.id, info.peer);
    try {
        co_await serve_frames(*socket, info, handler, options, *log);
    } catch (const std::exception& e) {
        log->error("closing connection {} from {}: unexpected exception: {}", info.id, info.peer, e.what());
    }
    boost::system::error_code ignored;
    socket->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket->close(ignored);
    if (on_close) {
        on_close(info.id);
    }
}

}  // namespace fjord::net
