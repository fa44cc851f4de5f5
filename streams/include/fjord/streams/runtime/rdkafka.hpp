// fjord-streams runtime: RAII for librdkafka's C API (the only headers, with the rest of
// runtime/, that include librdkafka).
//
// Owns: unique_ptr aliases with deleters for every handle the runtime creates (client,
// conf, topic-partition list, admin options/results, new-topic), and `make_client`, which
// builds a conf from key/value pairs and creates a producer or consumer, throwing
// streams_error naming the bad property; set_metadata/metadata_of for offset-commit
// metadata. A consumer handle is closed (rd_kafka_consumer_close: leaves the group) by
// its owner before destruction; the deleter only destroys.
//
// Threading: a handle is used by the thread that owns it; librdkafka's own threads call
// back only into the callbacks set here (log) — the rest are served from poll calls.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "fjord/streams/error.hpp"

namespace fjord::streams::rdk {

struct client_deleter {
  void operator()(rd_kafka_t* p) const noexcept { rd_kafka_destroy(p); }
};
struct conf_deleter {
  void operator()(rd_kafka_conf_t* p) const noexcept { rd_kafka_conf_destroy(p); }
};
struct list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* p) const noexcept { rd_kafka_topic_partition_list_destroy(p); }
};
struct message_deleter {
  void operator()(rd_kafka_message_t* p) const noexcept { rd_kafka_message_destroy(p); }
};
struct queue_deleter {
  void operator()(rd_kafka_queue_t* p) const noexcept { rd_kafka_queue_destroy(p); }
};
struct event_deleter {
  void operator()(rd_kafka_event_t* p) const noexcept { rd_kafka_event_destroy(p); }
};
struct new_topic_deleter {
  void operator()(rd_kafka_NewTopic_t* p) const noexcept { rd_kafka_NewTopic_destroy(p); }
};
struct admin_options_deleter {
  void operator()(rd_kafka_AdminOptions_t* p) const noexcept { rd_kafka_AdminOptions_destroy(p); }
};
struct metadata_deleter {
  void operator()(const rd_kafka_metadata_t* p) const noexcept { rd_kafka_metadata_destroy(p); }
};
struct headers_deleter {
  void operator()(rd_kafka_headers_t* p) const noexcept { rd_kafka_headers_destroy(p); }
};

using client = std::unique_ptr<rd_kafka_t, client_deleter>;
using conf = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;
using partition_list = std::unique_ptr<rd_kafka_topic_partition_list_t, list_deleter>;
using message = std::unique_ptr<rd_kafka_message_t, message_deleter>;
using queue = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;
using event = std::unique_ptr<rd_kafka_event_t, event_deleter>;
using new_topic = std::unique_ptr<rd_kafka_NewTopic_t, new_topic_deleter>;
using admin_options = std::unique_ptr<rd_kafka_AdminOptions_t, admin_options_deleter>;
using metadata = std::unique_ptr<const rd_kafka_metadata_t, metadata_deleter>;
using headers = std::unique_ptr<rd_kafka_headers_t, headers_deleter>;

inline partition_list make_list(int size = 4) { return partition_list(rd_kafka_topic_partition_list_new(size)); }

// Sets each property; throws streams_error naming the first one librdkafka refuses.
inline conf make_conf(const std::map<std::string, std::string>& props) {
  conf c(rd_kafka_conf_new());
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(c.get(), k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      throw streams_error("librdkafka property " + k + "=" + v + ": " + err);
    }
  }
  return c;
}

// librdkafka logs go to stderr, prefixed with the client name; only warnings and worse
// unless the properties ask for more ("log_level").
inline void log_to_stderr(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  std::fprintf(stderr, "rdkafka %d %s %s: %s\n", level, rd_kafka_name(rk), fac, buf);
}

// Creates a client from a finished conf (ownership passes to librdkafka on success).
inline client make_client(rd_kafka_type_t type, conf c) {
  char err[512];
  rd_kafka_conf_set_log_cb(c.get(), &log_to_stderr);
  rd_kafka_t* rk = rd_kafka_new(type, c.get(), err, sizeof err);
  if (rk == nullptr) throw streams_error(std::string("cannot create Kafka client: ") + err);
  (void)c.release();  // owned by rk now
  return client(rk);
}

inline std::string err_str(rd_kafka_resp_err_t e) { return rd_kafka_err2str(e); }

// Sets the commit metadata of one element of a partition list. librdkafka owns and frees
// it with free() when the list is destroyed, hence malloc here (the C API's contract).
inline void set_metadata(rd_kafka_topic_partition_t& tp, std::string_view md) {
  std::free(tp.metadata);
  tp.metadata = nullptr;
  tp.metadata_size = 0;
  if (md.empty()) return;
  void* p = std::malloc(md.size());
  if (p == nullptr) throw std::bad_alloc();
  std::memcpy(p, md.data(), md.size());
  tp.metadata = p;
  tp.metadata_size = md.size();
}

// The commit metadata of one element (empty when there is none).
inline std::string_view metadata_of(const rd_kafka_topic_partition_t& tp) {
  return tp.metadata == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(tp.metadata), tp.metadata_size);
}

}  // namespace fjord::streams::rdk
