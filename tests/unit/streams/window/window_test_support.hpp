// Shared helpers of the windowed-aggregation tests: topics, and a capture of a table's
// change records (key, change{new, old}, timestamp) as they are forwarded.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fjord/streams.hpp>
#include <fjord/streams/dsl/grouped_stream.hpp>

namespace wt {

namespace fs = fjord::streams;

inline const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> input{"in"};
inline const fs::topic<std::string, std::string, fs::utf8, fs::utf8> words{"words"};
inline const fs::topic<fs::windowed<std::string>, std::int64_t, fs::windowed_serde<fs::utf8>, fs::be_i64> windowed_out{
    "windowed-out"};

template <class K, class R>
using captured = std::shared_ptr<std::vector<fs::record<K, fs::change<R>>>>;

// Every change the table forwards, in order.
template <class K, class R, class KS, class RS>
captured<K, R> capture(const fs::table<K, R, KS, RS>& t) {
  auto sink = std::make_shared<std::vector<fs::record<K, fs::change<R>>>>();
  t.changes().template then<K, fs::change<R>>(
      "capture", false, [sink](fs::record<K, fs::change<R>>&& r, fs::output<K, fs::change<R>>&) { sink->push_back(r); });
  return sink;
}

// A compact view of one windowed change: key, start, end, new, old, timestamp.
struct wchange {
  std::string key;
  fs::timestamp_ms start, end;
  std::optional<std::int64_t> new_value, old_value;
  fs::timestamp_ms ts;
  friend bool operator==(const wchange&, const wchange&) = default;
  friend std::ostream& operator<<(std::ostream& o, const wchange& c) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
    return o << "{" << c.key << " [" << c.start << "," << c.end << "] new=" << opt(c.new_value)
             << " old=" << opt(c.old_value) << " ts=" << c.ts << "}";
  }
};

template <class R>
std::vector<wchange> take(const captured<fs::windowed<std::string>, R>& c) {
  std::vector<wchange> out;
  for (const auto& r : *c) {
    out.push_back({r.key.key, r.key.start, r.key.end,
                   r.value.new_value ? std::optional<std::int64_t>(static_cast<std::int64_t>(*r.value.new_value))
                                     : std::nullopt,
                   r.value.old_value ? std::optional<std::int64_t>(static_cast<std::int64_t>(*r.value.old_value))
                                     : std::nullopt,
                   r.timestamp});
  }
  c->clear();
  return out;
}

inline fs::timestamp_ms late_dropped(fs::test_driver& td) { return td.metrics().sum(fs::metric_names::late_records_dropped); }

}  // namespace wt
