// fjord-streams runtime: the record_collector that hands a thread's output to librdkafka.
//
// Owns one idempotent producer per stream thread. send() picks the partition the way
// Kafka's Java client does (murmur2 of the key modulo the topic's partition count, known
// from start-up metadata; a null key goes to partition 0; a topic not known at start-up
// is left to librdkafka's murmur2_random partitioner, which agrees for keyed records) and
// never throws: the first delivery failure (or a refused send) is remembered as fatal()
// and every later commit is refused, so offsets are never committed past lost output.
// When librdkafka's queue is full, send() serves delivery reports and retries until there
// is room, the collector is fatal, the thread's stop token (set_stop_token) is requested
// or delivery_bound() has passed (then fatal). A record given up because of the stop
// request is not fatal but marks the collector dropped(): its thread commits nothing more.
//
// flush() waits until every record sent so far is delivered. Only a delivery failure is
// fatal; a slow broker is not (librdkafka keeps retrying until message.timeout.ms, then
// fails the record): flush waits for the queue to empty, a delivery to fail, an
// `interrupt` stop request (interrupted: nothing delivered is lost, the caller just must
// not commit), or delivery_bound() = the producer's message.timeout.ms + kDeliveryMargin
// (fatal: librdkafka should have failed the records by then).
//
// Changelog positions: for every changelog partition the collector tracks the offset after
// the last delivered record (set_changelog_next() seeds it after a restore). After
// flush() returns delivered, changelog_next() is the offset a checkpoint may record.
//
// Threading: used by its stream thread only; delivery reports are served inside poll(),
// send() and flush() on that thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <utility>

#include "fjord/streams/processor/record_collector.hpp"
#include "fjord/streams/runtime/config.hpp"
#include "fjord/streams/runtime/planning.hpp"
#include "fjord/streams/runtime/rdkafka.hpp"

namespace fjord::streams {

class producer_collector final : public record_collector {
 public:
  // Added to message.timeout.ms to bound flush() and a queue-full send().
  static constexpr millis kDeliveryMargin{30'000};

  enum class flush_result {
    delivered,    // everything sent so far is delivered: commit may proceed
    failed,       // fatal() is set
    interrupted,  // stop requested before the queue emptied, or dropped(): do not commit
  };

  producer_collector(const config& cfg, const std::string& client_id, partition_counts counts,
                     std::set<std::string> changelog_topics)
      : counts_(std::move(counts)), changelogs_(changelog_topics.begin(), changelog_topics.end()) {
    std::map<std::string, std::string> props{
        {"bootstrap.servers", cfg.bootstrap_servers},
        {"client.id", client_id},
        {"acks", "all"},
        {"enable.idempotence", "true"},
        {"linger.ms", "5"},
        {"partitioner", "murmur2_random"},
    };
    for (const auto& [k, v] : cfg.producer_overrides) props[k] = v;
    rdk::conf c = rdk::make_conf(props);
    rd_kafka_conf_set_opaque(c.get(), this);
    rd_kafka_conf_set_dr_msg_cb(c.get(), &producer_collector::on_delivery);
    rk_ = rdk::make_client(RD_KAFKA_PRODUCER, std::move(c));
    delivery_bound_ = message_timeout() + kDeliveryMargin;
  }

  producer_collector(const producer_collector&) = delete;
  producer_collector& operator=(const producer_collector&) = delete;

  void send(std::string_view topic, std::optional<std::int32_t> partition, std::optional<std::string_view> key,
            std::optional<std::string_view> value, timestamp_ms timestamp, const header_list& headers) override {
    if (fatal_ || dropped_) return;  // the thread is failing or stopping: nothing more is committed
    topic_.assign(topic);
    std::int32_t p = RD_KAFKA_PARTITION_UA;
    if (partition) {
      p = *partition;
    } else if (auto it = counts_.find(topic_); it != counts_.end()) {
      p = key ? partition_for_key(*key, it->second) : 0;
    }
    rdk::headers h;
    if (!headers.empty()) {
      h.reset(rd_kafka_headers_new(headers.size()));
      for (const auto& hd : headers) {
        rd_kafka_header_add(h.get(), hd.key.data(), static_cast<ssize_t>(hd.key.size()), hd.value.data(),
                            static_cast<ssize_t>(hd.value.size()));
      }
    }
    // The RD_KAFKA_V_* macros cast their arguments unparenthesised: plain locals only.
    void* key_ptr = key ? const_cast<char*>(key->data()) : nullptr;
    const std::size_t key_len = key ? key->size() : 0;
    void* value_ptr = value ? const_cast<char*>(value->data()) : nullptr;
    const std::size_t value_len = value ? value->size() : 0;
    const auto deadline = std::chrono::steady_clock::now() + delivery_bound_;
    for (;;) {
      rd_kafka_headers_t* raw_headers = h.get();
      const auto err = rd_kafka_producev(
          rk_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_PARTITION(p), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key_ptr, key_len), RD_KAFKA_V_VALUE(value_ptr, value_len),
          RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_HEADERS(raw_headers), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        (void)h.release();  // the message owns them now
        return;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        set_fatal("cannot produce to " + topic_ + "-" + std::to_string(p) + ": " + rdk::err_str(err));
        return;
      }
      rd_kafka_poll(rk_.get(), 50);  // serve delivery reports to make room
      if (fatal_) return;            // a delivery failed meanwhile: nothing more is committed
      if (stop_.stop_requested()) {
        dropped_ = true;  // the thread is stopping: give the record up, commit nothing more
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        set_fatal("cannot produce to " + topic_ + "-" + std::to_string(p) + ": producer queue still full after " +
                  std::to_string(delivery_bound_.count()) + " ms");
        return;
      }
    }
  }

  // Serves delivery reports without blocking.
  void poll() { rd_kafka_poll(rk_.get(), 0); }

  // Waits until every record sent so far is delivered, a delivery fails, `interrupt` is
  // requested or delivery_bound() passes (fatal); see the header comment.
  flush_result flush(const std::stop_token& interrupt = {}) {
    const auto deadline = std::chrono::steady_clock::now() + delivery_bound_;
    for (;;) {
      const auto err = rd_kafka_flush(rk_.get(), static_cast<int>(kFlushSlice.count()));
      if (fatal_) return flush_result::failed;
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return dropped_ ? flush_result::interrupted : flush_result::delivered;
      if (interrupt.stop_requested()) return flush_result::interrupted;
      if (std::chrono::steady_clock::now() >= deadline) {
        set_fatal("producer flush: " + std::to_string(rd_kafka_outq_len(rk_.get())) + " records still undelivered after " +
                  std::to_string(delivery_bound_.count()) + " ms (message.timeout.ms + " +
                  std::to_string(kDeliveryMargin.count()) + " ms)");
        return flush_result::failed;
      }
    }
  }

  // Waits at most `timeout` for outstanding deliveries, without judging the outcome (for
  // shutdown after the last commit: nothing depends on these records any more).
  void drain(millis timeout) { (void)rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count())); }

  // The stop request send() honours while librdkafka's queue is full.
  void set_stop_token(std::stop_token stop) { stop_ = std::move(stop); }

  // A record was given up at shutdown (queue full, stop requested): commit nothing more.
  bool dropped() const { return dropped_; }

  // message.timeout.ms of the producer + kDeliveryMargin.
  millis delivery_bound() const { return delivery_bound_; }

  const std::optional<std::string>& fatal() const { return fatal_; }

  std::optional<std::int64_t> changelog_next(const std::string& topic, std::int32_t partition) const {
    auto it = changelog_next_.find({topic, partition});
    if (it == changelog_next_.end()) return std::nullopt;
    return it->second;
  }
  void set_changelog_next(const std::string& topic, std::int32_t partition, std::int64_t next) {
    changelog_next_[{topic, partition}] = next;
  }

  std::int32_t partitions_of(const std::string& topic) const {
    auto it = counts_.find(topic);
    return it == counts_.end() ? 0 : it->second;
  }

  rd_kafka_t* handle() const { return rk_.get(); }

 private:
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<producer_collector*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      self->set_fatal(std::string("delivery to ") + rd_kafka_topic_name(m->rkt) + "-" + std::to_string(m->partition) +
                      " failed: " + rd_kafka_err2str(m->err));
      return;
    }
    const char* name = rd_kafka_topic_name(m->rkt);
    if (!self->changelogs_.contains(std::string_view(name))) return;
    auto& next = self->changelog_next_[{std::string(name), m->partition}];
    next = std::max(next, m->offset + 1);
  }

  void set_fatal(std::string why) {
    if (!fatal_) fatal_ = std::move(why);
  }

  static constexpr millis kFlushSlice{100};

  // The producer's effective message.timeout.ms (librdkafka default 300000).
  millis message_timeout() const {
    char buf[64];
    std::size_t size = sizeof buf;
    if (rd_kafka_conf_get(rd_kafka_conf(rk_.get()), "message.timeout.ms", buf, &size) == RD_KAFKA_CONF_OK) {
      const long long ms = std::atoll(buf);
      if (ms > 0) return millis{ms};
    }
    return millis{300'000};
  }

  partition_counts counts_;
  std::set<std::string, std::less<>> changelogs_;
  rdk::client rk_;
  std::string topic_;  // NUL-terminated copy of the topic being sent to
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> changelog_next_;
  std::optional<std::string> fatal_;
  std::stop_token stop_;
  bool dropped_ = false;
  millis delivery_bound_{0};
};

}  // namespace fjord::streams
