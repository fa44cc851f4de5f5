// The NEXMark queries through the test driver, each checked against a reference computed
// here directly from the generated events (plain loops and maps, no fjord-streams code).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "nexmark/generator.hpp"
#include "nexmark/in_process.hpp"
#include "nexmark/queries.hpp"

namespace fs = fjord::streams;
namespace nx = fjord::streams::nexmark;

namespace {

constexpr std::uint64_t kEvents = 20'000;

std::vector<nx::event> generate(std::uint64_t n) {
  // Every reference exists when used (no id leads), so joins have exact answers.
  nx::generator g{{.seed = 42, .inter_event_delay_us = 1000, .max_events = n, .person_id_lead = 0, .auction_id_lead = 0}};
  std::vector<nx::event> out;
  while (auto e = g.next()) out.push_back(std::move(*e));
  return out;
}

// Runs query `build` over `events` and returns the driver (outputs unread).
struct run {
  fs::topology t;
  fs::test_driver td;
  run(const char* app, nx::query_builder build, const std::vector<nx::event>& events)
      : t(app), td((build(t), t)) {
    for (const auto& e : events) td.pipe(nx::events, std::string{}, e, nx::event_time(e));
    td.advance_stream_time(nx::event_time(events.back()) + 3'600'000);
  }
};

std::vector<nx::bid> bids_of(const std::vector<nx::event>& events) {
  std::vector<nx::bid> out;
  for (const auto& e : events) {
    if (auto* b = nx::as_bid(e)) out.push_back(*b);
  }
  return out;
}

TEST(NexmarkQueryTest, Q0PassesEveryBid) {
  auto events = generate(kEvents);
  run r("q0", nx::q0, events);
  auto out = r.td.read(nx::q0_out);
  auto expected = bids_of(events);
  ASSERT_EQ(out.size(), expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].value, expected[i]);
}

TEST(NexmarkQueryTest, Q1ConvertsPrices) {
  auto events = generate(kEvents);
  run r("q1", nx::q1, events);
  auto out = r.td.read(nx::q1_out);
  auto expected = bids_of(events);
  ASSERT_EQ(out.size(), expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].value.price, static_cast<std::int64_t>(static_cast<double>(expected[i].price) * 0.908));
  }
}

TEST(NexmarkQueryTest, Q2SelectsEvery123rdAuction) {
  auto events = generate(kEvents * 5);
  run r("q2", nx::q2, events);
  std::vector<nx::q2_row> expected;
  for (const auto& b : bids_of(events)) {
    if (b.auction % 123 == 0) expected.push_back({b.auction, b.price});
  }
  ASSERT_FALSE(expected.empty());
  std::vector<nx::q2_row> got;
  for (auto& rec : r.td.read(nx::q2_out)) got.push_back(rec.value);
  EXPECT_EQ(got, expected);
}

TEST(NexmarkQueryTest, Q3JoinsCategory10AuctionsWithWesternSellers) {
  auto events = generate(kEvents);
  run r("q3", nx::q3, events);
  std::map<std::int64_t, nx::person> persons;
  std::vector<nx::q3_row> expected;
  for (const auto& e : events) {
    if (auto* p = nx::as_person(e)) persons[p->id] = *p;
    if (auto* a = nx::as_auction(e); a && a->category == 10) {
      auto it = persons.find(a->seller);
      if (it != persons.end() && nx::q3_state(it->second.state)) {
        expected.push_back({it->second.name, it->second.city, it->second.state, a->id});
      }
    }
  }
  ASSERT_FALSE(expected.empty());
  std::vector<nx::q3_row> got;
  for (auto& rec : r.td.read(nx::q3_out)) got.push_back(rec.value);
  EXPECT_EQ(got, expected);
}

TEST(NexmarkQueryTest, Q5FindsTheHottestAuctionsPerHoppingWindow) {
  auto events = generate(kEvents);
  run r("q5", nx::q5, events);
  // count[(window start, auction)] over 10 s windows every 2 s.
  std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> count;
  for (const auto& b : bids_of(events)) {
    const std::int64_t last_start = b.date_time - b.date_time % 2000;
    for (std::int64_t start = last_start; start > b.date_time - 10'000; start -= 2000) ++count[start][b.auction];
  }
  std::map<std::string, nx::q5_row> expected;
  for (const auto& [start, by_auction] : count) {
    nx::q5_row row{start, 0, {}};
    for (const auto& [auction, n] : by_auction) {
      if (n > row.bids) row = {start, n, {auction}};
      else if (n == row.bids) row.auctions.push_back(auction);
    }
    expected[std::to_string(start)] = row;
  }
  std::map<std::string, nx::q5_row> last;
  for (auto& rec : r.td.read(nx::q5_out)) last[rec.key] = rec.value;
  EXPECT_EQ(last, expected);
}

TEST(NexmarkQueryTest, Q7FindsTheHighestBidsPerTumblingWindow) {
  auto events = generate(kEvents);
  run r("q7", nx::q7, events);
  std::map<std::int64_t, std::vector<nx::bid>> best;
  for (const auto& b : bids_of(events)) {
    auto& v = best[b.date_time - b.date_time % 10'000];
    if (v.empty() || b.price > v.front().price) v.assign(1, b);
    else if (b.price == v.front().price) v.push_back(b);
  }
  std::map<std::int64_t, std::vector<nx::bid>> got;
  for (auto& rec : r.td.read(nx::q7_out)) {
    EXPECT_FALSE(got.contains(rec.value.window_start)) << "window emitted twice";
    got[rec.value.window_start] = rec.value.bids;
  }
  EXPECT_EQ(got, best);
}

TEST(NexmarkQueryTest, Q8FindsNewSellersPerTumblingWindow) {
  auto events = generate(kEvents);
  run r("q8", nx::q8, events);
  std::map<std::int64_t, std::map<std::int64_t, std::string>> persons;  // window -> id -> name
  std::map<std::int64_t, std::set<std::int64_t>> sellers;
  for (const auto& e : events) {
    const std::int64_t w = nx::event_time(e) - nx::event_time(e) % 10'000;
    if (auto* p = nx::as_person(e)) persons[w][p->id] = p->name;
    if (auto* a = nx::as_auction(e)) sellers[w].insert(a->seller);
  }
  std::set<std::tuple<std::int64_t, std::int64_t, std::string>> expected;
  for (const auto& [w, ids] : persons) {
    for (const auto& [id, name] : ids) {
      if (sellers[w].contains(id)) expected.emplace(w, id, name);
    }
  }
  ASSERT_FALSE(expected.empty());
  std::set<std::tuple<std::int64_t, std::int64_t, std::string>> got;
  for (auto& rec : r.td.read(nx::q8_out)) got.emplace(rec.value.window_start, rec.value.id, rec.value.name);
  EXPECT_EQ(got, expected);
}

TEST(NexmarkQueryTest, Q11CountsBidsPerBidderSession) {
  auto events = generate(kEvents);
  run r("q11", nx::q11, events);
  std::map<std::int64_t, std::vector<nx::q11_row>> sessions;  // bidder -> sessions in order
  for (const auto& b : bids_of(events)) {
    auto& s = sessions[b.bidder];
    if (s.empty() || b.date_time - s.back().session_end > 10'000) {
      s.push_back({b.bidder, 1, b.date_time, b.date_time});
    } else {
      ++s.back().bids;
      s.back().session_end = b.date_time;
    }
  }
  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>> expected, got;
  for (const auto& [bidder, list] : sessions) {
    for (const auto& s : list) expected.emplace(s.bidder, s.session_start, s.session_end, s.bids);
  }
  for (auto& rec : r.td.read(nx::q11_out)) {
    got.emplace(rec.value.bidder, rec.value.session_start, rec.value.session_end, rec.value.bids);
  }
  EXPECT_EQ(got, expected);
}

TEST(NexmarkQueryTest, InProcessRunnerCountsEventsAndOutputs) {
  auto r = nx::run_in_process("q2", 50'000);
  EXPECT_EQ(r.events, 50'000u);
  EXPECT_GT(r.outputs, 0u);
  EXPECT_GT(r.cpu_seconds, 0.0);
  EXPECT_THROW(nx::run_in_process("q99", 1), fs::streams_error);
}

}  // namespace
