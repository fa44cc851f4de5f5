// kv_store against both backends: get/put/remove, for_each order and early stop,
// changelog logging (values and tombstones), restore without re-logging, entry counts.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fjord/streams/state/kv_store.hpp"
#include "fjord/streams/state/state_manager.hpp"
#include "state_test_support.hpp"

namespace fjord::streams::state_test {
namespace {

class KvStoreTest : public both_backends {
 protected:
  void SetUp() override { mgr().open(def("counts", store_kind::key_value)); }
  kv_store<std::string, std::int64_t, str_serde, i64_serde> kv() {
    return mgr().kv<std::string, std::int64_t, str_serde, i64_serde>("counts");
  }
};

TEST_P(KvStoreTest, PutGetOverwriteRemove) {
  auto s = kv();
  EXPECT_EQ(s.get("a"), std::nullopt);
  s.put("a", 1);
  EXPECT_EQ(s.get("a"), 1);
  s.put("a", -7);
  EXPECT_EQ(s.get("a"), -7);
  s.remove("a");
  EXPECT_EQ(s.get("a"), std::nullopt);
  s.remove("never-there");  // no-op locally, still logged
  EXPECT_EQ(s.get("never-there"), std::nullopt);
}

TEST_P(KvStoreTest, ForEachVisitsAscendingKeyBytesAndStopsOnFalse) {
  auto s = kv();
  for (const char* k : {"b", "a", "ab", "\xff", "B"}) s.put(k, static_cast<std::int64_t>(std::string(k).size()));
  std::vector<std::string> keys;
  s.for_each([&](const std::string& k, std::int64_t&&) {
    keys.push_back(k);
    return true;
  });
  EXPECT_EQ(keys, (std::vector<std::string>{"B", "a", "ab", "b", "\xff"}));  // unsigned byte order

  keys.clear();
  s.for_each([&](const std::string& k, std::int64_t&&) {
    keys.push_back(k);
    return keys.size() < 2;
  });
  EXPECT_EQ(keys, (std::vector<std::string>{"B", "a"}));

  int n = 0;
  s.for_each([&](const std::string&, std::int64_t&& v) { n += static_cast<int>(v); });  // void callback
  EXPECT_EQ(n, 6);
}

TEST_P(KvStoreTest, ChangelogGetsEveryWriteAndATombstoneForRemove) {
  auto s = kv();
  s.put("a", 1);
  s.put("a", 2);
  s.remove("a");
  const std::string one = encode_to_string<i64_serde>(std::int64_t{1});
  const std::string two = encode_to_string<i64_serde>(std::int64_t{2});
  EXPECT_EQ(writer_.writes, (std::vector<logged_write>{{"counts", "a", one}, {"counts", "a", two},
                                                       {"counts", "a", std::nullopt}}));
}

TEST_P(KvStoreTest, UnloggedStoreWritesNothingToTheChangelog) {
  auto d = def("scratch", store_kind::key_value);
  d.logged = false;
  mgr().open(d);
  auto s = mgr().kv<std::string, std::int64_t, str_serde, i64_serde>("scratch");
  s.put("a", 1);
  s.remove("a");
  EXPECT_TRUE(writer_.writes.empty());
  EXPECT_EQ(mgr().logged_stores(), (std::vector<std::string>{"counts"}));
}

TEST_P(KvStoreTest, RestoreRebuildsTheSameContentsWithoutRelogging) {
  auto s = kv();
  s.put("x", 10);
  s.put("y", 20);
  s.put("z", 30);
  s.remove("y");
  s.put("x", 11);
  const auto log = writer_.writes;

  mgr().open(def("copy", store_kind::key_value));
  writer_.writes.clear();
  for (const auto& w : log) {
    if (w.value) {
      mgr().restore("copy", w.key, std::string_view(*w.value));
    } else {
      mgr().restore("copy", w.key, std::nullopt);
    }
  }
  EXPECT_TRUE(writer_.writes.empty());
  auto c = mgr().kv<std::string, std::int64_t, str_serde, i64_serde>("copy");
  std::vector<std::pair<std::string, std::int64_t>> got;
  c.for_each([&](const std::string& k, std::int64_t&& v) { got.emplace_back(k, v); });
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::int64_t>>{{"x", 11}, {"z", 30}}));
}

TEST_P(KvStoreTest, ApproximateEntriesCountsLiveKeys) {
  auto s = kv();
  EXPECT_EQ(s.approximate_entries(), 0u);
  for (int i = 0; i < 10; ++i) s.put("k" + std::to_string(i), i);
  mgr().flush();
  EXPECT_EQ(s.approximate_entries(), 10u);
  EXPECT_EQ(mgr().approximate_entries("counts"), 10u);
}

TEST_P(KvStoreTest, UndecodableStoredValueThrows) {
  mgr().restore("counts", "bad", std::string_view("not eight bytes"));
  auto s = kv();
  EXPECT_THROW(s.get("bad"), streams_error);
  EXPECT_THROW(s.for_each([](const std::string&, std::int64_t&&) {}), streams_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, KvStoreTest, ::testing::Bool(), backend_name);

}  // namespace
}  // namespace fjord::streams::state_test
