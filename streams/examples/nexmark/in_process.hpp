// NEXMark mode A: the in-process generator → a query's operators → a null sink.
//
// Events are generated, encoded with event_serde and fed to the topology through the
// test driver in its benchmark mode (keep_records = false): repartition hops still go
// through bytes and a second task, as they would through a broker, but output records
// are only counted. Cost is measured as CPU time of this process (user + system), so
// events / cpu_seconds is events per second per core used, the NEXMark definition.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <fjord/streams.hpp>

#include "common/cpu_time.hpp"
#include "nexmark/generator.hpp"
#include "nexmark/queries.hpp"

namespace fjord::streams::nexmark {

struct run_result {
  std::uint64_t events = 0;
  std::uint64_t outputs = 0;  // records written to the query's output topic
  double wall_seconds = 0;
  double cpu_seconds = 0;
  double events_per_core_second() const { return cpu_seconds > 0 ? double(events) / cpu_seconds : 0; }
};

// Runs `query` ("q0" …) over `count` generated events. Throws streams_error for an
// unknown query.
inline run_result run_in_process(std::string_view query, std::uint64_t count, generator_config gen = {}) {
  auto build = query_named(query);
  if (build == nullptr) throw streams_error("unknown NEXMark query '" + std::string(query) + "'");
  topology t{"nexmark-" + std::string(query)};
  build(t);
  test_driver td{t, {.keep_records = false}};
  gen.max_events = count;
  generator g{gen};
  event e;
  std::string value;
  const std::string out_topic = "nexmark-" + std::string(query);

  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = examples::cpu_seconds();
  while (g.next_into(e)) {
    value.clear();
    event_serde::encode(e, value);
    td.feed(events.name, std::string_view{}, value, event_time(e));
  }
  // Close the last windows: stream time past every window end + grace.
  td.advance_stream_time(g.watermark() + 3'600'000);
  run_result r;
  r.cpu_seconds = examples::cpu_seconds() - cpu0;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  r.events = count;
  r.outputs = td.written_count(out_topic);
  return r;
}

}  // namespace fjord::streams::nexmark
