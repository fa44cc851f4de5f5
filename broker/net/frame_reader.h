// frame_reader: reads size-prefixed frames (int32 big-endian size, then that many bytes)
// from a socket through one buffer, so several pipelined frames arrive with one read.
//
// next() returns the frame body, or an error:
//   - boost::asio::error::eof when the peer closed cleanly between frames;
//   - fjord::errc::too_large when the size is above max_frame_bytes;
//   - fjord::errc::corrupt_data when the size is negative;
//   - fjord::errc::invalid_argument when the peer closed in the middle of a frame;
//   - the socket's error otherwise.
// The size is checked before anything is allocated for the body.
// Threading: used by one coroutine on the socket's executor.
#pragma once

#include <cstdint>
#include <system_error>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace fjord::net {

class frame_reader {
public:
    static constexpr size_t buffer_bytes = 64 * 1024;

    // REQUIRES: `socket` outlives the reader.
    frame_reader(boost::asio::ip::tcp::socket& socket, uint64_t max_frame_bytes);

    boost::asio::awaitable<result<bytes>> next();

    // The size prefix of the last rejected frame (for log lines).
    int64_t last_size() const { return last_size_; }

private:
    // Reads until at least `n` bytes are buffered. Returns the socket error, if any.
    boost::asio::awaitable<std::error_code> fill(size_t n);
    size_t buffered() const { return end_ - begin_; }

    boost::asio::ip::tcp::socket& socket_;
    uint64_t max_frame_bytes_;
    bytes buf_;
    size_t begin_ = 0;
    size_t end_ = 0;
    int64_t last_size_ = 0;
};

}  // namespace fjord::net
