// Crash consistency of storage::log on the fault-injecting filesystem: a scripted workload
// is cut off by a power failure at every write it makes, in both crash modes, and the log
// that recovery opens must be a whole-batch prefix of what was appended, hold everything
// flushed, keep its indexes in step with its data and accept appends again. Named tests
// cover a full disk, failing fsync, truncation and compaction under crashes.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/errc.h"
#include "base/logger.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {

using io::crash_mode;

constexpr const char* log_dir = "/data/t-0";
constexpr timestamp_ms ts0 = 1'700'000'000'000;


std::string mode_name(crash_mode m) { return m == crash_mode::drop_unsynced ? "drop_unsynced" : "torn_tail"; }

struct rec {
    offset at;
    timestamp_ms ts = 0;
    std::string key;
    std::optional<std::string> value;
    bool operator==(const rec&) const = default;
};

struct wbatch {
    offset base;
    offset last;
    std::vector<rec> records;
};


// Builds a client batch from records (their offsets are assigned by the log).
bytes build(const std::vector<rec>& recs) {
    record::batch_builder b;
    for (const auto& r : recs) {
        b.add(r.ts, to_bytes(r.key), r.value ? std::optional<bytes>(to_bytes(*r.value)) : std::nullopt);
    }
    auto built = b.build();
    EXPECT_TRUE(built) << built.error().message();
    return built ? *built : bytes{};
}

struct got_batch {
    record::batch_header header;
    std::vector<rec> records;
};

// The batches of one read, decoded; fails the test on anything that is not whole, valid
// batches.
std::vector<got_batch> read_batches(const log& l, offset start, uint64_t max_bytes) {
    std::vector<got_batch> out;
    auto r = l.read({.start = start, .max_bytes = max_bytes});
    if (!r) {
        ADD_FAILURE() << "read at " << start << ": " << r.error().message();
        return out;
    }
    for (const auto& b : testing::decode_read(*r)) {
        got_batch g{b.header, {}};
        for (const auto& d : b.records) {
            g.records.push_back({d.abs_offset, d.timestamp, d.key ? std::string(as_string_view(*d.key)) : "",
                                 testing::opt_string(d.value)});
        }
        out.push_back(std::move(g));
    }
    return out;
}

// Every batch from start_offset() to next_offset().
std::vector<got_batch> read_every_batch(const log& l) {
    std::vector<got_batch> out;
    offset at = l.start_offset();
    while (at < l.next_offset()) {
        auto part = read_batches(l, at, 700);
        if (part.empty()) {
            ADD_FAILURE() << "read at " << at << " returned nothing before the end " << l.next_offset();
            break;
        }
        at = part.back().header.next_offset();
        for (auto& b : part) {
            out.push_back(std::move(b));
        }
    }
    return out;
}

std::unique_ptr<log> open_log(io::fault_injecting_filesystem& fs, const manual_clock& clk, const log_config& cfg) {
    auto opened = log::open(fs, clk, log_dir, cfg, "t-0");
    EXPECT_TRUE(opened) << "reopen: " << opened.error().message();
    return opened ? std::move(*opened) : nullptr;
}

// Checks the indexes agree with the data: a read at every offset returns first the batch
// holding it (or, where no batch holds it, the first after it), and timestamp lookups
// find the first record at or after each record's timestamp.
void check_indexes(const log& l, const std::vector<rec>& present) {
    for (offset o = l.start_offset(); o < l.next_offset(); ++o) {
        auto first = read_batches(l, o, 1);
        ASSERT_EQ(first.size(), 1u) << "read(start=" << o << ", max_bytes=1)";
        const auto& h = first.front().header;
        ASSERT_GE(h.last_offset(), o) << "read at " << o << " returned an earlier batch";
        if (h.base_offset > o) {
            // Nothing may be present between o and the batch returned.
            for (const auto& r : present) {
                ASSERT_FALSE(r.at >= o && r.at < h.base_offset) << "read at " << o << " skipped record " << r.at;
            }
        }
    }
    timestamp_ms max_ts = no_timestamp;
    for (const auto& r : present) {
        max_ts = std::max(max_ts, r.ts);
        std::optional<rec> want;
        for (const auto& c : present) {
            if (c.ts >= r.ts) {
                want = c;
                break;
            }
        }
        auto got = l.find_offset_by_timestamp(r.ts);
        ASSERT_TRUE(got) << got.error().message();
        ASSERT_TRUE(got->has_value()) << "find_offset_by_timestamp(" << r.ts << ") found nothing";
        EXPECT_EQ((*got)->found, want->at) << "find_offset_by_timestamp(" << r.ts << ")";
    }
    auto none = l.find_offset_by_timestamp(max_ts + 1);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value()) << "find_offset_by_timestamp past every record";
}

// Appending after recovery works and continues at next_offset().
void check_append_after_recovery(log& l) {
    const offset next = l.next_offset();
    auto batch = build({{offset{0}, ts0 + 99'999, "after", "recovery"}, {offset{0}, ts0 + 99'999, "after2", "x"}});
    auto r = l.append(batch);
    ASSERT_TRUE(r) << "append after recovery: " << r.error().message();
    EXPECT_EQ(r->base_offset, next);
    auto f = l.flush();
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_EQ(*f, next + 2);
    auto back = read_batches(l, next, 1 << 20);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].records[0].key, "after");
}

struct CrashTest : ::testing::Test {
    testing::quiet_storage_log quiet{spdlog::level::off};
    io::fault_injecting_filesystem fs{3};
    manual_clock clk;
    log_config cfg{.segment_bytes = 4096, .index_interval_bytes = 128};
    std::unique_ptr<log> l;
    std::vector<wbatch> acked;

    void SetUp() override { reopen(); }

    void reopen() {
        l.reset();
        l = open_log(fs, clk, cfg);
        ASSERT_TRUE(l);
    }

    // Appends a batch of n records with unique keys (values padded by `padding` bytes);
    // expects success.
    void append_ok(int n, size_t padding = 0) {
        const offset base = l->next_offset();
        wbatch b{.base = base, .last = base + (n - 1)};
        for (int j = 0; j < n; ++j) {
            b.records.push_back({base + j, ts0 + base.value() + j, "key" + std::to_string(base.value() + j),
                                 "val" + std::to_string(base.value() + j) + std::string(padding, 'p')});
        }
        bytes batch = build(b.records);
        auto r = l->append(batch);
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_EQ(r->base_offset, base);
        acked.push_back(std::move(b));
    }

    result<append_result> try_append(bytes batch) { return l->append(batch); }

    bytes fresh_batch(int n) {
        std::vector<rec> recs;
        for (int j = 0; j < n; ++j) {
            recs.push_back({offset{0}, ts0, "fresh" + std::to_string(j), std::string(40, 'f')});
        }
        return build(recs);
    }

    // The log holds exactly the first `count` acked batches.
    void expect_holds_first(size_t count) {
        auto got = read_every_batch(*l);
        ASSERT_EQ(got.size(), count);
        for (size_t i = 0; i < count; ++i) {
            ASSERT_EQ(got[i].records, acked[i].records) << "batch " << i;
        }
        EXPECT_EQ(l->next_offset(), count == 0 ? offset{0} : acked[count - 1].last + 1);
    }
};

// ---------------------------------------------------------------------------------------
// The scripted workload and what it acknowledged.

struct workload_outcome {
    std::vector<wbatch> acked;             // the log's batches as acknowledged (below start too)
    offset start{0};                       // start offset as acknowledged
    offset durable{0};                     // every acked offset below this was flushed
    std::optional<wbatch> failed_append;   // the append that failed, at the offsets it would get
    std::optional<offset> failed_truncate;  // truncate(from) that failed
    std::optional<offset> failed_prefix;    // prefix_truncate(to) that failed
    std::string stopped_at = "completed";

    offset next() const { return acked.empty() ? offset{0} : acked.back().last + 1; }
};

log_config workload_config() {
    return {.segment_bytes = 700, .index_interval_bytes = 100};
}

// Drops batches holding an offset >= from; returns the new end.
offset truncate_model(std::vector<wbatch>& batches, offset from) {
    std::erase_if(batches, [&](const wbatch& b) { return b.last >= from; });
    return batches.empty() ? offset{0} : batches.back().last + 1;
}

// 60 appends of 1..5 records, a flush every 7 appends, a truncate after the 26th append
// and a prefix truncation after the 41st, then close. Stops at the first failure.
workload_outcome run_workload(io::fault_injecting_filesystem& fs, const manual_clock& clk) {
    workload_outcome out;
    auto opened = log::open(fs, clk, log_dir, workload_config(), "t-0");
    if (!opened) {
        out.stopped_at = "open";
        return out;
    }
    auto& l = **opened;
    for (int i = 0; i < 60; ++i) {
        const int n = 1 + (i * 7) % 5;
        wbatch b{.base = out.next(), .last = out.next() + (n - 1)};
        for (int j = 0; j < n; ++j) {
            // Non-monotonic timestamps across batches.
            b.records.push_back({b.base + j, ts0 + ((i * 37) % 50) * 10 + j, "k" + std::to_string(i) + "." + std::to_string(j),
                                 "value-" + std::to_string(i) + "-" + std::to_string(j) + "-padding"});
        }
        bytes batch = build(b.records);
        auto r = l.append(batch);
        if (!r) {
            out.failed_append = b;
            out.stopped_at = "append #" + std::to_string(i);
            return out;
        }
        EXPECT_EQ(r->base_offset, b.base);
        out.acked.push_back(std::move(b));
        if ((i + 1) % 7 == 0) {
            auto f = l.flush();
            if (!f) {
                out.stopped_at = "flush after append #" + std::to_string(i);
                return out;
            }
            EXPECT_EQ(*f, out.next());
            out.durable = *f;
        }
        if (i == 25) {
            // Mid-batch: the straddling batch goes whole.
            const auto& victim = out.acked[19];
            const offset from = victim.base + static_cast<int64_t>(victim.records.size() / 2);
            if (auto t = l.truncate(from); !t) {
                out.failed_truncate = from;
                out.stopped_at = "truncate";
                return out;
            }
            truncate_model(out.acked, from);
            out.durable = std::min(out.durable, out.next());
            out.start = std::min(out.start, out.next());
        }
        if (i == 40) {
            const auto& first_kept = out.acked[out.acked.size() - 8];
            const offset to = first_kept.base + static_cast<int64_t>(first_kept.records.size() / 2);
            if (auto p = l.prefix_truncate(to); !p) {
                out.failed_prefix = to;
                out.stopped_at = "prefix_truncate";
                return out;
            }
            out.start = to;
        }
    }
    if (auto c = l.close(); !c) {
        out.stopped_at = "close";
        return out;
    }
    out.durable = out.next();
    return out;
}

// Checks the recovered log against what the workload acknowledged (see the file comment).
void check_recovered(log& l, const workload_outcome& w) {
    // Every state recovery may produce is a prefix of `possible`: the acked log plus the
    // failed append (or, for a failed truncate, the untruncated log).
    std::vector<wbatch> possible = w.acked;
    if (w.failed_append) {
        possible.push_back(*w.failed_append);
    }
    offset must_hold = w.durable;
    if (w.failed_truncate) {
        auto truncated = w.acked;
        must_hold = std::min(must_hold, truncate_model(truncated, *w.failed_truncate));
    }
    const offset possible_next = possible.empty() ? offset{0} : possible.back().last + 1;
    const offset start = l.start_offset();
    const offset next = l.next_offset();

    // (a) a whole-batch prefix of what was appended.
    ASSERT_LE(next, possible_next) << "recovered log is longer than anything appended";
    const bool boundary = next == offset{0} || std::any_of(possible.begin(), possible.end(),
                                                          [&](const wbatch& b) { return b.last + 1 == next; });
    ASSERT_TRUE(boundary) << "next offset " << next << " is inside a batch";
    // (b) everything flushed is there.
    ASSERT_GE(next, must_hold) << "lost flushed data";
    // The start offset is the acked one (or the one a failed prefix truncation was setting),
    // never past the end.
    const bool start_ok = start == std::min(w.start, next) || (w.failed_prefix && start == std::min(*w.failed_prefix, next));
    ASSERT_TRUE(start_ok) << "start offset " << start << " (acked " << w.start << ", next " << next << ")";

    std::vector<const wbatch*> want;
    for (const auto& b : possible) {
        if (b.last >= start && b.last < next) {
            want.push_back(&b);
        }
    }
    auto got = read_every_batch(l);
    ASSERT_EQ(got.size(), want.size()) << "batches in [" << start << ", " << next << ")";
    std::vector<rec> present;
    for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].header.base_offset, want[i]->base);
        ASSERT_EQ(got[i].header.last_offset(), want[i]->last);
        ASSERT_EQ(got[i].records, want[i]->records) << "batch at " << want[i]->base;
        for (const auto& r : got[i].records) {
            if (r.at >= start) {
                present.push_back(r);
            }
        }
    }
    // (c) indexes agree with the data.
    ASSERT_NO_FATAL_FAILURE(check_indexes(l, present));
    // (d) appends work again.
    ASSERT_NO_FATAL_FAILURE(check_append_after_recovery(l));
}

TEST_F(CrashTest, PowerCutAtEveryWriteRecoversAPrefixHoldingEveryFlushedBatch) {
    testing::quiet_storage_log quiet{spdlog::level::off};
    uint64_t total_writes = 0;
    {
        io::fault_injecting_filesystem fs(1);
        manual_clock clk;
        auto w = run_workload(fs, clk);
        ASSERT_EQ(w.stopped_at, "completed");
        total_writes = fs.writes();
        fs.crash(crash_mode::drop_unsynced);
        auto l = open_log(fs, clk, workload_config());
        ASSERT_TRUE(l);
        ASSERT_EQ(l->next_offset(), w.next());
        ASSERT_NO_FATAL_FAILURE(check_recovered(*l, w));
    }
    ASSERT_GT(total_writes, 60u);
    struct crash_case {
        crash_mode mode;
        uint64_t fs_seed;
    };
    const crash_case cases[] = {{crash_mode::drop_unsynced, 1}, {crash_mode::torn_tail, 11}, {crash_mode::torn_tail, 12}};
    for (const auto& c : cases) {
        for (uint64_t n = 0; n <= total_writes; ++n) {
            SCOPED_TRACE("crash mode " + mode_name(c.mode) + ", fs seed " + std::to_string(c.fs_seed) +
                         ", power cut after " + std::to_string(n) + " of " + std::to_string(total_writes) + " writes");
            io::fault_injecting_filesystem fs(c.fs_seed);
            manual_clock clk;
            fs.power_cut_after_writes(n);
            auto w = run_workload(fs, clk);
            SCOPED_TRACE("workload stopped at: " + w.stopped_at);
            fs.crash(c.mode);
            auto l = open_log(fs, clk, workload_config());
            ASSERT_TRUE(l);
            ASSERT_NO_FATAL_FAILURE(check_recovered(*l, w));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Named scenarios.


TEST_F(CrashTest, DiskFullIsReportedAndLeavesNoPartialBatch) {
    for (uint64_t seed = 1; seed <= 8; ++seed) {
        SCOPED_TRACE("fs seed " + std::to_string(seed));
        io::fault_injecting_filesystem disk(seed);
        acked.clear();
        l = open_log(disk, clk, cfg);
        ASSERT_TRUE(l);
        for (int i = 0; i < 5; ++i) {
            ASSERT_NO_FATAL_FAILURE(append_ok(3));
        }
        ASSERT_TRUE(l->flush());
        ASSERT_NO_FATAL_FAILURE(append_ok(2));  // acked, not flushed
        const std::string seg = std::string(log_dir) + "/00000000000000000000.log";
        const size_t file_size = disk.contents(seg)->size();
        const offset next = l->next_offset();

        disk.set_space_limit(disk.used_bytes() + 20);  // room for a fraction of a batch
        auto full = try_append(fresh_batch(4));
        ASSERT_FALSE(full) << "append on a full disk succeeded";
        EXPECT_EQ(errc_from_system(full.error()), errc::no_space) << full.error().message();
        EXPECT_EQ(l->next_offset(), next);
        EXPECT_EQ(disk.contents(seg)->size(), file_size) << "a partial batch was left in the segment";
        EXPECT_FALSE(l->failed()) << "a full disk is not a reason to fence the log";
        auto again = try_append(fresh_batch(4));
        ASSERT_FALSE(again);
        EXPECT_EQ(errc_from_system(again.error()), errc::no_space);
        ASSERT_NO_FATAL_FAILURE(expect_holds_first(acked.size()));

        disk.clear_faults();
        ASSERT_NO_FATAL_FAILURE(append_ok(3));
        auto flushed = l->flush();
        ASSERT_TRUE(flushed) << flushed.error().message();
        ASSERT_NO_FATAL_FAILURE(expect_holds_first(acked.size()));

        // The disk fills again, and the power fails with the short write unsynced: recovery
        // must not see a partial batch.
        disk.set_space_limit(disk.used_bytes() + 30);
        ASSERT_FALSE(try_append(fresh_batch(4)));
        l.reset();
        disk.crash(crash_mode::torn_tail);
        l = open_log(disk, clk, cfg);
        ASSERT_TRUE(l);
        ASSERT_NO_FATAL_FAILURE(expect_holds_first(acked.size()));
        ASSERT_NO_FATAL_FAILURE(check_append_after_recovery(*l));
        l.reset();
    }
}

TEST_F(CrashTest, DiskFullDuringRollIsReported) {
    cfg.segment_bytes = 512;
    reopen();
    const bytes probe = fresh_batch(3);
    while (l->size_bytes() + probe.size() <= cfg.segment_bytes) {
        ASSERT_NO_FATAL_FAILURE(append_ok(3));
    }
    ASSERT_EQ(l->segment_count(), 1u);
    ASSERT_TRUE(l->flush());
    const offset next = l->next_offset();

    fs.set_space_limit(fs.used_bytes() + 8);  // too little even for the sealed segment's index files
    bytes batch = probe;
    auto r = l->append(batch);
    ASSERT_FALSE(r) << "append that had to roll onto a full disk succeeded";
    EXPECT_EQ(errc_from_system(r.error()), errc::no_space) << r.error().message();
    EXPECT_EQ(l->next_offset(), next);
    ASSERT_NO_FATAL_FAILURE(expect_holds_first(acked.size()));

    fs.clear_faults();
    EXPECT_FALSE(l->failed()) << "a full disk during a roll fenced the log";
    ASSERT_NO_FATAL_FAILURE(append_ok(3, 60));  // does not fit either: the roll is retried and succeeds
    EXPECT_EQ(l->segment_count(), 2u);
    ASSERT_TRUE(l->flush());
    l.reset();
    fs.crash(crash_mode::drop_unsynced);
    reopen();
    ASSERT_NO_FATAL_FAILURE(expect_holds_first(acked.size()));
    std::vector<rec> present;
    for (const auto& b : acked) {
        present.insert(present.end(), b.records.begin(), b.records.end());
    }
    ASSERT_NO_FATAL_FAILURE(check_indexes(*l, present));
}

TEST_F(CrashTest, FsyncFailureFencesLog) {
    for (int i = 0; i < 4; ++i) {
        ASSERT_NO_FATAL_FAILURE(append_ok(2));
    }
    auto f = l->flush();
    ASSERT_TRUE(f);
    const offset flushed = *f;
    for (int i = 0; i < 3; ++i) {
        ASSERT_NO_FATAL_FAILURE(append_ok(2));  // acked, not yet durable
    }

    fs.fail_sync_after(0);
    auto bad = l->flush();
    ASSERT_FALSE(bad) << "flush succeeded although fsync failed";
    EXPECT_EQ(errc_from_system(bad.error()), errc::io_error) << bad.error().message();
    EXPECT_TRUE(l->failed());
    EXPECT_EQ(l->flushed_offset(), flushed);

    fs.clear_faults();  // the disk "recovers", but the log must stay fenced until reopened
    bytes b = fresh_batch(1);
    auto a = l->append(b);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), make_error_code(errc::log_failed));
    auto f2 = l->flush();
    ASSERT_FALSE(f2);
    EXPECT_EQ(f2.error(), make_error_code(errc::log_failed));
    auto t = l->truncate(offset{2});
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error(), make_error_code(errc::log_failed));
    auto p = l->prefix_truncate(offset{2});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error(), make_error_code(errc::log_failed));

    // Reads keep working, and a fenced log shows exactly its flushed prefix (log.h).
    EXPECT_EQ(l->next_offset(), flushed);
    ASSERT_NO_FATAL_FAILURE(expect_holds_first(4));
    auto ts = l->find_offset_by_timestamp(ts0);
    ASSERT_TRUE(ts);
    ASSERT_TRUE(ts->has_value());
    EXPECT_EQ((*ts)->found, offset{0});

    // After a crash, the fsync that failed made nothing durable: exactly the flushed prefix.
    l.reset();
    fs.crash(crash_mode::drop_unsynced);
    reopen();
    EXPECT_FALSE(l->failed());
    EXPECT_EQ(l->next_offset(), flushed);
    ASSERT_NO_FATAL_FAILURE(expect_holds_first(4));
    ASSERT_NO_FATAL_FAILURE(check_append_after_recovery(*l));
}

TEST_F(CrashTest, FsyncFailureWithEveryAppendPolicy) {
    cfg.flush = flush_policy::every_append;
    reopen();
    for (int i = 0; i < 3; ++i) {
        ASSERT_NO_FATAL_FAILURE(append_ok(2));
        EXPECT_EQ(l->flushed_offset(), l->next_offset()) << "every_append did not flush before returning";
    }
    fs.fail_sync_after(0);
    bytes b = fresh_batch(2);
    auto r = l->append(b);
    ASSERT_FALSE(r) << "append acknowledged although its fsync failed";
    EXPECT_EQ(errc_from_system(r.error()), errc::io_error) << r.error().message();
    EXPECT_TRUE(l->failed());
    fs.clear_faults();
    bytes b2 = fresh_batch(2);
    auto r2 = l->append(b2);
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error(), make_error_code(errc::log_failed));
    EXPECT_EQ(l->flushed_offset(), acked.back().last + 1);

    // Every acknowledged batch survives a crash; the failed one may or may not (its fsync
    // failed), but nothing after it.
    l.reset();
    fs.crash(crash_mode::torn_tail);
    reopen();
    auto got = read_every_batch(*l);
    ASSERT_GE(got.size(), acked.size());
    ASSERT_LE(got.size(), acked.size() + 1);
    for (size_t i = 0; i < acked.size(); ++i) {
        ASSERT_EQ(got[i].records, acked[i].records);
    }
    ASSERT_NO_FATAL_FAILURE(check_append_after_recovery(*l));
}

// A batch whose append failed (its every_append fsync failed) must not be served to
// readers: the producer was told it failed, and a crash may well drop it (testing.md,
// anomaly G1a "aborted read").
TEST_F(CrashTest, FailedEveryAppendFsyncDoesNotExposeTheBatchToReaders) {
    cfg.flush = flush_policy::every_append;
    reopen();
    ASSERT_NO_FATAL_FAILURE(append_ok(2));
    const offset next = l->next_offset();
    fs.fail_sync_after(0);
    bytes b = fresh_batch(2);
    ASSERT_FALSE(l->append(b));
    EXPECT_EQ(l->next_offset(), next) << "the failed batch is readable";
    auto r = l->read({.start = next});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(r->slices.empty()) << "the failed batch is readable";
}

TEST_F(CrashTest, CrashAfterTruncateDoesNotResurrectEntries) {
    cfg.segment_bytes = 512;
    struct variant {
        crash_mode mode;
        uint64_t seed;
        bool append_after;
    };
    const variant variants[] = {{crash_mode::drop_unsynced, 1, false}, {crash_mode::drop_unsynced, 1, true},
                                {crash_mode::torn_tail, 5, false},     {crash_mode::torn_tail, 6, true},
                                {crash_mode::torn_tail, 7, true},      {crash_mode::torn_tail, 8, true}};
    for (const auto& v : variants) {
        for (int64_t from_value : {1, 7, 20, 40, 58}) {
            SCOPED_TRACE(mode_name(v.mode) + " seed " + std::to_string(v.seed) + " truncate(" +
                         std::to_string(from_value) + ")" + (v.append_after ? " then append" : ""));
            io::fault_injecting_filesystem disk(v.seed);
            acked.clear();
            l = open_log(disk, clk, cfg);
            ASSERT_TRUE(l);
            for (int i = 0; i < 20; ++i) {
                ASSERT_NO_FATAL_FAILURE(append_ok(3));
            }
            ASSERT_TRUE(l->flush());
            ASSERT_GT(l->segment_count(), 2u);
            const offset from{from_value};
            ASSERT_TRUE(l->truncate(from));
            auto kept = acked;
            const offset truncated_next = truncate_model(kept, from);
            ASSERT_EQ(l->next_offset(), truncated_next);
            std::vector<rec> fresh;
            if (v.append_after) {
                for (int i = 0; i < 2; ++i) {
                    const offset base = l->next_offset();
                    std::vector<rec> recs = {{base, ts0, "new" + std::to_string(i), "new-value"}};
                    bytes batch = build(recs);
                    auto r = l->append(batch);
                    ASSERT_TRUE(r);
                    fresh.insert(fresh.end(), recs.begin(), recs.end());
                }
            }
            l.reset();
            disk.crash(v.mode);
            l = open_log(disk, clk, cfg);
            ASSERT_TRUE(l);
            auto got = read_every_batch(*l);
            ASSERT_GE(got.size(), kept.size()) << "lost batches below the truncation point";
            for (size_t i = 0; i < kept.size(); ++i) {
                ASSERT_EQ(got[i].records, kept[i].records);
            }
            // Anything beyond is from the appends after the truncation, never the old entries.
            ASSERT_LE(got.size(), kept.size() + fresh.size()) << "truncated entries came back";
            for (size_t i = kept.size(); i < got.size(); ++i) {
                ASSERT_EQ(got[i].records.size(), 1u);
                EXPECT_EQ(got[i].records[0], fresh[i - kept.size()]) << "truncated entry resurrected";
            }
            EXPECT_EQ(l->next_offset(), truncated_next + static_cast<int64_t>(got.size() - kept.size()));
            ASSERT_NO_FATAL_FAILURE(check_append_after_recovery(*l));
            l.reset();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Compaction under crashes.

log_config compaction_config() {
    return {.segment_bytes = 400, .index_interval_bytes = 64, .cleanup = cleanup_policy::compact};
}

// 60 appends over 9 keys (single records, and every third a 3-record batch), one tombstone;
// flushed. Returns every record appended.
std::vector<rec> compaction_workload(log& l) {
    std::vector<rec> all;
    for (int i = 0; i < 60; ++i) {
        std::vector<rec> recs;
        const int n = i % 3 == 0 ? 3 : 1;
        for (int j = 0; j < n; ++j) {
            const int k = (i * 7 + j * 4) % 9;
            std::optional<std::string> value = "v" + std::to_string(i) + "." + std::to_string(j);
            if (i == 30 && j == 0) {
                value = std::nullopt;  // a tombstone
            }
            recs.push_back({l.next_offset() + j, ts0 + i, "k" + std::to_string(k), value});
        }
        bytes batch = build(recs);
        auto r = l.append(batch);
        EXPECT_TRUE(r) << r.error().message();
        all.insert(all.end(), recs.begin(), recs.end());
    }
    EXPECT_TRUE(l.flush());
    return all;
}

std::vector<rec> present_records(const log& l) {
    std::vector<rec> out;
    for (const auto& b : read_every_batch(l)) {
        for (const auto& r : b.records) {
            if (r.at >= l.start_offset()) {
                out.push_back(r);
            }
        }
    }
    return out;
}

TEST_F(CrashTest, CrashDuringCompactionLeavesConsistentLog) {
    testing::quiet_storage_log quiet{spdlog::level::off};
    // Dry run: how many writes one pass makes, and which records a complete pass removes.
    uint64_t pass_writes = 0;
    std::set<offset> removable;
    std::vector<rec> all;
    offset next;
    {
        io::fault_injecting_filesystem fs(1);
        manual_clock clk;
        auto l = open_log(fs, clk, compaction_config());
        ASSERT_TRUE(l);
        all = compaction_workload(*l);
        next = l->next_offset();
        ASSERT_GT(l->segment_count(), 4u);
        const uint64_t before = fs.writes();
        auto stats = l->compact();
        ASSERT_TRUE(stats) << stats.error().message();
        ASSERT_GT(stats->records_removed, 0u);
        pass_writes = fs.writes() - before;
        std::set<offset> kept;
        for (const auto& r : present_records(*l)) {
            kept.insert(r.at);
        }
        for (const auto& r : all) {
            if (!kept.contains(r.at)) {
                removable.insert(r.at);
            }
        }
        ASSERT_EQ(removable.size(), stats->records_removed);
    }
    std::map<std::string, offset> latest;
    for (const auto& r : all) {
        latest[r.key] = r.at;
    }
    std::map<offset, rec> by_offset;
    for (const auto& r : all) {
        by_offset[r.at] = r;
    }

    for (crash_mode mode : {crash_mode::drop_unsynced, crash_mode::torn_tail}) {
        for (uint64_t n = 0; n <= pass_writes; ++n) {
            SCOPED_TRACE(mode_name(mode) + ", power cut after " + std::to_string(n) + " of " +
                         std::to_string(pass_writes) + " compaction writes");
            io::fault_injecting_filesystem fs(100 + n);
            manual_clock clk;
            auto l = open_log(fs, clk, compaction_config());
            ASSERT_TRUE(l);
            compaction_workload(*l);
            fs.power_cut_after_writes(n);
            (void)l->compact();
            l.reset();
            fs.crash(mode);
            l = open_log(fs, clk, compaction_config());
            ASSERT_TRUE(l);
            EXPECT_EQ(l->next_offset(), next);
            EXPECT_EQ(l->start_offset(), offset{0});
            const auto present = present_records(*l);
            std::set<offset> seen;
            for (const auto& r : present) {
                ASSERT_TRUE(by_offset.contains(r.at)) << "record at unknown offset " << r.at;
                ASSERT_EQ(r, by_offset[r.at]) << "record moved or changed";
                seen.insert(r.at);
            }
            for (const auto& r : all) {
                if (!seen.contains(r.at)) {
                    // Only what a complete pass removes may be missing: never the latest value
                    // of a key, never the active segment.
                    ASSERT_TRUE(removable.contains(r.at)) << "record " << r.at << " (" << r.key << ") lost";
                }
            }
            for (const auto& [key, at] : latest) {
                ASSERT_TRUE(seen.contains(at)) << "latest record of " << key << " lost";
            }
            ASSERT_NO_FATAL_FAILURE(check_indexes(*l, present));
            // A later pass finishes the job.
            auto again = l->compact();
            ASSERT_TRUE(again) << again.error().message();
            std::set<offset> after;
            for (const auto& r : present_records(*l)) {
                after.insert(r.at);
            }
            std::set<offset> expected;
            for (const auto& r : all) {
                if (!removable.contains(r.at)) {
                    expected.insert(r.at);
                }
            }
            EXPECT_EQ(after, expected) << "a second pass does not converge on the compacted view";
            ASSERT_NO_FATAL_FAILURE(check_append_after_recovery(*l));
        }
    }
}

}  // namespace
}  // namespace fjord::storage
