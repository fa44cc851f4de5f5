// File chunks: a response mixing bytes and a file range arrives byte-exact (sendfile path,
// including a range large enough to fill the socket buffer and hit EAGAIN); a peer that
// resets the connection in the middle of a file range is reported in asio's error category.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <system_error>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/response_writer.h"
#include "test_handler.h"

namespace fjord::net::test {
namespace {

class SendFile : public ::testing::Test {
protected:
    void SetUp() override {
        char path[] = "/tmp/fjord-net-sendfile-XXXXXX";
        fd_ = ::mkstemp(path);
        ASSERT_GE(fd_, 0);
        ::unlink(path);
        content_.resize(8 << 20);
        for (size_t i = 0; i < content_.size(); ++i) {
            content_[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
        }
        ASSERT_EQ(::write(fd_, content_.data(), content_.size()), static_cast<ssize_t>(content_.size()));
    }
    void TearDown() override { ::close(fd_); }

    int fd_ = -1;
    std::string content_;
};

TEST_F(SendFile, SmallRangeMatchesFileBytes) {
    server s;
    s.handler.file = file_chunk{.fd = fd_, .offset = 1000, .length = 5000};
    client c(s.port());
    ASSERT_TRUE(c.send_frame("file"));
    EXPECT_EQ(c.read_frame(), "F:" + content_.substr(1000, 5000));
}

TEST_F(SendFile, LargeRangeWithSlowReaderMatchesFileBytes) {
    server s;
    s.handler.file = file_chunk{.fd = fd_, .offset = 7, .length = content_.size() - 7};
    client c(s.port());
    ASSERT_TRUE(c.send_frame("file"));
    ASSERT_TRUE(c.send_frame("after"));
    ::usleep(100 * 1000);  // let the socket buffer fill so sendfile sees EAGAIN
    EXPECT_EQ(c.read_frame(), "F:" + content_.substr(7));
    EXPECT_EQ(c.read_frame(), "after");
}

TEST_F(SendFile, RangePastEndOfFileClosesConnection) {
    server s;
    s.handler.file = file_chunk{.fd = fd_, .offset = content_.size() - 10, .length = 100};
    client c(s.port());
    ASSERT_TRUE(c.send_frame("file"));
    auto prefix = c.read_exact(4);
    ASSERT_TRUE(prefix.has_value());
    EXPECT_EQ(c.read_exact(102), std::nullopt);  // 12 bytes arrive, then the close
}

boost::asio::awaitable<void> write_into(boost::asio::ip::tcp::socket* socket, const response* resp,
                                       std::error_code* out) {
    *out = co_await write_response(*socket, *resp);
}

// kcat -e and other consumers close while a Fetch response is still being sent. sendfile's
// ECONNRESET/EPIPE must compare equal to asio's errors, which serve_connection treats as
// an ordinary end (debug log), not as a failed write (warning).
TEST_F(SendFile, PeerResetDuringFileRangeIsAnAsioError) {
    namespace asio = boost::asio;
    using asio::ip::tcp;
    std::signal(SIGPIPE, SIG_IGN);  // as in the broker
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    int peer = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(peer, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(acceptor.local_endpoint().port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(peer, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    tcp::socket socket = acceptor.accept();

    response resp;
    resp.chunks.emplace_back(file_chunk{.fd = fd_, .offset = 0, .length = content_.size()});
    std::error_code got;
    asio::co_spawn(io, write_into(&socket, &resp, &got), asio::detached);
    std::thread runner([&io] { io.run(); });
    ::usleep(100 * 1000);  // the peer reads nothing: sendfile fills the buffers and waits
    linger reset{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(peer, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(peer);  // RST
    runner.join();

    const std::error_code reset_ec{boost::system::error_code(asio::error::connection_reset)};
    const std::error_code pipe_ec{boost::system::error_code(asio::error::broken_pipe)};
    EXPECT_TRUE(got == reset_ec || got == pipe_ec) << got.category().name() << ": " << got.message();
}

}  // namespace
}  // namespace fjord::net::test
