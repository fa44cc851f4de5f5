// fjord-streams runtime: one stream thread = one group consumer + one producer + the tasks
// the group assigned to it.
//
// Owns its consumer (group.id = application.id), its producer_collector, its restorer and
// its tasks (one per sub-topology x partition). The loop:
//   poll (poll_timeout; 0 while a task is restoring) once, then poll(0) to drain what
//   librdkafka has already fetched, at most kMaxPollRecords messages, each appended to its
//   task's partition_group → restore newly assigned tasks (before any of their records;
//   the task's stream time is read back from its committed offsets' metadata,
//   runtime/commit_metadata.hpp), at most kRestoreSlice of restoring per turn, so a large
//   restore neither starves the ready tasks nor exceeds max.poll.interval.ms → per
//   ready task, process buffered records in timestamp order while the task is ready
//   (task.process, remember position) → fire wall-clock punctuators → every
//   commit_interval: commit().
// Ordering rule (runtime/partition_group.hpp): within one task, among the records already
// fetched, the head with the smallest timestamp goes first (ties: the one fetched first);
// one partition's records stay in offset order. Idling (config.max_task_idle, Kafka
// Streams' max.task.idle.ms): while a partition of a task has nothing buffered and has not
// reached its end (librdkafka's partition-EOF event; enable.partition.eof is set for
// this, and the cached high watermark backs it up), records on the broker may be older
// than what is buffered, so the task waits (plus max_task_idle once the partition is at
// its end) — at most kMaxFetchWait, after which it processes anyway and says so on stderr.
// Bound: a partition with more than kMaxBufferedRecords records or kMaxBufferedBytes
// key+value bytes buffered is paused (rd_kafka_pause_partitions) and resumed
// (rd_kafka_resume_partitions, fetching restarts after the last record handed to us; a
// re-delivered offset is refused by the buffer) once its buffer is back at half. As every
// turn drains at most kMaxPollRecords and then empties the ready tasks' buffers, only the
// byte bound can be reached in practice; the buffers hold nothing between turns unless the
// thread stops or fails mid-turn. Positions move only when a record is processed, so a
// commit never passes a buffered, unprocessed record.
//
// commit() is the at-least-once sequence, in Kafka Streams' order: flush every task
// (stores, then the task's store writes combined per key since the last commit go to the
// changelogs: processor/changelog_buffer.hpp) → flush the producer (every send delivered, changelog positions known; only a
// failed delivery is fatal, a slow broker is waited for up to message.timeout.ms + a
// margin, producer_collector.hpp) → commit consumed offsets (last processed + 1, with the
// task's stream time as metadata) synchronously → only if that commit succeeded, write checkpoints (store → next
// changelog offset). A checkpoint therefore never runs ahead of the committed offsets; a
// lagging one is safe (restore replays idempotent puts). A failed offset commit (stale
// generation, unknown member, fenced instance, rebalance in progress, ...) is not fatal
// (whoever owns the partitions next reprocesses from the last commit) but removes the
// committed tasks' checkpoints, so a restart on this disk restores them from the
// changelog. The periodic commit gives up (commits nothing) when a stop is requested
// while it waits for the producer; the final commit at shutdown waits. A delivery
// failure, a task error (std::exception or anything else thrown by user code, the
// rebalance callback included) or a failed assign is fatal: reported once, nothing more
// is committed, checkpoints of this thread's tasks are removed (their stores may hold
// uncommitted writes; next start restores them from the changelog), the thread leaves the
// group. Nothing escapes run().
//
// Rebalances (eager, assignor "range"): on revoke, drop the revoked tasks' buffers (and
// resume what they had paused), commit() the tasks and close them — unless the
// assignment was lost (rd_kafka_assignment_lost: session timeout, fenced, ...): then
// nothing is committed and the tasks are closed uncleanly (checkpoints removed; another
// member may already own them). On assign, create the tasks (restored and initialised by
// the loop, outside the callback; records fetched for them meanwhile wait in their
// buffers). Every rd_kafka_assign result is checked (an error is fatal). Tasks are
// recreated on every rebalance; local state survives in RocksDB and is reused through
// the checkpoint, so a re-assigned task restores only past it.
//
// Threading: every member is used by the thread running run() only; the rebalance
// callback runs inside rd_kafka_consumer_poll / rd_kafka_consumer_close on that thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "fjord/streams/metrics.hpp"
#include "fjord/streams/processor/task.hpp"
#include "fjord/streams/runtime/commit_metadata.hpp"
#include "fjord/streams/runtime/config.hpp"
#include "fjord/streams/runtime/listeners.hpp"
#include "fjord/streams/runtime/partition_group.hpp"
#include "fjord/streams/runtime/planning.hpp"
#include "fjord/streams/runtime/producer_collector.hpp"
#include "fjord/streams/runtime/rdkafka.hpp"
#include "fjord/streams/runtime/restorer.hpp"

namespace fjord::streams {

// What every thread of one app shares (read-only, or thread-safe).
struct thread_shared {
  const graph& g;
  const config& cfg;
  streams::metrics& metrics;
  std::shared_ptr<rocksdb_budget> budget;
  partition_counts counts;
  const listeners& l;
  std::function<void(const std::string&)> on_fatal;  // thread-safe; the app stops every thread
};

class stream_thread {
 public:
  static constexpr std::size_t kMaxPollRecords = 1000;                      // messages drained per loop turn
  static constexpr std::size_t kMaxBufferedRecords = 1000;                  // per partition, then pause
  static constexpr std::size_t kMaxBufferedBytes = std::size_t{16} << 20;   // per partition, then pause
  static constexpr millis kMaxFetchWait{10'000};  // longest a task idles for a partition whose end never shows
  static constexpr millis kRestoreSlice{200};     // restore work per loop turn
  static constexpr std::size_t kChangelogBufferBytes = std::size_t{1} << 20;  // per task, combined per key
  static constexpr millis kCommittedReadAttempt{5'000};    // one read of committed offsets (blocks the thread)
  static constexpr millis kCommittedReadRetry{1'000};      // between failed reads
  static constexpr millis kCommittedReadTimeout{300'000};  // reading committed offsets fails for this long: fatal

  stream_thread(thread_shared s, int index)
      : s_(std::move(s)),
        name_(s_.g.application_id() + "-thread-" + std::to_string(index)),
        collector_(s_.cfg, name_ + "-producer", s_.counts, changelog_topics(s_.g)),
        restorer_(s_.cfg, name_ + "-restore", s_.metrics, s_.l) {
    for (const auto& sub : s_.g.subtopologies()) {
      subs_.push_back(sub);
      for (const auto& t : sub.source_topics) sub_of_[t] = sub.id;
    }
    std::map<std::string, std::string> props{
        {"bootstrap.servers", s_.cfg.bootstrap_servers},
        {"client.id", name_ + "-consumer"},
        {"group.id", s_.g.application_id()},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},
        {"enable.partition.eof", "true"},  // a partition's end, for task idling
        // Every member subscribes to the same topics and co-partitioned topics have equal
        // partition counts (checked at start-up), so "range" hands partition p of every
        // co-partitioned topic to the same member: exactly what one task per partition
        // needs (roundrobin or sticky could split a task's partitions across members).
        {"partition.assignment.strategy", "range"},
    };
    if (!s_.cfg.group_instance_id.empty()) {
      props["group.instance.id"] = s_.cfg.group_instance_id + "-" + std::to_string(index);
    }
    for (const auto& [k, v] : s_.cfg.consumer_overrides) props[k] = v;
    rdk::conf c = rdk::make_conf(props);
    rd_kafka_conf_set_opaque(c.get(), this);
    rd_kafka_conf_set_rebalance_cb(c.get(), &stream_thread::on_rebalance);
    consumer_ = rdk::make_client(RD_KAFKA_CONSUMER, std::move(c));
    rd_kafka_poll_set_consumer(consumer_.get());
  }

  stream_thread(const stream_thread&) = delete;
  stream_thread& operator=(const stream_thread&) = delete;
  ~stream_thread() { close_all_tasks(/*clean=*/false); }

  const std::string& name() const { return name_; }

  // The thread body: returns when `stop` is requested or after a fatal error. Never
  // throws: anything thrown is a fatal error.
  void run(std::stop_token stop) noexcept {
    stop_ = stop;
    collector_.set_stop_token(stop);
    guarded("stream thread", [&] { loop(stop); });
    // Graceful: commit everything (unless failed), then leave the group; the revoke
    // callback inside consumer_close closes the tasks.
    guarded("stream thread shutdown", [&] {
      if (!failed_) commit(all_task_ids());
    });
    rd_kafka_consumer_close(consumer_.get());
    guarded("stream thread shutdown", [&] {
      close_all_tasks(!failed_);
      if (!failed_) collector_.drain(millis{10'000});
    });
  }

 private:
  // Runs f; whatever it throws becomes fail("<what>: ..."). Never throws (fail() itself
  // allocates: if even that throws, the thread is marked failed without a report).
  template <class F>
  void guarded(const char* what, F&& f) noexcept {
    try {
      try {
        f();
      } catch (const std::exception& e) {
        fail(std::string(what) + ": " + e.what());
      } catch (...) {
        fail(std::string("unknown exception in ") + what);
      }
    } catch (...) {
      failed_ = true;
    }
  }

  void loop(std::stop_token stop) {
    rdk::partition_list topics = rdk::make_list();
    for (const auto& [t, sub] : sub_of_) rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto e = rd_kafka_subscribe(consumer_.get(), topics.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fail("subscribe failed: " + rdk::err_str(e));
    }
    auto last_commit = std::chrono::steady_clock::now();
    while (!stop.stop_requested() && !failed_) {
      poll_and_buffer();
      restore_pending();
      process_buffered();
      collector_.poll();
      if (collector_.fatal()) fail(*collector_.fatal());
      punctuate_wall_clock();
      if (std::chrono::steady_clock::now() - last_commit >= s_.cfg.commit_interval) {
        commit(all_task_ids(), stop);  // gives up if a stop is requested meanwhile
        last_commit = std::chrono::steady_clock::now();
      }
    }
  }

  using buffer_t = partition_group<rdk::message>;
  struct task_entry {
    std::unique_ptr<task> t;
    bool ready = false;                             // restored and initialised
    bool stream_time_read = false;                  // committed stream time applied (before restore)
    std::map<std::string, std::int64_t> positions;  // source topic → last processed + 1
    buffer_t buffered;                              // fetched, not yet processed
    bool reported_fetch_wait = false;               // the kMaxFetchWait notice was printed (this episode)
  };

  static std::set<std::string> changelog_topics(const graph& g) {
    std::set<std::string> out;
    for (const auto& t : g.internal_topics()) {
      if (t.type == internal_topic::kind::changelog) out.insert(t.name);
    }
    return out;
  }

  std::vector<task_id> all_task_ids() const {
    std::vector<task_id> out;
    for (const auto& [id, t] : tasks_) out.push_back(id);
    return out;
  }

  void fail(const std::string& why) {
    if (failed_) return;
    failed_ = true;
    s_.on_fatal(name_ + ": " + why);
  }

  // ---- records ---------------------------------------------------------------------
  // One blocking poll, then drain without blocking: every record librdkafka already has
  // (up to kMaxPollRecords) lands in its task's buffer before any is processed.
  void poll_and_buffer() {
    // Restore work waiting to be done: poll without blocking (not while a failed read of
    // committed offsets waits for its retry: that would spin).
    const bool backing_off = committed_read_.retry_at && std::chrono::steady_clock::now() < *committed_read_.retry_at;
    const bool restoring =
        !backing_off && std::any_of(tasks_.begin(), tasks_.end(), [](const auto& kv) { return !kv.second.ready; });
    int timeout = restoring ? 0 : static_cast<int>(s_.cfg.poll_timeout.count());
    for (std::size_t n = 0; n < kMaxPollRecords && !failed_ && !stop_.stop_requested(); ++n) {
      rdk::message m(rd_kafka_consumer_poll(consumer_.get(), timeout));
      timeout = 0;
      if (!m) return;
      buffer(std::move(m));
    }
  }

  // Error events are handled here; records of no task of ours are dropped.
  void buffer(rdk::message m) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      switch (m->err) {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
          mark_at_end(*m);
          return;
        // A topic gone or forbidden after start-up, or librdkafka's own fatal state: the
        // app cannot make progress.
        case RD_KAFKA_RESP_ERR__FATAL:
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
          fail(std::string("consumer error: ") + rd_kafka_message_errstr(m.get()));
          return;
        default:  // transport trouble, max.poll.interval exceeded, ...: librdkafka recovers
          std::fprintf(stderr, "fjord-streams %s: consumer: %s\n", name_.c_str(), rd_kafka_message_errstr(m.get()));
          return;
      }
    }
    // Buffered even while the task is not restored yet (it was assigned during the drain):
    // the loop restores it before processing anything.
    auto [e, topic] = owner_of(*m);
    if (e == nullptr) return;  // not ours (any more)
    rd_kafka_timestamp_type_t tstype;
    std::int64_t ts = rd_kafka_message_timestamp(m.get(), &tstype);
    if (ts < 0) ts = 0;
    const std::int64_t offset = m->offset;
    const std::size_t bytes = m->key_len + m->len;
    topic_partition tp{*topic, m->partition};
    if (e->buffered.push(tp, ts, offset, bytes, std::move(m)) == buffer_t::push_result::pause) {
      set_paused({tp}, true);
    }
  }

  // The task that reads m's partition and the source topic's name as sub_of_ holds it;
  // {nullptr, nullptr} when no task of ours reads it.
  std::pair<task_entry*, const std::string*> owner_of(const rd_kafka_message_t& m) {
    if (m.rkt == nullptr) return {nullptr, nullptr};
    auto sub = sub_of_.find(std::string_view(rd_kafka_topic_name(m.rkt)));
    if (sub == sub_of_.end()) return {nullptr, nullptr};
    auto it = tasks_.find(task_id{sub->second, m.partition});
    if (it == tasks_.end()) return {nullptr, nullptr};
    return {&it->second, &sub->first};
  }

  // The task that reads m's partition has everything on the broker buffered for it.
  void mark_at_end(const rd_kafka_message_t& m) {
    if (auto [e, topic] = owner_of(m); e != nullptr) e->buffered.set_at_end(topic_partition{*topic, m.partition});
  }

  // Every ready task processes its buffer, smallest timestamp first, while it is ready
  // (idling: partition_group::ready). Stops early (leaving records buffered, hence
  // uncommitted) on a failure or a stop request.
  void process_buffered() {
    const std::int64_t now =
        std::chrono::duration_cast<millis>(std::chrono::steady_clock::now().time_since_epoch()).count();
    for (auto& [id, e] : tasks_) {
      if (!e.ready) continue;
      sync_at_end(e);
      while (!failed_ && !stop_.stop_requested()) {
        const auto r = e.buffered.ready(now, s_.cfg.max_task_idle.count(), kMaxFetchWait.count());
        if (r == buffer_t::readiness::empty || r == buffer_t::readiness::wait) break;
        if (r == buffer_t::readiness::ready_by_bound) report_fetch_wait(id, e);
        if (r == buffer_t::readiness::ready) e.reported_fetch_wait = false;
        auto rec = e.buffered.pop_next();
        process(id, e, *rec);
      }
      if (failed_) return;
      if (auto resumable = e.buffered.take_resumable(); !resumable.empty()) set_paused(resumable, false);
    }
  }

  // Before a task's turn: each of its empty partitions is at its end exactly when the
  // consumer's position has reached the high watermark of the last fetch (Kafka Streams'
  // "fetched lag" of 0). This backs up the end-of-partition event (a pause drops queued
  // events) and takes a partition off its end when the broker has records not yet handed
  // over. Partitions with no position yet (nothing consumed since the assignment) keep
  // what the events said.
  void sync_at_end(task_entry& e) {
    if (e.buffered.empty() || s_.cfg.max_task_idle.count() < 0) return;
    const auto empty = e.buffered.empty_partitions();
    if (empty.empty()) return;
    fetched_lags(empty, [&](const char* topic, std::int32_t partition, std::int64_t lag) {
      e.buffered.set_at_end(topic_partition{topic, partition}, lag <= 0);
    });
  }

  // f(topic, partition, high watermark of the last fetch - the consumer's position) for
  // each of `tps` where both are known (nothing consumed or fetched yet: left out).
  // No network request: both are librdkafka's cached values.
  template <class F>
  void fetched_lags(const std::vector<topic_partition>& tps, F&& f) {
    if (tps.empty()) return;
    rdk::partition_list l = rdk::make_list(static_cast<int>(tps.size()));
    for (const auto& tp : tps) rd_kafka_topic_partition_list_add(l.get(), tp.topic.c_str(), tp.partition);
    if (rd_kafka_position(consumer_.get(), l.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    for (int i = 0; i < l->cnt; ++i) {
      const auto& tp = l->elems[i];
      std::int64_t lo = 0, hi = -1;
      if (tp.offset < 0 ||
          rd_kafka_get_watermark_offsets(consumer_.get(), tp.topic, tp.partition, &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR ||
          hi < 0) {
        continue;
      }
      f(tp.topic, tp.partition, hi - tp.offset);
    }
  }

  // Ready with an empty partition whose end never showed: kMaxFetchWait ran out. Said once
  // per episode (records may be processed out of timestamp order across its partitions).
  void report_fetch_wait(const task_id& id, task_entry& e) {
    if (e.reported_fetch_wait) return;
    const auto waiting = e.buffered.waiting_for_fetch();
    if (waiting.empty()) return;
    e.reported_fetch_wait = true;
    std::fprintf(stderr,
                 "fjord-streams %s: task %s waited %lld ms for %s-%d to reach its end; processing without it\n",
                 name_.c_str(), id.str().c_str(), static_cast<long long>(kMaxFetchWait.count()),
                 waiting.front().topic.c_str(), waiting.front().partition);
  }

  void process(const task_id& id, task_entry& e, const buffer_t::record& b) {
    const rd_kafka_message_t& m = *b.item;
    auto sub = sub_of_.find(b.tp.topic);  // present: buffer() checked it
    raw_record r;
    r.topic = sub->first;
    r.partition = m.partition;
    r.offset = m.offset;
    if (m.key != nullptr) r.key = std::string_view(static_cast<const char*>(m.key), m.key_len);
    if (m.payload != nullptr) r.value = std::string_view(static_cast<const char*>(m.payload), m.len);
    r.timestamp = b.timestamp;
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
      const char* name;
      const void* val;
      size_t size;
      for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        r.headers.push_back({name, val ? std::string(static_cast<const char*>(val), size) : std::string()});
      }
    }
    try {
      e.t->process(r);
    } catch (const std::exception& ex) {
      fail("task " + id.str() + ": " + ex.what());
      return;
    } catch (...) {
      fail("unknown exception in task " + id.str() + " processing " + std::string(r.topic) + "-" + std::to_string(r.partition) +
           "@" + std::to_string(r.offset));
      return;
    }
    e.positions[sub->first] = m.offset + 1;
  }

  // Pauses or resumes fetching of `tps`. A failure is logged: at worst a partition keeps
  // fetching (memory, not correctness) or stays paused until the next rebalance.
  void set_paused(const std::vector<topic_partition>& tps, bool pause) {
    if (tps.empty()) return;
    rdk::partition_list l = rdk::make_list(static_cast<int>(tps.size()));
    for (const auto& tp : tps) rd_kafka_topic_partition_list_add(l.get(), tp.topic.c_str(), tp.partition);
    const auto err = pause ? rd_kafka_pause_partitions(consumer_.get(), l.get())
                           : rd_kafka_resume_partitions(consumer_.get(), l.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "fjord-streams %s: %s partitions: %s\n", name_.c_str(), pause ? "pausing" : "resuming",
                   rdk::err_str(err).c_str());
    }
  }

  void punctuate_wall_clock() {
    const auto now = std::chrono::duration_cast<millis>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (auto& [id, e] : tasks_) {
      if (!e.ready) continue;
      try {
        e.t->advance_wall_clock(now);
      } catch (const std::exception& ex) {
        fail("task " + id.str() + " punctuator: " + ex.what());
        return;
      } catch (...) {
        fail("unknown exception in task " + id.str() + " punctuator");
        return;
      }
    }
  }

  // ---- commit ----------------------------------------------------------------------
  // flush stores → flush producer → commit offsets → (commit succeeded) checkpoints.
  // True when the tasks' progress is committed and checkpointed; false when anything failed
  // (fatal), the producer flush was interrupted by `interrupt`, or the offset commit failed
  // (then the tasks' checkpoints are removed).
  bool commit(const std::vector<task_id>& ids, const std::stop_token& interrupt = {}) {
    if (failed_) return false;
    std::vector<task_id> ready;
    for (const auto& id : ids) {
      if (auto it = tasks_.find(id); it != tasks_.end() && it->second.ready) ready.push_back(id);
    }
    try {
      for (const auto& id : ready) tasks_.at(id).t->flush();
    } catch (const std::exception& e) {
      fail(std::string("flushing stores: ") + e.what());
      return false;
    } catch (...) {
      fail("unknown exception in flushing stores");
      return false;
    }
    switch (collector_.flush(interrupt)) {
      case producer_collector::flush_result::delivered:
        break;
      case producer_collector::flush_result::failed:
        fail(*collector_.fatal());
        return false;
      case producer_collector::flush_result::interrupted:
        return false;  // stopping: records undelivered (or dropped), so commit nothing
    }
    rdk::partition_list offsets = rdk::make_list();
    for (const auto& id : ready) {
      task_entry& e = tasks_.at(id);
      const std::string md = encode_commit_metadata(e.t->context().stream_time());
      for (const auto& [topic, next] : e.positions) {
        auto* tp = rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(), id.partition);
        tp->offset = next;
        rdk::set_metadata(*tp, md);
      }
    }
    if (offsets->cnt > 0) {
      const auto err = rd_kafka_commit(consumer_.get(), offsets.get(), 0);
      if (!offset_commit_succeeded(err)) {
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
          fail("offset commit failed: " + fatal_consumer_error());
          return false;
        }
        // Rebalance in progress / stale generation / unknown member / fenced: the records
        // are processed again by whoever gets the partitions (at-least-once). Not fatal, but
        // the stores now hold writes past the committed offsets: no checkpoint may claim
        // them (a restart here restores from the changelog).
        std::fprintf(stderr, "fjord-streams %s: offset commit failed: %s; checkpoints of %zu task(s) removed\n",
                     name_.c_str(), rdk::err_str(err).c_str(), ready.size());
        remove_checkpoints(ready);
        return false;
      }
    }
    try {
      for (const auto& id : ready) {
        task& t = *tasks_.at(id).t;
        std::map<std::string, std::int64_t> cp;
        for (const auto& store : t.state().logged_stores()) {
          const auto topic = state_manager::changelog_topic(s_.g.application_id(), store);
          if (auto next = collector_.changelog_next(topic, id.partition)) cp[store] = *next;
        }
        t.state().checkpoint(cp);
        update_store_metrics(t);
      }
    } catch (const std::exception& e) {
      fail(std::string("writing checkpoints: ") + e.what());
      return false;
    } catch (...) {
      fail("unknown exception in writing checkpoints");
      return false;
    }
    update_lag();
    return true;
  }

 public:
  // rd_kafka_commit's result: success (nothing to commit counts as success).
  static bool offset_commit_succeeded(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET;
  }

 private:
  std::string fatal_consumer_error() {
    char buf[512];
    const auto code = rd_kafka_fatal_error(consumer_.get(), buf, sizeof buf);
    return code == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string("fatal consumer error") : rdk::err_str(code) + ": " + buf;
  }

  // Removes the checkpoints of `ids` (their stores may be ahead of the committed offsets).
  // A checkpoint that cannot be removed would let a restart trust such a store: fatal.
  void remove_checkpoints(const std::vector<task_id>& ids) {
    for (const auto& id : ids) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) continue;
      try {
        it->second.t->state().remove_checkpoint();
      } catch (const std::exception& e) {
        fail("task " + id.str() + ": " + e.what());
      }
    }
  }

  void update_store_metrics(task& t) {
    for (const auto& store : t.sub().stores) {
      if (!t.state().has(store)) continue;
      s_.metrics.gauge(metric_names::store_entries, "task=" + t.id().str() + ",store=" + store)
          .set(static_cast<std::int64_t>(t.state().approximate_entries(store)));
    }
  }

  // consumer-lag{topic=,partition=} = high watermark (as of the last fetch) - the
  // consumer's position (next record handed to us), for every partition this thread owns.
  void update_lag() {
    std::vector<topic_partition> owned;
    for (const auto& [id, e] : tasks_) {
      for (const auto& topic : subs_[static_cast<std::size_t>(id.subtopology)].source_topics) {
        owned.push_back(topic_partition{topic, id.partition});
      }
    }
    // Partitions with nothing fetched yet are left out: unknown, the gauge keeps its value.
    fetched_lags(owned, [&](const char* topic, std::int32_t partition, std::int64_t lag) {
      lag_gauge(topic, partition).set(std::max<std::int64_t>(0, lag));
    });
  }
  gauge& lag_gauge(const std::string& topic, std::int32_t partition) {
    return s_.metrics.gauge(metric_names::consumer_lag, "topic=" + topic + ",partition=" + std::to_string(partition));
  }

  // ---- tasks -----------------------------------------------------------------------
  // Newly assigned tasks: their committed stream times (one request for all), then up to
  // kRestoreSlice of restoring; a task whose stores are all restored is initialised and
  // becomes ready.
  void restore_pending() {
    if (failed_) return;
    std::vector<task_id> unread;
    for (const auto& [id, e] : tasks_) {
      if (!e.stream_time_read) unread.push_back(id);
    }
    const auto now = std::chrono::steady_clock::now();
    if (!unread.empty()) {
      if (committed_read_.retry_at && now < *committed_read_.retry_at) return;
      auto stream_times = committed_stream_times(unread);
      if (!stream_times.ok()) {
        // A coordinator that is away for a while (moving, restarting) is waited for, like
        // Kafka Streams' task.timeout.ms, one attempt per kCommittedReadRetry; the tasks
        // cannot start without their stream time.
        if (!committed_read_.failing_since) committed_read_.failing_since = now;
        committed_read_.retry_at = std::chrono::steady_clock::now() + kCommittedReadRetry;
        if (now - *committed_read_.failing_since >= kCommittedReadTimeout) {
          fail(stream_times.err().message);
        } else {
          std::fprintf(stderr, "fjord-streams %s: %s; retrying\n", name_.c_str(), stream_times.err().message.c_str());
        }
        return;
      }
      committed_read_ = {};
      for (const auto& [id, t] : stream_times.value()) tasks_.at(id).t->context().observe(t);
      for (const auto& id : unread) tasks_.at(id).stream_time_read = true;
    }
    const auto deadline = now + kRestoreSlice;
    for (auto& [id, e] : tasks_) {
      if (e.ready || failed_) continue;
      if (std::chrono::steady_clock::now() >= deadline) return;  // the next turn goes on
      auto ends = restorer_.restore_some(*e.t, deadline, stop_);
      if (!ends.ok()) {
        if (stop_.stop_requested()) return;  // shutting down mid-restore: not an error
        fail("task " + id.str() + ": " + ends.err().message);
        return;
      }
      if (!ends.value()) return;  // more to restore: the next turn goes on
      for (const auto& [topic, end] : *ends.value()) collector_.set_changelog_next(topic, id.partition, end);
      try {
        e.t->init();
      } catch (const std::exception& ex) {
        fail("task " + id.str() + " init: " + ex.what());
        return;
      } catch (...) {
        fail("unknown exception in task " + id.str() + " init");
        return;
      }
      e.ready = true;
    }
  }

  // Each task's stream time as of its last commit: the largest one in the metadata of its
  // source partitions' committed offsets (runtime/commit_metadata.hpp); tasks none of whose
  // partitions carries one are left out. One OffsetFetch for all of `ids`; an error when
  // the group coordinator does not answer within kCommittedReadAttempt.
  result<std::map<task_id, timestamp_ms>> committed_stream_times(const std::vector<task_id>& ids) {
    rdk::partition_list l = rdk::make_list();
    for (const auto& id : ids) {
      for (const auto& topic : subs_[static_cast<std::size_t>(id.subtopology)].source_topics) {
        rd_kafka_topic_partition_list_add(l.get(), topic.c_str(), id.partition);
      }
    }
    const auto err = rd_kafka_committed(consumer_.get(), l.get(), static_cast<int>(kCommittedReadAttempt.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return error{error_kind::broker, "reading the committed offsets (stream time) failed: " + rdk::err_str(err)};
    }
    std::map<task_id, timestamp_ms> out;
    for (int i = 0; i < l->cnt; ++i) {
      const auto& tp = l->elems[i];
      if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{error_kind::broker, "reading the committed offset of " + std::string(tp.topic) + "-" +
                                             std::to_string(tp.partition) + " failed: " + rdk::err_str(tp.err)};
      }
      const std::string_view raw = rdk::metadata_of(tp);
      const commit_metadata md = decode_commit_metadata(raw);
      if (md.what == commit_metadata::kind::malformed) {
        std::fprintf(stderr, "fjord-streams %s: ignoring malformed commit metadata of %s-%d: %.*s\n", name_.c_str(),
                     tp.topic, tp.partition, static_cast<int>(raw.size()), raw.data());
      }
      if (md.what != commit_metadata::kind::stream_time) continue;
      const task_id id{sub_of_.find(std::string_view(tp.topic))->second, tp.partition};
      auto [it, fresh] = out.try_emplace(id, md.stream_time);
      if (!fresh) it->second = std::max(it->second, md.stream_time);
    }
    return out;
  }

  void create_tasks(const std::set<task_id>& ids) {
    for (const auto& id : ids) {
      if (tasks_.contains(id)) continue;
      task_context::services svc{.application_id = s_.g.application_id(),
                                 .collector = &collector_,
                                 .metrics = &s_.metrics,
                                 .state = {s_.cfg.state_dir, s_.g.application_id(), s_.budget},
                                 .on_decode_error = s_.cfg.on_decode_error,
                                 .changelog_buffer_bytes = kChangelogBufferBytes};
      const auto now = std::chrono::duration_cast<millis>(std::chrono::system_clock::now().time_since_epoch()).count();
      auto t = std::make_unique<task>(s_.g, subs_[static_cast<std::size_t>(id.subtopology)], id.partition,
                                      std::move(svc), now);
      buffer_t buffered({.max_records = kMaxBufferedRecords, .max_bytes = kMaxBufferedBytes});
      for (const auto& topic : subs_[static_cast<std::size_t>(id.subtopology)].source_topics) {
        buffered.expect(topic_partition{topic, id.partition});
      }
      tasks_.emplace(id, task_entry{std::move(t), false, false, {}, std::move(buffered), false});
    }
  }

  // clean: the tasks were committed and checkpointed. Otherwise their checkpoints are
  // removed so the next owner on this disk restores them from the changelog (a checkpoint
  // that cannot be removed is fatal; other close errors are logged).
  void close_tasks(const std::vector<task_id>& ids, bool clean) {
    if (!clean) remove_checkpoints(ids);
    for (const auto& id : ids) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) continue;
      restorer_.abandon(id);
      try {
        it->second.t->close();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "fjord-streams %s: closing task %s: %s\n", name_.c_str(), id.str().c_str(), e.what());
      } catch (...) {
        std::fprintf(stderr, "fjord-streams %s: closing task %s: unknown exception\n", name_.c_str(), id.str().c_str());
      }
      tasks_.erase(it);
    }
  }
  void close_all_tasks(bool clean) { close_tasks(all_task_ids(), clean); }

  // ---- rebalance -------------------------------------------------------------------
  // Called by librdkafka (C code): nothing may propagate out of it.
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque) noexcept {
    auto* self = static_cast<stream_thread*>(opaque);
    bool threw = false;
    self->guarded("rebalance", [&] {
      try {
        self->rebalance(rk, err, parts);
      } catch (...) {
        threw = true;
        throw;
      }
    });
    if (threw) {
      // Give up the partitions the callback did not get to handle (failed: nothing more is
      // committed, the thread stops).
      if (auto e = rd_kafka_assign(rk, nullptr); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "fjord-streams %s: unassign after a failed rebalance: %s\n", self->name_.c_str(),
                     rdk::err_str(e).c_str());
      }
    }
  }

  void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    std::vector<topic_partition> tps;
    for (int i = 0; i < parts->cnt; ++i) tps.push_back({parts->elems[i].topic, parts->elems[i].partition});
    const task_assignment a = tasks_for(s_.g, tps);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (auto e = rd_kafka_assign(rk, parts); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fail("assign failed: " + rdk::err_str(e));
        return;
      }
      if (!a.problems.empty()) {
        fail(a.problems.front());
        return;
      }
      committed_read_ = {};  // a new assignment gets the whole kCommittedReadTimeout
      create_tasks(a.tasks);
      listeners::call(s_.l.on_rebalance, std::vector<task_id>(a.tasks.begin(), a.tasks.end()), std::vector<task_id>{});
      return;
    }
    // Revoke (or an error): drop what the revoked tasks fetched but did not process (never
    // committed: positions are last processed + 1), commit what they did, give them up.
    // A lost assignment (session timeout, fenced, ...) is not ours to commit: another
    // member may own the partitions already; close the tasks uncleanly instead.
    const bool lost = rd_kafka_assignment_lost(rk) != 0;
    std::vector<task_id> revoked;
    std::vector<topic_partition> paused;
    for (const auto& id : a.tasks) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) continue;
      revoked.push_back(id);
      for (auto& tp : it->second.buffered.clear()) paused.push_back(std::move(tp));
    }
    set_paused(paused, false);  // a pause must not outlive the assignment
    if (lost) {
      std::fprintf(stderr, "fjord-streams %s: assignment lost; %zu task(s) closed without committing\n", name_.c_str(),
                   revoked.size());
    }
    const bool clean = !lost && commit(revoked);
    for (const auto& id : revoked) {
      for (const auto& topic : subs_[static_cast<std::size_t>(id.subtopology)].source_topics) lag_gauge(topic, id.partition).set(0);
    }
    close_tasks(revoked, clean);
    if (auto e = rd_kafka_assign(rk, nullptr); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fail("unassign failed: " + rdk::err_str(e));
    }
    listeners::call(s_.l.on_rebalance, std::vector<task_id>{}, revoked);
  }

  thread_shared s_;
  std::string name_;
  std::vector<subtopology> subs_;
  std::map<std::string, int, std::less<>> sub_of_;  // source topic → sub-topology
  producer_collector collector_;
  restorer restorer_;
  rdk::client consumer_;
  std::map<task_id, task_entry> tasks_;
  std::stop_token stop_;
  bool failed_ = false;
  struct {
    std::optional<std::chrono::steady_clock::time_point> failing_since, retry_at;
  } committed_read_;  // reading the committed stream times of new tasks keeps failing
};

}  // namespace fjord::streams
