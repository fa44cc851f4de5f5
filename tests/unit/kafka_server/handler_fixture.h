// handler_fixture: the Kafka request handler below the socket, for handler tests. A real
// local_cluster on a temp directory, a group::coordinator over it (same manual clock),
// make_request_handler's handler, its coroutines run on a local io_context; request frames
// are built with the codec and responses (file chunks read back with pread) decoded with
// it. Derived fixtures adjust the cluster config with configure() and the coordinator's
// with configure_groups() before SetUp opens them.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "cluster/local_cluster.h"
#include "group/coordinator.h"
#include "kafka/protocol/frame.h"
#include "kafka/server/make_handler.h"

namespace fjord::kafka::testing {

using handle_result = result<std::optional<net::response>>;

// A named coroutine (no capturing lambda): runs the handler and stores its result.
inline boost::asio::awaitable<void> run_handler(net::request_handler* h, bytes frame,
                                                std::shared_ptr<std::optional<handle_result>> out) {
    const net::connection_info conn{.id = 1, .peer = "test:1"};
    auto r = co_await h->handle(conn, std::move(frame));
    out->emplace(std::move(r));
}

struct handler_fixture : ::testing::Test {
    std::string dir;
    std::unique_ptr<io::filesystem> fs = io::make_posix_filesystem();
    manual_clock clk;
    std::unique_ptr<cluster::local_cluster> cluster;
    std::unique_ptr<group::coordinator> coordinator;
    std::unique_ptr<net::request_handler> handler;
    boost::asio::io_context io;
    int32_t correlation = 0;

    // Called by SetUp with the default test config (one temp log dir, 1 MiB segments).
    virtual void configure(cluster::cluster_config&) {}
    // Called by SetUp with the test coordinator config: a few offsets partitions, and no
    // initial rebalance delay (the manual clock would otherwise hold the first join).
    virtual void configure_groups(group::coordinator_config&) {}

    void SetUp() override {
        char tmpl[] = "/tmp/fjord-kafka-server-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
        cluster::cluster_config cfg;
        cfg.log_dirs = {dir};
        cfg.log_defaults.segment_bytes = 1 << 20;
        configure(cfg);
        auto c = cluster::make_local_cluster(*fs, clk, cfg);
        ASSERT_TRUE(c) << c.error().message();
        cluster = std::move(*c);
        group::coordinator_config gcfg;
        gcfg.offsets_topic_partitions = 4;
        gcfg.offsets_segment_bytes = 1 << 20;
        gcfg.groups.initial_rebalance_delay = std::chrono::milliseconds(0);
        configure_groups(gcfg);
        coordinator = std::make_unique<group::coordinator>(*cluster, clk, gcfg);
        auto started = coordinator->start();
        ASSERT_TRUE(started) << started.error().message();
        coordinator->wait_loaded();
        handler = make_request_handler(*cluster, *coordinator);
    }
    void TearDown() override {
        handler.reset();
        coordinator.reset();
        cluster.reset();
        std::filesystem::remove_all(dir);
    }

    // Starts a request without running the io_context.
    std::shared_ptr<std::optional<handle_result>> start_frame(bytes frame) {
        auto out = std::make_shared<std::optional<handle_result>>();
        boost::asio::co_spawn(io, run_handler(handler.get(), std::move(frame), out), boost::asio::detached);
        return out;
    }
    handle_result call_frame(bytes frame) {
        auto out = start_frame(std::move(frame));
        io.restart();
        io.run();
        EXPECT_TRUE(out->has_value());
        return std::move(**out);
    }
    template<typename Req>
    bytes frame_of(int16_t version, const Req& req) {
        request_header h{.api_key = Req::key, .api_version = version, .correlation_id = ++correlation,
                         .client_id = "unit-test"};
        return encode_request_frame(h, request{req});
    }
    static bytes flatten(const net::response& resp) {
        bytes out;
        for (const auto& c : resp.chunks) {
            if (const auto* b = std::get_if<bytes>(&c)) {
                out.insert(out.end(), b->begin(), b->end());
            } else {
                const auto& f = std::get<net::file_chunk>(c);
                bytes buf(f.length);
                EXPECT_EQ(pread(f.fd, buf.data(), f.length, static_cast<off_t>(f.offset)),
                          static_cast<ssize_t>(f.length));
                out.insert(out.end(), buf.begin(), buf.end());
            }
        }
        return out;
    }
    template<typename Resp>
    Resp decode_response(int16_t version, const net::response& resp) {
        bytes data = flatten(resp);
        EXPECT_EQ(resp.size_bytes(), data.size());
        reader r(data);
        response_header h;
        EXPECT_TRUE(h.decode_from(r, response_header_version(Resp::key, version)));
        EXPECT_EQ(h.correlation_id, correlation);
        auto body = Resp::decode(r, version);
        EXPECT_TRUE(body) << body.error().message();
        EXPECT_EQ(r.remaining(), 0u) << "response longer than v" << version << " allows";
        return body ? *body : Resp{};
    }
    // Sends a whole frame and decodes the response of type Resp.
    template<typename Resp>
    Resp call_raw(int16_t version, bytes frame) {
        auto r = call_frame(std::move(frame));
        EXPECT_TRUE(r && r->has_value()) << (r ? "no response" : r.error().message());
        if (!r || !r->has_value()) {
            return Resp{};
        }
        return decode_response<Resp>(version, **r);
    }
    // Sends `req` and decodes the response of type Resp.
    template<typename Resp, typename Req>
    Resp call(int16_t version, const Req& req) {
        return call_raw<Resp>(version, frame_of(version, req));
    }
};

}  // namespace fjord::kafka::testing
