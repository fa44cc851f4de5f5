// NEXMark queries q0, q1, q2, q3, q5, q7, q8 and q11 as fjord-streams topologies.
//
// All read one topic of events (`nexmark-events`, values in the binary event_serde;
// persons, auctions and bids interleaved 1:3:46 as the generator makes them) and write
// `nexmark-q<N>`. The SQL they mirror is nexmark/nexmark's Flink queries; where a
// streaming library must differ the comment says how. Windows use 4 s of grace, the
// Flink runner's watermark delay (`dateTime - 4 s`), and emit final results.
//
// Every key change goes through a named repartition topic `<application.id>-q<N>-…`.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fjord/streams.hpp>

#include "nexmark/model.hpp"

namespace fjord::streams::nexmark {

using namespace std::chrono_literals;

inline constexpr millis query_grace = 4s;

inline const topic<std::string, event, utf8, event_serde> events{"nexmark-events"};

// ---- result rows --------------------------------------------------------------------
struct q2_row {
  std::int64_t auction = 0;
  std::int64_t price = 0;
  friend bool operator==(const q2_row&, const q2_row&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q2_row, auction, price)

struct q3_row {
  std::string name, city, state;
  std::int64_t auction_id = 0;
  friend bool operator==(const q3_row&, const q3_row&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q3_row, name, city, state, auction_id)

// q5: the auctions with the most bids in one hopping window.
struct q5_row {
  timestamp_ms window_start = 0;
  std::int64_t bids = 0;
  std::vector<std::int64_t> auctions;  // ascending
  friend bool operator==(const q5_row&, const q5_row&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q5_row, window_start, bids, auctions)

struct auction_count {
  std::int64_t auction = 0;
  std::int64_t bids = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(auction_count, auction, bids)

// q7: the highest bids of one tumbling window (all bids at the maximum price).
struct q7_row {
  timestamp_ms window_start = 0;
  std::vector<bid> bids;
  friend bool operator==(const q7_row&, const q7_row&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q7_row, window_start, bids)

// q8: one side of "a person who created an auction in the same window".
struct q8_side {
  bool is_person = false;
  std::string name;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q8_side, is_person, name)
struct q8_acc {
  bool person = false;
  bool auction = false;
  std::string name;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q8_acc, person, auction, name)
struct q8_row {
  std::int64_t id = 0;
  std::string name;
  timestamp_ms window_start = 0;
  friend bool operator==(const q8_row&, const q8_row&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q8_row, id, name, window_start)

struct q11_row {
  std::int64_t bidder = 0;
  std::int64_t bids = 0;
  timestamp_ms session_start = 0;
  timestamp_ms session_end = 0;
  friend bool operator==(const q11_row&, const q11_row&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(q11_row, bidder, bids, session_start, session_end)

inline const topic<std::string, bid, utf8, bid_serde> q0_out{"nexmark-q0"};
inline const topic<std::string, bid, utf8, bid_serde> q1_out{"nexmark-q1"};
inline const topic<std::string, q2_row, utf8, json<q2_row>> q2_out{"nexmark-q2"};
inline const topic<std::string, q3_row, utf8, json<q3_row>> q3_out{"nexmark-q3"};
inline const topic<std::string, q5_row, utf8, json<q5_row>> q5_out{"nexmark-q5"};
inline const topic<std::string, q7_row, utf8, json<q7_row>> q7_out{"nexmark-q7"};
inline const topic<std::string, q8_row, utf8, json<q8_row>> q8_out{"nexmark-q8"};
inline const topic<std::string, q11_row, utf8, json<q11_row>> q11_out{"nexmark-q11"};

inline std::string id_key(std::int64_t id) { return std::to_string(id); }

// The bids of the event stream.
inline stream<std::string, bid> bids_of(const stream<std::string, event>& s) {
  return s.template then<std::string, bid>("bids", false, [](record<std::string, event>&& r,
                                                             output<std::string, bid>& out) {
    if (auto* b = std::get_if<bid>(&r.value)) {
      out.forward(record<std::string, bid>{std::move(r.key), std::move(*b), r.timestamp, std::move(r.headers)});
    }
  });
}

// q0: pass every bid through (measures the framework itself).
inline void q0(topology& t) { bids_of(t.stream(events)).to(q0_out); }

// q1: bid prices from dollars to euros (× 0.908).
inline void q1(topology& t) {
  bids_of(t.stream(events))
      .map_values([](bid b) {
        b.price = static_cast<std::int64_t>(static_cast<double>(b.price) * 0.908);
        return b;
      })
      .to(q1_out);
}

// q2: bids on every 123rd auction.
inline void q2(topology& t) {
  bids_of(t.stream(events))
      .filter([](const bid& b) { return b.auction % 123 == 0; })
      .map_values([](const bid& b) { return q2_row{b.auction, b.price}; })
      .to(q2_out);
}

// q3: who sells in category 10 from OR, ID or CA. Flink joins the two append streams;
// here each auction (re-keyed by seller) looks up the sellers table (persons re-keyed by
// id), so an auction processed before its seller's person record finds no match. The
// generator emits a seller's person record before any of its auctions.
inline bool q3_state(const std::string& s) { return s == "OR" || s == "ID" || s == "CA"; }
inline void q3(topology& t) {
  auto [persons, auctions, rest] =
      t.stream(events).branch([](const event& e) { return is_person(e); }, [](const event& e) { return is_auction(e); });
  (void)rest;
  auto sellers = persons
                     .filter([](const event& e) { return q3_state(std::get<person>(e).state); })
                     .rekey([](const std::string&, const event& e) { return id_key(std::get<person>(e).id); },
                            named{"q3-persons-by-id"}, serdes<utf8, event_serde>{})
                     .to_table(store::rocksdb{"q3-sellers"}, serdes<utf8, event_serde>{});
  auctions.filter([](const event& e) { return std::get<auction>(e).category == 10; })
      .rekey([](const std::string&, const event& e) { return id_key(std::get<auction>(e).seller); },
             named{"q3-auctions-by-seller"}, serdes<utf8, event_serde>{})
      .join(sellers, [](const event& a, const event& p) {
        const auto& pe = std::get<person>(p);
        return q3_row{pe.name, pe.city, pe.state, std::get<auction>(a).id};
      })
      .to(q3_out);
}

// q5: the hottest auctions (most bids) per 10 s window sliding by 2 s. The per-window
// maximum is an aggregation updated as each (auction, window) count is final, so the
// last q5 record of a window is its answer (Flink emits only that one).
inline void q5(topology& t) {
  bids_of(t.stream(events))
      .rekey([](const std::string&, const bid& b) { return id_key(b.auction); }, named{"q5-bids-by-auction"},
             serdes<utf8, bid_serde>{})
      .group_by_key(serdes<utf8, bid_serde>{})
      .windowed_by(hopping(10s, 2s).grace(query_grace))
      .emit_final()
      .count(store::rocksdb{"q5-bids-per-auction"})
      .to_stream()
      .map_values([](const windowed<std::string>& w, std::int64_t n) { return auction_count{std::stoll(w.key), n}; })
      .group_by([](const windowed<std::string>& w, const auction_count&) { return std::to_string(w.start); },
                named{"q5-counts-by-window"}, serdes<utf8, json<auction_count>>{})
      .aggregate([] { return q5_row{}; },
                 [](const std::string& start, const auction_count& c, q5_row acc) {
                   acc.window_start = std::stoll(start);
                   if (c.bids > acc.bids) {
                     acc.bids = c.bids;
                     acc.auctions = {c.auction};
                   } else if (c.bids == acc.bids) {
                     acc.auctions.insert(std::lower_bound(acc.auctions.begin(), acc.auctions.end(), c.auction),
                                         c.auction);
                   }
                   return acc;
                 },
                 store::rocksdb{"q5-hottest"}, serdes<utf8, json<q5_row>>{})
      .to_stream()
      .to(q5_out);
}

// q7: the highest bids of each 10 s tumbling window. Flink joins the bids back to the
// window's maximum price; one aggregation keeping every bid at the running maximum gives
// the same rows. All bids of a window share one key (its start).
inline constexpr millis q7_window = 10s;
inline void q7(topology& t) {
  bids_of(t.stream(events))
      .rekey([](const std::string&, const bid& b) { return std::to_string(b.date_time - b.date_time % q7_window.count()); },
             named{"q7-bids-by-window"}, serdes<utf8, bid_serde>{})
      .group_by_key(serdes<utf8, bid_serde>{})
      .windowed_by(tumbling(q7_window).grace(query_grace))
      .emit_final()
      .aggregate([] { return q7_row{}; },
                 [](const std::string&, const bid& b, q7_row acc) {
                   if (acc.bids.empty() || b.price > acc.bids.front().price) {
                     acc.bids.assign(1, b);
                   } else if (b.price == acc.bids.front().price) {
                     acc.bids.push_back(b);
                   }
                   return acc;
                 },
                 store::rocksdb{"q7-highest"}, serdes<windowed_serde<utf8>, json<q7_row>>{})
      .to_stream()
      .map([](const windowed<std::string>& w, q7_row row) {
        row.window_start = w.start;
        return std::pair{w.key, std::move(row)};
      })
      .to(q7_out);
}

// q8: persons who opened an auction in the same 10 s tumbling window as they registered.
// Persons (by id) and auctions (by seller) meet in one windowed aggregation.
inline constexpr millis q8_window = 10s;
inline void q8(topology& t) {
  auto [persons, auctions, rest] =
      t.stream(events).branch([](const event& e) { return is_person(e); }, [](const event& e) { return is_auction(e); });
  (void)rest;
  auto person_sides = persons.map([](const std::string&, const event& e) {
    const auto& p = std::get<person>(e);
    return std::pair{id_key(p.id), q8_side{true, p.name}};
  });
  auto auction_sides = auctions.map([](const std::string&, const event& e) {
    return std::pair{id_key(std::get<auction>(e).seller), q8_side{false, {}}};
  });
  person_sides.merge(auction_sides)
      .repartition(named{"q8-by-person"}, serdes<utf8, json<q8_side>>{})
      .group_by_key(serdes<utf8, json<q8_side>>{})
      .windowed_by(tumbling(q8_window).grace(query_grace))
      .emit_final()
      .aggregate([] { return q8_acc{}; },
                 [](const std::string&, const q8_side& side, q8_acc acc) {
                   if (side.is_person) {
                     acc.person = true;
                     acc.name = side.name;
                   } else {
                     acc.auction = true;
                   }
                   return acc;
                 },
                 store::rocksdb{"q8-window"}, serdes<windowed_serde<utf8>, json<q8_acc>>{})
      .to_stream()
      .filter([](const windowed<std::string>&, const q8_acc& a) { return a.person && a.auction; })
      .map([](const windowed<std::string>& w, const q8_acc& a) {
        return std::pair{w.key, q8_row{std::stoll(w.key), a.name, w.start}};
      })
      .to(q8_out);
}

// q11: bids per bidder per session (a session ends after 10 s without a bid).
inline constexpr millis q11_gap = 10s;
inline void q11(topology& t) {
  bids_of(t.stream(events))
      .rekey([](const std::string&, const bid& b) { return id_key(b.bidder); }, named{"q11-bids-by-bidder"},
             serdes<utf8, bid_serde>{})
      .group_by_key(serdes<utf8, bid_serde>{})
      .windowed_by(session(q11_gap).grace(query_grace))
      .emit_final()
      .count(store::rocksdb{"q11-sessions"})
      .to_stream()
      .map([](const windowed<std::string>& w, std::int64_t n) {
        return std::pair{w.key, q11_row{std::stoll(w.key), n, w.start, w.end}};
      })
      .to(q11_out);
}

// The queries by name ("q0" … "q11"); nullptr for an unknown name.
using query_builder = void (*)(topology&);
inline query_builder query_named(std::string_view name) {
  if (name == "q0") return q0;
  if (name == "q1") return q1;
  if (name == "q2") return q2;
  if (name == "q3") return q3;
  if (name == "q5") return q5;
  if (name == "q7") return q7;
  if (name == "q8") return q8;
  if (name == "q11") return q11;
  return nullptr;
}

}  // namespace fjord::streams::nexmark
