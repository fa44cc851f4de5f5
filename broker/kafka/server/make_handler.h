// The Kafka request handler the broker's listeners serve: decodes each frame with
// kafka/protocol, dispatches it to the handler of its API (handlers/, one .h + .cc per
// API), and encodes the response. Built over the cluster seam only.
#pragma once

#include <memory>

#include "cluster/local_cluster.h"
#include "group/coordinator.h"
#include "net/request_handler.h"

namespace fjord::kafka {

// REQUIRES: `cluster` and `groups` outlive the handler.
std::unique_ptr<net::request_handler> make_request_handler(cluster::local_cluster& cluster,
                                                          group::coordinator& groups);

}  // namespace fjord::kafka
