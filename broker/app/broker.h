// The composition root: builds the broker from its configuration and runs it until
// SIGINT or SIGTERM.
//
// Start order: filesystem and clock → cluster (opens and recovers every log) → Kafka
// request handler → shard pool → listener. Stop order is the reverse: stop accepting and
// close connections, let the shards drain and join them, then destroy the handler, close
// the cluster (sealing every log) and destroy it.
#pragma once

#include "app/broker_config.h"

namespace fjord::app {

// Runs the broker in the calling thread until SIGINT/SIGTERM. Returns the process exit
// code: 0 after a clean stop, non-zero when start-up failed (already logged).
int run_broker(const broker_config& config);

}  // namespace fjord::app
