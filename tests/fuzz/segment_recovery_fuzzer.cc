// Fuzzes segment recovery: the input is the byte image of a tail segment (and, past a
// separator, of a sealed segment's offset index). Recovery must never crash, never read
// past what it was given, and must leave a log whose every batch is whole and valid and
// that accepts an append at next_offset().
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/clock.h"
#include "base/logger.h"
#include "io/fault_injecting_filesystem.h"
#include "record/builder.h"
#include "storage/log.h"

namespace {

using namespace fjord;

void write_file(io::filesystem& fs, const std::string& path, bytes_view data) {
    auto f = fs.open(path, io::open_mode::create);
    if (f) {
        (void)(*f)->append(data);
        (void)(*f)->sync();
    }
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "segment_recovery_fuzzer: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool quiet = [] {
        set_log_level(spdlog::level::off);
        return true;
    }();
    (void)quiet;
    const bytes_view input(reinterpret_cast<const std::byte*>(data), size);
    // Split: [tail segment bytes] "FJIX" [index bytes of an earlier sealed segment].
    bytes_view tail = input;
    bytes_view index;
    static constexpr char sep[] = "FJIX";
    for (size_t i = 0; i + 4 <= size; ++i) {
        if (std::memcmp(data + i, sep, 4) == 0) {
            tail = input.first(i);
            index = input.subspan(i + 4);
            break;
        }
    }

    io::fault_injecting_filesystem fs(1);
    manual_clock clk;
    const std::string dir = "/d/t-0";
    (void)fs.create_directories(dir);
    if (!index.empty()) {
        // An (empty) sealed segment 0 whose index is fuzzed, then the fuzzed tail at 1000.
        write_file(fs, dir + "/00000000000000000000.log", {});
        write_file(fs, dir + "/00000000000000000000.index", index);
        write_file(fs, dir + "/00000000000000001000.log", tail);
    } else {
        write_file(fs, dir + "/00000000000000000000.log", tail);
    }
    (void)fs.sync_dir(dir);

    storage::log_config cfg{.segment_bytes = 1 << 20, .index_interval_bytes = 64};
    auto opened = storage::log::open(fs, clk, dir, cfg, "fuzz");
    if (!opened) {
        return 0;  // refusing damaged input is allowed; crashing is not
    }
    auto& l = **opened;
    // Everything recovery kept must read back as whole, valid batches.
    offset at = l.start_offset();
    while (at < l.next_offset()) {
        auto r = l.read({.start = at, .max_bytes = 1 << 16});
        if (!r) {
            std::fprintf(stderr, "offset %lld of [%lld, %lld): %s\n", static_cast<long long>(at.value()),
                         static_cast<long long>(l.start_offset().value()), static_cast<long long>(l.next_offset().value()),
                         r.error().message().c_str());
            fail("a recovered offset cannot be read");
        }
        if (r->slices.empty()) {
            break;  // no batch at or after `at`: the rest is a gap (e.g. empty segments)
        }
        for (const auto& s : r->slices) {
            auto b = s.read();
            if (!b) {
                fail("a read slice cannot be read");
            }
            bytes_view rest = *b;
            while (!rest.empty()) {
                auto h = record::read_header(rest);
                if (!h || h->size_bytes() > rest.size() ||
                    !record::validate(rest.first(h->size_bytes()), {.require_contiguous_offsets = false,
                                                                    .check_records = false})) {
                    fail("recovery kept an invalid batch");
                }
                rest = rest.subspan(h->size_bytes());
            }
        }
        at = r->next_offset;
    }
    record::batch_builder b;
    b.add(1, to_bytes("k"), to_bytes("v"));
    auto batch = *b.build();
    const offset expected = l.next_offset();
    auto appended = l.append(batch);
    if (!appended || appended->base_offset != expected) {
        fail("append after recovery failed or got the wrong offset");
    }
    return 0;
}
