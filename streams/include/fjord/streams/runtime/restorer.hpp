// fjord-streams runtime: rebuilds a task's logged stores from their changelog topics.
//
// Owns one assign()-only consumer per stream thread (no group: it never commits). Its
// properties: config.consumer_overrides (connection, security, fetch tuning) except the
// group-membership keys (partition.assignment.strategy, group.instance.id), then forced
// over them what a restore relies on: group.id = its client id, auto.offset.reset =
// earliest, enable.partition.eof = true, enable.auto.commit = false,
// enable.auto.offset.store = false (see restore_properties()). Its main queue is
// redirected to the consumer queue (rd_kafka_poll_set_consumer), so every poll serves
// both.
//
// For each logged store of a newly assigned task: read the changelog partition's
// [log start, end) when that store's restore begins, decide with plan_restore()
// (planning.hpp) whether the checkpointed offset is reusable or the store must be wiped,
// then apply every record up to that end offset through state_manager::restore().
// Progress goes to the restore listener and to the metrics restore-records (counter) /
// restore-total (gauge), tagged task=,store=. The end is detected by offset or by the
// partition-EOF event (offsets may have gaps: compaction, and our broker's internal raft
// entries).
//
// Slices: restore_some() works until a deadline and returns, so the stream thread
// keeps polling its group consumer (max.poll.interval.ms) and processing its ready tasks
// while a large store restores; the next call with the same task goes on where the last
// one stopped (one restore in progress at a time; a call for another task abandons it).
// abandon() drops the restore in progress of a task that was revoked or closed (its
// listener gets no `done` report; restore-records counts every record applied, over every
// attempt). A restore that receives nothing for startup_timeout (counted over its slices)
// fails. Only records of the changelog partition being restored are applied.
//
// Errors come back as values (error_kind::broker / store; a failed assign or unassign of
// the changelog partition included); restore_some() never throws. After an error the
// restore in progress is dropped (the stream thread treats it as fatal).
// Threading: used by its stream thread only, between polls of the main consumer.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/metrics.hpp"
#include "fjord/streams/processor/task.hpp"
#include "fjord/streams/runtime/config.hpp"
#include "fjord/streams/runtime/listeners.hpp"
#include "fjord/streams/runtime/planning.hpp"
#include "fjord/streams/runtime/rdkafka.hpp"

namespace fjord::streams {

namespace detail {

// One task's restore, between restore_some() slices (restorer below).
struct restore_in_progress {
  task_id id;
  std::vector<std::string> stores;  // the task's logged stores, restored in this order
  std::size_t next_store = 0;       // the one being (or next to be) restored
  bool reading = false;             // its changelog partition is assigned
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t end = 0;
  restore_progress prog{};
  counter* restored_metric = nullptr;
  millis stalled{0};  // polled without a record since the last one
  std::map<std::string, std::int64_t> ends;  // changelog topic -> offset restore ended at
};

}  // namespace detail

class restorer {
 public:
  restorer(const config& cfg, const std::string& client_id, streams::metrics& m, const listeners& l)
      : cfg_(cfg), metrics_(m), listeners_(l) {
    rk_ = rdk::make_client(RD_KAFKA_CONSUMER, rdk::make_conf(restore_properties(cfg, client_id)));
    rd_kafka_poll_set_consumer(rk_.get());
  }

  // The restore consumer's librdkafka properties (see the header comment).
  static std::map<std::string, std::string> restore_properties(const config& cfg, const std::string& client_id) {
    std::map<std::string, std::string> props{
        {"bootstrap.servers", cfg.bootstrap_servers},
        {"client.id", client_id},
    };
    for (const auto& [k, v] : cfg.consumer_overrides) {
      if (k != "partition.assignment.strategy" && k != "group.instance.id") props[k] = v;
    }
    props["group.id"] = client_id;  // required by librdkafka's consumer; never joined (assign only)
    props["enable.auto.commit"] = "false";
    props["enable.auto.offset.store"] = "false";
    props["enable.partition.eof"] = "true";   // the end of a changelog is detected by EOF too
    props["auto.offset.reset"] = "earliest";  // a start below the log start restores from it
    return props;
  }

  rd_kafka_t* handle() const { return rk_.get(); }

  restorer(const restorer&) = delete;
  restorer& operator=(const restorer&) = delete;
  ~restorer() {
    if (rk_) rd_kafka_consumer_close(rk_.get());
  }

  using ends_t = std::map<std::string, std::int64_t>;  // changelog topic -> offset restore ended at

  // Restores `t`'s logged stores until about `deadline`. Returns the ends (per changelog
  // topic, the task's changelog position before it writes anything) once every store is
  // restored; nullopt when there is more to do (call again with the same task).
  result<std::optional<ends_t>> restore_some(task& t, std::chrono::steady_clock::time_point deadline,
                                             const std::stop_token& stop) {
    if (cur_ && cur_->id != t.id()) abandon(cur_->id);
    if (!cur_) {
      cur_.emplace();
      cur_->id = t.id();
      cur_->stores = t.state().logged_stores();
    }
    auto r = step(t, deadline, stop);
    if (!r.ok()) {
      abandon(t.id());
      return r.err();
    }
    if (cur_->next_store < cur_->stores.size()) return std::optional<ends_t>();
    ends_t ends = std::move(cur_->ends);
    cur_.reset();
    return std::optional<ends_t>(std::move(ends));
  }

  // Drops the restore in progress of `id`, if any (its changelog partition is unassigned).
  void abandon(const task_id& id) {
    if (!cur_ || cur_->id != id) return;
    if (cur_->reading) (void)rd_kafka_assign(rk_.get(), nullptr);  // best effort: the next assign replaces it
    cur_.reset();
  }

 private:

  // Works through the stores until the deadline; an error leaves cur_ for the caller to drop.
  result<bool> step(task& t, std::chrono::steady_clock::time_point deadline, const std::stop_token& stop) {
    detail::restore_in_progress& c = *cur_;
    while (c.next_store < c.stores.size()) {
      if (!c.reading) {
        if (auto r = begin_store(t); !r.ok()) return r.err();
        if (!c.reading) {  // nothing to read
          finish_store();
          continue;
        }
      }
      auto r = read_some(t, deadline, stop);
      if (!r.ok()) return r.err();
      if (!r.value()) return true;  // out of time
      if (auto e = rd_kafka_assign(rk_.get(), nullptr); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{error_kind::broker, "restore " + c.topic + ": unassign: " + rdk::err_str(e)};
      }
      c.reading = false;
      finish_store();
      if (std::chrono::steady_clock::now() >= deadline) return true;
    }
    return true;
  }

  // Plans the next store's restore: watermarks, wipe or reuse, progress reported, and its
  // changelog partition assigned from the start offset when there is anything to read.
  result<bool> begin_store(task& t) {
    detail::restore_in_progress& c = *cur_;
    const std::string& store = c.stores[c.next_store];
    const std::string tags = "task=" + t.id().str() + ",store=" + store;
    c.topic = state_manager::changelog_topic(t.state().application_id(), store);
    c.partition = t.id().partition;
    std::int64_t lo = 0, hi = 0;
    const auto err = rd_kafka_query_watermark_offsets(rk_.get(), c.topic.c_str(), c.partition, &lo, &hi,
                                                      static_cast<int>(cfg_.startup_timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return error{error_kind::broker, "restore " + c.topic + "-" + std::to_string(c.partition) +
                                           ": cannot read its offsets: " + rdk::err_str(err)};
    }
    const restore_start start = plan_restore(t.state().checkpointed_offset(store), lo, hi);
    try {
      if (start.wipe) t.state().wipe(store);
    } catch (const std::exception& e) {
      return error{error_kind::store, e.what()};
    }
    c.end = hi;
    c.prog = restore_progress{.store = store, .task = t.id(), .restored = 0,
                              .total = std::max<std::int64_t>(0, hi - start.offset), .start_offset = start.offset,
                              .end_offset = hi, .wiped = start.wipe, .done = false};
    c.restored_metric = &metrics_.counter(metric_names::restore_records, tags);
    c.stalled = millis{0};
    metrics_.gauge(metric_names::restore_total, tags).set(c.prog.total);
    listeners::call(listeners_.on_restore, c.prog);
    if (start.offset >= hi) return true;
    rdk::partition_list list = rdk::make_list(1);
    rd_kafka_topic_partition_list_add(list.get(), c.topic.c_str(), c.partition)->offset = start.offset;
    if (auto e = rd_kafka_assign(rk_.get(), list.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return error{error_kind::broker, "restore " + c.topic + ": assign: " + rdk::err_str(e)};
    }
    c.reading = true;
    return true;
  }

  void finish_store() {
    detail::restore_in_progress& c = *cur_;
    c.prog.done = true;
    listeners::call(listeners_.on_restore, c.prog);
    c.ends[c.topic] = c.end;
    ++c.next_store;
  }

  // Applies changelog records until the store's end (true) or the deadline (false).
  result<bool> read_some(task& t, std::chrono::steady_clock::time_point deadline, const std::stop_token& stop) {
    detail::restore_in_progress& c = *cur_;
    const std::string& store = c.stores[c.next_store];
    for (;;) {
      if (stop.stop_requested()) return error{error_kind::broker, "restore of " + c.topic + " interrupted by shutdown"};
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      const auto wait = std::min<long long>(200, std::chrono::duration_cast<millis>(deadline - now).count() + 1);
      rdk::message m(rd_kafka_consumer_poll(rk_.get(), static_cast<int>(wait)));
      if (!m) {
        c.stalled += std::chrono::duration_cast<millis>(std::chrono::steady_clock::now() - now);
        if (c.stalled > cfg_.startup_timeout) {
          return error{error_kind::broker, "restore " + c.topic + "-" + std::to_string(c.partition) +
                                               ": no progress for " + std::to_string(cfg_.startup_timeout.count()) + " ms"};
        }
        continue;
      }
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (m->offset >= c.end) return true;
        continue;
      }
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->err == RD_KAFKA_RESP_ERR__TRANSPORT || m->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) continue;
        return error{error_kind::broker, "restore " + c.topic + "-" + std::to_string(c.partition) + ": " +
                                             rd_kafka_message_errstr(m.get())};
      }
      c.stalled = millis{0};
      if (m->partition != c.partition || c.topic != rd_kafka_topic_name(m->rkt)) continue;  // an earlier assignment's
      if (m->offset >= c.end) return true;  // written after the restore started: not ours to replay
      std::string_view key(static_cast<const char*>(m->key), m->key_len);
      std::optional<std::string_view> value;
      if (m->payload != nullptr) value = std::string_view(static_cast<const char*>(m->payload), m->len);
      try {
        t.state().restore(store, key, value);
      } catch (const std::exception& e) {
        return error{error_kind::store, std::string("restore ") + c.topic + ": " + e.what()};
      }
      ++c.prog.restored;
      c.restored_metric->inc();
      if (c.prog.restored % 1000 == 0) listeners::call(listeners_.on_restore, c.prog);
      if (m->offset + 1 >= c.end) return true;
    }
  }

  const config& cfg_;
  streams::metrics& metrics_;
  const listeners& listeners_;
  rdk::client rk_;
  std::optional<detail::restore_in_progress> cur_;
};

}  // namespace fjord::streams
