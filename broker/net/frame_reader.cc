// frame_reader: buffered frame reads with the size checked before allocation.
#include "net/frame_reader.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/errc.h"

namespace fjord::net {

namespace asio = boost::asio;

frame_reader::frame_reader(asio::ip::tcp::socket& socket, uint64_t max_frame_bytes)
    : socket_(socket), max_frame_bytes_(max_frame_bytes), buf_(buffer_bytes) {}

asio::awaitable<std::error_code> frame_reader::fill(size_t n) {
    FJORD_DASSERT(n <= buf_.size(), "fill({}) above buffer size", n);
    if (buffered() >= n) {
        co_return std::error_code{};
    }
    if (begin_ + n > buf_.size()) {
        std::memmove(buf_.data(), buf_.data() + begin_, buffered());
        end_ -= begin_;
        begin_ = 0;
    }
    while (buffered() < n) {
        auto [ec, got] = co_await socket_.async_read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_),
                                                          asio::as_tuple(asio::use_awaitable));
        end_ += got;
        if (ec) {
            co_return ec;
        }
    }
    co_return std::error_code{};
}

asio::awaitable<result<bytes>> frame_reader::next() {
    if (auto ec = co_await fill(4)) {
        if (ec == std::error_code(boost::system::error_code(asio::error::eof)) && buffered() > 0) {
            co_return errc::invalid_argument;  // closed inside the size prefix
        }
        co_return ec;
    }
    int32_t size = read_be<int32_t>(bytes_view(buf_).subspan(begin_, 4), 0);
    last_size_ = size;
    if (size < 0) {
        co_return errc::corrupt_data;
    }
    if (static_cast<uint64_t>(size) > max_frame_bytes_) {
        co_return errc::too_large;
    }
    begin_ += 4;
    bytes frame(static_cast<size_t>(size));
    size_t have = std::min(buffered(), frame.size());
    if (have > 0) {
        std::memcpy(frame.data(), buf_.data() + begin_, have);
    }
    begin_ += have;
    if (have < frame.size()) {
        // The rest of a large frame goes straight into it, not through the buffer.
        auto [ec, got] = co_await asio::async_read(socket_, asio::buffer(frame.data() + have, frame.size() - have),
                                                   asio::as_tuple(asio::use_awaitable));
        if (ec) {
            co_return ec == std::error_code(boost::system::error_code(asio::error::eof)) ? std::error_code(errc::invalid_argument) : std::error_code(ec);
        }
    }
    if (begin_ == end_) {
        begin_ = end_ = 0;
    }
    co_return frame;
}

}  // namespace fjord::net
