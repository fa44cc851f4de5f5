// Bad input on the wire: negative and oversized size prefixes, a peer that goes away in
// the middle of a frame. Each closes that connection only; the server keeps serving.
#include <gtest/gtest.h>

#include <string>

#include "test_handler.h"

namespace fjord::net::test {
namespace {

void expect_others_still_served(const server& s) {
    client other(s.port());
    ASSERT_TRUE(other.send_frame("ping"));
    EXPECT_EQ(other.read_frame(), "ping");
}

TEST(BadInput, NegativeSizePrefixClosesConnection) {
    server s;
    client other(s.port());
    client c(s.port());
    ASSERT_TRUE(c.send_raw(client::frame("", -1)));
    EXPECT_TRUE(c.closed_by_peer());
    ASSERT_TRUE(other.send_frame("open before"));
    EXPECT_EQ(other.read_frame(), "open before");
    expect_others_still_served(s);
    EXPECT_EQ(s.handler.handled.load(), 2);
}

TEST(BadInput, TwoGibSizePrefixClosesConnectionWithoutAllocating) {
    server s;
    client c(s.port());
    std::string prefix = "\x7f\xff\xff\xff";  // 2 GiB - 1
    ASSERT_TRUE(c.send_raw(prefix));
    EXPECT_TRUE(c.closed_by_peer());
    expect_others_still_served(s);
}

TEST(BadInput, SizeOneAboveLimitClosesAndAtLimitIsServed) {
    server s(/*max_frame_bytes=*/16);
    client ok(s.port());
    ASSERT_TRUE(ok.send_frame(std::string(16, 'a')));
    EXPECT_EQ(ok.read_frame(), std::string(16, 'a'));
    client c(s.port());
    ASSERT_TRUE(c.send_raw(client::frame(std::string(17, 'a'), 17)));
    EXPECT_TRUE(c.closed_by_peer());
    expect_others_still_served(s);
}

TEST(BadInput, PeerClosesMidFrame) {
    server s;
    {
        client c(s.port());
        ASSERT_TRUE(c.send_raw(client::frame("abc", 100)));  // promises 100, sends 3
    }
    {
        client c(s.port());
        ASSERT_TRUE(c.send_raw(std::string("\0\0", 2)));  // half a size prefix
    }
    expect_others_still_served(s);
    EXPECT_EQ(s.handler.handled.load(), 1);  // only the ping reached the handler
}

TEST(BadInput, PeerClosesWithoutReadingItsResponse) {
    server s;
    {
        client c(s.port());
        ASSERT_TRUE(c.send_frame("slow:50 " + std::string(1 << 20, 'z')));
    }
    expect_others_still_served(s);
}

}  // namespace
}  // namespace fjord::net::test
