// fjord-streams: the library's counters and gauges, readable by the application.
//
// `metrics` is a thread-safe registry of int64 metrics keyed by (name, tags), tags being
// a comma-separated `k=v` list such as "task=0_1,store=counts" ("" for global ones).
// Callers look a metric up once (cold path, under the registry mutex) and keep the
// returned reference; updates are relaxed atomics with no lock. Readers (snapshot, value,
// sum) see each metric's latest value, not a consistent cut across metrics.
// Invariants: a returned counter&/gauge& stays valid for the registry's lifetime (storage
// is a std::deque, never relocated); one (name, tags) is either a counter or a gauge —
// asking for the other kind is a programmer error (streams_error).
// Names the library uses are in `metric_names` below.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fjord/streams/error.hpp"

namespace fjord::streams {

namespace metric_names {
inline constexpr std::string_view records_in = "records-in";                  // counter
inline constexpr std::string_view records_out = "records-out";                // counter
inline constexpr std::string_view late_records_dropped = "late-records-dropped";  // counter
inline constexpr std::string_view deserialization_errors = "deserialization-errors";  // counter
inline constexpr std::string_view null_values_skipped = "null-values-skipped";  // counter
inline constexpr std::string_view store_entries = "store-entries";    // gauge, tags store=
inline constexpr std::string_view restore_records = "restore-records";  // counter, tags store=
inline constexpr std::string_view restore_total = "restore-total";    // gauge, tags store=
inline constexpr std::string_view consumer_lag = "consumer-lag";      // gauge, tags topic=,partition=
}  // namespace metric_names

// A monotonically increasing count.
class counter {
 public:
  void inc(std::int64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

// A value that is set (and may go down), e.g. entries in a store.
class gauge {
 public:
  void set(std::int64_t v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

struct metric_value {
  std::string name;
  std::string tags;
  std::int64_t value = 0;
  friend bool operator==(const metric_value&, const metric_value&) = default;
};

class metrics {
 public:
  metrics() = default;
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  streams::counter& counter(std::string_view name, std::string tags = {}) {
    return lookup(counters_, name, std::move(tags));
  }
  streams::gauge& gauge(std::string_view name, std::string tags = {}) {
    return lookup(gauges_, name, std::move(tags));
  }

  // Every metric, ordered by (name, tags).
  std::vector<metric_value> snapshot() const {
    std::lock_guard lock(mu_);
    std::vector<metric_value> out;
    out.reserve(index_.size());
    for (const auto& [key, m] : index_) out.push_back({key.first, key.second, read(m)});
    return out;
  }

  // The metric's value; 0 when it was never registered.
  std::int64_t value(std::string_view name, std::string_view tags = {}) const {
    std::lock_guard lock(mu_);
    auto it = index_.find(key{std::string(name), std::string(tags)});
    return it == index_.end() ? 0 : read(it->second);
  }

  // The sum of the metric over all its tags (e.g. records-in over all tasks).
  std::int64_t sum(std::string_view name) const {
    std::lock_guard lock(mu_);
    std::int64_t total = 0;
    for (auto it = index_.lower_bound(key{std::string(name), {}});
         it != index_.end() && it->first.first == name; ++it) {
      total += read(it->second);
    }
    return total;
  }

 private:
  using key = std::pair<std::string, std::string>;
  using entry = std::variant<streams::counter*, streams::gauge*>;

  static std::int64_t read(const entry& m) {
    return std::visit([](const auto* p) { return p->get(); }, m);
  }

  template <class M>
  M& lookup(std::deque<M>& storage, std::string_view name, std::string tags) {
    std::lock_guard lock(mu_);
    key k{std::string(name), std::move(tags)};
    auto it = index_.find(k);
    if (it == index_.end()) it = index_.emplace(std::move(k), &storage.emplace_back()).first;
    if (auto* const* m = std::get_if<M*>(&it->second)) return **m;
    throw streams_error("metric '" + it->first.first + "' {" + it->first.second +
                        "} is registered as another kind");
  }

  mutable std::mutex mu_;
  std::map<key, entry> index_;
  std::deque<streams::counter> counters_;
  std::deque<streams::gauge> gauges_;
};

}  // namespace fjord::streams
