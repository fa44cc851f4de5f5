// The deterministic simulator: one seed drives a cluster of raft::nodes over a simulated
// network, disks and clock, with faults (drop, duplicate, reorder, delay, node pause, partitions
// symmetric / one-way / bridge, crash + restart with loss of unsynced writes, slow fsync,
// leadership transfers, failed term/vote fsyncs, failed log fsyncs (the node fences itself and
// is crashed + restarted later), retention deleting committed prefixes, membership changes
// with spare nodes), and the checker runs after every event. Then the
// faults heal and a liveness phase must elect a ready leader and commit a new proposal on
// every member.
#pragma once

#include <cstdint>
#include <string>

#include "raft/bug.h"

namespace fjord::sim {

struct options {
    uint64_t seed = 1;
    uint64_t events = 10'000;   // events of the fault phase
    raft::bug injected_bug = raft::bug::none;
    bool trace = false;         // print every event (debugging)
};

struct outcome {
    bool ok = true;
    std::string failure;        // first violated invariant
    uint64_t trace_hash = 0;    // hash of every event: same seed => same hash
    std::string profile;        // the derived fault profile, printed on failure
    uint64_t events_run = 0;
    uint64_t acked = 0;
    int64_t committed = -1;
    uint64_t config_changes = 0;  // membership changes a leader accepted (add / promote / remove)
    uint64_t promotions_refused = 0;  // promote_learner refused: learner not caught up
    uint64_t log_fsync_failures = 0;  // log fsyncs that failed (each fences its node until restart)
};

outcome run(const options& opt);

// One line that reproduces a run, e.g. for a failure message.
std::string repro_command(const options& opt);

}  // namespace fjord::sim
