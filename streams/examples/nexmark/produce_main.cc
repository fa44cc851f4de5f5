// nexmark-produce: write generated NEXMark events to a topic (default `nexmark-events`),
// values in the binary event_serde, keyed by nothing (librdkafka's partitioner for unkeyed
// records places them: sticky batches, so the spread over partitions is uneven); prints
// {"events":N,"seconds":S} when every event is delivered.
//
//   nexmark-produce --bootstrap HOST:PORT --events N [--topic T] [--seed S]
//                   [--delay-us US] [--java-sizes]
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "nexmark/generator.hpp"

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "nexmark-produce: %s\n", why.c_str());
  std::exit(2);
}

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

}  // namespace

int main(int argc, char** argv) {
  namespace nx = fjord::streams::nexmark;
  std::string bootstrap, topic = "nexmark-events";
  std::uint64_t events = 0;
  nx::generator_config gen{};
  gen.person_id_lead = 0;  // every reference exists when used, so joins have exact answers
  gen.auction_id_lead = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--java-sizes") {
      gen.avg_person_byte_size = 200;
      gen.avg_auction_byte_size = 500;
      gen.avg_bid_byte_size = 100;
      continue;
    }
    if (i + 1 >= argc) fail("missing value after " + flag);
    const std::string v = argv[++i];
    if (flag == "--bootstrap") bootstrap = v;
    else if (flag == "--topic") topic = v;
    else if (flag == "--events") events = std::stoull(v);
    else if (flag == "--seed") gen.seed = std::stoull(v);
    else if (flag == "--delay-us") gen.inter_event_delay_us = std::stoll(v);
    else fail("unknown flag " + flag);
  }
  if (bootstrap.empty() || events == 0) fail("usage: nexmark-produce --bootstrap HOST:PORT --events N [--topic T]");
  gen.max_events = events;

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", bootstrap.c_str()}, std::pair{"linger.ms", "20"},
                      std::pair{"batch.num.messages", "10000"}, std::pair{"compression.type", "lz4"},
                      std::pair{"acks", "all"}}) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) fail(err);
  }
  std::unique_ptr<rd_kafka_t, rk_deleter> rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
  if (!rk) fail(err);

  const auto t0 = std::chrono::steady_clock::now();
  nx::generator g{gen};
  nx::event e;
  std::string value;
  while (g.next_into(e)) {
    value.clear();
    nx::event_serde::encode(e, value);
    for (;;) {
      const rd_kafka_resp_err_t r = rd_kafka_producev(
          rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(value.data(), value.size()),
          RD_KAFKA_V_TIMESTAMP(nx::event_time(e)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (r == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (r != RD_KAFKA_RESP_ERR__QUEUE_FULL) fail(rd_kafka_err2str(r));
      rd_kafka_poll(rk.get(), 10);
    }
    rd_kafka_poll(rk.get(), 0);
  }
  if (rd_kafka_flush(rk.get(), 60'000) != RD_KAFKA_RESP_ERR_NO_ERROR) fail("not every event was delivered in 60 s");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"events\":%llu,\"seconds\":%.3f}\n", static_cast<unsigned long long>(events), secs);
  return 0;
}
