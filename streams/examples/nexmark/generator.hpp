// fjord-streams NEXMark example: the in-process event generator.
//
// Owns `generator_config` and `generator`, a deterministic re-implementation of the
// nexmark/nexmark (Flink) generator's behaviour (not its code, and not its bit stream: the
// Java draws from an unseeded java.util.Random, we draw from a per-event splitmix64 stream).
//
// Model (same as the Java):
//   - Event number n = 0, 1, 2, ... is the position in this generator's output. Its event id
//     is first_event_id + n' where n' = n, or n shuffled within groups of
//     out_of_order_group_size (default 1 = in order). The id alone decides the event's type
//     and entity ids; (seed, id) decides everything random about it.
//   - Type by id % (1+3+46): the first `person_proportion` ids of each 50 are people, the
//     next `auction_proportion` auctions, the rest bids, so every 50 consecutive ids hold
//     exactly 1 person, 3 auctions, 46 bids.
//   - Person ids and auction ids are dense and start at 1000 (first_person_id /
//     first_auction_id): the k-th person id (k from 0) is 1000 + k, the same for auctions.
//   - event time = base_time + n' * inter_event_delay_us / 1000 (ms), non-decreasing in n
//     when the group size is 1.
//   - Bids pick a "hot" auction (first of the latest batch of 100 auction ids) with
//     probability 1 - 1/hot_auction_ratio, else a random one among the latest
//     num_in_flight_auctions (+ auction_id_lead not yet created). Bidders, and sellers of
//     auctions, likewise (hot_bidders_ratio / hot_sellers_ratio, num_active_people,
//     person_id_lead). Hot seller = first person of the latest batch of 100, hot bidder the
//     second.
//   - Prices: round(10^(6u) * 100) cents, u uniform in [0, 1). Auction length: 1 +
//     uniform[0, 2h) ms, h = event time span of the next num_in_flight_auctions auctions.
//   - Bid channel/url: with probability 1/2 one of 4 hot channels (Google, Facebook, Baidu,
//     Apple) with its url, else "channel-<k>", k < 10000, whose url is a pure function of
//     (seed, k) and carries "&channel_id=<bit-reversed k>" for ~90 % of the k.
//   - `extra` pads an entity to avg_*_byte_size on average, like the Java's nextExtra; the
//     sizes default to 0 (extra empty, keeps bids allocation-light). Java: 200 / 500 / 100.
//
// Deviations from the Java, on purpose:
//   - deterministic from `seed` (the Java is not reproducible);
//   - the hot bidder is clamped to the latest person id, so with person_id_lead == 0 and
//     auction_id_lead == 0 every bid and auction refers only to already generated ids (the
//     Java's hot bidder points one person ahead while a batch of 100 holds one person);
//   - the Java's "extended bid" mode and rate shapes (sine/square) are not implemented;
//     inter_event_delay_us is an integer (Java default 10 M ev/s = 0.1 µs is not expressible;
//     our default, 10 µs, is 100 K ev/s of event time).
//
// Invariants: at(n) == the event the (n+1)-th next() returns, for any n; the same config
// gives the same events on every run (across platforms only prices could differ, by a
// cent, as they go through std::exp whose last-bit rounding varies between libms).
// Cost: construction builds the channel url table (~0.5 MB, about a millisecond); copies
// share it. next_into() on a reused event does no heap allocation once its strings have
// grown; next() allocates only for strings longer than the SSO buffer (a bid's url, an
// auction's description, a person's credit card, non-empty extras).
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fjord/streams/error.hpp"
#include "fjord/streams/record.hpp"
#include "nexmark/model.hpp"

namespace fjord::streams::nexmark {

struct generator_config {
  std::uint64_t seed = 1;
  std::int64_t first_event_id = 0;          // >= 0; generators running side by side use
                                            // disjoint id ranges
  timestamp_ms base_time = 1'700'000'000'000;  // event time of event number 0
  std::int64_t inter_event_delay_us = 10;   // event-time spacing; 10 µs = 100 K ev/s
  int num_active_people = 1000;
  int num_in_flight_auctions = 100;
  int hot_auction_ratio = 2;
  int hot_sellers_ratio = 4;
  int hot_bidders_ratio = 4;
  std::uint64_t max_events = 0;             // 0 = unbounded
  // Less common knobs (Java defaults unless noted).
  int person_proportion = 1;
  int auction_proportion = 3;
  int bid_proportion = 46;
  int person_id_lead = 10;                  // random people may be up to this far ahead
  int auction_id_lead = 10;                 // random auctions likewise
  int out_of_order_group_size = 1;          // 1 = in order
  int avg_person_byte_size = 0;             // 0 = empty extra (Java: 200)
  int avg_auction_byte_size = 0;            // 0 = empty extra (Java: 500)
  int avg_bid_byte_size = 0;                // 0 = empty extra (Java: 100)
};

namespace detail {

inline constexpr std::uint64_t golden = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// splitmix64 stream; below(n) maps 32 random bits to [0, n) (n < 2^32) by multiply-shift.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept : s_(seed) {}
  std::uint64_t next() noexcept { return mix64(s_ += golden); }
  std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  std::int64_t below64(std::int64_t n) noexcept {  // REQUIRES: n > 0
    const auto un = static_cast<std::uint64_t>(n);
    if (un <= 0xffffffffULL) return below(static_cast<std::uint32_t>(un));
    return static_cast<std::int64_t>(next() % un);
  }
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t s_;
};

inline std::uint32_t lo_below(std::uint64_t x, std::uint32_t n) noexcept {
  return static_cast<std::uint32_t>(((x & 0xffffffffULL) * n) >> 32);
}
inline std::uint32_t hi_below(std::uint64_t x, std::uint32_t n) noexcept {
  return static_cast<std::uint32_t>(((x >> 32) * n) >> 32);
}

// Appends a word of 3..max_len-1 letters, each `special` with probability 1/13; with
// special == ' ' the appended part is then trimmed (Java's nextString(...).trim()).
// REQUIRES: 4 <= max_len <= 128.
inline void append_word(rng& r, int max_len, char special, std::string& out) {
  char buf[128];
  const std::uint32_t len = 3 + r.below(static_cast<std::uint32_t>(max_len - 3));
  for (std::uint32_t i = 0; i < len; ++i) {
    const std::uint64_t x = r.next();
    buf[i] = lo_below(x, 13) == 0 ? special : static_cast<char>('a' + hi_below(x, 26));
  }
  std::string_view word(buf, len);
  if (special == ' ') {
    const auto first = word.find_first_not_of(' ');
    word = first == std::string_view::npos
               ? std::string_view()
               : word.substr(first, word.find_last_not_of(' ') - first + 1);
  }
  out.append(word);
}

// Appends exactly n random lowercase letters (8 per 64-bit draw; padding, so the slight
// non-uniformity of byte * 26 / 256 does not matter).
inline void append_letters(rng& r, std::size_t n, std::string& out) {
  std::size_t i = out.size();
  out.resize(i + n);
  while (n > 0) {
    std::uint64_t x = r.next();
    for (int k = 0; k < 8 && n > 0; ++k, --n, x >>= 8) {
      out[i++] = static_cast<char>('a' + (((x & 0xff) * 26) >> 8));
    }
  }
}

// Sets `out` to padding so that current + out.size() averages `avg` (empty if avg <= current).
inline void make_extra(rng& r, std::int64_t current, std::int64_t avg, std::string& out) {
  out.clear();
  if (avg <= current) return;
  const std::int64_t want = avg - current;
  const std::int64_t delta = std::llround(static_cast<double>(want) * 0.2);
  const std::int64_t size = want - delta + (delta == 0 ? 0 : r.below64(2 * delta));
  append_letters(r, static_cast<std::size_t>(size), out);
}

// round(10^(6u) * 100); exp instead of pow: the same distribution, half the cost.
inline std::int64_t next_price(rng& r) {
  constexpr double six_ln10 = 13.815510557964274;  // 6 * ln(10)
  return std::llround(std::exp(r.unit() * six_ln10) * 100.0);
}

inline void append_int(std::int64_t v, std::string& out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

inline std::uint32_t reverse_bits(std::uint32_t v) noexcept {
  std::uint32_t r = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

// The urls of channels 0..n_channels-1 and of the n_hot hot channels (index n_channels + i),
// a pure function of the seed, built once per generator (~0.5 MB for 10 004 urls) and
// shared by its copies. Like the Java's per-channel url cache, but reproducible.
class channel_urls {
 public:
  channel_urls(std::uint64_t seed, std::uint32_t n_channels, std::uint32_t n_hot) {
    const std::uint32_t n = n_channels + n_hot;
    offsets_.reserve(n + 1);
    blob_.reserve(std::size_t{n} * 56);
    offsets_.push_back(0);
    for (std::uint32_t k = 0; k < n; ++k) {
      rng u(mix64(seed ^ mix64(0x75726cULL + k) ^ golden));
      blob_.append("https://www.nexmark.com/");
      for (int i = 0; i < 3; ++i) {
        append_word(u, 5, '_', blob_);
        blob_.push_back('/');
      }
      blob_.append("item.htm?query=1");
      if (k < n_channels && u.below(10) > 0) {  // most ordinary channels carry their id
        blob_.append("&channel_id=");
        const auto reversed = static_cast<std::int32_t>(reverse_bits(k));
        append_int(reversed < 0 ? -std::int64_t{reversed} : reversed, blob_);
      }
      offsets_.push_back(static_cast<std::uint32_t>(blob_.size()));
    }
  }

  std::string_view operator[](std::uint32_t k) const noexcept {
    return {blob_.data() + offsets_[k], offsets_[k + 1] - offsets_[k]};
  }

 private:
  std::string blob_;
  std::vector<std::uint32_t> offsets_;
};

}  // namespace detail

class generator {
 public:
  static constexpr std::int64_t first_person_id = 1000;
  static constexpr std::int64_t first_auction_id = 1000;
  static constexpr std::int64_t first_category_id = 10;
  static constexpr int num_categories = 5;
  static constexpr std::int64_t hot_batch = 100;  // Java HOT_*_RATIO constants
  static constexpr std::uint32_t num_channels = 10'000;
  static constexpr std::array<std::string_view, 4> hot_channels = {"Google", "Facebook",
                                                                   "Baidu", "Apple"};

  // Throws streams_error on a nonsensical config (ratios/proportions/group size < 1, ...).
  explicit generator(generator_config cfg = {}) : cfg_(cfg) {
    auto require = [](bool ok, const char* what) {
      if (!ok) throw streams_error(std::string("nexmark generator_config: ") + what);
    };
    require(cfg_.first_event_id >= 0, "first_event_id must be >= 0");
    require(cfg_.inter_event_delay_us >= 0, "inter_event_delay_us must be >= 0");
    require(cfg_.num_active_people >= 1, "num_active_people must be >= 1");
    require(cfg_.num_in_flight_auctions >= 1, "num_in_flight_auctions must be >= 1");
    require(cfg_.hot_auction_ratio >= 1 && cfg_.hot_sellers_ratio >= 1 &&
                cfg_.hot_bidders_ratio >= 1,
            "hot ratios must be >= 1");
    require(cfg_.person_proportion >= 1 && cfg_.auction_proportion >= 1 &&
                cfg_.bid_proportion >= 0,
            "person/auction proportions must be >= 1, bid proportion >= 0");
    require(cfg_.person_id_lead >= 0 && cfg_.auction_id_lead >= 0, "id leads must be >= 0");
    require(cfg_.out_of_order_group_size >= 1, "out_of_order_group_size must be >= 1");
    total_ = cfg_.person_proportion + cfg_.auction_proportion + cfg_.bid_proportion;
    urls_ = std::make_shared<const detail::channel_urls>(cfg_.seed, num_channels,
                                                         static_cast<std::uint32_t>(hot_channels.size()));
  }

  const generator_config& config() const noexcept { return cfg_; }

  // ---- sequential use ----

  bool has_next() const noexcept { return cfg_.max_events == 0 || count_ < cfg_.max_events; }

  // The next event, or nullopt once max_events have been returned.
  std::optional<event> next() {
    if (!has_next()) return std::nullopt;
    std::optional<event> e(std::in_place);
    fill(static_cast<std::int64_t>(count_++), *e);
    return e;
  }

  // Like next() but overwrites `out`, reusing its string buffers when it already holds the
  // same entity type (the fast path for benchmarks). Returns false (out untouched) at the end.
  bool next_into(event& out) {
    if (!has_next()) return false;
    fill(static_cast<std::int64_t>(count_++), out);
    return true;
  }

  std::uint64_t events_so_far() const noexcept { return count_; }
  // Repositions the sequence: the next next() returns at(events_so_far).
  void seek(std::uint64_t events_so_far) noexcept { count_ = events_so_far; }

  // Lower bound of the event time of every event not yet returned by next().
  timestamp_ms watermark() const noexcept {
    const auto n = static_cast<std::int64_t>(count_);
    const std::int64_t g = cfg_.out_of_order_group_size;
    return timestamp_for((n / g) * g);
  }

  // ---- random access (pure functions of config and n; n >= 0) ----

  event at(std::int64_t event_number) const {
    event e;
    fill(event_number, e);
    return e;
  }

  // Writes event number n into out (reusing out's buffers when the type matches).
  void fill(std::int64_t n, event& out) const {
    const std::int64_t number = adjusted_number(n);
    const std::int64_t id = cfg_.first_event_id + number;
    const timestamp_ms ts = timestamp_for(number);
    detail::rng r(detail::mix64(cfg_.seed ^ detail::mix64(static_cast<std::uint64_t>(id))));
    switch (type_of_id(id)) {
      case event_type::person: make_person(id, ts, r, emplace<person>(out)); break;
      case event_type::auction: make_auction(id, number, ts, r, emplace<auction>(out)); break;
      case event_type::bid: make_bid(id, ts, r, emplace<bid>(out)); break;
    }
  }

  // Event number n's position after the out-of-order shuffle (n itself when in order).
  std::int64_t adjusted_number(std::int64_t n) const noexcept {
    const std::int64_t g = cfg_.out_of_order_group_size;
    return (n / g) * g + (n * 953) % g;
  }
  std::int64_t event_id(std::int64_t n) const noexcept {
    return cfg_.first_event_id + adjusted_number(n);
  }
  event_type type_of_id(std::int64_t id) const noexcept {
    const std::int64_t rem = id % total_;
    if (rem < cfg_.person_proportion) return event_type::person;
    if (rem < cfg_.person_proportion + cfg_.auction_proportion) return event_type::auction;
    return event_type::bid;
  }
  // Event time of the (adjusted) event number.
  timestamp_ms timestamp_for(std::int64_t number) const noexcept {
    return cfg_.base_time + number * cfg_.inter_event_delay_us / 1000;
  }

  // Highest person / auction id created at or before event id `id` (the current one when
  // `id` is a person / auction). May be below first_*_id when none exists yet.
  std::int64_t last_person_id(std::int64_t id) const noexcept {
    return last_base0_person(id) + first_person_id;
  }
  std::int64_t last_auction_id(std::int64_t id) const noexcept {
    return last_base0_auction(id) + first_auction_id;
  }

 private:
  template <class T>
  static T& emplace(event& out) {
    if (T* p = std::get_if<T>(&out)) return *p;
    return out.emplace<T>();
  }

  std::int64_t last_base0_person(std::int64_t id) const noexcept {
    const std::int64_t epoch = id / total_;
    const std::int64_t offset = std::min<std::int64_t>(id % total_, cfg_.person_proportion - 1);
    return epoch * cfg_.person_proportion + offset;
  }

  std::int64_t last_base0_auction(std::int64_t id) const noexcept {
    std::int64_t epoch = id / total_;
    std::int64_t offset = id % total_;
    if (offset < cfg_.person_proportion) {  // a person: the last auction of the previous epoch
      --epoch;
      offset = cfg_.auction_proportion - 1;
    } else if (offset >= cfg_.person_proportion + cfg_.auction_proportion) {  // a bid
      offset = cfg_.auction_proportion - 1;
    } else {  // an auction: itself
      offset -= cfg_.person_proportion;
    }
    return epoch * cfg_.auction_proportion + offset;
  }

  // A random person among the active ones, or up to person_id_lead ahead (base 0).
  std::int64_t random_base0_person(std::int64_t id, detail::rng& r) const noexcept {
    const std::int64_t num_people = last_base0_person(id) + 1;
    const std::int64_t active = std::min<std::int64_t>(num_people, cfg_.num_active_people);
    return num_people - active + r.below64(active + cfg_.person_id_lead);
  }

  // A random auction among the in-flight ones, or up to auction_id_lead ahead (base 0).
  std::int64_t random_base0_auction(std::int64_t id, detail::rng& r) const noexcept {
    const std::int64_t last = last_base0_auction(id);
    const std::int64_t lo = std::max<std::int64_t>(last - cfg_.num_in_flight_auctions, 0);
    return lo + r.below64(last - lo + 1 + cfg_.auction_id_lead);
  }

  static bool hot(detail::rng& r, int ratio) noexcept {
    return r.below(static_cast<std::uint32_t>(ratio)) > 0;
  }

  void make_person(std::int64_t id, timestamp_ms ts, detail::rng& r, person& p) const {
    static constexpr std::array<std::string_view, 11> first_names = {
        "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter",
        "Walter"};
    static constexpr std::array<std::string_view, 9> last_names = {
        "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
    static constexpr std::array<std::string_view, 10> cities = {
        "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
        "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
    static constexpr std::array<std::string_view, 6> states = {"AZ", "CA", "ID",
                                                               "OR", "WA", "WY"};
    p.id = last_base0_person(id) + first_person_id;
    p.name.assign(first_names[r.below(first_names.size())]);
    p.name.push_back(' ');
    p.name.append(last_names[r.below(last_names.size())]);
    p.email_address.clear();
    detail::append_word(r, 7, ' ', p.email_address);
    p.email_address.push_back('@');
    detail::append_word(r, 5, ' ', p.email_address);
    p.email_address.append(".com");
    p.credit_card.clear();
    for (int i = 0; i < 4; ++i) {
      if (i > 0) p.credit_card.push_back(' ');
      const std::uint32_t v = r.below(10000);
      const char digits[4] = {static_cast<char>('0' + v / 1000), static_cast<char>('0' + v / 100 % 10),
                              static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
      p.credit_card.append(digits, 4);
    }
    p.city.assign(cities[r.below(cities.size())]);
    p.state.assign(states[r.below(states.size())]);
    p.date_time = ts;
    const auto size = static_cast<std::int64_t>(8 + p.name.size() + p.email_address.size() +
                                                p.credit_card.size() + p.city.size() +
                                                p.state.size());
    detail::make_extra(r, size, cfg_.avg_person_byte_size, p.extra);
  }

  void make_auction(std::int64_t id, std::int64_t number, timestamp_ms ts, detail::rng& r,
                    auction& a) const {
    a.id = last_base0_auction(id) + first_auction_id;
    const std::int64_t last_person = last_base0_person(id);
    const std::int64_t seller = hot(r, cfg_.hot_sellers_ratio)
                                    ? (last_person / hot_batch) * hot_batch
                                    : random_base0_person(id, r);
    a.seller = seller + first_person_id;
    a.category = first_category_id + r.below(num_categories);
    a.initial_bid = detail::next_price(r);
    // Length averages the event time it takes to create num_in_flight_auctions more auctions.
    const std::int64_t events_ahead =
        std::int64_t{cfg_.num_in_flight_auctions} * total_ / cfg_.auction_proportion;
    const std::int64_t horizon = timestamp_for(number + events_ahead) - ts;
    a.expires = ts + 1 + r.below64(std::max<std::int64_t>(horizon * 2, 1));
    a.item_name.clear();
    detail::append_word(r, 20, ' ', a.item_name);
    a.description.clear();
    detail::append_word(r, 100, ' ', a.description);
    a.reserve = a.initial_bid + detail::next_price(r);
    a.date_time = ts;
    const auto size = static_cast<std::int64_t>(8 + a.item_name.size() + a.description.size() + 40);
    detail::make_extra(r, size, cfg_.avg_auction_byte_size, a.extra);
  }

  void make_bid(std::int64_t id, timestamp_ms ts, detail::rng& r, bid& b) const {
    const std::int64_t last_auction = last_base0_auction(id);
    const std::int64_t auction = hot(r, cfg_.hot_auction_ratio)
                                     ? (last_auction / hot_batch) * hot_batch
                                     : random_base0_auction(id, r);
    b.auction = auction + first_auction_id;
    const std::int64_t last_person = last_base0_person(id);
    const std::int64_t bidder =
        hot(r, cfg_.hot_bidders_ratio)
            ? std::min((last_person / hot_batch) * hot_batch + 1, last_person)
            : random_base0_person(id, r);
    b.bidder = bidder + first_person_id;
    b.price = detail::next_price(r);
    if (r.below(2) > 0) {
      const std::uint32_t i = r.below(hot_channels.size());
      b.channel.assign(hot_channels[i]);
      b.url.assign((*urls_)[num_channels + i]);
    } else {
      const std::uint32_t k = r.below(num_channels);
      b.channel.assign("channel-");
      detail::append_int(k, b.channel);
      b.url.assign((*urls_)[k]);
    }
    b.date_time = ts;
    detail::make_extra(r, 32, cfg_.avg_bid_byte_size, b.extra);
  }

  generator_config cfg_;
  std::int64_t total_ = 0;   // person + auction + bid proportions
  std::shared_ptr<const detail::channel_urls> urls_;  // never null
  std::uint64_t count_ = 0;  // events returned by next() so far
};

}  // namespace fjord::streams::nexmark
