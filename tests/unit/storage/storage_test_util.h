// Helpers for storage tests: build client batches, open logs on the in-memory filesystem,
// and read a log back as decoded records.
#pragma once

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/logger.h"
#include "io/fault_injecting_filesystem.h"
#include "record/builder.h"
#include "storage/log.h"

namespace fjord::storage::testing {

// A client batch of `n` records "k<i>" -> "<prefix><i>" with timestamps ts, ts+1, ...
inline bytes make_batch(int n, const std::string& prefix = "v", timestamp_ms ts = 1'700'000'000'000,
                        record::compression codec = record::compression::none) {
    record::batch_builder b({.codec = codec});
    for (int i = 0; i < n; ++i) {
        b.add(ts + i, to_bytes("k" + std::to_string(i)), to_bytes(prefix + std::to_string(i)));
    }
    auto built = b.build();
    EXPECT_TRUE(built) << built.error().message();
    return *built;
}

// A one-record batch with the given key and value (nullopt value = tombstone).
inline bytes make_keyed(const std::string& key, std::optional<std::string> value, timestamp_ms ts = 1'700'000'000'000) {
    record::batch_builder b;
    b.add(ts, to_bytes(key), value ? std::optional<bytes>(to_bytes(*value)) : std::nullopt);
    auto built = b.build();
    EXPECT_TRUE(built) << built.error().message();
    return *built;
}

struct decoded_batch {
    record::batch_header header;
    std::vector<record::decoded_record> records;
};

// Every batch of a read result, decoded. Fails the test on a slice that is not whole,
// valid batches.
inline std::vector<decoded_batch> decode_read(const read_result& r) {
    std::vector<decoded_batch> out;
    uint64_t total = 0;
    for (const auto& s : r.slices) {
        total += s.length;
        auto data = s.read();
        if (!data) {
            ADD_FAILURE() << "slice read failed: " << data.error().message();
            return out;
        }
        bytes_view rest = *data;
        bool first_in_slice = true;
        offset last_in_slice{-1};
        while (!rest.empty()) {
            auto h = record::read_header(rest);
            if (!h || h->size_bytes() > rest.size()) {
                ADD_FAILURE() << "slice ends in a partial batch";
                return out;
            }
            auto batch = rest.first(h->size_bytes());
            auto valid = record::validate(batch, {.require_contiguous_offsets = false});
            if (!valid) {
                ADD_FAILURE() << "invalid batch at offset " << h->base_offset << ": " << valid.error().message();
                return out;
            }
            auto recs = record::decode_records(batch, 64 << 20);
            if (!recs) {
                ADD_FAILURE() << "undecodable batch at offset " << h->base_offset << ": " << recs.error().message();
                return out;
            }
            if (first_in_slice) {
                EXPECT_EQ(s.first_offset, h->base_offset) << "slice first_offset";
                first_in_slice = false;
            }
            last_in_slice = h->last_offset();
            out.push_back({*h, std::move(*recs)});
            rest = rest.subspan(h->size_bytes());
        }
        EXPECT_EQ(s.last_offset, last_in_slice) << "slice last_offset";
    }
    EXPECT_EQ(r.total_bytes, total) << "total_bytes is not the sum of the slices";
    return out;
}

inline std::optional<std::string> opt_string(const std::optional<bytes>& b) {
    if (!b) {
        return std::nullopt;
    }
    return std::string(as_string_view(*b));
}

// Every record from start_offset() to next_offset(), read through log::read.
inline std::vector<record::decoded_record> read_all(const log& l, uint64_t max_bytes = 1 << 20) {
    std::vector<record::decoded_record> out;
    offset at = l.start_offset();
    while (at < l.next_offset()) {
        auto r = l.read({.start = at, .max_bytes = max_bytes});
        EXPECT_TRUE(r) << r.error().message();
        if (!r || r->slices.empty()) {
            break;
        }
        for (auto& batch : decode_read(*r)) {
            for (auto& rec : batch.records) {
                if (rec.abs_offset >= l.start_offset()) {
                    out.push_back(std::move(rec));
                }
            }
        }
        at = r->next_offset;
    }
    return out;
}

inline std::string str(const std::optional<bytes>& b) { return b ? std::string(as_string_view(*b)) : "<null>"; }

// Lowers the storage logger to `quiet_level` for a test that would otherwise log thousands
// of lines (unless FJORD_LOG_LEVEL is set), and restores it afterwards.
class quiet_storage_log {
public:
    explicit quiet_storage_log(spdlog::level::level_enum quiet_level)
        : logger_(make_logger("storage")), saved_(logger_->level()) {
        if (std::getenv("FJORD_LOG_LEVEL") == nullptr) {
            logger_->set_level(quiet_level);
        }
    }
    ~quiet_storage_log() { logger_->set_level(saved_); }

private:
    std::shared_ptr<spdlog::logger> logger_;
    spdlog::level::level_enum saved_;
};

struct log_fixture : ::testing::Test {
    io::fault_injecting_filesystem fs{7};
    manual_clock clk;
    log_config cfg{.segment_bytes = 1024, .index_interval_bytes = 128};
    std::unique_ptr<log> l;

    void open_log() {
        l.reset();
        auto opened = log::open(fs, clk, "/data/t-0", cfg, "t-0");
        ASSERT_TRUE(opened) << opened.error().message();
        l = std::move(*opened);
    }
    void SetUp() override { open_log(); }

    append_result append(bytes b, append_options opts = {}) {
        auto r = l->append(b, opts);
        EXPECT_TRUE(r) << r.error().message();
        return r ? *r : append_result{};
    }
};

}  // namespace fjord::storage::testing
