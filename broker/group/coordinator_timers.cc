// coordinator_timers: the coordinator's clock-driven duties, on its timer thread — group
// deadlines (session, join, sync, pending-member; classic_group::advance) as they fall
// due, and every offsets.retention.check.interval.ms the expiry of offsets of Empty groups
// (offsets.retention.minutes), writing tombstones for what expires.
#include <algorithm>

#include "group/coordinator_state.h"

namespace fjord::group {

namespace {

// The timer thread wakes at least this often, so a deadline can never be missed for long
// even if a notification is.
constexpr std::chrono::milliseconds max_sleep{1000};

}  // namespace

void coordinator::impl::timer_loop() {
    std::unique_lock l(mu);
    while (!stopping) {
        run_timers_locked();
        auto now = clock.monotonic();
        auto next = std::min(next_expiry_check, now + std::chrono::duration_cast<fjord::clock::duration>(max_sleep));
        for (const auto& [id, e] : groups) {
            if (auto d = e.group.next_deadline()) {
                next = std::min(next, *d);
            }
        }
        // Always give the lock up between passes, even when a deadline is already due:
        // the shards' group requests wait on it.
        wake.wait_for(l, std::max<fjord::clock::duration>(next - now, std::chrono::milliseconds(1)));
    }
}

void coordinator::impl::run_timers_locked() {
    auto now = clock.monotonic();
    for (auto& [id, e] : groups) {
        if (auto d = e.group.next_deadline(); d && *d <= now) {
            e.group.advance();
            persist_if_requested_locked(e);
        }
    }
    if (now >= next_expiry_check) {
        expire_offsets_locked();
        next_expiry_check = now + config.offsets_retention_check_interval;
    }
}

void coordinator::impl::expire_offsets_locked() {
    auto now = clock.wall_ms();
    auto retention = std::chrono::duration_cast<std::chrono::milliseconds>(config.offsets_retention).count();
    for (auto it = groups.begin(); it != groups.end();) {
        auto& [id, e] = *it;
        if (e.group.state() != group_state::empty || e.group.has_members() || inflight_commits_by_group.contains(id)) {
            ++it;
            continue;
        }
        // Counted from the later of the group becoming Empty and the offset's commit.
        std::vector<offset_slot> expired;
        for (const auto& [slot, stored] : e.offsets) {
            if (std::max(e.group.current_state_timestamp(), stored.value.commit_timestamp) + retention <= now) {
                expired.push_back(slot);
            }
        }
        const bool remove_group = expired.size() == e.offsets.size();
        if (expired.empty() && !remove_group) {
            ++it;
            continue;
        }
        // Memory changes only once the tombstones are in the log; a failed append is
        // retried at the next check.
        if (auto r = delete_locked(id, expired, remove_group, 1); !r) {
            logger->warn("group {}: cannot record expired offsets: {}", id, r.error().message());
            ++it;
            continue;
        }
        logger->info("group {}: {} offsets expired{}", id, expired.size(), remove_group ? "; group removed" : "");
        if (remove_group) {
            e.group.mark_dead();
            it = groups.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace fjord::group
