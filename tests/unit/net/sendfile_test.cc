// File chunks: a response mixing bytes and a file range arrives byte-exact (sendfile path,
// including a range large enough to fill the socket buffer and hit EAGAIN).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

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

}  // namespace
}  // namespace fjord::net::test
