// streams_probe: a small fjord-streams application for the runtime's process tests
// (streams_runtime_tests.py). It runs one of a few topologies against a real broker and
// prints what the runtime reports as JSON lines on stdout:
//   {"event":"rebalance","assigned":["0_1"],"revoked":[]}
//   {"event":"restore","store":"counts","task":"0_1","restored":10,"total":10,...,"done":true}
//   {"event":"error","message":"..."}            a fatal runtime error
//   {"event":"startup_error","message":"..."}    start-up failure (exit code 2)
//   {"event":"metrics","metrics":{"records-in{task=0_1}":10,...}}   every second
//   {"event":"stopped","state":"stopped","metrics":{...},"cpu_s":...,"busy_s":...}
// Modes:
//   windowed-count  input (utf8 key, any value) → group_by_key → tumbling 1 min windows,
//                   grace 1 h → count (store::rocksdb "counts") → output records
//                   key "<key>@<window start ms>", value the count in decimal (utf8)
//   final-count     input (utf8 key, any value) → group_by_key → tumbling 1 min windows,
//                   no grace → count (store::rocksdb "final-counts") → emit_final → output
//                   records key "<key>@<window start ms>", value the final count (utf8)
//   passthrough     input (utf8 key, be_i64 value) → output, values unchanged; an 8-byte
//                   rule makes undecodable input easy to produce (decode-error tests)
//   join            input (utf8 key and value) joined with the table of input2 (utf8 key and
//                   value; store::rocksdb "table") → output value "<stream value>|<table value>"
//                   (inner join: a stream record whose key is not in the table yet is dropped)
//   copartition     input and input2 merged → output (both must be co-partitioned)
//   repartition-count  input (utf8 key and value) → rekey by value through the repartition
//                   topic "<app>-by-value-repartition" (--repartition-partitions N, default:
//                   as many as the input) → count per value (store::rocksdb "value-counts")
//                   → output (utf8 key, be_i64 count)
// Flags, events and exit codes are every example application's
// (streams/examples/common/run_app.hpp), plus --mode, --input, --input2, --output and
// --repartition-partitions.
#include <memory>
#include <string>

#include "common/run_app.hpp"

namespace fs = fjord::streams;

namespace {

struct probe_options {
  std::string mode = "windowed-count";
  std::string input = "input", input2 = "input2", output = "output";
  int repartition_partitions = 0;  // 0: derived from the input
};

void build(fs::topology& t, const probe_options& o) {
  using str_topic = fs::topic<std::string, std::string, fs::utf8, fs::utf8>;
  if (o.mode == "windowed-count") {
    const str_topic in{o.input}, out{o.output};
    t.stream(in)
        .group_by_key()
        .windowed_by(fs::tumbling(std::chrono::minutes(1)).grace(std::chrono::hours(1)))
        .count(fs::store::rocksdb{"counts"})
        .to_stream()
        .map([](const fs::windowed<std::string>& k, std::int64_t n) {
          return std::pair<std::string, std::string>{k.key + "@" + std::to_string(k.start), std::to_string(n)};
        })
        .to(out);
  } else if (o.mode == "final-count") {
    const str_topic in{o.input}, out{o.output};
    t.stream(in)
        .group_by_key()
        .windowed_by(fs::tumbling(std::chrono::minutes(1)).no_grace())
        .emit_final()
        .count(fs::store::rocksdb{"final-counts"})
        .to_stream()
        .map([](const fs::windowed<std::string>& k, std::int64_t n) {
          return std::pair<std::string, std::string>{k.key + "@" + std::to_string(k.start), std::to_string(n)};
        })
        .to(out);
  } else if (o.mode == "passthrough") {
    const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> in{o.input}, out{o.output};
    t.stream(in).to(out);
  } else if (o.mode == "repartition-count") {
    const str_topic in{o.input};
    const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> out{o.output};
    fs::named n{"by-value"};
    if (o.repartition_partitions > 0) n.partitions = o.repartition_partitions;
    t.stream(in)
        .rekey([](const std::string&, const std::string& v) { return v; }, n)
        .group_by_key()
        .count(fs::store::rocksdb{"value-counts"})
        .to_stream()
        .to(out);
  } else if (o.mode == "join") {
    const str_topic a{o.input}, b{o.input2}, out{o.output};
    t.stream(a)
        .join(t.table(b, fs::store::rocksdb{"table"}),
              [](const std::string& s, const std::string& v) { return s + "|" + v; })
        .to(out);
  } else if (o.mode == "copartition") {
    const str_topic a{o.input}, b{o.input2}, out{o.output};
    t.stream(a).merge(t.stream(b)).to(out);
  } else {
    throw fs::streams_error("unknown --mode " + o.mode);
  }
}

}  // namespace

int main(int argc, char** argv) {
  probe_options probe;
  const auto options = examples::parse_options(argc, argv, "streams-probe", [&](const std::string& flag, const std::string& v) {
    if (flag == "--mode") probe.mode = v;
    else if (flag == "--input") probe.input = v;
    else if (flag == "--input2") probe.input2 = v;
    else if (flag == "--output") probe.output = v;
    else if (flag == "--repartition-partitions") probe.repartition_partitions = std::stoi(v);
    else return false;
    return true;
  });
  return examples::main_with_signals([&](std::stop_token stop) {
    fs::topology t{options.app_id};
    build(t, probe);
    return examples::run_topology(t, options, stop);
  });
}
