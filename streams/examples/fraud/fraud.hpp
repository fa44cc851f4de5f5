// Example: fraud detection (the brief's first application).
//
// Payments of more than 100 go to `high-risk-payments`; a card used more than 10 times in
// one 1-hour tumbling window raises one alert on `fraud-alerts`, emitted once, when the
// window closes (stream time ≥ window end + grace). Payments are keyed by payment id, so
// counting per card goes through the named repartition topic
// `<application.id>-payments-by-card-repartition`.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include <fjord/streams.hpp>

namespace fraud {

namespace fs = fjord::streams;
using namespace std::chrono_literals;

struct payment {
  std::string card_number;
  double amount = 0;
  std::string merchant;
  friend bool operator==(const payment&, const payment&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(payment, card_number, amount, merchant)

struct alert {
  std::string card_number;
  fs::timestamp_ms window_start = 0;
  fs::timestamp_ms window_end = 0;
  std::int64_t uses = 0;
  friend bool operator==(const alert&, const alert&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(alert, card_number, window_start, window_end, uses)

inline const fs::topic<std::string, payment, fs::utf8, fs::json<payment>> payments{"payments"};
inline const fs::topic<std::string, payment, fs::utf8, fs::json<payment>> high_risk{"high-risk-payments"};
inline const fs::topic<std::string, alert, fs::utf8, fs::json<alert>> fraud_alerts{"fraud-alerts"};

inline constexpr double high_risk_amount = 100.0;
inline constexpr std::int64_t max_uses_per_hour = 10;

// `grace`: how late a payment may arrive and still count in its hour.
inline void build(fs::topology& t, fs::millis grace = 1min) {
  auto all = t.stream(payments);
  all.filter([](const payment& p) { return p.amount > high_risk_amount; }).to(high_risk);
  all.rekey([](const std::string&, const payment& p) { return p.card_number; }, fs::named{"payments-by-card"},
            fs::serdes<fs::utf8, fs::json<payment>>{})
      .group_by_key(fs::serdes<fs::utf8, fs::json<payment>>{})
      .windowed_by(fs::tumbling(1h).grace(grace))
      .emit_final()
      .count(fs::store::rocksdb{"card-uses-1h"})
      .to_stream()
      .filter([](const fs::windowed<std::string>&, std::int64_t uses) { return uses > max_uses_per_hour; })
      .map([](const fs::windowed<std::string>& w, std::int64_t uses) {
        return std::pair{w.key, alert{w.key, w.start, w.end, uses}};
      })
      .to(fraud_alerts);
}

}  // namespace fraud
