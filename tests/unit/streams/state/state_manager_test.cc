// state_manager: directory layout, changelog topic names, checkpoint write/read/merge,
// persistence across instances, wipe-on-missing/corrupt checkpoint, wipe(), the shared
// RocksDB memory budget, configuration errors, close().
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fjord/streams/state/rocksdb/rocksdb_store_backend.hpp"
#include "fjord/streams/state/state_manager.hpp"
#include "state_test_support.hpp"

namespace fjord::streams::state_test {
namespace {

using kv_t = kv_store<std::string, std::int64_t, str_serde, i64_serde>;
using win_t = window_store<std::string, std::string, str_serde, str_serde>;
using sess_t = session_store<std::string, std::int64_t, str_serde, i64_serde>;
kv_t kv_of(state_manager& m, std::string_view n) { return m.kv<std::string, std::int64_t, str_serde, i64_serde>(n); }
win_t win_of(state_manager& m, std::string_view n) { return m.window<std::string, std::string, str_serde, str_serde>(n); }
sess_t sess_of(state_manager& m, std::string_view n) { return m.session<std::string, std::int64_t, str_serde, i64_serde>(n); }

class StateManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<state_manager> make(std::string task = "0_1") {
    return std::make_unique<state_manager>(state_config{dir_.path(), "app", budget_}, std::move(task), &writer_);
  }
  static store_def kv_def(std::string name, bool persistent = true, bool logged = true) {
    store_def d;
    d.name = std::move(name);
    d.persistent = persistent;
    d.logged = logged;
    return d;
  }
  static store_def windowed(std::string name, store_kind kind) {
    store_def d = kv_def(std::move(name));
    d.kind = kind;
    d.retention = millis{1000};
    d.segment_interval = millis{100};
    return d;
  }
  static std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
  }

  temp_dir dir_;
  recording_writer writer_;
  std::shared_ptr<rocksdb_budget> budget_ = std::make_shared<rocksdb_budget>(std::size_t{16} << 20);
};

TEST_F(StateManagerTest, ChangelogTopicAndDirectoryLayout) {
  EXPECT_EQ(state_manager::changelog_topic("app", "counts"), "app-counts-changelog");
  auto m = make();
  m->open(kv_def("counts"));
  m->open(kv_def("mem", /*persistent=*/false));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "app" / "0_1" / "counts" / "CURRENT"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "app" / "0_1" / "mem"));
  EXPECT_EQ(m->store_dir("counts"), dir_.path() / "app" / "0_1" / "counts");
  EXPECT_TRUE(m->has("counts"));
  EXPECT_FALSE(m->has("nope"));
  EXPECT_EQ(m->def("counts").kind, store_kind::key_value);
  EXPECT_EQ(m->logged_stores(), (std::vector<std::string>{"counts", "mem"}));
}

TEST_F(StateManagerTest, CheckpointIsWrittenInTheDocumentedFormatAndMerged) {
  auto m = make();
  m->open(kv_def("b"));
  m->open(kv_def("a"));
  m->open(kv_def("mem", /*persistent=*/false));
  m->open(kv_def("local", true, /*logged=*/false));
  EXPECT_EQ(m->checkpointed_offset("a"), std::nullopt);
  m->checkpoint({{"a", 5}, {"b", 7}, {"mem", 9}, {"local", 1}});
  EXPECT_EQ(read_file(m->checkpoint_path()), "fjord-streams-checkpoint 1\n2\na 5\nb 7\n");
  EXPECT_FALSE(std::filesystem::exists(m->task_dir() / ".checkpoint.tmp"));
  m->checkpoint({{"b", 8}});
  EXPECT_EQ(read_file(m->checkpoint_path()), "fjord-streams-checkpoint 1\n2\na 5\nb 8\n");
  EXPECT_EQ(m->checkpointed_offset("a"), 5);
  EXPECT_EQ(m->checkpointed_offset("mem"), std::nullopt);  // in memory: always from the beginning
  EXPECT_EQ(m->checkpointed_offset("local"), std::nullopt);
  EXPECT_THROW(m->checkpoint({{"unknown", 1}}), streams_error);
}

TEST_F(StateManagerTest, RocksDbStateSurvivesReopenWithACheckpoint) {
  {
    auto m = make();
    m->open(kv_def("kv"));
    m->open(windowed("win", store_kind::window));
    m->open(windowed("sess", store_kind::session));
    kv_of(*m, "kv").put("a", 42);
    auto w = win_of(*m, "win");
    w.put("k", -150, "neg");
    w.put("k", 250, "pos");
    sess_of(*m, "sess").put("s", 10, 20, 3);
    m->checkpoint({{"kv", 1}, {"win", 2}, {"sess", 1}});
    m->close();
    m->close();  // idempotent
    EXPECT_FALSE(m->has("kv"));
  }
  auto m = make();
  m->open(kv_def("kv"));
  m->open(windowed("win", store_kind::window));
  m->open(windowed("sess", store_kind::session));
  EXPECT_EQ(m->checkpointed_offset("kv"), 1);
  EXPECT_EQ(m->checkpointed_offset("win"), 2);
  EXPECT_EQ(kv_of(*m, "kv").get("a"), 42);
  auto w = win_of(*m, "win");
  EXPECT_EQ(w.get("k", -150), "neg");
  EXPECT_EQ(w.get("k", 250), "pos");
  EXPECT_EQ(m->backend("win").segment_ids(), (std::vector<std::int64_t>{-2, 2}));
  EXPECT_EQ(sess_of(*m, "sess").get("s", 10, 20), 3);
}

TEST_F(StateManagerTest, DuplicateSequenceNumbersContinueAfterReopen) {
  store_def d = windowed("join", store_kind::window);
  d.retain_duplicates = true;
  {
    auto m = make();
    m->open(d);
    win_of(*m, "join").put("k", 5, "one");
    m->checkpoint({{"join", 1}});
  }
  auto m = make();
  m->open(d);
  auto w = win_of(*m, "join");
  w.put("k", 5, "two");
  std::vector<std::string> got;
  w.fetch("k", 5, 5, [&](timestamp_ms, std::string&& v) { got.push_back(v); });
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two"}));
}

TEST_F(StateManagerTest, LoggedPersistentStoreWithoutCheckpointIsWipedOnOpen) {
  {
    auto m = make();
    m->open(kv_def("logged"));
    m->open(kv_def("local", true, /*logged=*/false));
    kv_of(*m, "logged").put("a", 1);
    kv_of(*m, "local").put("a", 1);
  }  // closed without a checkpoint: "logged" reflects an unknown changelog position
  auto m = make();
  m->open(kv_def("logged"));
  m->open(kv_def("local", true, false));
  EXPECT_EQ(m->checkpointed_offset("logged"), std::nullopt);
  EXPECT_EQ(kv_of(*m, "logged").get("a"), std::nullopt);
  EXPECT_EQ(kv_of(*m, "local").get("a"), 1);  // never wiped
}

TEST_F(StateManagerTest, CorruptCheckpointIsTreatedAsAbsent) {
  const std::vector<std::string> corrupt = {
      "",
      "garbage",
      "fjord-streams-checkpoint 2\n1\nkv 5\n",   // unknown version
      "fjord-streams-checkpoint 1\n2\nkv 5\n",   // truncated (count says 2)
      "fjord-streams-checkpoint 1\n1\nkv 5",     // no final newline
      "fjord-streams-checkpoint 1\n1\nkv five\n",
      "fjord-streams-checkpoint 1\n1\nkv -1\n",
      "fjord-streams-checkpoint 1\n2\nkv 5\nkv 6\n",  // duplicate
      "fjord-streams-checkpoint 1\n1\nkv 5\nextra 1\n",
  };
  for (const auto& text : corrupt) {
    SCOPED_TRACE(text);
    {
      auto m = make();
      m->open(kv_def("kv"));
      kv_of(*m, "kv").put("a", 1);
      m->checkpoint({{"kv", 5}});
    }
    write_file(dir_.path() / "app" / "0_1" / ".checkpoint", text);
    auto m = make();
    m->open(kv_def("kv"));
    EXPECT_EQ(m->checkpointed_offset("kv"), std::nullopt);
    EXPECT_EQ(kv_of(*m, "kv").get("a"), std::nullopt);
  }
  // Control: the valid file is accepted.
  {
    auto m = make();
    m->open(kv_def("kv"));
    kv_of(*m, "kv").put("a", 1);
    m->checkpoint({{"kv", 5}});
  }
  write_file(dir_.path() / "app" / "0_1" / ".checkpoint", "fjord-streams-checkpoint 1\n1\nkv 6\n");
  auto m = make();
  m->open(kv_def("kv"));
  EXPECT_EQ(m->checkpointed_offset("kv"), 6);
  EXPECT_EQ(kv_of(*m, "kv").get("a"), 1);
}

TEST_F(StateManagerTest, WipeEmptiesTheStoreAndDropsItsCheckpointEntry) {
  auto m = make();
  m->open(kv_def("kv"));
  m->open(kv_def("other"));
  m->open(kv_def("mem", false));
  kv_of(*m, "kv").put("a", 1);
  kv_of(*m, "mem").put("a", 1);
  m->checkpoint({{"kv", 3}, {"other", 4}});
  m->wipe("kv");
  m->wipe("mem");
  EXPECT_EQ(kv_of(*m, "kv").get("a"), std::nullopt);
  EXPECT_EQ(kv_of(*m, "mem").get("a"), std::nullopt);
  EXPECT_EQ(m->checkpointed_offset("kv"), std::nullopt);
  EXPECT_EQ(m->checkpointed_offset("other"), 4);
  EXPECT_EQ(read_file(m->checkpoint_path()), "fjord-streams-checkpoint 1\n1\nother 4\n");
  kv_of(*m, "kv").put("b", 2);  // usable again
  EXPECT_EQ(m->approximate_entries("kv"), 1u);
}

TEST_F(StateManagerTest, RemoveCheckpointForcesAWipeOnNextOpen) {
  {
    auto m = make();
    m->open(kv_def("kv"));
    kv_of(*m, "kv").put("a", 1);
    m->checkpoint({{"kv", 1}});
    m->remove_checkpoint();
    EXPECT_FALSE(std::filesystem::exists(m->checkpoint_path()));
  }
  auto m = make();
  m->open(kv_def("kv"));
  EXPECT_EQ(kv_of(*m, "kv").get("a"), std::nullopt);
}

TEST_F(StateManagerTest, EveryRocksDbStoreSharesTheOneMemoryBudget) {
  auto m1 = make("0_1");
  auto m2 = make("1_1");
  m1->open(kv_def("a"));
  m1->open(windowed("w", store_kind::window));
  m2->open(kv_def("a"));
  const auto* cache = budget_->cache().get();
  const auto* wbm = budget_->write_buffer_manager().get();
  for (auto* m : {m1.get(), m2.get()}) {
    for (const char* s : {"a", "w"}) {
      if (!m->has(s)) continue;
      auto& b = dynamic_cast<rocksdb_store_backend&>(m->backend(s));
      EXPECT_EQ(b.block_cache(), cache);
      EXPECT_EQ(b.write_buffer_manager(), wbm);
    }
  }
  EXPECT_EQ(budget_->memory_budget_bytes(), std::size_t{16} << 20);
  EXPECT_EQ(m1->budget(), budget_);

  // Memtables are charged to the shared cache.
  auto kv = kv_of(*m1, "a");
  const auto before = budget_->usage();
  for (int i = 0; i < 2000; ++i) kv.put(std::string(100, 'x') + std::to_string(i), i);
  EXPECT_GT(budget_->usage(), before);

  // No budget given: a private default one is created.
  state_manager own(state_config{dir_.path(), "app2", nullptr}, "0_0", nullptr);
  ASSERT_NE(own.budget(), nullptr);
  EXPECT_EQ(own.budget()->memory_budget_bytes(), rocksdb_budget::default_memory_budget_bytes);
}

TEST_F(StateManagerTest, DefaultSegmentIntervalIsHalfTheRetentionButAtLeastAMinute) {
  auto m = make();
  store_def w = windowed("w", store_kind::window);
  w.segment_interval = millis{0};
  w.retention = millis{600'000};
  m->open(w);
  EXPECT_EQ(m->def("w").segment_interval, millis{300'000});
  store_def s = windowed("s", store_kind::session);
  s.segment_interval = millis{0};
  s.retention = millis{1000};
  m->open(s);
  EXPECT_EQ(m->def("s").segment_interval, millis{60'000});
}

TEST_F(StateManagerTest, ConfigurationMistakesThrow) {
  auto m = make();
  m->open(kv_def("kv"));
  EXPECT_THROW(m->open(kv_def("kv")), streams_error);            // twice
  EXPECT_THROW(m->open(kv_def("bad name")), streams_error);      // space
  EXPECT_THROW(m->open(kv_def("../x")), streams_error);          // path
  EXPECT_THROW(m->open(kv_def("..")), streams_error);
  EXPECT_THROW(m->open(kv_def("")), streams_error);
  EXPECT_THROW(m->open(kv_def(std::string(250, 'x'))), streams_error);  // topic too long
  EXPECT_THROW(m->def("missing"), streams_error);
  EXPECT_THROW((win_of(*m, "kv")), streams_error);  // wrong kind
  EXPECT_THROW(m->restore("missing", "k", std::nullopt), streams_error);
  EXPECT_THROW((state_manager(state_config{dir_.path(), "a/b", nullptr}, "0_0", nullptr)), streams_error);
  store_def neg = windowed("neg", store_kind::window);
  neg.retention = millis{-1};
  EXPECT_THROW(m->open(neg), streams_error);
}

TEST_F(StateManagerTest, OpeningALockedStoreFailsAtOpenTime) {
  auto m1 = make();
  m1->open(kv_def("kv", true, /*logged=*/false));
  auto m2 = make();  // same task directory, e.g. a zombie instance of the task
  try {
    m2->open(kv_def("kv", true, false));
    FAIL() << "expected a RocksDB lock error";
  } catch (const streams_error& e) {
    EXPECT_NE(std::string(e.what()).find("open"), std::string::npos) << e.what();
  }
  m1->close();
  m2->open(kv_def("kv", true, false));  // released by close()
}

TEST_F(StateManagerTest, ApproximateEntriesSpansSegments) {
  auto m = make();
  m->open(windowed("w", store_kind::window));
  auto w = win_of(*m, "w");
  for (int i = 0; i < 5; ++i) w.put("k", i * 100, "v");  // 5 segments
  m->flush();
  EXPECT_EQ(m->approximate_entries("w"), 5u);
  EXPECT_EQ(w.approximate_entries(), 5u);
  EXPECT_EQ(m->backend("w").segment_ids().size(), 5u);
}

TEST_F(StateManagerTest, HandlesOfUnloggedStoresAndNullWriterDoNotLog) {
  state_manager m(state_config{dir_.path(), "app", budget_}, "0_2", nullptr);
  m.open(kv_def("kv", false));
  kv_of(m, "kv").put("a", 1);
  m.set_changelog_writer(&writer_);
  kv_of(m, "kv").put("a", 2);
  ASSERT_EQ(writer_.writes.size(), 1u);
  EXPECT_EQ(writer_.writes[0].store, "kv");
}

TEST_F(StateManagerTest, HandlesStayValidAcrossWipe) {
  auto m = make();
  m->open(kv_def("kv"));
  m->open(windowed("w", store_kind::window));
  m->open(windowed("mem", store_kind::session));
  auto kv = kv_of(*m, "kv");
  auto w = win_of(*m, "w");
  kv.put("a", 1);
  w.put("k", 150, "v");
  m->wipe("kv");
  m->wipe("w");
  m->wipe("mem");
  EXPECT_EQ(kv.get("a"), std::nullopt);
  EXPECT_EQ(w.get("k", 150), std::nullopt);
  kv.put("b", 2);
  w.put("k", 50, "again");
  EXPECT_EQ(kv.get("b"), 2);
  EXPECT_EQ(w.get("k", 50), "again");
}

TEST_F(StateManagerTest, ChangedSegmentIntervalWipesALoggedStore) {
  store_def d = windowed("w", store_kind::window);
  {
    auto m = make();
    m->open(d);
    win_of(*m, "w").put("k", 150, "v");
    m->checkpoint({{"w", 9}});
  }
  d.segment_interval = millis{300};
  auto m = make();
  m->open(d);
  EXPECT_EQ(m->checkpointed_offset("w"), std::nullopt);  // restore from the beginning
  EXPECT_EQ(win_of(*m, "w").get("k", 150), std::nullopt);
  EXPECT_TRUE(m->backend("w").segment_ids().empty());
  m->close();
  auto again = make();  // the new layout is now recorded: no wipe
  again->open(d);
}

TEST_F(StateManagerTest, ChangedLayoutOfAnUnloggedStoreIsAStartUpFailure) {
  store_def d = windowed("w", store_kind::window);
  d.logged = false;
  {
    auto m = make();
    m->open(d);
    win_of(*m, "w").put("k", 150, "v");
  }
  store_def dup = d;
  dup.retain_duplicates = true;
  store_def as_kv = kv_def("w", true, false);
  {
    auto m = make();
    EXPECT_THROW(m->open(dup), streams_error);
    EXPECT_THROW(m->open(as_kv), streams_error);
  }
  auto m = make();
  m->open(d);  // unchanged layout: data kept
  EXPECT_EQ(win_of(*m, "w").get("k", 150), "v");
}

}  // namespace
}  // namespace fjord::streams::state_test
