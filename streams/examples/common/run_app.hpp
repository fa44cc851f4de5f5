// The command line every example application shares: run a topology against a Kafka
// cluster until SIGTERM/SIGINT (or, for benchmarks, until the input has been idle).
//
//   <example> --bootstrap HOST:PORT --state-dir DIR [--app-id ID] [--threads N]
//             [--commit-interval-ms MS] [--session-timeout-ms MS] [--instance-id ID]
//             [--memory-budget-mb MB] [--on-decode-error fail|skip|dead-letter --dlq TOPIC]
//             [--max-task-idle-ms MS] [--exit-when-idle-ms MS] [--restore-listener-delay-ms MS]
//
// --restore-listener-delay-ms is for tests: the restore listener sleeps that long on every
// progress report (one per 1000 records restored), so a small changelog restores as slowly
// as a large one would.
// Progress goes to stdout as one JSON object per line — {"event":"running"},
// {"event":"rebalance",...}, {"event":"restore",...}, {"event":"metrics",...} every second,
// {"event":"stopped","metrics":{...},"cpu_s":...,"busy_s":...} — so tests and benchmark scripts can
// follow it. Exit codes: 0 stopped cleanly, 1 a fatal error while running, 2 a usage or
// start-up error (e.g. a missing input topic), with the reason on stderr.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <fjord/streams.hpp>

#include "common/cpu_time.hpp"

namespace examples {

namespace fs = fjord::streams;
using json = nlohmann::json;

struct run_options {
  std::string bootstrap;
  std::string app_id;
  std::string state_dir;
  int threads = 1;
  long commit_interval_ms = 1000;
  long session_timeout_ms = 10'000;
  std::string instance_id;
  long memory_budget_mb = 64;
  std::string on_decode_error = "fail";
  std::string dlq;
  long exit_when_idle_ms = 0;  // 0: run until a signal
  long max_task_idle_ms = 0;   // config::max_task_idle (-1: never wait)
  long restore_listener_delay_ms = 0;
};

inline void emit(const json& j) {
  const std::string line = j.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

inline json metrics_json(const fs::metrics& m) {
  json out = json::object();
  for (const auto& v : m.snapshot()) out[v.tags.empty() ? v.name : v.name + "{" + v.tags + "}"] = v.value;
  return out;
}

[[noreturn]] inline void usage(const std::string& program, const std::string& why) {
  std::cerr << program << ": " << why << "\n"
            << "usage: " << program
            << " --bootstrap HOST:PORT --state-dir DIR [--app-id ID] [--threads N] [--commit-interval-ms MS]"
               " [--session-timeout-ms MS] [--instance-id ID] [--memory-budget-mb MB]"
               " [--on-decode-error fail|skip|dead-letter --dlq TOPIC] [--max-task-idle-ms MS]"
               " [--exit-when-idle-ms MS] [--restore-listener-delay-ms MS]\n";
  std::exit(2);
}

// Parses the shared flags; `extra(flag, value)` may claim others (returns false if not its flag).
inline run_options parse_options(int argc, char** argv, const std::string& default_app_id,
                                 const std::function<bool(const std::string&, const std::string&)>& extra = {}) {
  run_options o;
  o.app_id = default_app_id;
  const std::string program = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(program, "missing value after " + flag);
    const std::string value = argv[++i];
    auto number = [&] {
      try {
        return std::stol(value);
      } catch (const std::exception&) {
        usage(program, flag + " needs a number, got '" + value + "'");
      }
    };
    if (flag == "--bootstrap") o.bootstrap = value;
    else if (flag == "--app-id") o.app_id = value;
    else if (flag == "--state-dir") o.state_dir = value;
    else if (flag == "--threads") o.threads = static_cast<int>(number());
    else if (flag == "--commit-interval-ms") o.commit_interval_ms = number();
    else if (flag == "--session-timeout-ms") o.session_timeout_ms = number();
    else if (flag == "--instance-id") o.instance_id = value;
    else if (flag == "--memory-budget-mb") o.memory_budget_mb = number();
    else if (flag == "--on-decode-error") o.on_decode_error = value;
    else if (flag == "--dlq") o.dlq = value;
    else if (flag == "--exit-when-idle-ms") o.exit_when_idle_ms = number();
    else if (flag == "--max-task-idle-ms") o.max_task_idle_ms = number();
    else if (flag == "--restore-listener-delay-ms") o.restore_listener_delay_ms = number();
    else if (!extra || !extra(flag, value)) usage(program, "unknown flag " + flag);
  }
  if (o.bootstrap.empty()) usage(program, "--bootstrap is required");
  if (o.state_dir.empty()) usage(program, "--state-dir is required");
  return o;
}

inline fs::config make_config(const run_options& o) {
  fs::config cfg;
  cfg.bootstrap_servers = o.bootstrap;
  cfg.threads = o.threads;
  cfg.state_dir = o.state_dir;
  cfg.commit_interval = fs::millis{o.commit_interval_ms};
  cfg.max_task_idle = fs::millis{o.max_task_idle_ms};
  cfg.memory_budget_bytes = static_cast<std::size_t>(o.memory_budget_mb) << 20;
  cfg.startup_timeout = fs::millis{15'000};
  cfg.group_instance_id = o.instance_id;
  cfg.consumer_overrides = {{"session.timeout.ms", std::to_string(o.session_timeout_ms)},
                            {"heartbeat.interval.ms", std::to_string(std::max(100L, o.session_timeout_ms / 6))}};
  if (o.on_decode_error == "skip") {
    cfg.on_decode_error = fs::decode_errors::skip();
  } else if (o.on_decode_error == "dead-letter") {
    cfg.on_decode_error = fs::decode_errors::dead_letter(o.dlq);
  } else if (o.on_decode_error != "fail") {
    throw fs::streams_error("--on-decode-error must be fail, skip or dead-letter, not '" + o.on_decode_error + "'");
  }
  return cfg;
}

// Runs `t` until `stop` is requested, a fatal error, or (with exit_when_idle_ms) no record
// has come in for that long after the first one. Returns the exit code.
inline int run_topology(const fs::topology& t, const run_options& o, std::stop_token stop) {
  fs::app a{t, make_config(o)};
  a.set_rebalance_listener([](const std::vector<fs::task_id>& assigned, const std::vector<fs::task_id>& revoked) {
    json as = json::array(), rs = json::array();
    for (const auto& id : assigned) as.push_back(id.str());
    for (const auto& id : revoked) rs.push_back(id.str());
    emit({{"event", "rebalance"}, {"assigned", as}, {"revoked", rs}});
  });
  a.set_restore_listener([delay = std::chrono::milliseconds(o.restore_listener_delay_ms)](const fs::restore_progress& p) {
    emit({{"event", "restore"}, {"store", p.store}, {"task", p.task.str()}, {"restored", p.restored},
          {"total", p.total}, {"start", p.start_offset}, {"end", p.end_offset}, {"wiped", p.wiped}, {"done", p.done}});
    if (!p.done) std::this_thread::sleep_for(delay);
  });
  a.set_error_listener([](const std::string& e) { emit({{"event", "error"}, {"message", e}}); });
  try {
    a.start();
  } catch (const std::exception& e) {
    emit({{"event", "startup_error"}, {"message", e.what()}});
    std::cerr << t.application_id() << ": " << e.what() << "\n";
    return 2;
  }
  emit({{"event", "running"}});
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  auto last_metrics = wall0, last_input = wall0;
  std::optional<std::chrono::steady_clock::time_point> first_input;
  std::int64_t last_in = 0;
  while (!stop.stop_requested() && a.state() == fs::app_state::running) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto now = std::chrono::steady_clock::now();
    const std::int64_t in = a.metrics().sum(fs::metric_names::records_in);
    if (in != last_in) {
      if (!first_input) first_input = now;
      last_in = in;
      last_input = now;
    }
    if (o.exit_when_idle_ms > 0 && in > 0 && now - last_input >= std::chrono::milliseconds(o.exit_when_idle_ms)) break;
    if (now - last_metrics >= std::chrono::seconds(1)) {
      emit({{"event", "metrics"}, {"metrics", metrics_json(a.metrics())}});
      last_metrics = now;
    }
  }
  a.stop();
  emit({{"event", "stopped"},
        {"state", fs::to_string(a.state())},
        {"cpu_s", cpu_seconds() - cpu0},
        {"wall_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count()},
        // From the first to the last change of records-in (50 ms resolution): the busy time.
        {"busy_s", first_input ? std::chrono::duration<double>(last_input - *first_input).count() : 0.0},
        {"metrics", metrics_json(a.metrics())}});
  if (auto e = a.fatal_error()) {
    std::cerr << t.application_id() << ": " << *e << "\n";
    return 1;
  }
  return 0;
}

// main() of an example: SIGTERM/SIGINT are blocked in every thread and taken by one
// watcher thread, which requests the stop.
inline int main_with_signals(const std::function<int(std::stop_token)>& body) {
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
    code = body(stop.get_token());
  } catch (const std::exception& e) {
    emit({{"event", "startup_error"}, {"message", e.what()}});
    std::cerr << e.what() << "\n";
    code = 2;
  }
  if (!stop.stop_requested()) pthread_kill(watcher.native_handle(), SIGTERM);  // wake it to join
  watcher.join();
  return code;
}

}  // namespace examples
