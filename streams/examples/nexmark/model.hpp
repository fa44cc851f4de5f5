// fjord-streams NEXMark example: the event model (Person, Auction, Bid) and its codecs.
//
// Owns:
//   - the three NEXMark entities as plain value structs (`person`, `auction`, `bid`) and
//     `event`, a std::variant over them (index == event_type: 0 person, 1 auction, 2 bid,
//     the same numbering as nexmark/nexmark's Event.Type and the Flink DDL's event_type);
//   - nlohmann-json to_json/from_json for each, with NEXMark's JSON field names
//     (camelCase: "emailAddress", "dateTime", ...). Times are int64 milliseconds since the
//     epoch. An event is {"event_type": 0|1|2, "person"|"auction"|"bid": {...}};
//   - `event_serde` (compact binary, below), `person_serde` / `auction_serde` / `bid_serde`
//     (same bytes as event_serde for an event holding that entity, so a topic written with
//     bid_serde can be read with event_serde) and `event_json_serde` (UTF-8 JSON text).
//
// Binary wire format (all serdes here), version 1:
//   byte 0        tag = event_type (0 person, 1 auction, 2 bid); any other value is an error
//   then the entity's fields in declaration order, each either
//     int64  -> zigzag LEB128 varint (1..10 bytes; ids, prices and times are non-negative in
//               practice, zigzag keeps negative values legal and round-trippable)
//     string -> LEB128 varint byte length, then the raw bytes (no terminator, any bytes)
//   nothing after the last field (trailing bytes are an error).
//   A typical bid (hot channel, empty extra) is ~90 bytes, most of it the url.
//
// Invariants: decode never throws and never reads past its input; encode appends only.
// Ids and prices are int64 (prices in cents, as in NEXMark).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"

namespace fjord::streams::nexmark {

struct person {
  std::int64_t id = 0;
  std::string name;
  std::string email_address;
  std::string credit_card;
  std::string city;
  std::string state;
  timestamp_ms date_time = 0;
  std::string extra;
  friend bool operator==(const person&, const person&) = default;
};

struct auction {
  std::int64_t id = 0;
  std::string item_name;
  std::string description;
  std::int64_t initial_bid = 0;  // cents
  std::int64_t reserve = 0;      // cents
  timestamp_ms date_time = 0;
  timestamp_ms expires = 0;      // bids at or after this time are ignored
  std::int64_t seller = 0;       // -> person.id
  std::int64_t category = 0;
  std::string extra;
  friend bool operator==(const auction&, const auction&) = default;
};

struct bid {
  std::int64_t auction = 0;  // -> auction.id
  std::int64_t bidder = 0;   // -> person.id
  std::int64_t price = 0;    // cents
  std::string channel;
  std::string url;
  timestamp_ms date_time = 0;
  std::string extra;
  friend bool operator==(const bid&, const bid&) = default;
};

// The variant index is the event type; keep the order in sync with event_type.
using event = std::variant<person, auction, bid>;

enum class event_type : std::uint8_t { person = 0, auction = 1, bid = 2 };

inline event_type type_of(const event& e) noexcept { return static_cast<event_type>(e.index()); }
inline bool is_person(const event& e) noexcept { return e.index() == 0; }
inline bool is_auction(const event& e) noexcept { return e.index() == 1; }
inline bool is_bid(const event& e) noexcept { return e.index() == 2; }

// Pointer to the entity, or nullptr when the event holds another type.
inline const person* as_person(const event& e) noexcept { return std::get_if<person>(&e); }
inline const auction* as_auction(const event& e) noexcept { return std::get_if<auction>(&e); }
inline const bid* as_bid(const event& e) noexcept { return std::get_if<bid>(&e); }

// The event's dateTime (its event time).
inline timestamp_ms event_time(const event& e) noexcept {
  return std::visit([](const auto& v) { return v.date_time; }, e);
}

constexpr const char* type_name(event_type t) noexcept {
  switch (t) {
    case event_type::person: return "person";
    case event_type::auction: return "auction";
    case event_type::bid: return "bid";
  }
  return "?";
}

// ---- JSON -------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, const person& p) {
  j = nlohmann::json{{"id", p.id},
                     {"name", p.name},
                     {"emailAddress", p.email_address},
                     {"creditCard", p.credit_card},
                     {"city", p.city},
                     {"state", p.state},
                     {"dateTime", p.date_time},
                     {"extra", p.extra}};
}
inline void from_json(const nlohmann::json& j, person& p) {
  j.at("id").get_to(p.id);
  j.at("name").get_to(p.name);
  j.at("emailAddress").get_to(p.email_address);
  j.at("creditCard").get_to(p.credit_card);
  j.at("city").get_to(p.city);
  j.at("state").get_to(p.state);
  j.at("dateTime").get_to(p.date_time);
  j.at("extra").get_to(p.extra);
}

inline void to_json(nlohmann::json& j, const auction& a) {
  j = nlohmann::json{{"id", a.id},
                     {"itemName", a.item_name},
                     {"description", a.description},
                     {"initialBid", a.initial_bid},
                     {"reserve", a.reserve},
                     {"dateTime", a.date_time},
                     {"expires", a.expires},
                     {"seller", a.seller},
                     {"category", a.category},
                     {"extra", a.extra}};
}
inline void from_json(const nlohmann::json& j, auction& a) {
  j.at("id").get_to(a.id);
  j.at("itemName").get_to(a.item_name);
  j.at("description").get_to(a.description);
  j.at("initialBid").get_to(a.initial_bid);
  j.at("reserve").get_to(a.reserve);
  j.at("dateTime").get_to(a.date_time);
  j.at("expires").get_to(a.expires);
  j.at("seller").get_to(a.seller);
  j.at("category").get_to(a.category);
  j.at("extra").get_to(a.extra);
}

inline void to_json(nlohmann::json& j, const bid& b) {
  j = nlohmann::json{{"auction", b.auction},
                     {"bidder", b.bidder},
                     {"price", b.price},
                     {"channel", b.channel},
                     {"url", b.url},
                     {"dateTime", b.date_time},
                     {"extra", b.extra}};
}
inline void from_json(const nlohmann::json& j, bid& b) {
  j.at("auction").get_to(b.auction);
  j.at("bidder").get_to(b.bidder);
  j.at("price").get_to(b.price);
  j.at("channel").get_to(b.channel);
  j.at("url").get_to(b.url);
  j.at("dateTime").get_to(b.date_time);
  j.at("extra").get_to(b.extra);
}

// {"event_type": 0, "person": {...}} / {"event_type": 1, "auction": {...}} / ... (found by
// ADL: std::variant's template arguments live in this namespace).
inline void to_json(nlohmann::json& j, const event& e) {
  const event_type t = type_of(e);
  j = nlohmann::json::object();
  j["event_type"] = static_cast<int>(t);
  std::visit([&](const auto& v) { j[type_name(t)] = v; }, e);
}
// Throws nlohmann::json::exception on a missing/ill-typed field or an unknown event_type.
inline void from_json(const nlohmann::json& j, event& e) {
  const int t = j.at("event_type").get<int>();
  switch (t) {
    case 0: e = j.at("person").get<person>(); return;
    case 1: e = j.at("auction").get<auction>(); return;
    case 2: e = j.at("bid").get<bid>(); return;
    default:
      throw nlohmann::json::other_error::create(
          501, "nexmark: unknown event_type " + std::to_string(t), &j);
  }
}

// ---- binary codec -----------------------------------------------------------------------

namespace wire {

inline void put_varint(std::uint64_t v, std::string& out) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(static_cast<std::uint8_t>(v) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

inline void put_i64(std::int64_t v, std::string& out) {
  const auto u = static_cast<std::uint64_t>(v);
  put_varint((u << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0), out);  // zigzag
}

inline void put_str(std::string_view s, std::string& out) {
  put_varint(s.size(), out);
  out.append(s.data(), s.size());
}

// Bounds-checked cursor; after the first failure every read fails and `what` says why.
class reader {
 public:
  explicit reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool ok() const noexcept { return what_ == nullptr; }
  const char* what() const noexcept { return what_; }
  bool at_end() const noexcept { return p_ == end_; }

  std::uint8_t byte() {
    if (!ok()) return 0;
    if (p_ == end_) {
      fail("truncated");
      return 0;
    }
    return static_cast<std::uint8_t>(*p_++);
  }

  // LEB128; at most 10 bytes, the 10th may only carry the top bit.
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; ok(); shift += 7) {
      if (p_ == end_) {
        fail("truncated varint");
        break;
      }
      const auto b = static_cast<std::uint8_t>(*p_++);
      if (shift == 63 && b > 1) {
        fail("varint overflows 64 bits");
        break;
      }
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return 0;
  }

  std::int64_t i64() {
    const std::uint64_t u = varint();
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));  // un-zigzag
  }

  void str(std::string& out) {
    const std::uint64_t n = varint();
    if (!ok()) return;
    if (n > static_cast<std::uint64_t>(end_ - p_)) {
      fail("string length past end of input");
      return;
    }
    out.assign(p_, static_cast<std::size_t>(n));
    p_ += n;
  }

 private:
  void fail(const char* why) noexcept {
    if (what_ == nullptr) what_ = why;
  }
  const char* p_;
  const char* end_;
  const char* what_ = nullptr;
};

inline void put_body(const person& p, std::string& out) {
  put_i64(p.id, out);
  put_str(p.name, out);
  put_str(p.email_address, out);
  put_str(p.credit_card, out);
  put_str(p.city, out);
  put_str(p.state, out);
  put_i64(p.date_time, out);
  put_str(p.extra, out);
}
inline void put_body(const auction& a, std::string& out) {
  put_i64(a.id, out);
  put_str(a.item_name, out);
  put_str(a.description, out);
  put_i64(a.initial_bid, out);
  put_i64(a.reserve, out);
  put_i64(a.date_time, out);
  put_i64(a.expires, out);
  put_i64(a.seller, out);
  put_i64(a.category, out);
  put_str(a.extra, out);
}
inline void put_body(const bid& b, std::string& out) {
  put_i64(b.auction, out);
  put_i64(b.bidder, out);
  put_i64(b.price, out);
  put_str(b.channel, out);
  put_str(b.url, out);
  put_i64(b.date_time, out);
  put_str(b.extra, out);
}

inline void get_body(reader& r, person& p) {
  p.id = r.i64();
  r.str(p.name);
  r.str(p.email_address);
  r.str(p.credit_card);
  r.str(p.city);
  r.str(p.state);
  p.date_time = r.i64();
  r.str(p.extra);
}
inline void get_body(reader& r, auction& a) {
  a.id = r.i64();
  r.str(a.item_name);
  r.str(a.description);
  a.initial_bid = r.i64();
  a.reserve = r.i64();
  a.date_time = r.i64();
  a.expires = r.i64();
  a.seller = r.i64();
  a.category = r.i64();
  r.str(a.extra);
}
inline void get_body(reader& r, bid& b) {
  b.auction = r.i64();
  b.bidder = r.i64();
  b.price = r.i64();
  r.str(b.channel);
  r.str(b.url);
  b.date_time = r.i64();
  r.str(b.extra);
}

template <class T>
constexpr event_type tag_of() {
  if constexpr (std::is_same_v<T, person>) return event_type::person;
  else if constexpr (std::is_same_v<T, auction>) return event_type::auction;
  else return event_type::bid;
}

inline error failed(const char* entity, const char* why) {
  return decode_error(std::string("nexmark ") + entity + ": " + why);
}

// Decodes one entity of type T (tag must match).
template <class T>
result<T> decode_one(std::string_view in) {
  constexpr const char* name = type_name(tag_of<T>());
  reader r(in);
  const std::uint8_t tag = r.byte();
  if (!r.ok()) return failed(name, "empty input");
  if (tag != static_cast<std::uint8_t>(tag_of<T>())) return failed(name, "wrong event tag");
  T v;
  get_body(r, v);
  if (!r.ok()) return failed(name, r.what());
  if (!r.at_end()) return failed(name, "trailing bytes");
  return v;
}

}  // namespace wire

// Binary serde for a whole event (format in the header comment).
struct event_serde {
  static void encode(const event& e, std::string& out) {
    out.push_back(static_cast<char>(e.index()));
    std::visit([&](const auto& v) { wire::put_body(v, out); }, e);
  }
  static result<event> decode(std::string_view in) {
    if (in.empty()) return wire::failed("event", "empty input");
    switch (static_cast<std::uint8_t>(in[0])) {
      case 0: return lift(wire::decode_one<person>(in));
      case 1: return lift(wire::decode_one<auction>(in));
      case 2: return lift(wire::decode_one<bid>(in));
      default: return wire::failed("event", "unknown event tag");
    }
  }

 private:
  template <class T>
  static result<event> lift(result<T>&& r) {
    if (!r.ok()) return r.err();
    return event(std::move(r).value());
  }
};

// Serde for one entity type; bytes identical to event_serde's for an event holding it.
template <class T>
struct entity_serde {
  static void encode(const T& v, std::string& out) {
    out.push_back(static_cast<char>(wire::tag_of<T>()));
    wire::put_body(v, out);
  }
  static result<T> decode(std::string_view in) { return wire::decode_one<T>(in); }
};
using person_serde = entity_serde<person>;
using auction_serde = entity_serde<auction>;
using bid_serde = entity_serde<bid>;

// JSON text serde ({"event_type": ..., ...}); for interop and debugging, not speed.
struct event_json_serde {
  static void encode(const event& e, std::string& out) { out += nlohmann::json(e).dump(); }
  static result<event> decode(std::string_view in) {
    const auto j = nlohmann::json::parse(in.begin(), in.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return decode_error("nexmark json: not valid JSON");
    try {
      return j.get<event>();
    } catch (const nlohmann::json::exception& ex) {
      return decode_error(std::string("nexmark json: ") + ex.what());
    }
  }
};

}  // namespace fjord::streams::nexmark
