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
// [log start, end) at restore start, decide with plan_restore() (planning.hpp) whether
// the checkpointed offset is reusable or the store must be wiped, then apply every record
// up to that end offset through state_manager::restore(). Progress goes to the restore listener and to
// the metrics restore-records (counter) / restore-total (gauge), tagged task=,store=.
// The end is detected by offset or by the partition-EOF event (offsets may have gaps:
// compaction, and our broker's internal raft entries).
//
// Errors come back as values (error_kind::broker / store; a failed assign or unassign of
// the changelog partition included); restore() never throws.
// Threading: used by its stream thread only, between polls of the main consumer.
#pragma once

#include <chrono>
#include <map>
#include <stop_token>
#include <string>

#include "fjord/streams/error.hpp"
#include "fjord/streams/metrics.hpp"
#include "fjord/streams/processor/task.hpp"
#include "fjord/streams/runtime/config.hpp"
#include "fjord/streams/runtime/listeners.hpp"
#include "fjord/streams/runtime/planning.hpp"
#include "fjord/streams/runtime/rdkafka.hpp"

namespace fjord::streams {

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

  // Restores every logged store of `t`; returns, per changelog topic, the offset restore
  // ended at (the task's changelog position before it writes anything).
  result<std::map<std::string, std::int64_t>> restore(task& t, const std::stop_token& stop) {
    std::map<std::string, std::int64_t> ends;
    const auto tags_of = [&](const std::string& store) { return "task=" + t.id().str() + ",store=" + store; };
    for (const auto& store : t.state().logged_stores()) {
      const std::string topic = state_manager::changelog_topic(t.state().application_id(), store);
      const std::int32_t p = t.id().partition;
      std::int64_t lo = 0, hi = 0;
      const auto err = rd_kafka_query_watermark_offsets(rk_.get(), topic.c_str(), p, &lo, &hi,
                                                        static_cast<int>(cfg_.startup_timeout.count()));
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{error_kind::broker, "restore " + topic + "-" + std::to_string(p) +
                                             ": cannot read its offsets: " + rdk::err_str(err)};
      }
      const restore_start start = plan_restore(t.state().checkpointed_offset(store), lo, hi);
      try {
        if (start.wipe) t.state().wipe(store);
      } catch (const std::exception& e) {
        return error{error_kind::store, e.what()};
      }
      restore_progress prog{.store = store, .task = t.id(), .restored = 0, .total = std::max<std::int64_t>(0, hi - start.offset),
                            .start_offset = start.offset, .end_offset = hi, .wiped = start.wipe, .done = false};
      auto& restored_metric = metrics_.counter(metric_names::restore_records, tags_of(store));
      metrics_.gauge(metric_names::restore_total, tags_of(store)).set(prog.total);
      listeners::call(listeners_.on_restore, prog);
      if (start.offset < hi) {
        if (auto r = read_range(t, store, topic, p, start.offset, hi, prog, restored_metric, stop); !r.ok()) {
          return r.err();
        }
      }
      prog.done = true;
      listeners::call(listeners_.on_restore, prog);
      ends[topic] = hi;
    }
    return ends;
  }

 private:
  result<bool> read_range(task& t, const std::string& store, const std::string& topic, std::int32_t p,
                          std::int64_t from, std::int64_t end, restore_progress& prog, counter& restored_metric,
                          const std::stop_token& stop) {
    rdk::partition_list list = rdk::make_list(1);
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = from;
    if (auto e = rd_kafka_assign(rk_.get(), list.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return error{error_kind::broker, "restore " + topic + ": assign: " + rdk::err_str(e)};
    }
    auto r = read_assigned(t, store, topic, p, end, prog, restored_metric, stop);
    if (auto e = rd_kafka_assign(rk_.get(), nullptr); e != RD_KAFKA_RESP_ERR_NO_ERROR && r.ok()) {
      return error{error_kind::broker, "restore " + topic + ": unassign: " + rdk::err_str(e)};
    }
    return r;
  }

  result<bool> read_assigned(task& t, const std::string& store, const std::string& topic, std::int32_t p,
                             std::int64_t end, restore_progress& prog, counter& restored_metric,
                             const std::stop_token& stop) {
    auto last_progress = std::chrono::steady_clock::now();
    for (;;) {
      if (stop.stop_requested()) return error{error_kind::broker, "restore of " + topic + " interrupted by shutdown"};
      rdk::message m(rd_kafka_consumer_poll(rk_.get(), 200));
      if (!m) {
        if (std::chrono::steady_clock::now() - last_progress > cfg_.startup_timeout) {
          return error{error_kind::broker, "restore " + topic + "-" + std::to_string(p) + ": no progress for " +
                                               std::to_string(cfg_.startup_timeout.count()) + " ms"};
        }
        continue;
      }
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (m->offset >= end) break;
        continue;
      }
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->err == RD_KAFKA_RESP_ERR__TRANSPORT || m->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) continue;
        return error{error_kind::broker, "restore " + topic + "-" + std::to_string(p) + ": " + rd_kafka_message_errstr(m.get())};
      }
      last_progress = std::chrono::steady_clock::now();
      if (m->offset >= end) break;  // written after the restore started: not ours to replay
      std::string_view key(static_cast<const char*>(m->key), m->key_len);
      std::optional<std::string_view> value;
      if (m->payload != nullptr) value = std::string_view(static_cast<const char*>(m->payload), m->len);
      try {
        t.state().restore(store, key, value);
      } catch (const std::exception& e) {
        return error{error_kind::store, std::string("restore ") + topic + ": " + e.what()};
      }
      ++prog.restored;
      restored_metric.inc();
      if (prog.restored % 1000 == 0) listeners::call(listeners_.on_restore, prog);
      if (m->offset + 1 >= end) break;
    }
    return true;
  }

  const config& cfg_;
  streams::metrics& metrics_;
  const listeners& listeners_;
  rdk::client rk_;
};

}  // namespace fjord::streams
