// Example: orders enriched with customers (a stream–table join).
//
// `customers` is a compacted topic keyed by customer id (a null value deletes one);
// `orders` are keyed by order id, so they are re-keyed by customer id through the named
// repartition topic `<application.id>-orders-by-customer-repartition`, which must have as
// many partitions as `customers` (checked at start-up). Each order is joined with the
// customer as known when the order is processed; an unknown customer gives tier
// "unknown" (a left join).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include <fjord/streams.hpp>

namespace orders {

namespace fs = fjord::streams;

struct order {
  std::string order_id;
  std::string customer_id;
  double total = 0;
  friend bool operator==(const order&, const order&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(order, order_id, customer_id, total)

struct customer {
  std::string name;
  std::string tier;
  friend bool operator==(const customer&, const customer&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(customer, name, tier)

struct enriched_order {
  order o;
  std::string customer_name;
  std::string tier;
  friend bool operator==(const enriched_order&, const enriched_order&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(enriched_order, o, customer_name, tier)

inline const fs::topic<std::string, order, fs::utf8, fs::json<order>> orders_topic{"orders"};
inline const fs::topic<std::string, customer, fs::utf8, fs::json<customer>> customers{"customers"};
inline const fs::topic<std::string, enriched_order, fs::utf8, fs::json<enriched_order>> enriched{"orders-enriched"};

inline enriched_order enrich(const order& o, const customer* c) {
  return enriched_order{o, c ? c->name : "", c ? c->tier : "unknown"};
}

inline void build(fs::topology& t) {
  auto by_id = t.table(customers, fs::store::rocksdb{"customers"});
  t.stream(orders_topic)
      .rekey([](const std::string&, const order& o) { return o.customer_id; }, fs::named{"orders-by-customer"},
             fs::serdes<fs::utf8, fs::json<order>>{})
      .left_join(by_id, enrich)
      .to(enriched);
}

}  // namespace orders
