// streams_probe: a small fjord-streams application for the runtime's process tests
// (streams_runtime_tests.py). It runs one of a few topologies against a real broker and
// prints what the runtime reports as JSON lines on stdout:
//   {"event":"rebalance","assigned":["0_1"],"revoked":[]}
//   {"event":"restore","store":"counts","task":"0_1","restored":10,"total":10,...,"done":true}
//   {"event":"error","message":"..."}            a fatal runtime error
//   {"event":"startup_error","message":"..."}    start-up failure (exit code 2)
//   {"event":"metrics","metrics":{"records-in{task=0_1}":10,...}}   every second
//   {"event":"stopped","state":"stopped","metrics":{...}}
// Modes:
//   windowed-count  input (utf8 key, any value) → group_by_key → tumbling 1 min windows,
//                   grace 1 h → count (store::rocksdb "counts") → output records
//                   key "<key>@<window start ms>", value the count in decimal (utf8)
//   passthrough     input (utf8 key, be_i64 value) → output, values unchanged; an 8-byte
//                   rule makes undecodable input easy to produce (decode-error tests)
//   copartition     input and input2 merged → output (both must be co-partitioned)
//   repartition-count  input (utf8 key and value) → rekey by value through the repartition
//                   topic "<app>-by-value-repartition" (--repartition-partitions N, default:
//                   as many as the input) → count per value (store::rocksdb "value-counts")
//                   → output (utf8 key, be_i64 count)
// Exit codes: 0 after SIGTERM/SIGINT and a clean stop, 1 after a fatal runtime error, 2 on
// a start-up error, 64 on bad usage. No exception leaves main.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include <fjord/streams.hpp>
#include <fjord/streams/runtime/app.hpp>

#if __has_include(<fjord/streams/dsl/grouped_stream.hpp>)
#include <fjord/streams/dsl/grouped_stream.hpp>
#define PROBE_HAS_WINDOWED_DSL 1
#endif

namespace fs = fjord::streams;
using json = nlohmann::json;

namespace {

std::mutex out_mu;
void emit(const json& j) {
  std::lock_guard lock(out_mu);
  std::cout << j.dump() << std::endl;  // endl: flushed, the test reads line by line
}

struct options {
  std::string bootstrap, app_id, state_dir, mode = "windowed-count";
  std::string input = "input", input2 = "input2", output = "output";
  std::string on_decode_error = "fail", dlq;
  int threads = 1;
  long commit_interval_ms = 1000;
  long session_timeout_ms = 6000;
  long memory_budget_mb = 16;
  int repartition_partitions = 0;  // 0: derived from the input
  std::string instance_id;         // static membership when set
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "streams_probe: " << why << "\n"
            << "usage: streams_probe --bootstrap HOST:PORT --app-id ID --state-dir DIR [--mode "
               "windowed-count|passthrough|copartition|repartition-count] [--threads N] [--commit-interval-ms MS] "
               "[--session-timeout-ms MS] [--input T] [--input2 T] [--output T] "
               "[--on-decode-error fail|skip|dead-letter] [--dlq T] [--repartition-partitions N] "
               "[--instance-id ID]\n";
  std::exit(64);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](const std::string& v) -> long {
      try {
        return std::stol(v);
      } catch (...) {
        usage(a + ": not a number: " + v);
      }
    };
    if (a == "--bootstrap") o.bootstrap = next();
    else if (a == "--app-id") o.app_id = next();
    else if (a == "--state-dir") o.state_dir = next();
    else if (a == "--mode") o.mode = next();
    else if (a == "--threads") o.threads = static_cast<int>(number(next()));
    else if (a == "--commit-interval-ms") o.commit_interval_ms = number(next());
    else if (a == "--session-timeout-ms") o.session_timeout_ms = number(next());
    else if (a == "--input") o.input = next();
    else if (a == "--input2") o.input2 = next();
    else if (a == "--output") o.output = next();
    else if (a == "--on-decode-error") o.on_decode_error = next();
    else if (a == "--dlq") o.dlq = next();
    else if (a == "--instance-id") o.instance_id = next();
    else if (a == "--repartition-partitions") o.repartition_partitions = static_cast<int>(number(next()));
    else usage("unknown argument " + a);
  }
  if (o.bootstrap.empty() || o.app_id.empty() || o.state_dir.empty()) usage("--bootstrap, --app-id and --state-dir are required");
  return o;
}

#ifndef PROBE_HAS_WINDOWED_DSL
// Fallback while the windowed DSL is not available: the same counts with the Processor API.
class window_counter final : public fs::processor<std::string, std::string, std::string, std::string> {
 public:
  void init(fs::processor_context<std::string, std::string>& ctx) override { ctx_ = &ctx; }
  void process(fs::record<std::string, std::string>&& r) override {
    auto store = ctx_->kv_store<std::string, std::int64_t, fs::utf8, fs::be_i64>("counts");
    const std::string k = r.key + "@" + std::to_string(r.timestamp - r.timestamp % 60'000);
    const std::int64_t n = store.get(k).value_or(0) + 1;
    store.put(k, n);
    ctx_->forward({k, std::to_string(n), r.timestamp, {}});
  }

 private:
  fs::processor_context<std::string, std::string>* ctx_ = nullptr;
};
#endif

void build(fs::topology& t, const options& o) {
  using str_topic = fs::topic<std::string, std::string, fs::utf8, fs::utf8>;
  if (o.mode == "windowed-count") {
    const str_topic in{o.input}, out{o.output};
#ifdef PROBE_HAS_WINDOWED_DSL
    t.stream(in)
        .group_by_key()
        .windowed_by(fs::tumbling{std::chrono::minutes(1)}.grace(std::chrono::hours(1)))
        .count(fs::store::rocksdb{"counts"})
        .to_stream()
        .map([](const fs::windowed<std::string>& k, std::int64_t n) {
          return std::pair<std::string, std::string>{k.key + "@" + std::to_string(k.start), std::to_string(n)};
        })
        .to(out);
#else
    t.stream(in)
        .process<std::string, std::string>([] { return std::make_unique<window_counter>(); },
                                           {fs::store_def{.name = "counts"}})
        .to(out);
#endif
  } else if (o.mode == "passthrough") {
    const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> in{o.input}, out{o.output};
    t.stream(in).to(out);
  } else if (o.mode == "repartition-count") {
#ifdef PROBE_HAS_WINDOWED_DSL
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
#else
    usage("repartition-count needs dsl/grouped_stream.hpp");
#endif
  } else if (o.mode == "copartition") {
    const str_topic a{o.input}, b{o.input2}, out{o.output};
    t.stream(a).merge(t.stream(b)).to(out);
  } else {
    usage("unknown mode " + o.mode);
  }
}

json metrics_json(fs::metrics& m) {
  json j = json::object();
  for (const auto& v : m.snapshot()) j[v.name + (v.tags.empty() ? "" : "{" + v.tags + "}")] = v.value;
  return j;
}

int run(const options& o, std::stop_token stop) {
  fs::topology t{o.app_id};
  build(t, o);
  fs::config cfg;
  cfg.bootstrap_servers = o.bootstrap;
  cfg.threads = o.threads;
  cfg.state_dir = o.state_dir;
  cfg.commit_interval = fs::millis{o.commit_interval_ms};
  cfg.memory_budget_bytes = static_cast<std::size_t>(o.memory_budget_mb) << 20;
  cfg.startup_timeout = fs::millis{15'000};
  cfg.group_instance_id = o.instance_id;
  cfg.consumer_overrides = {{"session.timeout.ms", std::to_string(o.session_timeout_ms)},
                            {"heartbeat.interval.ms", std::to_string(std::max(100L, o.session_timeout_ms / 6))}};
  if (o.on_decode_error == "skip") cfg.on_decode_error = fs::decode_errors::skip();
  else if (o.on_decode_error == "dead-letter") cfg.on_decode_error = fs::decode_errors::dead_letter(o.dlq);
  else if (o.on_decode_error != "fail") usage("bad --on-decode-error " + o.on_decode_error);

  fs::app a{t, cfg};
  a.set_rebalance_listener([](const std::vector<fs::task_id>& assigned, const std::vector<fs::task_id>& revoked) {
    json as = json::array(), rs = json::array();
    for (const auto& id : assigned) as.push_back(id.str());
    for (const auto& id : revoked) rs.push_back(id.str());
    emit({{"event", "rebalance"}, {"assigned", as}, {"revoked", rs}});
  });
  a.set_restore_listener([](const fs::restore_progress& p) {
    emit({{"event", "restore"}, {"store", p.store}, {"task", p.task.str()}, {"restored", p.restored},
          {"total", p.total}, {"start", p.start_offset}, {"end", p.end_offset}, {"wiped", p.wiped}, {"done", p.done}});
  });
  a.set_error_listener([](const std::string& e) { emit({{"event", "error"}, {"message", e}}); });
  try {
    a.start();
  } catch (const std::exception& e) {
    emit({{"event", "startup_error"}, {"message", e.what()}});
    std::cerr << "streams_probe: " << e.what() << "\n";
    return 2;
  }
  emit({{"event", "running"}});
  auto last_metrics = std::chrono::steady_clock::now();
  while (!stop.stop_requested() && a.state() == fs::app_state::running) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - last_metrics >= std::chrono::seconds(1)) {
      emit({{"event", "metrics"}, {"metrics", metrics_json(a.metrics())}});
      last_metrics = std::chrono::steady_clock::now();
    }
  }
  a.stop();
  emit({{"event", "stopped"}, {"state", fs::to_string(a.state())}, {"metrics", metrics_json(a.metrics())}});
  if (auto e = a.fatal_error()) {
    std::cerr << "streams_probe: " << *e << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  // SIGTERM/SIGINT are blocked in every thread and taken by one watcher thread.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::stop_source stop;
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&set, &sig);
    stop.request_stop();
  });
  int code = 0;
  try {
    code = run(o, stop.get_token());
  } catch (const std::exception& e) {
    emit({{"event", "startup_error"}, {"message", e.what()}});
    std::cerr << "streams_probe: " << e.what() << "\n";
    code = 2;
  } catch (...) {
    std::cerr << "streams_probe: unknown exception\n";
    code = 1;
  }
  // Wake the watcher if no signal came, so it can be joined.
  if (!stop.stop_requested()) pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  return code;
}
