// Model-based test of storage::log: thousands of random operations (appends with random
// keys, values, codecs and non-monotonic timestamps; reads; timestamp lookups; suffix and
// prefix truncation; flushes; clean and unclean reopen; crash after flush; retention) run
// against the log on the in-memory filesystem, each checked against a plain in-memory
// model of what the log must hold.
//
// Seeds: FJORD_STORAGE_SEEDS=<count> runs seeds 1..count (default 20); FJORD_SEED=<n> runs
// only seed n; FJORD_STORAGE_OPS=<n> sets the operations per seed (default 3000). A failure
// prints its seed, the operation that failed and a command that reruns just that seed.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/errc.h"
#include "base/logger.h"
#include "storage_test_util.h"

namespace fjord::storage {
namespace {

using testing::decode_read;
using testing::decoded_batch;

constexpr const char* test_name = "ModelTest.RandomOperationsMatchModel";

// splitmix64: our own PRNG so a seed means the same run on every standard library.
struct splitmix64 {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
    // Uniform in [lo, hi].
    int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1)); }
    bool one_in(uint64_t n) { return below(n) == 0; }
};


std::optional<uint64_t> env_number(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
        return std::nullopt;
    }
    return std::strtoull(v, nullptr, 10);
}

struct model_record {
    offset at;
    timestamp_ms ts = 0;
    std::optional<std::string> key;
    std::optional<std::string> value;
};

struct model_batch {
    offset base;
    offset last;
    uint64_t size_bytes = 0;
    int32_t epoch = 0;
    std::vector<model_record> records;
};

// What the log must hold: every batch with last offset >= start (a batch straddling the
// start offset is kept whole, as the log keeps it), start and next offsets.
struct log_model {
    std::vector<model_batch> batches;
    offset start{0};
    offset next{0};

    void drop_below_start() {
        std::erase_if(batches, [&](const model_batch& b) { return b.last < start; });
    }
};


// Checks one decoded batch against the model's.
void expect_batch_eq(const decoded_batch& got, const model_batch& want) {
    EXPECT_EQ(got.header.base_offset, want.base);
    EXPECT_EQ(got.header.last_offset(), want.last);
    EXPECT_EQ(got.header.size_bytes(), want.size_bytes);
    EXPECT_EQ(got.header.partition_leader_epoch, want.epoch) << "batch at " << want.base;
    ASSERT_EQ(got.records.size(), want.records.size()) << "batch at " << want.base;
    for (size_t i = 0; i < want.records.size(); ++i) {
        const auto& g = got.records[i];
        const auto& w = want.records[i];
        EXPECT_EQ(g.abs_offset, w.at);
        EXPECT_EQ(g.timestamp, w.ts) << "record " << w.at;
        EXPECT_EQ(testing::opt_string(g.key), w.key) << "record " << w.at;
        EXPECT_EQ(testing::opt_string(g.value), w.value) << "record " << w.at;
    }
}

constexpr record::compression codecs[] = {record::compression::none, record::compression::gzip,
                                           record::compression::lz4, record::compression::zstd,
                                           record::compression::snappy};

class model_run {
public:
    explicit model_run(uint64_t seed) : fs_(seed), rng_{seed * 0x2545f4914f6cdd1dULL + 1} {
        cfg_.segment_bytes = static_cast<uint64_t>(rng_.between(512, 4096));
        cfg_.index_interval_bytes = static_cast<uint32_t>(rng_.between(32, 512));
        const int64_t segment_minutes[] = {1, 10, 7 * 24 * 60};
        cfg_.segment_ms = std::chrono::minutes(segment_minutes[rng_.below(3)]);
        cfg_.retention_ms = rng_.one_in(2) ? std::chrono::milliseconds(-1) : std::chrono::minutes(30);
        cfg_.retention_bytes = -1;
        epoch_ = static_cast<int32_t>(rng_.below(5));
    }

    std::string describe_config() const {
        return "segment_bytes=" + std::to_string(cfg_.segment_bytes) +
               " index_interval_bytes=" + std::to_string(cfg_.index_interval_bytes) +
               " segment_ms=" + std::to_string(cfg_.segment_ms.count()) +
               " retention_ms=" + std::to_string(cfg_.retention_ms.count());
    }

    void run(uint64_t ops) {
        ASSERT_NO_FATAL_FAILURE(open());
        for (uint64_t i = 0; i < ops; ++i) {
            const uint64_t pick = rng_.below(100);
            std::string what;
            if (pick < 34) {
                what = "append";
            } else if (pick < 38) {
                what = "replica_append";
            } else if (pick < 56) {
                what = "read";
            } else if (pick < 64) {
                what = "find_offset_by_timestamp";
            } else if (pick < 67) {
                what = "truncate";
            } else if (pick < 71) {
                what = "prefix_truncate";
            } else if (pick < 76) {
                what = "flush";
            } else if (pick < 78) {
                what = "close_and_reopen";
            } else if (pick < 80) {
                what = "drop_and_reopen";
            } else if (pick < 82) {
                what = "flush_crash_and_reopen";
            } else if (pick < 91) {
                what = "retention";
            } else if (pick < 95) {
                what = "advance_clock";
            } else {
                what = "out_of_range";
            }
            SCOPED_TRACE("op #" + std::to_string(i) + " " + what + " (model: start=" +
                         std::to_string(m_.start.value()) + " next=" + std::to_string(m_.next.value()) + ")");
            note_.clear();
            step(what);
            recent_.push_back("#" + std::to_string(i) + " " + what + note_);
            if (recent_.size() > 16) {
                recent_.erase(recent_.begin());
            }
            if (::testing::Test::HasFailure()) {
                std::string history;
                for (const auto& r : recent_) {
                    history += "\n  " + r;
                }
                ADD_FAILURE() << "last operations before the failure:" << history;
                return;
            }
        }
        check_all();
    }

private:
    void step(const std::string& what) {
        if (what == "append") {
            op_append(/*replica=*/false);
        } else if (what == "replica_append") {
            op_append(/*replica=*/true);
        } else if (what == "read") {
            op_read();
        } else if (what == "find_offset_by_timestamp") {
            op_find_ts();
        } else if (what == "truncate") {
            op_truncate();
        } else if (what == "prefix_truncate") {
            op_prefix_truncate();
        } else if (what == "flush") {
            auto r = log_->flush();
            ASSERT_TRUE(r) << r.error().message();
            EXPECT_EQ(*r, m_.next);
            EXPECT_EQ(log_->flushed_offset(), m_.next);
        } else if (what == "close_and_reopen") {
            auto r = log_->close();
            ASSERT_TRUE(r) << r.error().message();
            ASSERT_NO_FATAL_FAILURE(open());
            check_all();
        } else if (what == "drop_and_reopen") {
            // No close: the process "restarts" without sealing, but the disk keeps every write.
            ASSERT_NO_FATAL_FAILURE(open());
            check_all();
        } else if (what == "flush_crash_and_reopen") {
            auto r = log_->flush();
            ASSERT_TRUE(r) << r.error().message();
            log_.reset();
            fs_.crash(rng_.one_in(2) ? io::crash_mode::drop_unsynced : io::crash_mode::torn_tail);
            ASSERT_NO_FATAL_FAILURE(open());
            check_all();
        } else if (what == "retention") {
            op_retention();
        } else if (what == "advance_clock") {
            clk_.advance(std::chrono::milliseconds(rng_.between(0, 120'000)));
            if (rng_.one_in(4)) {
                ++epoch_;
            }
        } else {
            op_out_of_range();
        }
    }

    void open() {
        log_.reset();
        auto opened = log::open(fs_, clk_, "/data/t-0", cfg_, "t-0");
        ASSERT_TRUE(opened) << opened.error().message();
        log_ = std::move(*opened);
        EXPECT_EQ(log_->start_offset(), m_.start) << "start offset after reopen";
        EXPECT_EQ(log_->next_offset(), m_.next) << "next offset after reopen";
    }

    std::string random_string(size_t max_len) {
        std::string s(rng_.below(max_len + 1), ' ');
        for (auto& c : s) {
            c = static_cast<char>('a' + rng_.below(26));
        }
        return s;
    }

    void op_append(bool replica) {
        const int n = static_cast<int>(rng_.between(1, 20));
        const auto codec = codecs[rng_.below(std::size(codecs))];
        record::batch_builder builder({.base_offset = replica ? m_.next : offset{0},
                                       .partition_leader_epoch = replica ? epoch_ : 0,
                                       .codec = codec});
        model_batch mb{.base = m_.next, .last = m_.next + (n - 1), .epoch = epoch_};
        for (int i = 0; i < n; ++i) {
            model_record r{.at = m_.next + i};
            // Timestamps jump around the wall clock, now and then far into the past.
            r.ts = clk_.wall_ms() + rng_.between(-5'000, 5'000);
            if (rng_.one_in(40)) {
                r.ts = clk_.wall_ms() - rng_.between(0, 3LL * 24 * 3600 * 1000);
            }
            if (!rng_.one_in(8)) {
                r.key = "k" + std::to_string(rng_.below(50));
            }
            if (!rng_.one_in(10)) {
                r.value = random_string(40);
            }
            builder.add(r.ts, r.key ? std::optional<bytes>(to_bytes(*r.key)) : std::nullopt,
                        r.value ? std::optional<bytes>(to_bytes(*r.value)) : std::nullopt);
            mb.records.push_back(std::move(r));
        }
        auto built = builder.build();
        ASSERT_TRUE(built) << built.error().message();
        bytes batch = std::move(*built);
        mb.size_bytes = batch.size();
        auto r = log_->append(batch, {.assign_offsets = !replica, .leader_epoch = epoch_});
        ASSERT_TRUE(r) << "append of " << n << " records (" << record::to_string(codec)
                       << "): " << r.error().message();
        note_ = "([" + std::to_string(mb.base.value()) + ", " + std::to_string(mb.last.value()) + "] " +
                std::to_string(mb.size_bytes) + " bytes)";
        EXPECT_EQ(r->base_offset, mb.base);
        EXPECT_EQ(r->last_offset, mb.last);
        m_.next = mb.last + 1;
        m_.batches.push_back(std::move(mb));
        EXPECT_EQ(log_->next_offset(), m_.next);
    }

    void op_read() {
        const offset o = m_.start + rng_.between(0, m_.next - m_.start);
        const uint64_t max_bytes = static_cast<uint64_t>(rng_.between(1, 4000));
        std::optional<offset> max_offset;
        if (m_.next > o && rng_.one_in(4)) {
            max_offset = o + rng_.between(0, m_.next - o - 1);
        }
        auto r = log_->read({.start = o, .max_bytes = max_bytes, .max_offset = max_offset});
        ASSERT_TRUE(r) << "read at " << o << ": " << r.error().message();
        // Expected: whole batches from the one holding o (or the first after it), at least one
        // unless max_offset forbids it, within max_bytes unless it is a single batch.
        std::vector<const model_batch*> want;
        uint64_t total = 0;
        auto it = std::find_if(m_.batches.begin(), m_.batches.end(), [&](const model_batch& b) { return b.last >= o; });
        for (; it != m_.batches.end(); ++it) {
            if (max_offset && it->last > *max_offset) {
                break;
            }
            if (!want.empty() && total + it->size_bytes > max_bytes) {
                break;
            }
            want.push_back(&*it);
            total += it->size_bytes;
        }
        auto got = decode_read(*r);
        ASSERT_EQ(got.size(), want.size()) << "batches returned by read(start=" << o << ", max_bytes=" << max_bytes
                                           << ", max_offset=" << (max_offset ? max_offset->value() : -1) << ")";
        for (size_t i = 0; i < want.size(); ++i) {
            ASSERT_NO_FATAL_FAILURE(expect_batch_eq(got[i], *want[i]));
        }
        if (!want.empty()) {
            EXPECT_TRUE(want.size() == 1 || r->total_bytes <= max_bytes);
            EXPECT_EQ(r->next_offset, want.back()->last + 1);
        } else {
            EXPECT_EQ(r->next_offset, o);
        }
    }

    void op_find_ts() {
        // Half the time a timestamp some record has (or one past it), else anything near.
        timestamp_ms ts = clk_.wall_ms() + rng_.between(-20'000, 20'000);
        if (!m_.batches.empty() && rng_.one_in(2)) {
            const auto& b = m_.batches[rng_.below(m_.batches.size())];
            ts = b.records[rng_.below(b.records.size())].ts + rng_.between(-1, 1);
        }
        std::optional<timestamp_lookup> want;
        for (const auto& b : m_.batches) {
            for (const auto& rec : b.records) {
                if (rec.at >= m_.start && rec.ts >= ts) {
                    want = timestamp_lookup{rec.at, rec.ts};
                    break;
                }
            }
            if (want) {
                break;
            }
        }
        auto got = log_->find_offset_by_timestamp(ts);
        ASSERT_TRUE(got) << got.error().message();
        ASSERT_EQ(got->has_value(), want.has_value()) << "find_offset_by_timestamp(" << ts << ")";
        if (want) {
            EXPECT_EQ((*got)->found, want->found) << "find_offset_by_timestamp(" << ts << ")";
            EXPECT_EQ((*got)->timestamp, want->timestamp) << "find_offset_by_timestamp(" << ts << ")";
        }
    }

    void op_truncate() {
        const offset from = m_.start + rng_.between(0, m_.next - m_.start);
        note_ = "(" + std::to_string(from.value()) + ")";
        auto r = log_->truncate(from);
        ASSERT_TRUE(r) << "truncate(" << from << "): " << r.error().message();
        // Whole batches holding an offset >= from go.
        if (!m_.batches.empty()) {
            const offset first_base = m_.batches.front().base;
            std::erase_if(m_.batches, [&](const model_batch& b) { return b.last >= from; });
            m_.next = m_.batches.empty() ? first_base : m_.batches.back().last + 1;
        }
        m_.start = std::min(m_.start, m_.next);
        EXPECT_EQ(log_->next_offset(), m_.next) << "next offset after truncate(" << from << ")";
        EXPECT_EQ(log_->start_offset(), m_.start) << "start offset after truncate(" << from << ")";
        EXPECT_LE(log_->flushed_offset(), m_.next);
    }

    void op_prefix_truncate() {
        const offset to = m_.start + rng_.between(0, m_.next - m_.start);
        note_ = "(" + std::to_string(to.value()) + ")";
        auto r = log_->prefix_truncate(to);
        ASSERT_TRUE(r) << "prefix_truncate(" << to << "): " << r.error().message();
        m_.start = std::max(m_.start, to);
        m_.drop_below_start();
        EXPECT_EQ(log_->start_offset(), m_.start);
        EXPECT_EQ(log_->next_offset(), m_.next);
    }

    void op_retention() {
        clk_.advance(std::chrono::milliseconds(rng_.between(0, 600'000)));
        cfg_.retention_bytes = rng_.one_in(5) ? -1 : static_cast<int64_t>(cfg_.segment_bytes * rng_.between(1, 6));
        log_->set_config(cfg_);
        const offset old_start = log_->start_offset();
        const uint64_t old_size = log_->size_bytes();
        const size_t old_segments = log_->segment_count();
        auto r = log_->apply_retention();
        ASSERT_TRUE(r) << r.error().message();
        note_ = "(retention_bytes=" + std::to_string(cfg_.retention_bytes) + ": " + std::to_string(*r) +
                " segments deleted, start " + std::to_string(old_start.value()) + " -> " +
                std::to_string(log_->start_offset().value()) + ")";
        const offset new_start = log_->start_offset();
        EXPECT_EQ(log_->next_offset(), m_.next) << "retention moved the end of the log";
        EXPECT_EQ(log_->segment_count(), old_segments - *r);
        ASSERT_GE(new_start, old_start);
        if (*r == 0) {
            EXPECT_EQ(new_start, old_start);
            EXPECT_EQ(log_->size_bytes(), old_size);
        } else {
            EXPECT_LT(log_->size_bytes(), old_size);
        }
        if (new_start > old_start) {
            // Whole segments went, so the new start is a batch boundary.
            const bool boundary = new_start == m_.next ||
                                  std::any_of(m_.batches.begin(), m_.batches.end(),
                                              [&](const model_batch& b) { return b.base == new_start; });
            EXPECT_TRUE(boundary) << "retention left start offset " << new_start << " inside a batch";
        }
        m_.start = new_start;
        m_.drop_below_start();
        check_all();
    }

    void op_out_of_range() {
        if (m_.start > offset{0}) {
            auto below = log_->read({.start = m_.start - 1});
            ASSERT_FALSE(below) << "read below the start offset succeeded";
            EXPECT_EQ(errc_from_system(below.error()), errc::out_of_range);
        }
        auto past = log_->read({.start = m_.next + 1});
        ASSERT_FALSE(past) << "read past the end succeeded";
        EXPECT_EQ(errc_from_system(past.error()), errc::out_of_range);
        auto at_end = log_->read({.start = m_.next});
        ASSERT_TRUE(at_end) << at_end.error().message();
        EXPECT_TRUE(at_end->slices.empty());
        EXPECT_EQ(at_end->next_offset, m_.next);
        auto pt = log_->prefix_truncate(m_.next + rng_.between(1, 3));
        ASSERT_FALSE(pt) << "prefix_truncate past the end succeeded";
        EXPECT_EQ(errc_from_system(pt.error()), errc::out_of_range);
        EXPECT_EQ(log_->start_offset(), m_.start);
    }

    // The whole log, read batch by batch with small budgets, equals the model.
    void check_all() {
        ASSERT_EQ(log_->start_offset(), m_.start);
        ASSERT_EQ(log_->next_offset(), m_.next);
        std::vector<decoded_batch> got;
        offset at = m_.start;
        while (at < m_.next) {
            auto r = log_->read({.start = at, .max_bytes = static_cast<uint64_t>(rng_.between(1, 3000))});
            ASSERT_TRUE(r) << "read at " << at << ": " << r.error().message();
            auto part = decode_read(*r);
            ASSERT_FALSE(part.empty()) << "read at " << at << " returned nothing before the end " << m_.next;
            ASSERT_GT(r->next_offset, at);
            at = r->next_offset;
            for (auto& b : part) {
                got.push_back(std::move(b));
            }
        }
        if (got.size() != m_.batches.size()) {
            std::string g;
            std::string w;
            for (const auto& b : got) {
                g += " [" + std::to_string(b.header.base_offset.value()) + "," + std::to_string(b.header.last_offset().value()) + "]";
            }
            for (const auto& b : m_.batches) {
                w += " [" + std::to_string(b.base.value()) + "," + std::to_string(b.last.value()) + "]";
            }
            FAIL() << "batches in the log:" << g << "\nbatches in the model:" << w;
        }
        for (size_t i = 0; i < got.size(); ++i) {
            ASSERT_NO_FATAL_FAILURE(expect_batch_eq(got[i], m_.batches[i]));
        }
    }

    io::fault_injecting_filesystem fs_;
    manual_clock clk_;
    splitmix64 rng_;
    log_config cfg_;
    int32_t epoch_ = 0;
    std::unique_ptr<log> log_;
    log_model m_;
    std::string note_;                 // parameters of the current operation
    std::vector<std::string> recent_;  // the last operations, printed on failure
};

TEST(ModelTest, RandomOperationsMatchModel) {
    testing::quiet_storage_log quiet{spdlog::level::err};
    std::vector<uint64_t> seeds;
    if (auto one = env_number("FJORD_SEED")) {
        seeds.push_back(*one);
    } else {
        const uint64_t count = env_number("FJORD_STORAGE_SEEDS").value_or(20);
        for (uint64_t s = 1; s <= count; ++s) {
            seeds.push_back(s);
        }
    }
    const uint64_t ops = env_number("FJORD_STORAGE_OPS").value_or(3000);
    for (uint64_t seed : seeds) {
        model_run run(seed);
        SCOPED_TRACE("seed=" + std::to_string(seed) + " (" + run.describe_config() + "); rerun with: FJORD_SEED=" +
                     std::to_string(seed) + " build/release/tests/unit/storage/storage_unit_tests --gtest_filter=" +
                     test_name);
        run.run(ops);
        if (::testing::Test::HasFailure()) {
            return;  // one failing seed at a time: its trace is the useful one
        }
    }
}

}  // namespace
}  // namespace fjord::storage
