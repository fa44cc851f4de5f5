// The storage engine against the bounds of the same disk, measured in the same run:
//
//   append, flush never         BM_log_append_never/<batch>     vs BM_bound_write/<batch>
//   append, fsync per 1 MiB     BM_log_append_every_append/1Mi  vs BM_bound_write_fdatasync/1Mi
//   append, flush interval      BM_log_append_interval/<batch>  (vs BM_bound_write/<batch>)
//   sequential read             BM_log_read/1Mi                 vs BM_bound_pread/1Mi
//   index lookup                BM_segment_index_floor_offset, BM_log_read_random_offset
//   tail recovery               BM_log_recovery/cold:{0,1}      (counter: bound_bytes_per_second)
//
// The bounds are plain write(2) / fdatasync(2) / pread(2) of the very bytes Fjord writes,
// in batches of the same sizes, to files in the same directory. Appended batches hold
// ~1 KiB records (bench_util.h). Files live under $FJORD_BENCH_DIR (default /tmp) and are
// removed on exit.
//
// A file (log or bound) is dropped and started afresh (timing paused) every
// `file_cap_bytes`. That keeps both sides far below the kernel's dirty-page limits, and it
// recycles the same page-cache pages: with 512 MiB files, runs on this VM were bimodal
// (0.3 or 1.9 GB/s for the very same write(2) loop), depending on whether the guest was
// touching memory the hypervisor had not backed yet.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>

#include <benchmark/benchmark.h>

#include "base/logger.h"
#include "base/units.h"
#include "bench_util.h"
#include "io/file.h"
#include "record/crc32c.h"
#include "storage/log.h"
#include "storage/segment_index.h"

namespace fjord::bench {
namespace {

constexpr uint64_t file_cap_bytes = 64 * mib;
constexpr uint64_t max_segment_bytes = std::numeric_limits<int32_t>::max();

// Process-wide state: the filesystem, the scratch directory, and the log the read
// benchmarks share (filled on first use). Destroyed at exit, logs before the directory.
struct env {
    scratch_dir scratch;
    std::unique_ptr<io::filesystem> fs = io::make_posix_filesystem();
    std::unique_ptr<storage::log> read_log;
    int next_dir = 0;

    std::string fresh_dir(const std::string& what) { return scratch.sub(fmt::format("{}-{}", what, next_dir++)); }

    ~env() {
        if (read_log) {
            (void)read_log->remove();
        }
    }
};

env& the_env() {
    static env e;
    return e;
}

storage::log_config bench_config(storage::flush_policy policy) {
    storage::log_config cfg;
    cfg.segment_bytes = max_segment_bytes;  // one segment: rolling (and its fsync) is not measured
    cfg.flush = policy;
    cfg.flush_interval = std::chrono::milliseconds(100);
    return cfg;
}

std::unique_ptr<storage::log> open_log(const std::string& dir, const storage::log_config& cfg) {
    auto l = storage::log::open(*the_env().fs, system_clock(), dir, cfg, "bench");
    FJORD_ASSERT(l.has_value(), "log::open {}: {}", dir, l.error().message());
    return std::move(*l);
}

// ---------------------------------------------------------------------------------------
// Append

void run_log_append(benchmark::State& state, storage::flush_policy policy) {
    auto& e = the_env();
    const bytes pristine = make_batch(static_cast<size_t>(state.range(0)));
    bytes batch = pristine;
    const auto cfg = bench_config(policy);
    const std::string dir = e.fresh_dir("append");
    auto l = open_log(dir, cfg);
    uint64_t in_file = 0;
    for (auto _ : state) {
        // append() rewrites the header in place (base offset, leader epoch); give it the
        // producer's header back, as a fresh request buffer would.
        std::memcpy(batch.data(), pristine.data(), record::layout::header_size);
        if (auto r = l->append(batch); !r) {
            state.SkipWithError(fmt::format("append: {}", r.error().message()).c_str());
            break;
        }
        if (policy == storage::flush_policy::interval) {
            // What the broker's flusher does between appends.
            if (auto r = l->flush_if_due(); !r) {
                state.SkipWithError("flush_if_due failed");
                break;
            }
        }
        in_file += batch.size();
        if (in_file >= file_cap_bytes) {
            state.PauseTiming();
            (void)l->remove();
            l = open_log(dir, cfg);
            in_file = 0;
            state.ResumeTiming();
        }
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
    state.counters["batch_bytes"] = static_cast<double>(batch.size());
    (void)l->remove();
}

void BM_log_append_never(benchmark::State& state) { run_log_append(state, storage::flush_policy::never); }
void BM_log_append_every_append(benchmark::State& state) {
    run_log_append(state, storage::flush_policy::every_append);
}
void BM_log_append_interval(benchmark::State& state) { run_log_append(state, storage::flush_policy::interval); }

int open_fresh(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FJORD_ASSERT(fd >= 0, "open {}: errno {}", path, errno);
    return fd;
}

bool write_all(int fd, bytes_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data = data.subspan(static_cast<size_t>(n));
    }
    return true;
}

// The bound: write(2) of the same batches to a plain file, with fdatasync(2) after each
// when `sync` (the dd oflag=dsync / fio fdatasync=1 figure).
void run_bound_write(benchmark::State& state, bool sync) {
    auto& e = the_env();
    const bytes batch = make_batch(static_cast<size_t>(state.range(0)));
    const std::string path = e.fresh_dir("bound") + ".dat";
    int fd = open_fresh(path);
    uint64_t in_file = 0;
    for (auto _ : state) {
        if (!write_all(fd, batch) || (sync && ::fdatasync(fd) != 0)) {
            state.SkipWithError("write/fdatasync failed");
            break;
        }
        in_file += batch.size();
        if (in_file >= file_cap_bytes) {
            state.PauseTiming();
            ::close(fd);
            ::unlink(path.c_str());
            fd = open_fresh(path);
            in_file = 0;
            state.ResumeTiming();
        }
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
    state.counters["batch_bytes"] = static_cast<double>(batch.size());
    ::close(fd);
    ::unlink(path.c_str());
}

void BM_bound_write(benchmark::State& state) { run_bound_write(state, false); }
void BM_bound_write_fdatasync(benchmark::State& state) { run_bound_write(state, true); }

// ---------------------------------------------------------------------------------------
// Read and lookup, over one log of $FJORD_BENCH_READ_BYTES (default 256 MiB) of 16 KiB
// batches, in the page cache.

storage::log& read_log() {
    auto& e = the_env();
    if (!e.read_log) {
        e.read_log = open_log(e.fresh_dir("read"), bench_config(storage::flush_policy::never));
        const uint64_t want = env_u64("FJORD_BENCH_READ_BYTES", 256 * mib);
        const bytes pristine = make_batch(16 * kib);
        bytes batch = pristine;
        while (e.read_log->size_bytes() < want) {
            std::memcpy(batch.data(), pristine.data(), record::layout::header_size);
            FJORD_ASSERT(e.read_log->append(batch).has_value(), "filling the read log failed");
        }
        FJORD_ASSERT(e.read_log->flush().has_value(), "flushing the read log failed");
    }
    return *e.read_log;
}

// Sequential consumption: log::read of max_bytes from where the last read ended, then the
// bytes of each slice (read_slice::read, what a non-sendfile fetch path copies).
void BM_log_read(benchmark::State& state) {
    auto& l = read_log();
    const offset end = l.next_offset();
    const auto chunk = static_cast<uint64_t>(state.range(0));
    offset at{0};
    int64_t total = 0;
    for (auto _ : state) {
        auto r = l.read({.start = at, .max_bytes = chunk});
        if (!r) {
            state.SkipWithError("log::read failed");
            break;
        }
        for (const auto& s : r->slices) {
            auto b = s.read();
            if (!b) {
                state.SkipWithError("slice read failed");
                break;
            }
            benchmark::DoNotOptimize(b->data());
            total += static_cast<int64_t>(b->size());
        }
        at = r->next_offset >= end ? offset{0} : r->next_offset;
    }
    state.SetBytesProcessed(total);
}

// The bound: pread(2) of the same chunk size from the same segment file into one buffer.
void BM_bound_pread(benchmark::State& state) {
    auto& l = read_log();
    auto first = l.read({.start = offset{0}, .max_bytes = 1});
    FJORD_ASSERT(first.has_value() && !first->slices.empty(), "read log is empty");
    const int fd = first->slices.front().native_handle();
    const uint64_t file_size = l.size_bytes();
    bytes buf(static_cast<size_t>(state.range(0)));
    uint64_t pos = 0;
    int64_t total = 0;
    for (auto _ : state) {
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
        if (n <= 0) {
            state.SkipWithError("pread failed");
            break;
        }
        benchmark::DoNotOptimize(buf.data());
        total += n;
        pos += static_cast<uint64_t>(n);
        if (pos >= file_size) {
            pos = 0;
        }
    }
    state.SetBytesProcessed(total);
}

// segment_index::floor_offset over the index of a full 1 GiB segment of 4 KiB batches at
// the default index.interval.bytes (262,144 entries), at random offsets.
void BM_segment_index_floor_offset(benchmark::State& state) {
    constexpr uint32_t batch_bytes = 4096;
    constexpr uint32_t records_per_batch = 4;
    constexpr uint32_t entries = static_cast<uint32_t>(gib / batch_bytes);
    storage::segment_index idx(4096);
    for (uint32_t i = 0; i < entries; ++i) {
        idx.on_batch(i * records_per_batch, i * batch_bytes, batch_bytes, 1'700'000'000'000 + i);
    }
    std::mt19937 rng(1);
    std::vector<uint32_t> probes(4096);
    for (auto& p : probes) {
        p = static_cast<uint32_t>(rng() % (entries * records_per_batch));
    }
    size_t i = 0;
    for (auto _ : state) {
        auto e = idx.floor_offset(probes[i++ & (probes.size() - 1)]);
        benchmark::DoNotOptimize(e);
    }
    state.counters["entries"] = static_cast<double>(idx.offsets().size());
}

// End-to-end lookup: log::read of one batch at a random offset (index floor, then a header
// scan of at most index.interval.bytes) over the read log.
void BM_log_read_random_offset(benchmark::State& state) {
    auto& l = read_log();
    const int64_t end = l.next_offset().value();
    std::mt19937_64 rng(2);
    std::vector<offset> probes(4096);
    for (auto& p : probes) {
        p = offset{static_cast<int64_t>(rng() % static_cast<uint64_t>(end))};
    }
    size_t i = 0;
    for (auto _ : state) {
        auto r = l.read({.start = probes[i++ & (probes.size() - 1)], .max_bytes = 1});
        if (!r || r->slices.empty()) {
            state.SkipWithError("lookup failed");
            break;
        }
        benchmark::DoNotOptimize(r->slices.front().position);
    }
}

// ---------------------------------------------------------------------------------------
// Recovery: log::open of a log whose tail segment holds $FJORD_BENCH_RECOVERY_BYTES
// (default 1 GiB, at most 2 GiB) of 16 KiB batches that were never sealed, so open
// CRC-scans all of it and rebuilds the indexes. Warm: the file is in the page cache.
// Cold: its pages are dropped (fadvise DONTNEED, after the flush) before each open.
// Counter bound_bytes_per_second: pread(2) of 1 MiB chunks + crc32c over the same file,
// in the same state of the cache.

std::string only_log_file(const std::string& dir) {
    for (const auto& ent : std::filesystem::directory_iterator(dir)) {
        if (ent.path().extension() == ".log") {
            return ent.path().string();
        }
    }
    return {};
}

void drop_cache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

// Seconds to read and checksum the whole file, the ideal tail scan.
double bound_scan_seconds(const std::string& path, uint64_t* bytes_out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    FJORD_ASSERT(fd >= 0, "open {}", path);
    bytes buf(mib);
    uint64_t total = 0;
    uint32_t crc = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(total));
        if (n <= 0) {
            break;
        }
        crc = record::crc32c(bytes_view(buf).first(static_cast<size_t>(n)), crc);
        total += static_cast<uint64_t>(n);
    }
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(crc);
    ::close(fd);
    *bytes_out = total;
    return std::chrono::duration<double>(t1 - t0).count();
}

void BM_log_recovery(benchmark::State& state) {
    auto& e = the_env();
    const bool cold = state.range(0) != 0;
    const uint64_t want = std::min(env_u64("FJORD_BENCH_RECOVERY_BYTES", gib), max_segment_bytes - mib);
    constexpr uint64_t headroom_bytes = 2 * gib;
    if (free_bytes(e.scratch.path()) < want + headroom_bytes) {
        state.SkipWithError(fmt::format("needs {} MiB free under {} (FJORD_BENCH_RECOVERY_BYTES)",
                                        (want + headroom_bytes) / mib, e.scratch.path())
                                .c_str());
        return;
    }
    const std::string dir = e.fresh_dir("recovery");
    const auto cfg = bench_config(storage::flush_policy::never);
    {
        auto l = open_log(dir, cfg);
        const bytes pristine = make_batch(16 * kib);
        bytes batch = pristine;
        while (l->size_bytes() < want) {
            std::memcpy(batch.data(), pristine.data(), record::layout::header_size);
            FJORD_ASSERT(l->append(batch).has_value(), "filling the recovery log failed");
        }
        // Durable (so the cold case can drop the pages) but never sealed: no index files,
        // and open() must scan the whole tail. The log object dies without close().
        FJORD_ASSERT(l->flush().has_value(), "flush failed");
    }
    const std::string path = only_log_file(dir);
    uint64_t scanned = 0;
    double bound_seconds = 0;
    uint64_t bound_bytes = 0;
    for (auto _ : state) {
        if (cold) {
            drop_cache(path);
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto l = open_log(dir, cfg);
        const auto t1 = std::chrono::steady_clock::now();
        state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
        scanned += l->recovery_report().bytes_scanned;
        if (l->recovery_report().bytes_truncated != 0) {
            state.SkipWithError("recovery truncated a clean log");
            break;
        }
        l.reset();
        if (cold) {
            drop_cache(path);
        }
        uint64_t n = 0;
        bound_seconds += bound_scan_seconds(path, &n);
        bound_bytes += n;
    }
    state.SetBytesProcessed(static_cast<int64_t>(scanned));
    state.counters["tail_bytes"] = static_cast<double>(scanned) / static_cast<double>(state.iterations());
    state.counters["bound_bytes_per_second"] = bound_seconds > 0 ? static_cast<double>(bound_bytes) / bound_seconds : 0;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

constexpr int64_t kib_arg = 1024;
constexpr int64_t mib_arg = 1024 * kib_arg;

BENCHMARK(BM_bound_write)->Arg(16 * kib_arg)->Arg(mib_arg)->UseRealTime();
BENCHMARK(BM_log_append_never)->Arg(16 * kib_arg)->Arg(mib_arg)->UseRealTime();
BENCHMARK(BM_log_append_interval)->Arg(16 * kib_arg)->UseRealTime();
BENCHMARK(BM_bound_write_fdatasync)->Arg(mib_arg)->UseRealTime();
BENCHMARK(BM_log_append_every_append)->Arg(mib_arg)->UseRealTime();
BENCHMARK(BM_bound_pread)->Arg(mib_arg)->UseRealTime();
BENCHMARK(BM_log_read)->Arg(mib_arg)->UseRealTime();
BENCHMARK(BM_segment_index_floor_offset);
BENCHMARK(BM_log_read_random_offset)->UseRealTime();
BENCHMARK(BM_log_recovery)->ArgName("cold")->Arg(0)->Arg(1)->UseManualTime()->Iterations(3)->Repetitions(1);

}  // namespace
}  // namespace fjord::bench

int main(int argc, char** argv) {
    fjord::set_log_level(spdlog::level::warn);  // log::open's info lines would interleave with the table
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
