// The simulated disk of one node: its raft log and its term/vote, which outlive crashes.
//
// Log entries are appended to memory at once and become durable when the simulator runs
// the node's fsync event. A crash keeps the durable prefix plus a random prefix of the
// unsynced tail (a torn write at entry granularity) and drops the rest. A failed log fsync
// (fail_fsync) poisons the tail unsynced at that moment: a crash then trusts `durable` only
// below it, whatever later fsyncs claimed (fsyncgate). hash_at(i) is a
// running hash of entries [0, i], used by the checker for Log Matching; retention keeps
// the hash and term of the entry just below the start index.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/errc.h"
#include "raft/interfaces.h"
#include "sim/prng.h"

namespace fjord::sim {

struct disk {
    int64_t start = 0;                       // first index held (retention moves it)
    uint64_t base_hash = 0;                  // prefix hash of [0, start-1]
    fjord::term base_term = raft::no_term;   // term of the entry at start-1
    std::vector<raft::entry> entries;        // entries[k] has index start+k
    std::vector<uint64_t> hashes;            // hashes[k]: prefix hash of [0, start+k]
    int64_t durable = -1;  // highest fsynced index
    // A log fsync failed while [poisoned_from, last] was unsynced (fsyncgate): those pages may
    // be gone even if a later fsync reports success, so a crash trusts `durable` only below
    // poisoned_from. INT64_MAX: no failure since the last crash.
    int64_t poisoned_from = INT64_MAX;
    raft::hard_state hs;   // state_store: durable on save()
    std::string base_config;  // log::base_config(): membership at start-1 (durable with the prefix)

    int64_t last() const { return start + static_cast<int64_t>(entries.size()) - 1; }
    bool holds(int64_t i) const { return i >= start && i <= last(); }
    // REQUIRES: holds(i).
    const raft::entry& at(int64_t i) const { return entries[static_cast<std::size_t>(i - start)]; }
    // REQUIRES: start-1 <= i <= last().
    uint64_t hash_at(int64_t i) const { return i == start - 1 ? base_hash : hashes[static_cast<std::size_t>(i - start)]; }
    fjord::term term_at(int64_t i) const { return i == start - 1 ? base_term : at(i).term; }

    static uint64_t entry_hash(uint64_t prev, const raft::entry& e) {
        uint64_t h = mix(prev, static_cast<uint64_t>(e.term.value()));
        h = mix(h, static_cast<uint64_t>(e.kind));
        return mix(h, std::hash<std::string>{}(e.payload));
    }

    void push(const raft::entry& e) {
        const uint64_t prev = hash_at(last());
        entries.push_back(e);
        hashes.push_back(entry_hash(prev, e));
    }

    // REQUIRES: start <= from.
    void truncate(int64_t from) {
        entries.resize(static_cast<std::size_t>(from - start));
        hashes.resize(static_cast<std::size_t>(from - start));
        durable = std::min(durable, from - 1);
    }

    // Retention. REQUIRES: start <= new_start <= last()+1.
    void delete_prefix(int64_t new_start) {
        base_hash = hash_at(new_start - 1);
        base_term = term_at(new_start - 1);
        const auto n = static_cast<std::ptrdiff_t>(new_start - start);
        entries.erase(entries.begin(), entries.begin() + n);
        hashes.erase(hashes.begin(), hashes.begin() + n);
        start = new_start;
        durable = std::max(durable, new_start - 1);
    }

    void reset_to(int64_t new_start, fjord::term prev_term, uint64_t prev_hash) {
        entries.clear();
        hashes.clear();
        start = new_start;
        base_term = prev_term;
        base_hash = prev_hash;
        durable = new_start - 1;
    }

    // A log fsync failed: nothing unsynced now is known to reach the disk, ever.
    void fail_fsync() { poisoned_from = std::min(poisoned_from, durable + 1); }

    // Crash: keep the durable prefix (only below a failed fsync's range) and `keep_unsynced`
    // more entries of the tail (a torn write).
    void crash(int64_t keep_unsynced) {
        const int64_t trusted = std::max(std::min(durable, poisoned_from - 1), start - 1);
        const int64_t keep = std::min(last(), trusted + keep_unsynced);
        truncate(keep + 1);
        durable = last();
        poisoned_from = INT64_MAX;
    }
};

// raft::log over a disk. `on_append` lets the checker see every appended entry, and
// `on_write` lets the simulator schedule an fsync.
class sim_log final : public raft::log {
public:
    // on_append(index): checker hook; on_write(): schedule an fsync; base_hash(index): the
    // committed prefix hash at index, for reset_to (nullopt if the checker never saw it).
    sim_log(disk& d, std::function<void(int64_t index)> on_append, std::function<void()> on_write,
            std::function<std::optional<uint64_t>(int64_t)> base_hash)
        : d_(d), on_append_(std::move(on_append)), on_write_(std::move(on_write)), base_hash_(std::move(base_hash)) {}

    raft::index start_index() const override { return raft::index{d_.start}; }
    raft::index last_index() const override { return raft::index{d_.last()}; }
    raft::index durable_index() const override { return raft::index{d_.durable}; }
    std::optional<fjord::term> term_at(raft::index i) const override {
        if (i.value() < d_.start - 1 || i.value() > d_.last()) {
            return std::nullopt;
        }
        return d_.term_at(i.value());
    }
    result<void> append(const std::vector<raft::entry>& es) override {
        for (const auto& e : es) {
            d_.push(e);
            on_append_(d_.last());
        }
        on_write_();
        return ok();
    }
    void truncate_suffix(raft::index from) override {
        d_.truncate(from.value());
        on_write_();
    }
    std::vector<raft::entry> read(raft::index from, std::size_t max_count) const override {
        std::vector<raft::entry> out;
        for (int64_t i = from.value(); i <= d_.last() && out.size() < max_count; ++i) {
            out.push_back(d_.at(i));
        }
        return out;
    }
    void delete_prefix(raft::index new_start, std::string base_config) override {
        d_.delete_prefix(new_start.value());
        d_.base_config = std::move(base_config);
    }
    void reset_to(raft::index start, fjord::term prev_term, std::string base_config) override {
        d_.reset_to(start.value(), prev_term, base_hash_(start.value() - 1).value_or(0));
        d_.base_config = std::move(base_config);
    }
    std::string base_config() const override { return d_.base_config; }

private:
    disk& d_;
    std::function<void(int64_t)> on_append_;
    std::function<void()> on_write_;
    std::function<std::optional<uint64_t>(int64_t)> base_hash_;
};

// The term/vote store of a disk. `fail_now` (optional) injects an fsync failure: save()
// then returns errc::io_error and the durable state is unchanged.
class sim_store final : public raft::state_store {
public:
    explicit sim_store(disk& d, std::function<void(const raft::hard_state&)> on_save,
                       std::function<bool()> fail_now = {})
        : d_(d), on_save_(std::move(on_save)), fail_now_(std::move(fail_now)) {}
    raft::hard_state load() const override { return d_.hs; }
    result<void> save(const raft::hard_state& s) override {
        if (fail_now_ && fail_now_()) {
            return fjord::errc::io_error;
        }
        on_save_(s);
        d_.hs = s;
        return ok();
    }

private:
    disk& d_;
    std::function<void(const raft::hard_state&)> on_save_;
    std::function<bool()> fail_now_;
};

}  // namespace fjord::sim
