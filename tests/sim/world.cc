// The simulator engine: event queue in virtual time, network, disks, clients, faults.
// See world.h. Everything random comes from one prng seeded by options::seed.
#include "sim/world.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "base/clock.h"
#include "raft/errc.h"
#include "raft/node.h"
#include "sim/checker.h"
#include "sim/disk.h"
#include "sim/prng.h"

namespace fjord::sim {
namespace {

using std::chrono::milliseconds;
using ns = std::chrono::nanoseconds;

constexpr int64_t kTickMs = 10;

class sim_clock final : public fjord::clock {
public:
    timestamp_ms wall_ms() const override { return 1'700'000'000'000 + now_ns / 1'000'000; }
    duration monotonic() const override { return duration(now_ns); }
    int64_t now_ns = 0;
};

class node_random final : public raft::random_source {
public:
    explicit node_random(uint64_t seed) : p_(seed) {}
    uint64_t next_u64() override { return p_.next(); }

private:
    prng p_;
};

// The per-seed fault profile ("swarm testing": each seed gets its own mix).
struct profile {
    int nodes = 3;              // simulated nodes, spares included
    int members = 3;            // initial voters 1..members; members+1..nodes are spares
    uint64_t membership_pm = 0; // per-mille of a membership change (add learner / promote / remove)
    uint64_t drop_pct = 0, dup_pct = 0;
    int64_t delay_min_ms = 1, delay_max_ms = 10;
    int64_t fsync_min_ms = 1, fsync_max_ms = 10;
    uint64_t crash_pm = 0;      // per-mille per scheduler step of a crash
    uint64_t partition_pm = 0;  // per-mille of a new partition
    uint64_t transfer_pm = 0;
    uint64_t save_fail_pm = 0;  // per-mille of term/vote fsyncs that fail (EIO)
    uint64_t log_fail_pm = 0;   // per-mille of log fsyncs that fail (EIO): the node is fenced, then crashed
    uint64_t pause_pm = 0;      // per-mille of pausing a node (GC pause / SIGSTOP)
    uint64_t retention_pm = 0;  // per-mille of a node deleting a committed prefix
    int64_t propose_every_ms = 20;

    std::string describe() const {
        return fmt::format("nodes={} members={} membership={}pm drop={}% dup={}% delay={}..{}ms fsync={}..{}ms crash={}pm partition={}pm "
                           "transfer={}pm save_fail={}pm log_fail={}pm pause={}pm retention={}pm propose_every={}ms",
                           nodes, members, membership_pm, drop_pct, dup_pct, delay_min_ms, delay_max_ms, fsync_min_ms, fsync_max_ms,
                           crash_pm, partition_pm, transfer_pm, save_fail_pm, log_fail_pm, pause_pm, retention_pm,
                           propose_every_ms);
    }
};

enum class ev_kind : uint8_t { deliver, tick, fsync, restart, chaos, propose, heal, crash };

struct event {
    int64_t at_ns;
    uint64_t seq;
    ev_kind kind;
    int node = 0;             // 1-based
    uint64_t incarnation = 0; // for tick / fsync: stale after a crash
    std::unique_ptr<raft::message> msg;  // deliver only (boxed: keeps heap moves cheap)
};

struct later {
    bool operator()(const event& a, const event& b) const {
        return a.at_ns != b.at_ns ? a.at_ns > b.at_ns : a.seq > b.seq;
    }
};

struct pending_proposal {
    int node;
    uint64_t incarnation;
    fjord::term term;
    int64_t index;
    std::string payload;
};

class world;

class net_transport final : public raft::transport {
public:
    net_transport(world& w) : w_(w) {}
    void send(raft::message m) override;

private:
    world& w_;
};

class world {
public:
    explicit world(const options& opt) : opt_(opt), rng_(opt.seed) {
        prof_.nodes = rng_.chance_pct(50) ? 3 : 5;
        prof_.drop_pct = rng_.below(4) == 0 ? 0 : rng_.below(20);
        prof_.dup_pct = rng_.below(10);
        prof_.delay_min_ms = rng_.range(1, 5);
        prof_.delay_max_ms = prof_.delay_min_ms + rng_.range(0, 60);
        prof_.fsync_min_ms = rng_.range(0, 5);
        prof_.fsync_max_ms = prof_.fsync_min_ms + rng_.range(0, 80);
        prof_.crash_pm = rng_.below(4) == 0 ? 0 : rng_.range(1, 20);
        prof_.partition_pm = rng_.below(4) == 0 ? 0 : rng_.range(1, 20);
        prof_.transfer_pm = rng_.below(2) == 0 ? 0 : rng_.range(1, 5);
        prof_.propose_every_ms = rng_.range(5, 50);
        prof_.save_fail_pm = rng_.below(3) == 0 ? rng_.range(1, 100) : 0;
        prof_.pause_pm = rng_.below(3) == 0 ? rng_.range(1, 10) : 0;
        prof_.retention_pm = rng_.below(2) == 0 ? rng_.range(1, 50) : 0;
        prof_.members = prof_.nodes;
        if (rng_.below(2) == 0) {
            prof_.membership_pm = rng_.range(1, 60);
            prof_.nodes += static_cast<int>(rng_.below(3));  // spares that are not members yet
        }
        {
            // Drawn from its own stream so that every other choice of a seed stays as it was.
            prng extra(opt.seed ^ 0x6c6f675f6673796eULL);
            prof_.log_fail_pm = extra.below(4) == 0 ? static_cast<uint64_t>(extra.range(1, 10)) : 0;
        }
        const auto n = static_cast<std::size_t>(prof_.nodes);
        disks_.resize(n);
        nodes_.resize(n);
        incarnation_.assign(n, 0);
        fsync_pending_.assign(n, false);
        paused_until_.assign(n, 0);
        blocked_.assign(n, std::vector<bool>(n, false));
        for (int i = 1; i <= prof_.nodes; ++i) {
            start_node(i);
        }
    }

    outcome run() {
        outcome out;
        out.profile = prof_.describe();
        push(ms(1), ev_kind::chaos, 0);
        push(ms(prof_.propose_every_ms), ev_kind::propose, 0);
        // Fault phase.
        while (events_ < opt_.events && !check_.failed()) {
            step_one();
        }
        // Liveness phase: heal everything, restart every node, then demand progress.
        if (!check_.failed()) {
            heal_all();
            liveness();
        }
        out.ok = !check_.failed();
        out.failure = out.ok ? "" : check_.failure();
        out.trace_hash = trace_;
        out.events_run = events_;
        out.acked = check_.acked_count();
        out.committed = check_.max_committed();
        out.config_changes = config_changes_;
        out.promotions_refused = promotions_refused_;
        out.log_fsync_failures = log_fsync_failures_;
        return out;
    }

    // --- called by the transport
    void send(raft::message m) {
        const int from = m.from.value(), to = m.to.value();
        const auto* vresp = std::get_if<raft::vote_response>(&m.body);
        const auto* vreq = std::get_if<raft::vote_request>(&m.body);
        const bool pre_vote = (vresp && vresp->pre_vote) || (vreq && vreq->pre_vote);
        if (nodes_[idx(from)] && nodes_[idx(from)]->node->log_failed()) {
            check_.fail(fmt::format("node {} sent a message after its log fsync failed", from));
        }
        if (!pre_vote) {
            check_.on_send(from, m.term, disks_[idx(from)].hs, vresp && vresp->granted, to);
        }
        if (blocked_[idx(from)][idx(to)] || rng_.chance_pct(drop_pct())) {
            return;
        }
        const int copies = rng_.chance_pct(dup_pct()) ? 2 : 1;
        for (int c = 0; c < copies; ++c) {
            event e{};
            e.at_ns = clock_.now_ns + ms(rng_.range(prof_.delay_min_ms, prof_.delay_max_ms));
            e.kind = ev_kind::deliver;
            e.node = to;
            e.msg = std::make_unique<raft::message>(m);
            e.seq = seq_++;
            queue_.push_back(std::move(e));
            std::push_heap(queue_.begin(), queue_.end(), later{});
        }
    }

private:
    static int64_t ms(int64_t v) { return v * 1'000'000; }
    static std::size_t idx(int node) { return static_cast<std::size_t>(node - 1); }
    uint64_t drop_pct() const { return healed_ ? 0 : prof_.drop_pct; }
    uint64_t dup_pct() const { return healed_ ? 0 : prof_.dup_pct; }

    void push(int64_t delay_ns, ev_kind k, int node, uint64_t inc = 0) {
        event e{};
        e.at_ns = clock_.now_ns + delay_ns;
        e.seq = seq_++;
        e.kind = k;
        e.node = node;
        e.incarnation = inc;
        queue_.push_back(std::move(e));
        std::push_heap(queue_.begin(), queue_.end(), later{});
    }

    void start_node(int id) {
        const std::size_t i = idx(id);
        ++incarnation_[i];
        const uint64_t inc = incarnation_[i];
        raft::config cfg;
        cfg.self = node_id{id};
        for (int v = 1; v <= prof_.members; ++v) {
            cfg.voters.push_back(node_id{v});
        }
        cfg.election_timeout = milliseconds(150);
        cfg.heartbeat_interval = milliseconds(50);
        cfg.max_batch_entries = 16;
        cfg.max_inflight = 4;
        cfg.injected_bug = opt_.injected_bug;
        auto h = std::make_unique<harness>();
        h->log = std::make_unique<sim_log>(
            disks_[i], [this, id](int64_t index) { check_.on_append(id, disks_[idx(id)], index, next_value_); },
            [this, id, inc] { schedule_fsync(id, inc); },
            [this](int64_t i) {
                auto h = check_.committed_hash(i);
                if (!h) {
                    check_.fail(fmt::format("install_start below index {}, which never committed", i));
                }
                return h;
            });
        h->store = std::make_unique<sim_store>(
            disks_[i], [this, id](const raft::hard_state& s) { check_.on_save(id, disks_[idx(id)].hs, s); },
            [this] { return !healed_ && rng_.chance_pm(prof_.save_fail_pm); });
        h->random = std::make_unique<node_random>(rng_.next());
        h->transport = std::make_unique<net_transport>(*this);
        h->node = std::make_unique<raft::node>(cfg, *h->log, *h->transport, *h->store, clock_, *h->random);
        nodes_[i] = std::move(h);
        fsync_pending_[i] = false;
        push(ms(rng_.range(1, kTickMs)), ev_kind::tick, id, inc);
        if (disks_[i].durable < disks_[i].last()) {
            schedule_fsync(id, inc);
        }
    }

    void crash(int id) {
        const std::size_t i = idx(id);
        nodes_[i].reset();
        ++incarnation_[i];
        const disk& d = disks_[i];
        const int64_t unsynced = d.last() - std::max(std::min(d.durable, d.poisoned_from - 1), d.start - 1);
        disks_[i].crash(unsynced > 0 ? static_cast<int64_t>(rng_.below(static_cast<uint64_t>(unsynced) + 1)) : 0);
        push(ms(rng_.range(50, 1000)), ev_kind::restart, id);
    }

    void schedule_fsync(int id, uint64_t inc) {
        const std::size_t i = idx(id);
        if (fsync_pending_[i]) {
            return;
        }
        fsync_pending_[i] = true;
        push(ms(rng_.range(prof_.fsync_min_ms, prof_.fsync_max_ms)), ev_kind::fsync, id, inc);
    }

    bool alive(int id, uint64_t inc) const {
        const std::size_t i = idx(id);
        return nodes_[i] && incarnation_[i] == inc;
    }

    void step_one() {
        if (queue_.empty()) {
            check_.fail("simulator: event queue ran dry");
            return;
        }
        std::pop_heap(queue_.begin(), queue_.end(), later{});
        event e = std::move(queue_.back());
        queue_.pop_back();
        clock_.now_ns = e.at_ns;
        ++events_;
        if (e.node > 0 && paused_until_[idx(e.node)] > clock_.now_ns &&
            (e.kind == ev_kind::deliver || e.kind == ev_kind::tick || e.kind == ev_kind::fsync)) {
            // A paused node does nothing; its work waits until it resumes.
            e.at_ns = paused_until_[idx(e.node)];
            e.seq = seq_++;
            queue_.push_back(std::move(e));
            std::push_heap(queue_.begin(), queue_.end(), later{});
            return;
        }
        trace_ = mix(mix(mix(trace_, static_cast<uint64_t>(e.at_ns)), static_cast<uint64_t>(e.kind)),
                     static_cast<uint64_t>(e.node));
        switch (e.kind) {
            case ev_kind::deliver: {
                trace_ = mix(mix(trace_, e.msg->body.index()), static_cast<uint64_t>(e.msg->term.value()));
                auto& h = nodes_[idx(e.node)];
                if (opt_.trace) {
                    print_message(*e.msg, h != nullptr);
                }
                if (h) {
                    h->node->step(*e.msg);
                }
                break;
            }
            case ev_kind::tick:
                if (alive(e.node, e.incarnation)) {
                    nodes_[idx(e.node)]->node->tick();
                    push(ms(kTickMs), ev_kind::tick, e.node, e.incarnation);
                }
                break;
            case ev_kind::fsync:
                if (alive(e.node, e.incarnation)) {
                    disk& d = disks_[idx(e.node)];
                    fsync_pending_[idx(e.node)] = false;
                    raft::node& nd = *nodes_[idx(e.node)]->node;
                    if (d.durable < d.last() && !nd.log_failed()) {
                        if (prof_.log_fail_pm > 0 && !healed_ && rng_.chance_pm(prof_.log_fail_pm)) {
                            // EIO: nothing of the unsynced tail is known to be durable. The node
                            // fences itself; an operator (here: the world) restarts it later.
                            ++log_fsync_failures_;
                            d.fail_fsync();
                            nd.on_log_failed();
                            push(ms(rng_.range(10, 500)), ev_kind::crash, e.node, e.incarnation);
                        } else {
                            d.durable = d.last();
                            nd.on_log_durable();
                        }
                    }
                }
                break;
            case ev_kind::crash:
                if (!healed_ && alive(e.node, e.incarnation)) {  // heal_all restarted it already
                    crash(e.node);
                }
                break;
            case ev_kind::restart:
                if (!nodes_[idx(e.node)]) {
                    start_node(e.node);
                }
                break;
            case ev_kind::chaos:
                chaos();
                if (!healed_) {
                    push(ms(kTickMs), ev_kind::chaos, 0);
                }
                break;
            case ev_kind::propose:
                propose();
                if (!healed_) {
                    push(ms(prof_.propose_every_ms), ev_kind::propose, 0);
                }
                break;
            case ev_kind::heal:
                for (auto& row : blocked_) {
                    std::fill(row.begin(), row.end(), false);
                }
                break;
        }
        after_event();
    }

    void chaos() {
        if (healed_) {
            return;
        }
        const int n = prof_.nodes;
        if (rng_.chance_pm(prof_.crash_pm)) {
            const int id = static_cast<int>(rng_.range(1, n));
            if (nodes_[idx(id)]) {
                crash(id);
            }
        }
        if (rng_.chance_pm(prof_.partition_pm)) {
            for (auto& row : blocked_) {
                std::fill(row.begin(), row.end(), false);
            }
            const int a = static_cast<int>(rng_.range(1, n));
            const int b = static_cast<int>(rng_.range(1, n));
            switch (rng_.below(3)) {
                case 0:  // isolate a (symmetric)
                    for (int j = 1; j <= n; ++j) {
                        if (j != a) {
                            blocked_[idx(a)][idx(j)] = blocked_[idx(j)][idx(a)] = true;
                        }
                    }
                    break;
                case 1:  // one-way: a cannot reach b
                    if (a != b) {
                        blocked_[idx(a)][idx(b)] = true;
                    }
                    break;
                default:  // bridge: halves that only a talks to
                    for (int x = 1; x <= n; ++x) {
                        for (int y = 1; y <= n; ++y) {
                            if (x != a && y != a && (x % 2) != (y % 2)) {
                                blocked_[idx(x)][idx(y)] = true;
                            }
                        }
                    }
                    break;
            }
            push(ms(rng_.range(100, 2000)), ev_kind::heal, 0);
        }
        if (rng_.chance_pm(prof_.retention_pm)) {
            const int id = static_cast<int>(rng_.range(1, n));
            if (auto& h = nodes_[idx(id)]) {
                const int64_t lo = disks_[idx(id)].start, hi = h->node->commit_index().value() + 1;
                if (hi > lo) {
                    (void)h->node->delete_prefix(raft::index{rng_.range(lo, hi)});
                }
            }
        }
        if (rng_.chance_pm(prof_.pause_pm)) {
            const int id = static_cast<int>(rng_.range(1, n));
            paused_until_[idx(id)] = clock_.now_ns + ms(rng_.range(50, 1500));
        }
        if (rng_.chance_pm(prof_.membership_pm)) {
            change_membership();
        }
        if (rng_.chance_pm(prof_.transfer_pm)) {
            for (auto& h : nodes_) {
                if (h && h->node->is_leader()) {
                    (void)h->node->transfer_leadership(node_id{static_cast<int32_t>(rng_.range(1, n))});
                    break;
                }
            }
        }
    }

    // An operator asks the ready leader (if any) for one membership change.
    void change_membership() {
        raft::node* leader = nullptr;
        for (auto& h : nodes_) {
            if (h && h->node->is_ready()) {
                leader = h->node.get();
                break;
            }
        }
        if (!leader) {
            return;
        }
        const raft::membership& c = leader->configuration();
        std::vector<node_id> outside;
        for (int id = 1; id <= prof_.nodes; ++id) {
            if (!c.is_member(node_id{id})) {
                outside.push_back(node_id{id});
            }
        }
        const auto pick = [this](const std::vector<node_id>& v) { return v[rng_.below(v.size())]; };
        result<raft::index> r = raft::errc::not_a_member;
        switch (rng_.below(5)) {
            case 0:
            case 1:
                if (!outside.empty()) {
                    r = leader->add_learner(pick(outside));
                }
                break;
            case 2:
                if (!c.learners.empty()) {
                    r = leader->promote_learner(pick(c.learners));
                    promotions_refused_ += r.error() == raft::errc::not_caught_up ? 1 : 0;
                }
                break;
            case 3:
                if (c.voters.size() > 2) {
                    r = leader->remove_member(pick(c.voters));
                } else if (!c.learners.empty()) {
                    r = leader->remove_member(pick(c.learners));
                }
                break;
            default:
                if (!outside.empty()) {
                    r = leader->add_voter(pick(outside));  // straight to voter (no catch-up)
                }
                break;
        }
        config_changes_ += r ? 1 : 0;
    }

    // A client sends a unique value to a node it believes is the leader (or any node).
    void propose() {
        if (healed_) {
            return;  // the liveness phase makes its own single proposal
        }
        std::vector<int> leaders;
        for (int id = 1; id <= prof_.nodes; ++id) {
            if (nodes_[idx(id)] && nodes_[idx(id)]->node->is_leader()) {
                leaders.push_back(id);
            }
        }
        const int id = !leaders.empty() && rng_.chance_pct(90)
                           ? leaders[rng_.below(leaders.size())]
                           : static_cast<int>(rng_.range(1, prof_.nodes));
        auto& h = nodes_[idx(id)];
        if (!h) {
            return;
        }
        const uint64_t value = next_value_++;
        auto r = h->node->propose(std::to_string(value));
        if (r) {
            pending_.push_back({id, incarnation_[idx(id)], h->node->current_term(), r->value(), std::to_string(value)});
        }
    }

    void print_message(const raft::message& m, bool delivered) const {
        std::string what;
        if (const auto* a = std::get_if<raft::append_request>(&m.body)) {
            what = fmt::format("append prev={}/{} n={} commit={}", a->prev_index, a->prev_term, a->entries.size(),
                               a->leader_commit);
        } else if (const auto* r = std::get_if<raft::append_response>(&m.body)) {
            what = fmt::format("append_resp ok={} match={} conflict={}/{}", r->success, r->match, r->conflict_index,
                               r->conflict_term);
        } else if (const auto* v = std::get_if<raft::vote_request>(&m.body)) {
            what = fmt::format("vote pre={} last={}/{}", v->pre_vote, v->last_index, v->last_term);
        } else if (const auto* vr = std::get_if<raft::vote_response>(&m.body)) {
            what = fmt::format("vote_resp pre={} granted={}", vr->pre_vote, vr->granted);
        } else if (const auto* in = std::get_if<raft::install_start>(&m.body)) {
            what = fmt::format("install_start start={} prev_term={} commit={}", in->start, in->prev_term,
                               in->leader_commit);
        } else {
            what = "timeout_now";
        }
        fmt::print("{:>10} {}->{} t{} {}{}\n", clock_.now_ns / 1000, m.from, m.to, m.term, what,
                   delivered ? "" : " (dead)");
    }

    void print_states() {
        for (int id = 1; id <= prof_.nodes; ++id) {
            auto& h = nodes_[idx(id)];
            const disk& d = disks_[idx(id)];
            const std::string st = h ? fmt::format("role={} t{} commit={} last={} durable={} ready={}",
                                                   static_cast<int>(h->node->current_role()), h->node->current_term(),
                                                   h->node->commit_index(), d.last(), d.durable, h->node->is_ready())
                                     : fmt::format("DOWN last={} durable={}", d.last(), d.durable);
            if (st != last_state_[idx(id)]) {
                fmt::print("{:>10}   node {}: {}\n", clock_.now_ns / 1000, id, st);
                last_state_[idx(id)] = st;
            }
        }
    }

    void after_event() {
        if (opt_.trace) {
            last_state_.resize(static_cast<std::size_t>(prof_.nodes));
            print_states();
        }
        for (int id = 1; id <= prof_.nodes && !check_.failed(); ++id) {
            if (auto& h = nodes_[idx(id)]) {
                check_.check_node(id, *h->node, disks_[idx(id)], incarnation_[idx(id)]);
            }
        }
        // Acks: the proposing leader, still leader of the same term and ready, committed it.
        for (auto it = pending_.begin(); it != pending_.end() && !check_.failed();) {
            const std::size_t i = idx(it->node);
            auto& h = nodes_[i];
            if (!h || incarnation_[i] != it->incarnation || h->node->current_term() != it->term ||
                !h->node->is_leader()) {
                it = pending_.erase(it);  // outcome unknown to the client: never acked
                continue;
            }
            if (h->node->is_ready() && h->node->commit_index().value() >= it->index) {
                if (opt_.trace) {
                    fmt::print("{:>10}   ack {} at {} by node {}\n", clock_.now_ns / 1000, it->payload, it->index,
                               it->node);
                }
                check_.on_ack({it->index, it->term, it->payload}, disks_, h->node->configuration().voters);
                it = pending_.erase(it);
                continue;
            }
            ++it;
        }
    }

    void heal_all() {
        if (opt_.trace) {
            fmt::print("{:>10}   HEAL\n", clock_.now_ns / 1000);
        }
        healed_ = true;
        std::fill(paused_until_.begin(), paused_until_.end(), 0);
        for (auto& row : blocked_) {
            std::fill(row.begin(), row.end(), false);
        }
        for (int id = 1; id <= prof_.nodes; ++id) {
            if (nodes_[idx(id)] && disks_[idx(id)].poisoned_from != INT64_MAX) {
                crash(id);  // a log fsync failed (the node is fenced): restart it now
            }
            if (!nodes_[idx(id)]) {
                start_node(id);
            }
        }
    }

    void liveness() {
        // A ready leader within 20 election timeouts, then a new proposal commits everywhere.
        const int64_t deadline = clock_.now_ns + ms(20 * 300);
        int leader = 0;
        fjord::term leader_term{};
        int64_t final_index = -1;
        std::string final_payload;
        while (!check_.failed() && clock_.now_ns < deadline) {
            step_one();
            if (final_index < 0) {
                for (int id = 1; id <= prof_.nodes; ++id) {
                    auto& h = nodes_[idx(id)];
                    if (h && h->node->is_ready()) {
                        const uint64_t value = next_value_++;
                        auto r = h->node->propose(std::to_string(value));
                        if (r) {
                            leader = id;
                            leader_term = h->node->current_term();
                            final_index = r->value();
                            final_payload = std::to_string(value);
                        }
                        break;
                    }
                }
            } else if (!nodes_[idx(leader)]->node->is_leader() ||
                       nodes_[idx(leader)]->node->current_term() != leader_term) {
                final_index = -1;  // lost leadership before committing: propose again
            } else {
                bool all = true;
                const raft::membership members = nodes_[idx(leader)]->node->configuration();
                for (int id = 1; id <= prof_.nodes; ++id) {
                    if (!members.is_member(node_id{id})) {
                        continue;
                    }
                    const disk& d = disks_[idx(id)];
                    all = all && nodes_[idx(id)]->node->commit_index().value() >= final_index &&
                          d.holds(final_index) && d.at(final_index).payload == final_payload;
                }
                if (all) {
                    std::vector<const raft::node*> ns;
                    for (int id = 1; id <= prof_.nodes; ++id) {
                        ns.push_back(members.is_member(node_id{id}) ? nodes_[idx(id)]->node.get() : nullptr);
                    }
                    check_.check_final(ns, disks_);
                    return;
                }
            }
        }
        if (!check_.failed()) {
            check_.fail(final_index < 0 ? "liveness: no ready leader within 20 election timeouts after heal"
                                        : fmt::format("liveness: proposal at {} by node {} did not commit on every "
                                                      "node after heal",
                                                      final_index, leader));
        }
    }

    struct harness {
        std::unique_ptr<sim_log> log;
        std::unique_ptr<sim_store> store;
        std::unique_ptr<node_random> random;
        std::unique_ptr<net_transport> transport;
        std::unique_ptr<raft::node> node;
    };

    options opt_;
    prng rng_;
    profile prof_;
    sim_clock clock_;
    checker check_;
    std::vector<disk> disks_;
    std::vector<std::unique_ptr<harness>> nodes_;
    std::vector<uint64_t> incarnation_;
    std::vector<bool> fsync_pending_;
    std::vector<int64_t> paused_until_;
    std::vector<std::vector<bool>> blocked_;
    std::vector<event> queue_;
    std::vector<pending_proposal> pending_;
    uint64_t seq_ = 0;
    uint64_t events_ = 0;
    uint64_t trace_ = 0xcbf29ce484222325ULL;
    uint64_t next_value_ = 0;
    bool healed_ = false;
    uint64_t config_changes_ = 0;
    uint64_t promotions_refused_ = 0;
    uint64_t log_fsync_failures_ = 0;
    std::vector<std::string> last_state_;
};

void net_transport::send(raft::message m) { w_.send(std::move(m)); }

}  // namespace

outcome run(const options& opt) {
    world w(opt);
    return w.run();
}

std::string repro_command(const options& opt) {
    return fmt::format("./tests/sim/sim_runner --seed {} --events {} --bug {}", opt.seed, opt.events,
                       raft::to_string(opt.injected_bug));
}

}  // namespace fjord::sim
