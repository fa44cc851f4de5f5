// Writes one response to a socket: the 4-byte big-endian size (response::size_bytes()),
// then every chunk in order. Consecutive byte chunks go out in one gathered async_write;
// file chunks go out with sendfile(2) on the socket's native handle (the socket is put in
// non-blocking mode; EAGAIN waits for writability; partial sends continue where they left).
//
// Returns success, or the first error: the socket's, sendfile's errno (in boost's system
// category, like asio's errors, so it compares equal to asio::error::broken_pipe etc.),
// fjord::errc::too_large for a response above INT32_MAX bytes, or fjord::errc::out_of_range
// when a file ends before its chunk does. After an error the connection must be closed (the
// stream is mid-frame).
// Threading: runs on the socket's executor.
#pragma once

#include <system_error>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/request_handler.h"

namespace fjord::net {

boost::asio::awaitable<std::error_code> write_response(boost::asio::ip::tcp::socket& socket, const response& resp);

}  // namespace fjord::net
