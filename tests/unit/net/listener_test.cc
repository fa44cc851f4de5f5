// Listener and connection basics: round trips, pipelining order, no-response requests,
// handler errors, and clean shutdown with connections open.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_handler.h"

namespace fjord::net::test {
namespace {

TEST(Listener, FrameRoundTrips) {
    server s;
    client c(s.port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send_frame("hello"));
    EXPECT_EQ(c.read_frame(), "hello");
    ASSERT_TRUE(c.send_frame(""));
    EXPECT_EQ(c.read_frame(), "");
}

TEST(Listener, PipelinedRequestsAnswerInRequestOrder) {
    server s;
    client c(s.port());
    // One write holding several frames; the slow first one must still come back first.
    std::string all = client::frame("slow:50 a", 9) + client::frame("b", 1) + client::frame("slow:10 c", 9) +
                      client::frame("d", 1);
    ASSERT_TRUE(c.send_raw(all));
    EXPECT_EQ(c.read_frame(), "slow:50 a");
    EXPECT_EQ(c.read_frame(), "b");
    EXPECT_EQ(c.read_frame(), "slow:10 c");
    EXPECT_EQ(c.read_frame(), "d");
}

TEST(Listener, ManyFramesInOneWriteAndOneFrameInManyWrites) {
    server s;
    client c(s.port());
    std::string all;
    for (int i = 0; i < 1000; ++i) {
        auto body = std::to_string(i);
        all += client::frame(body, static_cast<int32_t>(body.size()));
    }
    ASSERT_TRUE(c.send_raw(all));
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(c.read_frame(), std::to_string(i));
    }
    std::string big(300 * 1024, 'x');  // larger than the reader's buffer
    auto f = client::frame(big, static_cast<int32_t>(big.size()));
    for (size_t off = 0; off < f.size(); off += 7000) {
        ASSERT_TRUE(c.send_raw(f.substr(off, 7000)));
    }
    EXPECT_EQ(c.read_frame(), big);
}

TEST(Listener, NoResponseRequestSendsNothing) {
    server s;
    client c(s.port());
    ASSERT_TRUE(c.send_frame("none"));
    ASSERT_TRUE(c.send_frame("after"));
    EXPECT_EQ(c.read_frame(), "after");
}

TEST(Listener, HandlerErrorClosesOnlyThatConnection) {
    server s;
    client bad(s.port());
    client good(s.port());
    ASSERT_TRUE(bad.send_frame("fail"));
    EXPECT_TRUE(bad.closed_by_peer());
    ASSERT_TRUE(good.send_frame("still here"));
    EXPECT_EQ(good.read_frame(), "still here");
}

TEST(Listener, ConnectionsSpreadOverShardsAllWork) {
    server s;
    std::vector<std::unique_ptr<client>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<client>(s.port()));
    }
    for (int i = 0; i < 8; ++i) {
        ASSERT_TRUE(clients[i]->send_frame("c" + std::to_string(i)));
    }
    for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(clients[i]->read_frame(), "c" + std::to_string(i));
    }
}

TEST(Listener, StopClosesOpenConnectionsAndRefusesNewOnes) {
    auto s = std::make_unique<server>();
    auto port = s->port();
    client c(port);
    ASSERT_TRUE(c.send_frame("x"));
    ASSERT_EQ(c.read_frame(), "x");
    client parked(port);
    ASSERT_TRUE(parked.send_frame("slow:200 parked"));  // in handle() during stop
    s.reset();
    EXPECT_TRUE(c.closed_by_peer());
    client late(port);
    EXPECT_FALSE(late.connected());
}

}  // namespace
}  // namespace fjord::net::test
