// The seams raft runs behind (style habit 8). Production adapters live in cluster/; the
// simulator (tests/sim) implements all of them deterministically. All calls happen on the
// one thread that drives the node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/messages.h"
#include "raft/types.h"

namespace fjord::raft {

// The replicated log. Appends are asynchronous with respect to durability: append() makes
// entries readable at once, and durable_index() advances when they reach stable storage.
// The driver calls node::on_log_durable() when durable_index() moved, and
// node::on_log_failed() when an fsync failed (durable_index() then stays where it was; the
// node fences itself until the driver restarts it over the reopened log).
//
// Invariants: start_index() <= last_index()+1; durable_index() <= last_index();
// truncate_suffix(i) also lowers durable_index() to at most i-1.
class log {
public:
    virtual ~log() = default;
    virtual index start_index() const = 0;   // first index still held (after prefix deletion)
    virtual index last_index() const = 0;    // no_index when empty
    virtual index durable_index() const = 0; // highest fsynced index, no_index if none
    // Term of the entry at i; no_term for i == start_index()-1 == no_index; nullopt if i is
    // outside [start_index()-1, last_index()].
    virtual std::optional<fjord::term> term_at(index i) const = 0;
    virtual result<void> append(const std::vector<entry>& entries) = 0;
    // REQUIRES: start_index() <= from. Removes every entry with index >= from.
    virtual void truncate_suffix(index from) = 0;
    // Up to max_count entries starting at from. REQUIRES: start_index() <= from.
    virtual std::vector<entry> read(index from, std::size_t max_count) const = 0;
    // Retention: drops every entry below new_start; term_at(new_start-1) stays known, and so
    // does `base_config` (the encoded membership in effect at new_start-1), returned by
    // base_config() from then on, also after a restart.
    // REQUIRES: start_index() <= new_start <= last_index()+1.
    virtual void delete_prefix(index new_start, std::string base_config) = 0;
    // Drops the whole log; it continues at `start` with term_at(start-1) == prev_term,
    // base_config() == base_config and durable_index() == start-1 once this returns (the reset
    // is durable on return).
    virtual void reset_to(index start, fjord::term prev_term, std::string base_config) = 0;
    // The membership (encoded) in effect at start_index()-1; empty if never set (the node
    // then uses its bootstrap configuration).
    virtual std::string base_config() const = 0;

    fjord::term last_term() const { return term_at(last_index()).value_or(no_term); }
};

// Sends a message; no ordering or delivery is promised.
class transport {
public:
    virtual ~transport() = default;
    virtual void send(message m) = 0;
};

// Term and vote. save() returns only once both are durable; raft replies to nothing that
// depends on them before save() succeeded.
struct hard_state {
    fjord::term current_term = no_term;
    std::optional<node_id> voted_for;
};

class state_store {
public:
    virtual ~state_store() = default;
    virtual hard_state load() const = 0;
    virtual result<void> save(const hard_state& s) = 0;
};

// Source of randomness for election timeouts (never std::random_device: the simulator
// must be deterministic).
class random_source {
public:
    virtual ~random_source() = default;
    virtual uint64_t next_u64() = 0;
};

}  // namespace fjord::raft
