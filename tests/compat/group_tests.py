#!/usr/bin/python3
"""Consumer-group compatibility tests: real group members (librdkafka through
confluent-kafka-python 1.7.0, kafka-python 2.0.2, kafkajs 2.2.4) against real
fjord-broker processes on loopback.

    group_tests.py --broker PATH [--fjord PATH] TEST_NAME

Group members run as separate processes (group_member.py, kafkajs/group_member.js) that
report what happens to them as JSON lines: assignments and revocations with monotonic
timestamps, every record consumed, every commit. The tests decide from those reports.
Every member process is killed in a `finally`, pass or fail. README.md in this directory
says what each test proves.
"""
import collections
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

from harness import Broker, HarnessError, check, main
from kafka_client_wire import Conn, WireError  # tests/integration; puts tests/data/capture on sys.path
from kafka_wire import ProtocolError, array, i16, i32, i64, nullable_bytes, nullable_string, string

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client_tests import create_topic  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
KAFKAJS_DIR = os.path.join(HERE, "kafkajs")

# Small timeouts keep each test short. group.initial.rebalance.delay.ms is not 0, so the
# delayed first rebalance of a new group is exercised too.
GROUP_PROPS = {
    "group.initial.rebalance.delay.ms": "500",
    "group.min.session.timeout.ms": "1000",
    "group.max.session.timeout.ms": "60000",
    "offsets.topic.num.partitions": "4",
}


# ---------------------------------------------------------------------------------------
# Member processes

class Member:
    """One group-member process. Its stdout JSON events are collected by a thread."""

    def __init__(self, name, argv, workdir):
        self.name = name
        self.argv = argv
        self.err_path = os.path.join(workdir, f"member-{name}.stderr")
        self._err = open(self.err_path, "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
                                     text=True, bufsize=1)
        self.events = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"ev": "noise", "line": line, "t": time.monotonic()}
            with self.lock:
                self.events.append(ev)

    def snapshot(self, kinds=None):
        with self.lock:
            return [e for e in self.events if kinds is None or e["ev"] in kinds]

    def assignment(self):
        """The partitions the member holds according to its last assignment event."""
        evs = self.snapshot(("assigned", "revoked", "lost"))
        return tuple(evs[-1]["now"]) if evs else None

    def records(self):
        return [(e["p"], e["o"], e["k"], e["v"]) for e in self.snapshot(("rec",))]

    def committed(self):
        """{partition: highest next-offset this member committed successfully}."""
        out = {}
        for e in self.snapshot(("commit",)):
            for p, o in e["offsets"].items():
                out[int(p)] = max(out.get(int(p), 0), o)
        return out

    def alive(self):
        return self.proc.poll() is None

    def problems(self):
        """Errors the member reported (member crash, consumer errors, failed commits)."""
        return [e for e in self.snapshot(("error", "commit_error", "noise"))]

    def diag(self, n=25):
        evs = [e for e in self.snapshot() if e["ev"] != "rec"]
        try:
            with open(self.err_path, "rb") as f:
                err = f.read().decode("utf-8", "replace")[-3000:]
        except OSError:
            err = ""
        return (f"--- member {self.name} (alive={self.alive()}, exit={self.proc.returncode}) last events:\n"
                + "\n".join(json.dumps(e) for e in evs[-n:]) + f"\n--- member {self.name} stderr tail:\n{err}")

    def ask_close(self):
        """Asks for a clean close (commit already done per batch; LeaveGroup), without waiting."""
        try:
            self.proc.stdin.write("close\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def close(self, timeout=45, asked=False):
        """Asks for a clean close (unless `asked` already) and waits for it."""
        if not asked:
            self.ask_close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise HarnessError(f"member {self.name} did not close within {timeout}s\n{self.diag()}")
        self.reader.join(5)
        check(self.proc.returncode == 0 and self.snapshot(("closed",)),
              f"member {self.name} exited {self.proc.returncode} without a clean close\n{self.diag()}")

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(5)

    def cleanup(self):
        if self.alive():
            self.proc.kill()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self._err):
            try:
                f.close()
            except OSError:
                pass


class Members:
    """Starts member processes; every one of them is killed when the block ends."""

    def __init__(self, broker, topic, group):
        self.broker, self.topic, self.group = broker, topic, group
        self.all = []

    def start(self, name, client="ck", **cfg):
        conf = {"client": client, "bootstrap": self.broker.bootstrap, "topic": self.topic, "group": self.group}
        conf.update(cfg)
        if client == "kafkajs":
            argv = ["node", os.path.join(KAFKAJS_DIR, "group_member.js"), json.dumps(conf)]
        else:
            argv = [PY, os.path.join(HERE, "group_member.py"), json.dumps(conf)]
        m = Member(name, argv, self.broker.dir)
        self.all.append(m)
        return m

    def diag(self):
        return "\n".join(m.diag() for m in self.all)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for m in self.all:
            m.cleanup()
        if exc[0] is not None and not isinstance(exc[1], HarnessError):
            print(self.diag())
        return False


def close_all(ms, timeout=45):
    """Asks every member to close at once (so the group does not rebalance once per
    leaver), then waits for each."""
    for m in ms:
        m.ask_close()
    for m in ms:
        m.close(timeout, asked=True)


def wait_until(cond, timeout, what, diag=lambda: ""):
    """Polls cond() until it returns a true value (returned) or `timeout` s pass."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise HarnessError(f"timed out after {timeout}s waiting for {what}\n{diag()}")
        time.sleep(0.1)


def check_no_problems(members, ms, what):
    for m in ms:
        probs = m.problems()
        check(not probs, f"{what}: member {m.name} reported {probs[:5]}\n{members.diag()}")


def wait_balanced(members, ms, partitions, per_member, timeout=60, settle=1.5):
    """Waits until the members' assignments are disjoint, cover range(partitions), each
    holds exactly per_member partitions, and nothing changes for `settle` s. Returns
    {name: partitions}."""
    def balanced():
        asg = {m.name: m.assignment() for m in ms}
        if any(a is None or len(a) != per_member for a in asg.values()):
            return None
        flat = sorted(p for a in asg.values() for p in a)
        return asg if flat == list(range(partitions)) else None

    def stable():
        for m in ms:
            check(m.alive(), f"member {m.name} exited ({m.proc.returncode}) while waiting for the group\n"
                             f"{members.diag()}")
        a = balanced()
        if not a:
            return None
        n_events = [len(m.snapshot(("assigned", "revoked", "lost"))) for m in ms]
        time.sleep(settle)
        if balanced() == a and n_events == [len(m.snapshot(("assigned", "revoked", "lost"))) for m in ms]:
            return a
        return None

    return wait_until(stable, timeout,
                      f"{len(ms)} members holding {per_member} of {partitions} partitions each",
                      lambda: "assignments: " + repr({m.name: m.assignment() for m in ms}) + "\n" + members.diag())


def produce_keyed(bootstrap, topic, tag, n):
    """n keyed records through confluent-kafka (acks=all, librdkafka's default CRC32
    partitioner). Returns the acknowledged {(partition, offset): (key, value)}."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                  "linger.ms": 5, "message.timeout.ms": 30000})
    acked, errors = {}, []

    def cb(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            acked[(msg.partition(), msg.offset())] = (msg.key().decode(), msg.value().decode())

    for i in range(n):
        p.produce(topic, key=f"{tag}-key-{i}".encode(), value=f"{tag}-value-{i}".encode(), on_delivery=cb)
        p.poll(0)
    left = p.flush(40)
    check(not errors and left == 0 and len(acked) == n,
          f"producing {n} records to {topic}: {len(acked)} acked, {left} undelivered, errors {errors[:3]}")
    return acked


def check_exactly_once(what, members, ms, want, timeout=60, quiet=2.0):
    """Waits until the members together consumed every (partition, offset) of `want`
    ({(p, o): (key, value)}), waits `quiet` s more for stragglers, then checks: each
    exactly once across the members, with the produced key and value, nothing else."""
    def seen_all():
        have = set()
        for m in ms:
            have.update((p, o) for p, o, _, _ in m.records())
        return want.keys() <= have

    def short():
        have = collections.Counter((p, o) for m in ms for p, o, _, _ in m.records())
        missing = sorted(k for k in want if k not in have)
        return f"{len(missing)} of {len(want)} records not consumed, first {missing[:10]}\n{members.diag()}"
    wait_until(seen_all, timeout, f"{what}: all {len(want)} records consumed", short)
    time.sleep(quiet)
    who = collections.defaultdict(list)
    for m in ms:
        for p, o, k, v in m.records():
            who[(p, o)].append((m.name, k, v))
    dups = {po: w for po, w in who.items() if len(w) > 1}
    check(not dups, f"{what}: {len(dups)} records consumed more than once, e.g. "
                    f"{sorted(dups.items())[:5]}\n{members.diag()}")
    extra = sorted(po for po in who if po not in want)
    check(not extra, f"{what}: {len(extra)} records consumed that were not expected, e.g. "
                     f"{[(po, who[po]) for po in extra[:10]]}")
    wrong = [(po, want[po], who[po][0][1:]) for po in want if who[po][0][1:] != want[po]]
    check(not wrong, f"{what}: key/value differ from what was produced at {wrong[:5]}")


def wait_committed(members, ms, want, timeout=30):
    """Waits until the members' successful commits reach the end of every partition
    in `want` (next offset = last consumed + 1)."""
    end = end_offsets(want)

    def done():
        got = {}
        for m in ms:
            for p, o in m.committed().items():
                got[p] = max(got.get(p, 0), o)
        return all(got.get(p, 0) >= e for p, e in end.items())
    wait_until(done, timeout, f"commits up to the end offsets {end}", members.diag)
    return end


def end_offsets(acked):
    end = {}
    for p, o in acked:
        end[p] = max(end.get(p, 0), o + 1)
    return end


# ---------------------------------------------------------------------------------------
# 1-3. Exactly once across a group, commits honoured on restart

def check_shape(asg, shape, n_members, partitions):
    """The assignment has the shape of the assignor the group was meant to run (so the
    protocol the broker chose and handed to the leader is the right one): "range" gives
    each member one contiguous block, "roundrobin" every n-th partition."""
    for name, a in asg.items():
        a = list(a)
        if shape == "range":
            ok = a == list(range(a[0], a[0] + len(a)))
        elif shape == "roundrobin":
            ok = a == list(range(a[0], partitions, n_members))
        else:
            ok = True
        check(ok, f"member {name} holds {a}: not what the {shape} assignor gives ({asg})")


def group_round_trip(tools, client, n_members, partitions, topic, group, shape=None, n_first=600, n_second=240,
                     overrides=None, **member_cfg):
    """n_members members of `client` share `partitions` partitions evenly (in the
    `shape` of their assignor); records produced afterwards are consumed exactly once
    across the group and committed; all members close; more records are produced; one new
    member of the same group consumes exactly the new ones (the group's commits are
    honoured)."""
    per = partitions // n_members
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        create_topic(b.bootstrap, topic, partitions)
        with Members(b, topic, group) as members:
            names = [chr(ord("A") + i) for i in range(n_members)]
            ms = [members.start(n, client, **{**member_cfg, **(overrides or {}).get(n, {})}) for n in names]
            asg = wait_balanced(members, ms, partitions, per)
            print(f"{client} {member_cfg or ''}: group balanced: {asg}")
            check_shape(asg, shape, n_members, partitions)
            first = produce_keyed(b.bootstrap, topic, "first", n_first)
            print(f"produced {len(first)} records; end offsets {end_offsets(first)}")
            check_exactly_once("first round", members, ms, first)
            # Each member consumed only from the partitions it held.
            for m in ms:
                foreign = sorted({p for p, _, _, _ in m.records()} - set(asg[m.name]))
                check(not foreign, f"member {m.name} consumed from {foreign}, not in its assignment {asg[m.name]}")
            wait_committed(members, ms, first)
            check_no_problems(members, ms, "first round")
            close_all(ms)
            got = ck_committed(b.bootstrap, group, topic, range(partitions))
            want = {p: end_offsets(first).get(p, -1001) for p in range(partitions)}
            check(got == want, f"committed offsets of {group} after the members closed: {got}, want {want}")
            second = produce_keyed(b.bootstrap, topic, "second", n_second)
            check(not (second.keys() & first.keys()), "produce reused offsets")
            z = members.start("Z", client, **member_cfg)
            wait_balanced(members, [z], partitions, partitions)
            check_exactly_once("after restart (committed offsets honoured)", members, [z], second, quiet=3.0)
            wait_committed(members, [z], second)
            check_no_problems(members, [z], "after restart")
            z.close()
            print(f"restarted member consumed exactly the {len(second)} new records")
        check(b.stop() == 0, "unclean broker stop")


def librdkafka_range(tools):
    group_round_trip(tools, "ck", 3, 6, "grp-range", "g-range", "range", strategy="range",
                     session_timeout_ms=6000, heartbeat_ms=500)


def librdkafka_roundrobin(tools):
    group_round_trip(tools, "ck", 3, 6, "grp-rr", "g-rr", "roundrobin", strategy="roundrobin",
                     session_timeout_ms=6000, heartbeat_ms=500)


def librdkafka_cooperative_sticky(tools):
    group_round_trip(tools, "ck", 3, 6, "grp-coop", "g-coop", strategy="cooperative-sticky",
                     session_timeout_ms=6000, heartbeat_ms=500)


def kafka_python_group(tools):
    # B and C offer kafka-python's default [range, roundrobin], A prefers roundrobin: the
    # broker's vote (each member votes for its favourite common protocol) picks range.
    group_round_trip(tools, "kp", 3, 6, "grp-kp", "g-kp", "range",
                     overrides={"A": {"assignors": ["roundrobin", "range"]}}, session_timeout_ms=6000, heartbeat_ms=500)


def kafkajs_group(tools):
    check(os.path.isfile(os.path.join(KAFKAJS_DIR, "node_modules", "kafkajs", "package.json")),
          f"kafkajs is not installed in {KAFKAJS_DIR}/node_modules: run scripts/install-deps "
          f"(npm ci --prefix tests/compat/kafkajs)")
    with open(os.path.join(KAFKAJS_DIR, "node_modules", "kafkajs", "package.json")) as f:
        version = json.load(f)["version"]
    check(version == "2.2.4", f"kafkajs {version} installed, the lock file pins 2.2.4")
    group_round_trip(tools, "kafkajs", 2, 6, "grp-kjs", "g-kjs", "roundrobin",
                     session_timeout_ms=6000, heartbeat_ms=500)


# ---------------------------------------------------------------------------------------
# 4-6. Membership changes

def first_event_after(m, kinds, t0):
    for e in m.snapshot(kinds):
        if e["t"] >= t0:
            return e
    return None


def kill9_member_evicted(tools):
    session, hb = 3000, 500
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        topic = "grp-evict"
        create_topic(b.bootstrap, topic, 6)
        with Members(b, topic, "g-evict") as members:
            ms = [members.start(n, "ck", session_timeout_ms=session, heartbeat_ms=hb) for n in "ABC"]
            wait_balanced(members, ms, 6, 2)
            a, bm, c = ms
            n_before = {m.name: len(m.snapshot(("assigned", "revoked", "lost"))) for m in (a, bm)}
            t_kill = time.monotonic()
            c.kill9()
            print(f"kill -9 member C (held {c.assignment()})")
            asg = wait_balanced(members, [a, bm], 6, 3, timeout=session / 1000 + 30, settle=1.0)
            for m in (a, bm):
                evs = m.snapshot(("assigned", "revoked", "lost"))[n_before[m.name]:]
                check(evs, f"member {m.name}: no rebalance callback after C was killed")
                first, last_assign = evs[0], [e for e in evs if e["ev"] == "assigned"][-1]
                dt_first = (first["t"] - t_kill) * 1000
                dt_assign = (last_assign["t"] - t_kill) * 1000
                print(f"member {m.name}: first rebalance callback ({first['ev']}) {dt_first:.0f} ms after the kill, "
                      f"new assignment {last_assign['now']} after {dt_assign:.0f} ms (session.timeout.ms={session})")
                # The broker learns of the death only through missing heartbeats: the
                # earliest legal eviction is one heartbeat interval short of the session
                # timeout after the kill; 1 s more margin for scheduling.
                check(dt_first >= session - hb - 1000,
                      f"member {m.name} was rebalanced {dt_first:.0f} ms after the kill of C, before the "
                      f"session timeout ({session} ms) could have expired")
                check(dt_assign <= session + 15000,
                      f"member {m.name} got its new assignment {dt_assign:.0f} ms after the kill "
                      f"(session timeout {session} ms + 15 s margin)")
            print(f"survivors: {asg}")
            after = produce_keyed(b.bootstrap, topic, "after-kill", 300)
            check_exactly_once("after the eviction", members, [a, bm], after)
            check_no_problems(members, [a, bm], "after the eviction")
            close_all([a, bm])
        check(b.stop() == 0, "unclean broker stop")


def clean_leave_rebalances_at_once(tools):
    session, hb = 30000, 1000
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        topic = "grp-leave"
        create_topic(b.bootstrap, topic, 6)
        with Members(b, topic, "g-leave") as members:
            ms = [members.start(n, "ck", session_timeout_ms=session, heartbeat_ms=hb) for n in "ABC"]
            wait_balanced(members, ms, 6, 2)
            a, bm, c = ms
            t_close = time.monotonic()
            c.close()
            dt_close = (time.monotonic() - t_close) * 1000
            print(f"member C closed (LeaveGroup) in {dt_close:.0f} ms")
            # Half the session timeout is far more than a leave-triggered rebalance needs
            # (one heartbeat + a join round) and far less than an eviction would take.
            limit = session / 2 / 1000
            asg = wait_balanced(members, [a, bm], 6, 3, timeout=limit, settle=0.5)
            dts = {}
            for m in (a, bm):
                e = [e for e in m.snapshot(("assigned",)) if e["t"] >= t_close][-1]
                dts[m.name] = round((e["t"] - t_close) * 1000)
            print(f"survivors {asg} reassigned {dts} ms after C's close (session.timeout.ms={session})")
            check(max(dts.values()) < session / 2,
                  f"reassignment took {dts} ms after the LeaveGroup: looks like waiting for the session timeout")
            after = produce_keyed(b.bootstrap, topic, "after-leave", 300)
            check_exactly_once("after the leave", members, [a, bm], after)
            check_no_problems(members, [a, bm, c], "after the leave")
            close_all([a, bm])
        check(b.stop() == 0, "unclean broker stop")


def static_member_rejoins_without_rebalance(tools):
    session, hb = 10000, 1000
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        topic = "grp-static"
        create_topic(b.bootstrap, topic, 6)
        with Members(b, topic, "g-static") as members:
            cfg = {"session_timeout_ms": session, "heartbeat_ms": hb}
            # A first, so A is the leader and B a follower.
            a = members.start("A", "ck", instance_id="static-a", **cfg)
            wait_balanced(members, [a], 6, 6)
            b1 = members.start("B1", "ck", instance_id="static-b", **cfg)
            asg = wait_balanced(members, [a, b1], 6, 3)
            before = produce_keyed(b.bootstrap, topic, "before", 120)
            check_exactly_once("before the restart", members, [a, b1], before)
            wait_committed(members, [a, b1], before)
            n_a = len(a.snapshot(("assigned", "revoked", "lost")))
            t_kill = time.monotonic()
            b1.kill9()
            b2 = members.start("B2", "ck", instance_id="static-b", **cfg)
            wait_until(lambda: b2.assignment(), session / 1000 + 20, "B2 (same group.instance.id) assigned",
                       members.diag)
            dt = (b2.snapshot(("assigned",))[0]["t"] - t_kill) * 1000
            print(f"B killed and restarted as B2: assigned {b2.assignment()} {dt:.0f} ms after the kill; "
                  f"B had {asg['B1']}")
            check(dt < session,
                  f"B2 got its partitions {dt:.0f} ms after the kill, not within the session timeout {session} ms")
            time.sleep(3.0)  # room for a (wrong) rebalance to show up at A
            check(list(b2.assignment()) == list(asg["B1"]),
                  f"static member came back with {b2.assignment()}, held {asg['B1']} before")
            a_evs = a.snapshot(("assigned", "revoked", "lost"))[n_a:]
            check(not a_evs, f"member A saw rebalance callbacks although static member B rejoined within "
                             f"the session timeout: {a_evs}\n{members.diag()}")
            check(a.assignment() == asg["A"], f"A's assignment changed: {asg['A']} -> {a.assignment()}")
            b2_evs = b2.snapshot(("assigned", "revoked", "lost"))
            check(len(b2_evs) == 1, f"B2 went through more than one assignment: {b2_evs}")
            # B1 committed what it consumed; B2 resumes there: nothing old comes again.
            after = produce_keyed(b.bootstrap, topic, "after", 240)
            check_exactly_once("after the static rejoin", members, [a, b1, b2], {**before, **after})
            check_no_problems(members, [a, b2], "static rejoin")
            close_all([a, b2])
        check(b.stop() == 0, "unclean broker stop")


# ---------------------------------------------------------------------------------------
# 7-8. Committed offsets: durability and validation (raw frames for exact error codes)

@contextlib.contextmanager
def raw_conn(port, what):
    """A raw connection; a timeout, a closed connection or an unparsable response
    becomes a test failure naming `what`."""
    try:
        with Conn(port, timeout=30) as c:
            yield c
    except (OSError, WireError, ProtocolError) as e:
        raise HarnessError(f"{what}: raw request failed: {e!r} (no answer within 30 s, connection closed "
                           f"or malformed response)")


API_OFFSET_COMMIT, API_OFFSET_FETCH, API_FIND_COORDINATOR = 8, 9, 10
API_JOIN_GROUP, API_HEARTBEAT, API_SYNC_GROUP = 11, 12, 14
OFFSET_METADATA_TOO_LARGE, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL = 12, 22, 23
UNKNOWN_MEMBER_ID, INVALID_SESSION_TIMEOUT, GROUP_MAX_SIZE_REACHED = 25, 26, 81


def subscription(topics):
    """ConsumerProtocolSubscription v0 (facts §6.3)."""
    return i16(0) + array([string(t) for t in topics]) + nullable_bytes(b"")


def assignment_bytes(topic, partitions):
    """ConsumerProtocolAssignment v0."""
    return i16(0) + array([string(topic) + array([i32(p) for p in partitions])]) + nullable_bytes(b"")


COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE = 14, 15


def until_loaded(call, errors_of, what, timeout=30):
    """Repeats call() while errors_of(result) contains COORDINATOR_LOAD_IN_PROGRESS or
    COORDINATOR_NOT_AVAILABLE (the coordinator is still loading its offsets partitions:
    clients retry those) for up to `timeout` s; returns the first other result."""
    deadline = time.monotonic() + timeout
    while True:
        res = call()
        errs = set(errors_of(res))
        if not errs & {COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE}:
            return res
        check(time.monotonic() < deadline, f"{what}: coordinator still not ready after {timeout}s: {res}")
        time.sleep(0.2)


def find_coordinator(c, group):
    r = c.request(API_FIND_COORDINATOR, 0, string(group))
    out = (r.int16(), r.int32(), r.string(), r.int32())
    r.end("FindCoordinator v0 response")
    return out


def join_group_v1_body(group, member_id, topics, session_ms=10000, rebalance_ms=10000, protocol_type="consumer",
                       protocols=("range",)):
    return (string(group) + i32(session_ms) + i32(rebalance_ms) + string(member_id) + string(protocol_type)
            + array([string(p) + nullable_bytes(subscription(topics)) for p in protocols]))


def join_group_v1(c, group, member_id, topics, **kw):
    """Returns (error, generation, protocol, leader, member_id, [member ids])."""
    c.send(API_JOIN_GROUP, 1, join_group_v1_body(group, member_id, topics, **kw))
    return parse_join_group_v1(c.recv_response())


def parse_join_group_v1(r):
    err, gen, proto, leader, mid = r.int16(), r.int32(), r.string(), r.string(), r.string()
    members = r.array(lambda: (r.string(), r.nullable_bytes()))
    r.end("JoinGroup v1 response")
    return err, gen, proto, leader, mid, [m for m, _ in members]


def sync_group_v0(c, group, gen, member_id, assignments):
    body = string(group) + i32(gen) + string(member_id) + array(
        [string(m) + nullable_bytes(a) for m, a in assignments.items()])
    r = c.request(API_SYNC_GROUP, 0, body)
    err, asg = r.int16(), r.nullable_bytes()
    r.end("SyncGroup v0 response")
    return err, asg


def heartbeat_v0(c, group, gen, member_id):
    r = c.request(API_HEARTBEAT, 0, string(group) + i32(gen) + string(member_id))
    err = r.int16()
    r.end("Heartbeat v0 response")
    return err


def offset_commit_v2(c, group, gen, member_id, topic, offsets):
    """offsets {partition: (offset, metadata)}; returns {partition: error}."""
    parts = [i32(p) + i64(o) + nullable_string(md) for p, (o, md) in sorted(offsets.items())]
    body = string(group) + i32(gen) + string(member_id) + i64(-1) + array([string(topic) + array(parts)])
    r = c.request(API_OFFSET_COMMIT, 2, body)
    out = {}
    for _ in range(r.int32()):
        t = r.string()
        for _ in range(r.int32()):
            p, err = r.int32(), r.int16()
            if t == topic:
                out[p] = err
    r.end("OffsetCommit v2 response")
    return out


def offset_fetch_v1(c, group, topic, partitions):
    """Returns {partition: (offset, metadata, error)}."""
    r = c.request(API_OFFSET_FETCH, 1, string(group) + array([string(topic) + array([i32(p) for p in partitions])]))
    out = {}
    for _ in range(r.int32()):
        t = r.string()
        for _ in range(r.int32()):
            p, off, md, err = r.int32(), r.int64(), r.nullable_string(), r.int16()
            if t == topic:
                out[p] = (off, md, err)
    r.end("OffsetFetch v1 response")
    return out


def ck_committed(bootstrap, group, topic, partitions):
    """{partition: committed offset} through confluent-kafka's committed() (OffsetFetch)."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        res = c.committed([TopicPartition(topic, p) for p in partitions], timeout=30)
        bad = [(tp.partition, str(tp.error)) for tp in res if tp.error is not None]
        check(not bad, f"committed() for {group}: errors {bad}")
        return {tp.partition: tp.offset for tp in res}
    finally:
        c.close()


def kp_group_commit(bootstrap, group, topic, partitions, rounds, timeout=60):
    """A kafka-python group member (subscribe) joins `group`, then commits each of
    `rounds` ([{partition: (offset, metadata)}]) synchronously, then closes (LeaveGroup).
    Commits carry its generation and member id."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                      session_timeout_ms=6000, heartbeat_interval_ms=500, auto_offset_reset="earliest",
                      max_poll_interval_ms=60000)
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + timeout
        while len(c.assignment()) != len(partitions):
            check(time.monotonic() < deadline, f"kafka-python member of {group} not assigned: {c.assignment()}")
            c.poll(timeout_ms=200)
        for offsets in rounds:
            try:
                c.commit({TopicPartition(topic, p): OffsetAndMetadata(o, md) for p, (o, md) in offsets.items()})
            except Exception as e:
                raise HarnessError(f"kafka-python group commit for {group} failed: {e!r}")
    finally:
        c.close()


def ck_simple_commit(bootstrap, group, topic, offsets):
    """confluent-kafka commit without subscribing (generation -1, empty member id)."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        res = c.commit(offsets=[TopicPartition(topic, p, o) for p, o in sorted(offsets.items())],
                       asynchronous=False)
        bad = [(tp.partition, str(tp.error)) for tp in (res or []) if tp.error is not None]
        check(not bad, f"confluent-kafka simple commit for {group}: {bad}")
    finally:
        c.close()


def restart_keeps_committed_offsets(tools):
    topic, parts = "commits", 4
    g_member, g_simple = "g-durable-member", "g-durable-simple"
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        create_topic(b.bootstrap, topic, parts)
        produce_keyed(b.bootstrap, topic, "data", 400)

        def check_state(when, want_member, want_simple):
            with raw_conn(b.port, f"{when}: OffsetFetch v1") as c:
                got = until_loaded(lambda: offset_fetch_v1(c, g_member, topic, range(parts)),
                                   lambda r: [e for _, _, e in r.values()], f"{when}: OffsetFetch v1")
            want = {p: (o, md, 0) for p, (o, md) in want_member.items()}
            check(got == want, f"{when}: OffsetFetch v1 for {g_member}:\n got  {got}\n want {want}")
            got = ck_committed(b.bootstrap, g_member, topic, range(parts))
            check(got == {p: o for p, (o, _) in want_member.items()},
                  f"{when}: committed() for {g_member}: {got}, want {want_member}")
            got = ck_committed(b.bootstrap, g_simple, topic, range(parts))
            check(got == want_simple, f"{when}: committed() for {g_simple}: {got}, want {want_simple}")

        r1 = {0: (11, "meta-0 ✓"), 1: (22, ""), 2: (33, "x" * 200), 3: (44, None)}
        kp_group_commit(b.bootstrap, g_member, topic, range(parts), [r1])
        # kafka-python sends a None metadata as a null string; Kafka stores it as ""
        # (OffsetAndMetadata.NoMetadata) and returns "".
        want_m = {p: (o, md if md is not None else "") for p, (o, md) in r1.items()}
        s1 = {0: 5, 1: 6, 2: 7, 3: 8}
        ck_simple_commit(b.bootstrap, g_simple, topic, s1)
        check_state("before the restart", want_m, s1)

        code = b.stop()
        check(code == 0, f"broker exit code {code} after SIGTERM")
        b.start()
        check_state("after SIGTERM + restart", want_m, s1)

        # More commits (several per partition; the last one counts), then kill -9 at once.
        rounds = [{p: (50 + 10 * i + p, f"round2-{i}-{p}") for p in range(parts)} for i in range(5)]
        kp_group_commit(b.bootstrap, g_member, topic, range(parts), rounds)
        want_m = dict(rounds[-1])
        s2 = {0: 71, 1: 72, 2: 73, 3: 74}
        ck_simple_commit(b.bootstrap, g_simple, topic, s2)
        b.kill()
        b.start()
        check_state("after kill -9 + restart", want_m, s2)
        print(f"offsets and metadata survived SIGTERM and kill -9: {want_m}, {s2}")
        check(b.stop() == 0, "unclean broker stop")


def bad_commits_refused(tools):
    topic, group = "bad-commits", "g-bad"
    md_max = 100
    props = {**GROUP_PROPS, "offset.metadata.max.bytes": str(md_max), "group.max.size": "2"}
    with Broker(tools.broker, properties=props) as b:
        create_topic(b.bootstrap, topic, 2)
        with raw_conn(b.port, "raw group requests") as c:
            err, node, host, port = until_loaded(lambda: find_coordinator(c, group), lambda r: [r[0]],
                                                 "FindCoordinator")
            check((err, node, port) == (0, 1, b.port), f"FindCoordinator v0: {(err, node, host, port)}")

            # A one-member group: JoinGroup v1 (no MEMBER_ID_REQUIRED below v4), SyncGroup.
            err, gen1, proto, leader, mid, mems = until_loaded(lambda: join_group_v1(c, group, "", [topic]),
                                                               lambda r: [r[0]], "first JoinGroup")
            check(err == 0 and gen1 >= 1 and mid and leader == mid and proto == "range" and mems == [mid],
                  f"JoinGroup v1: error {err}, generation {gen1}, protocol {proto!r}, leader {leader!r}, "
                  f"member {mid!r}, members {mems}")
            err, asg = sync_group_v0(c, group, gen1, mid, {mid: assignment_bytes(topic, [0, 1])})
            check(err == 0 and asg == assignment_bytes(topic, [0, 1]), f"SyncGroup v0: error {err}, assignment {asg!r}")
            good = {0: (5, "good-0"), 1: (7, "good-1")}
            res = offset_commit_v2(c, group, gen1, mid, topic, good)
            check(res == {0: 0, 1: 0}, f"OffsetCommit v2 by the member: {res}")
            want = {0: (5, "good-0", 0), 1: (7, "good-1", 0)}
            check(offset_fetch_v1(c, group, topic, [0, 1]) == want, "OffsetFetch after the good commit")

            # Second generation: the leader rejoins (Stable -> PreparingRebalance -> ...).
            err, gen2, _, leader2, mid2, _ = join_group_v1(c, group, mid, [topic])
            check(err == 0 and mid2 == mid and gen2 == gen1 + 1,
                  f"rejoin: error {err}, generation {gen2} (was {gen1}), member {mid2!r}")
            err, _ = sync_group_v0(c, group, gen2, mid, {mid: assignment_bytes(topic, [0, 1])})
            check(err == 0, f"SyncGroup generation {gen2}: error {err}")

            bad = {0: (999, "bad"), 1: (999, "bad")}
            cases = [
                ("unknown member id, current generation", gen2, "no-such-member", UNKNOWN_MEMBER_ID),
                ("unknown member id, stale generation", gen1, "no-such-member", UNKNOWN_MEMBER_ID),
                ("simple commit (generation -1, no member) to a group with members", -1, "", UNKNOWN_MEMBER_ID),
                ("stale generation", gen1, mid, ILLEGAL_GENERATION),
                ("future generation", gen2 + 5, mid, ILLEGAL_GENERATION),
            ]
            for what, gen, member, code in cases:
                res = offset_commit_v2(c, group, gen, member, topic, bad)
                check(res == {0: code, 1: code},
                      f"OffsetCommit v2 with {what} (generation {gen}, member {member!r}): errors {res}, "
                      f"expected {code} for both partitions")
            check(heartbeat_v0(c, group, gen1, mid) == ILLEGAL_GENERATION, "Heartbeat with a stale generation")
            check(heartbeat_v0(c, group, gen2, "no-such-member") == UNKNOWN_MEMBER_ID, "Heartbeat, unknown member")
            got = offset_fetch_v1(c, group, topic, [0, 1])
            check(got == want, f"OffsetFetch after the refused commits: {got}, want {want} (unchanged)")

            # Session timeouts outside [group.min.session.timeout.ms, group.max.session.timeout.ms].
            lo, hi = int(GROUP_PROPS["group.min.session.timeout.ms"]), int(GROUP_PROPS["group.max.session.timeout.ms"])
            for g, m, sess in (("g-bad-low", "", lo - 1), ("g-bad-high", "", hi + 1),
                               (group, mid, lo - 1), (group, mid, hi + 1)):
                err, *_ = join_group_v1(c, g, m, [topic], session_ms=sess, rebalance_ms=10000)
                check(err == INVALID_SESSION_TIMEOUT,
                      f"JoinGroup v1 {g} member {m!r} session timeout {sess} (allowed {lo}..{hi}): error {err}, "
                      f"expected INVALID_SESSION_TIMEOUT ({INVALID_SESSION_TIMEOUT})")
            # A new member whose protocol type or protocols do not match the group's.
            for ptype, protos in (("connect", ("range",)), ("consumer", ("no-such-assignor",))):
                err, *_ = join_group_v1(c, group, "", [topic], protocol_type=ptype, protocols=protos)
                check(err == INCONSISTENT_GROUP_PROTOCOL,
                      f"JoinGroup v1 of a new member with protocol type {ptype!r}, protocols {protos} into a "
                      f"'consumer'/'range' group: error {err}, expected INCONSISTENT_GROUP_PROTOCOL "
                      f"({INCONSISTENT_GROUP_PROTOCOL})")
            # The refused joins did not disturb the group: same generation, member alive.
            check(heartbeat_v0(c, group, gen2, mid) == 0, "Heartbeat of the member after the refused JoinGroups")
            # Metadata longer than offset.metadata.max.bytes: that partition is refused, the
            # other one in the same request is committed.
            res = offset_commit_v2(c, group, gen2, mid, topic, {0: (8, "m" * (md_max + 1)), 1: (9, "n" * md_max)})
            check(res == {0: OFFSET_METADATA_TOO_LARGE, 1: 0},
                  f"OffsetCommit with {md_max + 1} and {md_max} bytes of metadata (offset.metadata.max.bytes="
                  f"{md_max}): errors {res}, expected {{0: {OFFSET_METADATA_TOO_LARGE}, 1: 0}}")
            got = offset_fetch_v1(c, group, topic, [0, 1])
            check(got == {0: (5, "good-0", 0), 1: (9, "n" * md_max, 0)},
                  f"OffsetFetch after the too-large metadata: {got} (partition 0 must be unchanged)")
            res = offset_commit_v2(c, group, gen2, mid, topic, {0: (6, "good-0b")})
            check(res == {0: 0}, f"OffsetCommit by the member after all that: {res}")
            got = offset_fetch_v1(c, group, topic, [0, 1])
            check(got == {0: (6, "good-0b", 0), 1: (9, "n" * md_max, 0)}, f"OffsetFetch at the end: {got}")
            with raw_conn(b.port, "OffsetFetch of the refused groups") as c2:  # never created
                for g in ("g-bad-low", "g-bad-high"):
                    got = offset_fetch_v1(c2, g, topic, [0])
                    check(got == {0: (-1, got[0][1], 0)}, f"OffsetFetch {g}: {got}")

        # group.max.size=2: two members join within the initial rebalance delay (one
        # generation), sync, and the group is Stable; a third is refused.
        with raw_conn(b.port, "group.max.size") as c1, raw_conn(b.port, "group.max.size") as c2, \
                raw_conn(b.port, "group.max.size") as c3:
            full = "g-full"
            for c in (c1, c2):
                c.send(API_JOIN_GROUP, 1, join_group_v1_body(full, "", [topic]))
            j1, j2 = parse_join_group_v1(c1.recv_response()), parse_join_group_v1(c2.recv_response())
            check(j1[0] == 0 and j2[0] == 0 and j1[1] == j2[1] and j1[3] == j2[3] and j1[4] != j2[4],
                  f"two JoinGroups within group.initial.rebalance.delay.ms: {j1}, {j2} (want one generation)")
            gen, leader = j1[1], j1[3]
            (lc, lj), (fc, fj) = ((c1, j1), (c2, j2)) if j1[4] == leader else ((c2, j2), (c1, j1))
            check(sorted(lj[5]) == sorted([j1[4], j2[4]]) and fj[5] == [],
                  f"JoinGroup member lists: leader got {lj[5]}, follower got {fj[5]}")
            asg = {lj[4]: assignment_bytes(topic, [0]), fj[4]: assignment_bytes(topic, [1])}
            check(sync_group_v0(lc, full, gen, lj[4], asg) == (0, asg[lj[4]]), "leader SyncGroup")
            check(sync_group_v0(fc, full, gen, fj[4], {}) == (0, asg[fj[4]]), "follower SyncGroup")
            err, *_ = join_group_v1(c3, full, "", [topic])
            check(err == GROUP_MAX_SIZE_REACHED,
                  f"third member of a Stable group with group.max.size=2: JoinGroup error {err}, "
                  f"expected GROUP_MAX_SIZE_REACHED ({GROUP_MAX_SIZE_REACHED})")
            for c, j in ((lc, lj), (fc, fj)):
                check(heartbeat_v0(c, full, gen, j[4]) == 0, f"Heartbeat of {j[4]} after the refused join")

        # The broker is healthy: a normal librdkafka group works end to end.
        with Members(b, topic, "g-after-bad") as members:
            a = members.start("A", "ck", session_timeout_ms=6000, heartbeat_ms=500)
            wait_balanced(members, [a], 2, 2)
            recs = produce_keyed(b.bootstrap, topic, "after", 100)
            check_exactly_once("normal group after the bad requests", members, [a], recs)
            end = wait_committed(members, [a], recs)
            a.close()
        check(ck_committed(b.bootstrap, "g-after-bad", topic, [0, 1]) == {p: end.get(p, -1001) for p in (0, 1)},
              "committed offsets of the normal group")
        check(b.stop() == 0, "unclean broker stop")


TESTS = {
    "librdkafka_range": librdkafka_range,
    "librdkafka_roundrobin": librdkafka_roundrobin,
    "librdkafka_cooperative_sticky": librdkafka_cooperative_sticky,
    "kafka_python_group": kafka_python_group,
    "kafkajs_group": kafkajs_group,
    "kill9_member_evicted": kill9_member_evicted,
    "clean_leave_rebalances_at_once": clean_leave_rebalances_at_once,
    "static_member_rejoins_without_rebalance": static_member_rejoins_without_rebalance,
    "restart_keeps_committed_offsets": restart_keeps_committed_offsets,
    "bad_commits_refused": bad_commits_refused,
}

if __name__ == "__main__":
    main(TESTS)
