// fjord-streams runtime: start-up topic checks and internal-topic creation.
//
// Owns one short-lived librdkafka client used only at start-up: it reads the cluster's
// topics (Metadata for all topics, which never auto-creates one), runs the checks of
// planning.hpp (missing input/output/dead-letter topic, co-partitioning), creates the
// missing internal topics (changelogs cleanup.policy=compact, repartition topics
// cleanup.policy=delete, with the planned partition counts) and refuses an existing
// internal topic with another partition count. prepare_topics() returns the partition
// count of every topic the application reads or writes.
//
// Errors: everything here is a start-up failure: streams_error with a message for humans.
// Threading: called once, from the thread that starts the app.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fjord/streams/runtime/config.hpp"
#include "fjord/streams/runtime/planning.hpp"
#include "fjord/streams/runtime/rdkafka.hpp"

namespace fjord::streams {

class admin_client {
 public:
  explicit admin_client(const config& cfg) : cfg_(cfg) {
    std::map<std::string, std::string> props{{"bootstrap.servers", cfg.bootstrap_servers},
                                             {"client.id", "fjord-streams-admin"}};
    for (const auto& [k, v] : cfg.producer_overrides) props[k] = v;
    rk_ = rdk::make_client(RD_KAFKA_PRODUCER, rdk::make_conf(props));
  }

  // Partition count of every topic in the cluster.
  partition_counts topics() {
    const rd_kafka_metadata_t* raw = nullptr;
    const auto err = rd_kafka_metadata(rk_.get(), 1, nullptr, &raw, timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw streams_error("cannot read topic metadata from " + cfg_.bootstrap_servers + ": " + rdk::err_str(err));
    }
    rdk::metadata md(raw);
    partition_counts out;
    for (int i = 0; i < md->topic_cnt; ++i) {
      const auto& t = md->topics[i];
      if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partition_cnt <= 0) continue;
      out[t.topic] = t.partition_cnt;
    }
    return out;
  }

  // Creates the topics; an "already exists" answer is fine (another instance raced us).
  void create(const std::vector<planned_topic>& wanted) {
    if (wanted.empty()) return;
    char err[512];
    std::vector<rdk::new_topic> owned;
    std::vector<rd_kafka_NewTopic_t*> raw;
    for (const auto& t : wanted) {
      rdk::new_topic nt(rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, cfg_.replication_factor, err, sizeof err));
      if (!nt) throw streams_error("cannot create topic '" + t.name + "': " + err);
      for (const auto& [k, v] : t.configs) {
        if (rd_kafka_NewTopic_set_config(nt.get(), k.c_str(), v.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          throw streams_error("cannot set " + k + " on topic '" + t.name + "'");
        }
      }
      raw.push_back(nt.get());
      owned.push_back(std::move(nt));
    }
    rdk::admin_options opts(rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
    rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout_ms(), err, sizeof err);
    rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms(), err, sizeof err);
    rdk::queue q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_CreateTopics(rk_.get(), raw.data(), raw.size(), opts.get(), q.get());
    rdk::event ev(rd_kafka_queue_poll(q.get(), timeout_ms() + 1000));
    if (!ev) throw streams_error("creating internal topics timed out");
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw streams_error(std::string("creating internal topics failed: ") + rd_kafka_event_error_string(ev.get()));
    }
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev.get());
    if (res == nullptr) throw streams_error("creating internal topics: unexpected admin result");
    std::size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto e = rd_kafka_topic_result_error(results[i]);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      throw streams_error(std::string("cannot create internal topic '") + rd_kafka_topic_result_name(results[i]) +
                          "': " + (msg ? msg : rdk::err_str(e)));
    }
  }

 private:
  int timeout_ms() const { return static_cast<int>(cfg_.startup_timeout.count()); }

  const config& cfg_;
  rdk::client rk_;
};

// The whole start-up topic procedure; returns the partition count of every topic the
// application reads or writes (user, internal, dead-letter). Throws streams_error.
inline partition_counts prepare_topics(const graph& g, const config& cfg) {
  admin_client admin(cfg);
  partition_counts existing = admin.topics();
  check_user_topics_exist(g, existing);
  if (cfg.on_decode_error.act == decode_error_policy::action::dead_letter &&
      !existing.contains(cfg.on_decode_error.dead_letter_topic)) {
    throw streams_error("dead-letter topic '" + cfg.on_decode_error.dead_letter_topic + "' does not exist");
  }
  const auto planned = plan_internal_topics(g, existing);
  partition_counts all = existing;
  for (const auto& p : planned) all[p.name] = p.partitions;
  if (auto e = copartition_error(g, all)) throw streams_error(*e);

  std::vector<planned_topic> missing;
  for (const auto& p : planned) {
    auto it = existing.find(p.name);
    if (it == existing.end()) {
      missing.push_back(p);
    } else if (it->second != p.partitions) {
      throw streams_error("internal topic '" + p.name + "' exists with " + std::to_string(it->second) +
                          " partitions but the application needs " + std::to_string(p.partitions) +
                          " (delete it, or reset the application)");
    }
  }
  admin.create(missing);
  // Wait until the new topics show in metadata with their partitions.
  const auto deadline = std::chrono::steady_clock::now() + cfg.startup_timeout;
  while (!missing.empty()) {
    const auto now_topics = admin.topics();
    std::erase_if(missing, [&](const planned_topic& p) {
      auto it = now_topics.find(p.name);
      return it != now_topics.end() && it->second == p.partitions;
    });
    if (missing.empty()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      throw streams_error("internal topic '" + missing.front().name + "' did not appear after creation");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return all;
}

}  // namespace fjord::streams
