// run_broker: start in dependency order, wait for a signal, stop in reverse.
#include "app/broker.h"

#include <csignal>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "base/clock.h"
#include "base/logger.h"
#include "io/file.h"
#include "kafka/server/make_handler.h"
#include "net/listener.h"
#include "net/shard_pool.h"

namespace fjord::app {

int run_broker(const broker_config& config) {
    auto log = make_logger("app");
    // Signals first, so a Ctrl-C during recovery is not lost (it stops the broker once up).
    boost::asio::io_context signals_ctx;
    boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
    int stop_signal = 0;
    signals.async_wait([&stop_signal](const boost::system::error_code& ec, int sig) {
        if (!ec) {
            stop_signal = sig;
        }
    });
    std::signal(SIGPIPE, SIG_IGN);

    auto fs = io::make_posix_filesystem();
    for (const auto& dir : config.cluster.log_dirs) {
        if (auto r = fs->create_directories(dir); !r) {
            log->error("cannot create log directory {}: {}", dir, r.error().message());
            return 1;
        }
    }
    auto cluster = cluster::make_local_cluster(*fs, system_clock(), config.cluster);
    if (!cluster) {
        log->error("cannot open the logs under {}: {}", fmt::join(config.cluster.log_dirs, ","),
                   cluster.error().message());
        return 1;
    }
    auto groups = std::make_unique<group::coordinator>(**cluster, system_clock(), config.groups);
    if (auto r = groups->start(); !r) {
        log->error("cannot start the group coordinator: {}", r.error().message());
        return 1;
    }
    auto handler = kafka::make_request_handler(**cluster, *groups);
    (*cluster)->start_housekeeping(config.housekeeping_interval);

    size_t shards = config.shards == 0 ? net::shard_pool::default_shard_count() : config.shards;
    // Destroyed (with any coroutine frames still pending) before the handler and cluster.
    auto pool = std::make_unique<net::shard_pool>(shards);
    pool->start();
    net::listener_config lc{.host = config.listener.host,
                            .port = config.listener.port,
                            .connection = {.max_frame_bytes = config.socket_request_max_bytes}};
    auto listener = net::listener::start(*pool, *handler, lc);
    int exit_code = 0;
    if (listener) {
        log->info("fjord-broker node {} ready on {}:{} (advertised {}:{}), {} shards, logs in {}",
                  config.cluster.node_id, config.listener.host.empty() ? "*" : config.listener.host,
                  (*listener)->port(), config.cluster.advertised_host, config.cluster.advertised_port, shards,
                  fmt::join(config.cluster.log_dirs, ","));
        signals_ctx.run();  // returns after the first SIGINT/SIGTERM
        log->info("received signal {}; stopping", stop_signal);
        (*listener)->stop();
        pool->stop();
        listener->reset();
    } else {
        log->error("cannot listen on {}:{}: {}", config.listener.host, config.listener.port,
                   listener.error().message());
        exit_code = 1;
    }
    groups->stop();              // answers parked JoinGroup/SyncGroup calls
    (*cluster)->stop_flusher();  // while the shards' executors still exist
    pool.reset();
    handler.reset();
    groups.reset();
    if (auto r = (*cluster)->close(); !r) {
        log->error("closing the logs failed: {}", r.error().message());
        return 1;
    }
    cluster->reset();
    if (exit_code == 0) {
        log->info("stopped cleanly");
    }
    return exit_code;
}

}  // namespace fjord::app
