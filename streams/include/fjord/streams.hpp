// fjord-streams: the one header an application includes.
//
// Everything of the library: serdes, the DSL (topology, stream, table, grouping, windows,
// joins), the Processor API, state stores, the runtime (librdkafka + RocksDB) and the
// broker-free test driver. Namespace fjord::streams. See docs/streams.md.
#pragma once

#include "fjord/streams/dsl/grouped_stream.hpp"
#include "fjord/streams/dsl/join.hpp"
#include "fjord/streams/dsl/topology.hpp"
#include "fjord/streams/error_handling.hpp"
#include "fjord/streams/metrics.hpp"
#include "fjord/streams/processor/processor.hpp"
#include "fjord/streams/runtime/app.hpp"
#include "fjord/streams/serde/serdes.hpp"
#include "fjord/streams/testing/test_driver.hpp"
