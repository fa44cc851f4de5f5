// flusher: acks=all group commit. Waiters complete on their own executor only once the log
// is durable to their target, one flush serves every waiter registered before it, a failed
// fsync fails its waiters, and stop() releases whoever is still waiting.
#include "cluster/flusher.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "base/clock.h"
#include "base/errc.h"
#include "io/fault_injecting_filesystem.h"
#include "record/builder.h"

namespace fjord::cluster {
namespace {

struct FlusherTest : ::testing::Test {
    io::fault_injecting_filesystem fs{3};
    manual_clock clk;
    std::shared_ptr<storage::log> lg;
    boost::asio::io_context io;

    void SetUp() override {
        ASSERT_TRUE(fs.create_directories("/data/t-0"));
        auto l = storage::log::open(fs, clk, "/data/t-0", storage::log_config{}, "t-0");
        ASSERT_TRUE(l) << l.error().message();
        lg = std::move(*l);
    }
    offset append(int n) {
        record::batch_builder b;
        for (int i = 0; i < n; ++i) {
            b.add(1'700'000'000'000 + i, std::nullopt, to_bytes("v"));
        }
        auto batch = b.build();
        EXPECT_TRUE(batch);
        auto a = lg->append(*batch);
        EXPECT_TRUE(a) << a.error().message();
        return a->last_offset + 1;
    }
    // Starts a wait; `*out` is set when it completes.
    void spawn_wait(flusher& f, offset end, std::optional<std::error_code>* out,
                    std::chrono::milliseconds timeout = {}) {
        boost::asio::co_spawn(
            io,
            [&f, this, end, out, timeout]() -> boost::asio::awaitable<void> {
                auto r = co_await f.wait_durable(lg, end, timeout);
                *out = r ? std::error_code{} : r.error();
            },
            boost::asio::detached);
    }
};

TEST_F(FlusherTest, WaitCompletesOnceTheLogIsDurable) {
    flusher f(2);
    const offset end = append(3);
    std::optional<std::error_code> done;
    spawn_wait(f, end, &done);
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done.has_value());
    EXPECT_FALSE(*done) << done->message();
    EXPECT_GE(lg->flushed_offset(), end);
}

TEST_F(FlusherTest, ManyWaitersOfOneLogAllComplete) {
    flusher f(2);
    std::vector<std::optional<std::error_code>> done(50);
    for (auto& d : done) {
        spawn_wait(f, append(1), &d);
    }
    io.run_for(std::chrono::seconds(10));
    for (const auto& d : done) {
        ASSERT_TRUE(d.has_value());
        EXPECT_FALSE(*d);
    }
    EXPECT_EQ(lg->flushed_offset(), offset{50});
}

TEST_F(FlusherTest, AlreadyDurableCompletesWithoutAFlush) {
    flusher f(1);
    const offset end = append(2);
    ASSERT_TRUE(lg->flush());
    fs.fail_sync_after(0);  // a flush would fail now
    std::optional<std::error_code> done;
    spawn_wait(f, end, &done);
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done.has_value());
    EXPECT_FALSE(*done);
}

TEST_F(FlusherTest, FailedFsyncFailsTheWaiters) {
    flusher f(1);
    const offset end = append(2);
    fs.fail_sync_after(0);
    std::optional<std::error_code> done;
    spawn_wait(f, end, &done);
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(*done, make_error_code(errc::io_error));
    EXPECT_TRUE(lg->failed());
}

TEST_F(FlusherTest, AWaitThatNoFlushServesTimesOut) {
    flusher f(0);  // no threads: nothing ever flushes
    const offset end = append(1);
    std::optional<std::error_code> done;
    spawn_wait(f, end, &done, std::chrono::milliseconds(20));
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(*done, make_error_code(errc::timed_out));
    EXPECT_LT(lg->flushed_offset(), end);
    f.stop();  // the abandoned waiter is completed (posted, never read) without harm
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
}

TEST_F(FlusherTest, StopReleasesWaitersWithShuttingDown) {
    flusher f(1);
    f.stop();
    const offset end = append(1);
    std::optional<std::error_code> done;
    spawn_wait(f, end, &done);
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(*done, make_error_code(errc::shutting_down));
}

}  // namespace
}  // namespace fjord::cluster
