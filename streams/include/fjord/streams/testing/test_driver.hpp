// fjord-streams: run a topology with no broker, the way Kafka Streams users use
// TopologyTestDriver.
//
//   test_driver td{t};
//   td.pipe(payments, "4111", payment{...}, 10'000);
//   auto out = td.read(high_risk);            // records written since the last read
//
// Every topic is an in-memory log with one partition, so the driver runs one task per
// sub-topology (partition 0) with the same operator, store (real RocksDB in a temporary
// state directory) and changelog code as the runtime. Records written to a topic that
// some sub-topology reads (repartition topics, or an output topic read back) are processed
// before pipe() returns, so a whole topology settles in one call. Stream time moves with
// the records piped in, or explicitly with advance_stream_time(); the wall clock moves
// only with advance_wall_clock(), which fires wall-clock punctuators. commit() does what
// the runtime does before an offset commit (flush every task: node buffers, stores, and
// — with config.changelog_buffer_bytes > 0, the runtime's mode — the store writes
// combined per key since the last commit go to the changelog topics).
//
// Errors: a task's streams_error (e.g. the fail decode-error policy) propagates out of
// the call that caused it. Not thread-safe; one driver per test.
#pragma once

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include "fjord/streams/dsl/sink_node.hpp"
#include "fjord/streams/dsl/topology.hpp"
#include "fjord/streams/processor/task.hpp"

namespace fjord::streams {

struct test_driver_config {
  timestamp_ms initial_wall_clock = 0;
  decode_error_policy on_decode_error = decode_errors::fail();
  // Empty: a fresh directory under the system temp dir, removed by the destructor.
  std::filesystem::path state_dir{};
  std::size_t memory_budget_bytes = std::size_t{16} << 20;
  // false: records written to topics no task reads are counted (written_count()) but not
  // kept, and processed records of internal hops are freed — for benchmarks that run
  // millions of records through a topology (read()/history() then see nothing).
  bool keep_records = true;
  // 0: every store write reaches its changelog topic at once (history() shows each one);
  // > 0: combined per key until commit() (or this many bytes), as the runtime does.
  std::size_t changelog_buffer_bytes = 0;
};

// A record as written to an in-memory topic: bytes, as a consumer would see them.
struct raw_output {
  std::optional<std::string> key;
  std::optional<std::string> value;
  timestamp_ms timestamp = 0;
  header_list headers;
};

class test_driver {
 public:
  explicit test_driver(topology& t, test_driver_config cfg = {})
      : graph_(t.blueprint()),
        cfg_(std::move(cfg)),
        wall_clock_(cfg_.initial_wall_clock),
        collector_([this](const std::string& topic) { return cfg_.keep_records || reader_of_.contains(topic); }) {
    if (cfg_.state_dir.empty()) {
      static std::atomic<int> counter{0};
      cfg_.state_dir = std::filesystem::temp_directory_path() /
                       ("fjord-streams-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
      owns_state_dir_ = true;
    }
    budget_ = std::make_shared<rocksdb_budget>(cfg_.memory_budget_bytes);
    for (const auto& sub : graph_.subtopologies()) {
      task_context::services s{.application_id = graph_.application_id(),
                               .collector = &collector_,
                               .metrics = &metrics_,
                               .state = {cfg_.state_dir, graph_.application_id(), budget_},
                               .on_decode_error = cfg_.on_decode_error,
                               .changelog_buffer_bytes = cfg_.changelog_buffer_bytes};
      auto t = std::make_unique<task>(graph_, sub, 0, std::move(s), wall_clock_);
      t->init();
      for (const auto& topic : sub.source_topics) reader_of_[topic] = t.get();
      tasks_.push_back(std::move(t));
    }
  }

  test_driver(const test_driver&) = delete;
  test_driver& operator=(const test_driver&) = delete;

  ~test_driver() {
    tasks_.clear();  // closes stores before their directory goes
    if (owns_state_dir_) {
      std::error_code ec;
      std::filesystem::remove_all(cfg_.state_dir, ec);
    }
  }

  // Writes one record to `t` (encoded with its serdes) and processes everything it leads to.
  template <class K, class V, class KS, class VS>
  void pipe(const topic<K, V, KS, VS>& t, const std::type_identity_t<K>& key, const std::type_identity_t<V>& value,
            timestamp_ms ts, header_list headers = {}) {
    std::string k, v;
    KS::encode(key, k);
    std::optional<std::string> value_bytes;
    if (encode_value<VS>(value, v)) value_bytes = std::move(v);
    pipe_raw(t.name, std::move(k), std::move(value_bytes), ts, std::move(headers));
  }

  // Writes a record with a null value (a tombstone for a table topic).
  template <class K, class V, class KS, class VS>
  void pipe_tombstone(const topic<K, V, KS, VS>& t, const std::type_identity_t<K>& key, timestamp_ms ts) {
    std::string k;
    KS::encode(key, k);
    pipe_raw(t.name, std::move(k), std::nullopt, ts);
  }

  // Writes raw bytes (undecodable input, null keys) and processes what follows.
  void pipe_raw(const std::string& topic, std::optional<std::string> key, std::optional<std::string> value,
                timestamp_ms ts, header_list headers = {}) {
    collector_.append(topic, raw_output{std::move(key), std::move(value), ts, std::move(headers)});
    settle();
  }

  // Processes one record of source topic `topic` without storing it (the benchmark path:
  // no copy of the input is kept). REQUIRES: some sub-topology reads `topic`.
  void feed(std::string_view topic, std::optional<std::string_view> key, std::optional<std::string_view> value,
            timestamp_ms ts) {
    auto reader = reader_of_.find(topic);
    if (reader == reader_of_.end()) throw streams_error("feed: no sub-topology reads '" + std::string(topic) + "'");
    reader->second->process(raw_record{topic, 0, fed_++, key, value, ts, {}});
    settle();
  }

  // What the runtime does before committing offsets: every task flushes (see the header).
  void commit() {
    for (auto& task : tasks_) task->flush();
    settle();
  }

  // Moves every task's stream time to `t` (if later) and fires stream-time punctuators.
  void advance_stream_time(timestamp_ms t) {
    for (auto& task : tasks_) task->advance_stream_time(t);
    settle();
  }

  // Moves the wall clock forward by `d` and fires wall-clock punctuators.
  void advance_wall_clock(millis d) {
    wall_clock_ += d.count();
    for (auto& task : tasks_) task->advance_wall_clock(wall_clock_);
    settle();
  }
  timestamp_ms wall_clock() const { return wall_clock_; }

  // The records written to `t` since the last read of it, decoded with its serdes.
  // Throws streams_error if one does not decode (a test bug).
  template <class K, class V, class KS, class VS>
  std::vector<record<K, V>> read(const topic<K, V, KS, VS>& t) {
    std::vector<record<K, V>> out;
    for (auto& r : read_raw(t.name)) {
      auto k = KS::decode(r.key.value_or(""));
      if (!k.ok()) throw streams_error("read(" + t.name + "): key: " + k.err().message);
      if constexpr (serde_is_nullable_v<VS>) {
        if (!r.value) {
          out.push_back({std::move(k).value(), VS::null_value(), r.timestamp, std::move(r.headers)});
          continue;
        }
      } else if (!r.value) {
        throw streams_error("read(" + t.name + "): a null value; use read_raw() or an optional<> serde");
      }
      auto v = VS::decode(*r.value);
      if (!v.ok()) throw streams_error("read(" + t.name + "): value: " + v.err().message);
      out.push_back({std::move(k).value(), std::move(v).value(), r.timestamp, std::move(r.headers)});
    }
    return out;
  }

  // Bytes written to `topic` since the last read of it.
  std::vector<raw_output> read_raw(const std::string& topic) { return collector_.take_unread(topic); }
  // Every record ever written to `topic` (piped or produced), read or not.
  const std::deque<raw_output>& history(const std::string& topic) { return collector_.log(topic); }

  streams::metrics& metrics() { return metrics_; }
  // How many records were written to `topic` (kept or not).
  std::uint64_t written_count(const std::string& topic) { return collector_.written(topic); }

  // The task running sub-topology `sub` (for inspecting stores: task(n).state()).
  task& task_of(int sub) { return *tasks_.at(static_cast<std::size_t>(sub)); }
  // The task owning store `name`.
  task& task_with_store(const std::string& name) {
    for (auto& t : tasks_) {
      if (t->state().has(name)) return *t;
    }
    throw streams_error("no task has a store named '" + name + "'");
  }
  template <class K, class V, class KS = default_serde_t<K>, class VS = default_serde_t<V>>
  auto kv_store(const std::string& name) { return task_with_store(name).state().template kv<K, V, KS, VS>(name); }
  template <class K, class V, class KS = default_serde_t<K>, class VS = default_serde_t<V>>
  auto window_store(const std::string& name) {
    return task_with_store(name).state().template window<K, V, KS, VS>(name);
  }
  template <class K, class V, class KS = default_serde_t<K>, class VS = default_serde_t<V>>
  auto session_store(const std::string& name) {
    return task_with_store(name).state().template session<K, V, KS, VS>(name);
  }

 private:
  // In-memory topics: one partition each, an unbounded log, a read cursor for the test
  // and one for the task that reads the topic.
  class memory_topics final : public record_collector {
   public:
    // `keep(topic)` says whether records of a topic are stored.
    explicit memory_topics(std::function<bool(const std::string&)> keep) : keep_(std::move(keep)) {}

    void send(std::string_view topic, std::optional<std::int32_t>, std::optional<std::string_view> key,
              std::optional<std::string_view> value, timestamp_ms timestamp, const header_list& headers) override {
      append(std::string(topic),
             raw_output{key ? std::optional<std::string>(*key) : std::nullopt,
                        value ? std::optional<std::string>(*value) : std::nullopt, timestamp, headers});
    }
    void append(const std::string& topic, raw_output r) {
      auto& t = topics_[topic];
      ++t.written;
      if (keep_(topic)) t.log.push_back(std::move(r));
    }
    std::uint64_t written(const std::string& topic) { return topics_[topic].written; }
    // Frees the records of `topic` every reader has consumed (benchmark mode).
    void trim(const std::string& topic) {
      auto& t = topics_[topic];
      if (t.task_cursor == t.log.size() && !t.log.empty()) {
        t.base += t.log.size();
        t.log.clear();
        t.task_cursor = t.test_cursor = 0;
      }
    }
    std::vector<raw_output> take_unread(const std::string& topic) {
      auto& t = topics_[topic];
      std::vector<raw_output> out(t.log.begin() + static_cast<std::ptrdiff_t>(t.test_cursor), t.log.end());
      t.test_cursor = t.log.size();
      return out;
    }
    const std::deque<raw_output>& log(const std::string& topic) { return topics_[topic].log; }
    // The next record of `topic` its reading task has not processed (nullptr: none), and
    // its offset. The pointer stays valid while records are appended (a deque).
    const raw_output* next_for_task(const std::string& topic, std::int64_t& offset) {
      auto it = topics_.find(topic);
      if (it == topics_.end() || it->second.task_cursor == it->second.log.size()) return nullptr;
      offset = static_cast<std::int64_t>(it->second.base + it->second.task_cursor);
      return &it->second.log[it->second.task_cursor++];
    }

   private:
    struct topic_log {
      std::deque<raw_output> log;
      std::size_t base = 0;  // offset of log.front() (trimmed records keep their offsets)
      std::size_t test_cursor = 0;
      std::size_t task_cursor = 0;
      std::uint64_t written = 0;
    };
    std::function<bool(const std::string&)> keep_;
    std::map<std::string, topic_log, std::less<>> topics_;
  };

  // Feeds every unprocessed record of every topic some task reads to that task, until
  // nothing is left (a record may produce records for other tasks).
  void settle() {
    bool progressed = true;
    while (progressed) {
      progressed = false;
      for (auto& [name, reader] : reader_of_) {
        std::int64_t offset = 0;
        while (const raw_output* r = collector_.next_for_task(name, offset)) {
          reader->process(raw_record{name, 0, offset, r->key, r->value, r->timestamp, r->headers});
          progressed = true;
        }
        if (!cfg_.keep_records) collector_.trim(name);
      }
    }
  }

  const graph& graph_;
  test_driver_config cfg_;
  bool owns_state_dir_ = false;
  timestamp_ms wall_clock_;
  std::shared_ptr<rocksdb_budget> budget_;
  streams::metrics metrics_;
  memory_topics collector_;
  std::vector<std::unique_ptr<task>> tasks_;
  std::map<std::string, task*, std::less<>> reader_of_;
  std::int64_t fed_ = 0;
};

}  // namespace fjord::streams
