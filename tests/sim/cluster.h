// A scripted cluster for scenario tests: the same raft::node, disks and checker as the
// randomized world, but faults happen only when the script says so. Time advances in 1 ms
// steps; messages take 1..5 ms, fsync takes fsync_ms, nodes tick every 10 ms. The checker
// runs after every step; a scenario also asserts `ok()` at the end.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "raft/node.h"
#include "sim/checker.h"
#include "sim/disk.h"
#include "sim/prng.h"

namespace fjord::sim {

class cluster {
public:
    using ms = std::chrono::milliseconds;

    struct tuning {
        raft::bug injected_bug = raft::bug::none;
        std::size_t max_batch_entries = 64;
        std::size_t max_inflight = 4;
        int voters = 0;  // bootstrap voters 1..voters (0: all n); the others are spare nodes
        int64_t promote_max_lag = 16;
    };

    explicit cluster(int n, uint64_t seed = 1, int64_t fsync_ms = 2) : cluster(n, seed, fsync_ms, tuning{}) {}
    cluster(int n, uint64_t seed, int64_t fsync_ms, tuning t) : rng_(seed), n_(n), fsync_ms_(fsync_ms), tuning_(t) {
        disks_.resize(static_cast<std::size_t>(n));
        slots_.resize(static_cast<std::size_t>(n));
        for (int id = 1; id <= n; ++id) {
            restart(id);
        }
    }

    // --- the script's verbs
    void run_for(ms d) {
        for (int64_t i = 0; i < d.count() && !check_.failed(); ++i) {
            step_1ms();
        }
    }
    // Runs until some node is a ready leader; returns its id, or 0 after `max`.
    int run_until_leader(ms max = ms(5000)) {
        for (int64_t i = 0; i < max.count() && !check_.failed(); ++i) {
            if (int l = leader()) {
                return l;
            }
            step_1ms();
        }
        return leader();
    }
    // Runs until every live node has committed `index`; false after `max`.
    bool run_until_committed(raft::index index, ms max = ms(5000)) {
        for (int64_t i = 0; i < max.count() && !check_.failed(); ++i) {
            if (committed_on_all_live(index)) {
                return true;
            }
            step_1ms();
        }
        return committed_on_all_live(index);
    }
    // Runs until some node is leader, ready or not; returns its id, or 0 after `max`.
    int run_until_elected(ms max = ms(5000)) {
        for (int64_t i = 0; i < max.count() && !check_.failed(); ++i) {
            for (int id = 1; id <= n_; ++id) {
                if (const auto* s = slot(id); s && s->node->is_leader()) {
                    return id;
                }
            }
            step_1ms();
        }
        return 0;
    }
    // Runs until `pred()` holds; false after `max`.
    template<typename Pred>
    bool run_until(Pred pred, ms max = ms(5000)) {
        for (int64_t i = 0; i < max.count() && !check_.failed(); ++i) {
            if (pred()) {
                return true;
            }
            step_1ms();
        }
        return pred();
    }
    // Runs until node `id` (live) has committed `index`; false after `max`.
    bool run_until_committed_on(std::vector<int> ids, raft::index index, ms max = ms(5000)) {
        return run_until(
            [&] {
                for (int id : ids) {
                    if (!slot(id) || slot(id)->node->commit_index() < index) {
                        return false;
                    }
                }
                return true;
            },
            max);
    }
    // Messages already sent by `id` are lost (e.g. it crashed before they left the host).
    void drop_outbox(int id) {
        std::erase_if(inflight_, [id](const auto& p) { return p.second.from.value() == id; });
    }
    int leader() const {
        for (int id = 1; id <= n_; ++id) {
            if (const auto* s = slot(id); s && s->node->is_ready()) {
                return id;
            }
        }
        return 0;
    }
    result<raft::index> propose(int id, std::string value) {
        return slot(id)->node->propose(std::move(value));
    }
    // Crash: lose every unsynced entry but `keep_unsynced` (a torn write that reached disk).
    void crash(int id, int64_t keep_unsynced = 0) {
        auto& s = slots_[idx(id)];
        s.reset();
        disk& d = disks_[idx(id)];
        d.crash(keep_unsynced);
        fail_fsync_[idx(id)] = false;
    }
    // The next log fsync of `id` (with something to sync) fails with EIO: the durable index
    // stays where it was and the node is told (raft::node::on_log_failed); it stays fenced,
    // its disk syncing nothing more, until crash() + restart().
    void fail_next_fsync(int id) { fail_fsync_[idx(id)] = true; }
    void restart(int id) {
        auto s = std::make_unique<slot_t>();
        disk& d = disks_[idx(id)];
        s->log = std::make_unique<sim_log>(
            d, [this, id](int64_t i) { check_.on_append(id, disks_[idx(id)], i, UINT64_MAX); },
            [this, id] { fsync_at_[idx(id)] = now_ms_ + fsync_ms_; },
            [this](int64_t i) { return check_.committed_hash(i); });
        s->store = std::make_unique<sim_store>(d, [this, id](const raft::hard_state& h) {
            check_.on_save(id, disks_[idx(id)].hs, h);
        });
        s->random = std::make_unique<rnd>(rng_.next());
        s->transport = std::make_unique<tr>(*this);
        raft::config cfg;
        cfg.self = node_id{id};
        for (int v = 1; v <= (tuning_.voters > 0 ? tuning_.voters : n_); ++v) {
            cfg.voters.push_back(node_id{v});
        }
        cfg.promote_max_lag = tuning_.promote_max_lag;
        cfg.injected_bug = tuning_.injected_bug;
        cfg.max_batch_entries = tuning_.max_batch_entries;
        cfg.max_inflight = tuning_.max_inflight;
        s->node = std::make_unique<raft::node>(cfg, *s->log, *s->transport, *s->store, clock_, *s->random);
        slots_[idx(id)] = std::move(s);
        ++incarnation_[idx(id)];
    }
    // Cuts every link to and from `id`.
    void isolate(int id) {
        for (int j = 1; j <= n_; ++j) {
            if (j != id) {
                cut_.insert({id, j});
                cut_.insert({j, id});
            }
        }
    }
    void cut_one_way(int from, int to) { cut_.insert({from, to}); }
    void heal() { cut_.clear(); }
    // Every `period`, links flip between cut and healed for `id`.
    void flap(int id, ms period, ms total) {
        for (int64_t t = 0; t < total.count(); t += period.count()) {
            if ((t / period.count()) % 2 == 0) {
                isolate(id);
            } else {
                heal();
            }
            run_for(period);
        }
        heal();
    }
    raft::node& node(int id) { return *slot(id)->node; }
    bool alive(int id) const { return slot(id) != nullptr; }
    const disk& disk_of(int id) const { return disks_[idx(id)]; }
    bool ok() const { return !check_.failed(); }
    checker& invariants() { return check_; }
    std::string failure() const { return check_.failed() ? check_.failure() : ""; }

private:
    struct rnd final : raft::random_source {
        explicit rnd(uint64_t s) : p(s) {}
        uint64_t next_u64() override { return p.next(); }
        prng p;
    };
    struct tr final : raft::transport {
        explicit tr(cluster& c) : c(c) {}
        void send(raft::message m) override { c.send(std::move(m)); }
        cluster& c;
    };
    struct slot_t {
        std::unique_ptr<sim_log> log;
        std::unique_ptr<sim_store> store;
        std::unique_ptr<rnd> random;
        std::unique_ptr<tr> transport;
        std::unique_ptr<raft::node> node;
    };
    struct sclock final : fjord::clock {
        timestamp_ms wall_ms() const override { return now_ms; }
        duration monotonic() const override { return std::chrono::milliseconds(now_ms); }
        int64_t now_ms = 0;
    };

    static std::size_t idx(int id) { return static_cast<std::size_t>(id - 1); }
    slot_t* slot(int id) const { return slots_[idx(id)].get(); }

    void send(raft::message m) {
        const auto* vresp = std::get_if<raft::vote_response>(&m.body);
        const auto* vreq = std::get_if<raft::vote_request>(&m.body);
        if (!((vresp && vresp->pre_vote) || (vreq && vreq->pre_vote))) {
            check_.on_send(m.from.value(), m.term, disks_[idx(m.from.value())].hs, vresp && vresp->granted,
                           m.to.value());
        }
        if (cut_.contains({m.from.value(), m.to.value()})) {
            return;
        }
        inflight_.emplace_back(now_ms_ + rng_.range(1, 5), std::move(m));
    }

    bool committed_on_all_live(raft::index index) const {
        for (int id = 1; id <= n_; ++id) {
            if (const auto* s = slot(id); s && s->node->commit_index() < index) {
                return false;
            }
        }
        return true;
    }

    void step_1ms() {
        ++now_ms_;
        clock_.now_ms = now_ms_;
        std::vector<raft::message> due;
        for (auto it = inflight_.begin(); it != inflight_.end();) {
            if (it->first <= now_ms_) {
                due.push_back(std::move(it->second));
                it = inflight_.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& m : due) {
            if (auto* s = slot(m.to.value())) {
                s->node->step(m);
            }
        }
        for (int id = 1; id <= n_; ++id) {
            auto* s = slot(id);
            if (!s) {
                continue;
            }
            disk& d = disks_[idx(id)];
            if (fsync_at_[idx(id)] >= 0 && fsync_at_[idx(id)] <= now_ms_) {
                fsync_at_[idx(id)] = -1;
                if (d.durable < d.last() && !s->node->log_failed()) {
                    if (fail_fsync_[idx(id)]) {
                        fail_fsync_[idx(id)] = false;
                        d.fail_fsync();
                        s->node->on_log_failed();
                    } else {
                        d.durable = d.last();
                        s->node->on_log_durable();
                    }
                }
            }
            if (now_ms_ % 10 == id % 10) {
                s->node->tick();
            }
        }
        for (int id = 1; id <= n_ && !check_.failed(); ++id) {
            if (auto* s = slot(id)) {
                check_.check_node(id, *s->node, disks_[idx(id)], incarnation_[idx(id)]);
            }
        }
    }

    prng rng_;
    int n_;
    int64_t fsync_ms_;
    tuning tuning_;
    int64_t now_ms_ = 0;
    sclock clock_;
    checker check_;
    std::vector<disk> disks_;
    std::vector<std::unique_ptr<slot_t>> slots_;
    std::vector<int64_t> fsync_at_ = std::vector<int64_t>(16, -1);
    std::vector<uint64_t> incarnation_ = std::vector<uint64_t>(16, 0);
    std::vector<bool> fail_fsync_ = std::vector<bool>(16, false);
    std::set<std::pair<int, int>> cut_;
    std::vector<std::pair<int64_t, raft::message>> inflight_;
};

}  // namespace fjord::sim
