#!/usr/bin/python3
"""fjord-streams runtime against a real fjord-broker: the streams_probe app
(streams_probe.cc) driven by confluent_kafka.

    streams_runtime_tests.py --broker PATH --app PATH TEST_NAME
Each TEST_NAME is the ctest test `integration.streams.<TEST_NAME>`
(tests/integration/streams/CMakeLists.txt). Every test starts its own broker, and kills
every probe it started (by PID) in a `finally` block.
"""
import collections
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from harness import Broker, HarnessError, check, main

# Short group timings so rebalances and take-overs happen within seconds.
BROKER_PROPS = {
    "group.min.session.timeout.ms": "1000",
    "group.initial.rebalance.delay.ms": "0",
    "auto.create.topics.enable": "false",
}
BASE_TS = 1_700_000_000_000  # event time of the first record (ms); windows are 1 minute
WINDOW_MS = 60_000


# ---- Kafka helpers ----------------------------------------------------------------------

def create_topics(b, topics, configs=None):
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    fs = admin.create_topics([NewTopic(t, n, 1, config=(configs or {}).get(t, {})) for t, n in topics.items()])
    for t, f in fs.items():
        f.result(timeout=15)


def topic_partitions(b, topic):
    md = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(timeout=10)
    t = md.topics.get(topic)
    return None if t is None or t.error is not None else len(t.partitions)


def topic_config(b, topic):
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    got = admin.describe_configs([res])[res].result(timeout=10)
    return {k: v.value for k, v in got.items()}


def produce(b, topic, records, delay_every=0, delay_s=0.0):
    """records: (key, value bytes, ts). Returns {key: partition} from delivery reports
    (keyed by Java's murmur2, as the stream library partitions)."""
    p = Producer({"bootstrap.servers": b.bootstrap, "partitioner": "murmur2_random", "linger.ms": 5,
                  "enable.idempotence": True})
    where, errors = {}, []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
        else:
            where[msg.key().decode()] = msg.partition()

    for i, (k, v, ts) in enumerate(records):
        p.produce(topic, key=k.encode(), value=v, timestamp=ts, on_delivery=on_delivery)
        p.poll(0)
        if delay_every and i % delay_every == delay_every - 1:
            p.flush(10)
            time.sleep(delay_s)
    check(p.flush(15) == 0, "produce: records left undelivered")
    check(not errors, f"produce errors: {errors[:3]}")
    return where


def high_watermarks(b, topic, partitions):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "hw-reader"})
    try:
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
    finally:
        c.close()


def committed(b, group, topic, partitions):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        got = c.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
        return {tp.partition: max(tp.offset, 0) for tp in got}
    finally:
        c.close()


class Reader:
    """Reads a topic from the beginning (assign, no group) and keeps everything."""

    def __init__(self, b, topic, partitions):
        self.c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "test-reader-" + topic,
                           "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        self.c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        self.records = []

    def poll(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for m in self.c.consume(500, timeout=0.2):
                if m.error() is None:
                    self.records.append(m)

    def close(self):
        self.c.close()


def max_counts(records):
    """Output of windowed-count: key "<key>@<window start>", value a decimal count; counts
    of one window only grow, so the largest seen is the window's final count."""
    out = {}
    for m in records:
        k, n = m.key().decode(), int(m.value().decode())
        out[k] = max(out.get(k, 0), n)
    return out


def reference_counts(records):
    ref = collections.Counter()
    for k, _, ts in records:
        ref[f"{k}@{ts - ts % WINDOW_MS}"] += 1
    return ref


def make_records(n, keys=20, start=0, step_ms=250):
    return [(f"k{i % keys}", b"x", BASE_TS + (start + i) * step_ms) for i in range(n)]


def wait_counts(reader, ref, timeout, at_least=False):
    """Polls the output until every (key, window) reached its reference count."""
    deadline = time.monotonic() + timeout
    while True:
        reader.poll(0.5)
        got = max_counts(reader.records)
        if all(got.get(k, 0) >= n for k, n in ref.items()):
            return got
        if time.monotonic() > deadline:
            missing = {k: (got.get(k, 0), n) for k, n in ref.items() if got.get(k, 0) < n}
            raise HarnessError(f"output incomplete after {timeout}s: {len(missing)} windows short, e.g. "
                               f"{list(missing.items())[:5]}")


# ---- the probe --------------------------------------------------------------------------

class Probe:
    """One streams_probe process; its JSON events are collected by a reader thread."""

    def __init__(self, tools, b, app_id, state_dir, *args, commit_ms=300, session_ms=3000):
        self.cmd = [tools.app, "--bootstrap", b.bootstrap, "--app-id", app_id, "--state-dir", state_dir,
                    "--commit-interval-ms", str(commit_ms), "--session-timeout-ms", str(session_ms), *args]
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                     stdin=subprocess.DEVNULL, text=True)
        self.events = []
        self.cv = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            with self.cv:
                self.events.append(ev)
                self.cv.notify_all()

    def wait_for(self, pred, timeout, what, start=0):
        """The first event from index `start` on that satisfies pred (waits for it)."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for ev in self.events[start:]:
                    if pred(ev):
                        return ev
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.thread.is_alive()):
                    raise HarnessError(f"probe: no {what} within {timeout}s; events {self.events[-8:]}\n"
                                       f"stderr:\n{self.stderr()}")
                self.cv.wait(min(left, 0.2))

    def tasks(self):
        """Tasks owned now, from the rebalance events."""
        owned = set()
        with self.cv:
            for ev in self.events:
                if ev["event"] == "rebalance":
                    owned -= set(ev["revoked"])
                    owned |= set(ev["assigned"])
        return owned

    def restores(self, done=True):
        with self.cv:
            return [e for e in self.events if e["event"] == "restore" and e["done"] == done]

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise HarnessError(f"probe ignored SIGTERM for {timeout}s\n{self.stderr()}")
        self.thread.join(5)
        return code

    def kill9(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"probe did not exit within {timeout}s\n{self.stderr()}")

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode("utf-8", "replace")[-4000:]


class Run:
    """Context: a broker, temp state dirs, and every probe killed (by PID) at the end."""

    def __init__(self, tools):
        self.tools = tools
        self.probes = []
        self.dirs = []

    def __enter__(self):
        self.broker = Broker(self.tools.broker, properties=BROKER_PROPS)
        self.broker.__enter__()
        return self

    def probe(self, app_id, state_dir, *args, **kw):
        p = Probe(self.tools, self.broker, app_id, state_dir, *args, **kw)
        self.probes.append(p)
        return p

    def state_dir(self):
        d = tempfile.mkdtemp(prefix="fjord-streams-state-")
        self.dirs.append(d)
        return d

    def __exit__(self, *exc):
        try:
            for p in self.probes:
                p.kill9()
            if exc[0] is not None:
                for p in self.probes:
                    print(f"--- probe {p.cmd} stderr ---\n{p.stderr()}\nevents: {p.events[-10:]}")
        finally:
            for d in self.dirs:
                shutil.rmtree(d, ignore_errors=True)
            self.broker.__exit__(*exc)
        return False


def stopped_event(p):
    return p.wait_for(lambda e: e["event"] == "stopped", 30, "stopped event")


# ---- tests ------------------------------------------------------------------------------

def end_to_end(tools):
    """N keyed records through the windowed count on 4 partitions, run by 2 stream threads
    of one instance; the output equals the reference computed here; the changelog was
    created (compact,delete) with 4 partitions; no repartition topic exists (group_by_key needs
    none); metrics (records-in, store-entries, consumer-lag) add up."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 4, "output": 4})
        recs = make_records(2000)
        produce(b, "input", recs)
        ref = reference_counts(recs)
        p = r.probe("e2e", r.state_dir(), "--threads", "2")
        reader = Reader(b, "output", 4)
        got = wait_counts(reader, ref, 45)
        check(got == dict(ref), f"counts differ from the reference: "
                                f"{[(k, got.get(k), n) for k, n in ref.items() if got.get(k) != n][:5]}")
        check(topic_partitions(b, "e2e-counts-changelog") == 4, "changelog partitions")
        cfg = topic_config(b, "e2e-counts-changelog")
        # A window store's changelog: compacted and deleted after retention (1 min window +
        # 1 h grace) + 1 day, since expired segments write no tombstones.
        check(cfg.get("cleanup.policy") == "compact,delete", f"changelog cleanup.policy: {cfg.get('cleanup.policy')}")
        check(cfg.get("retention.ms") == str(60_000 + 3_600_000 + 86_400_000), f"changelog retention.ms: {cfg.get('retention.ms')}")
        topics = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(timeout=10).topics
        check(not [t for t in topics if t.endswith("-repartition")], f"unexpected repartition topics: {list(topics)}")
        check(p.tasks() == {"0_0", "0_1", "0_2", "0_3"}, f"tasks: {p.tasks()}")
        # Lag while running, once caught up: reported for every input partition, all 0.
        def caught_up(e):
            if e["event"] != "metrics":
                return False
            lag = {k: v for k, v in e["metrics"].items() if k.startswith("consumer-lag{topic=input,")}
            return len(lag) == 4 and all(v == 0 for v in lag.values())
        p.wait_for(caught_up, 10, "consumer-lag 0 on all 4 partitions", start=len(p.events))
        check(p.stop() == 0, f"probe exit code\n{p.stderr()}")
        m = stopped_event(p)["metrics"]
        records_in = sum(v for k, v in m.items() if k.startswith("records-in{"))
        check(records_in == len(recs), f"records-in {records_in} != {len(recs)}")
        check(any(k.startswith("store-entries{") and v > 0 for k, v in m.items()), f"store-entries: {m}")
        reader.close()


def repartition_topic_created_and_used(tools):
    """Two sub-topologies joined by a repartition topic (rekey by value, then count per
    value): the library creates `<app>-by-value-repartition` with the explicitly planned
    partition count (3, not the input's 4) and cleanup.policy=delete, and the changelog of
    the downstream store with the count of *its* sub-topology's source (3), compacted; the
    counts equal the reference."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 4, "output": 2})
        recs = [(f"k{i}", f"v{i % 7}".encode(), BASE_TS + i) for i in range(1500)]
        produce(b, "input", recs)
        ref = collections.Counter(v.decode() for _, v, _ in recs)
        p = r.probe("rp", r.state_dir(), "--mode", "repartition-count", "--repartition-partitions", "3")
        reader = Reader(b, "output", 2)
        deadline = time.monotonic() + 45
        got = {}
        while time.monotonic() < deadline:
            reader.poll(0.5)
            got = {}
            for m in reader.records:
                k, n = m.key().decode(), int.from_bytes(m.value(), "big", signed=True)
                got[k] = max(got.get(k, 0), n)
            if got == dict(ref):
                break
        check(got == dict(ref), f"counts {got} != reference {dict(ref)}")
        check(topic_partitions(b, "rp-by-value-repartition") == 3, "repartition topic partitions")
        check(topic_config(b, "rp-by-value-repartition").get("cleanup.policy") == "delete", "repartition cleanup.policy")
        check(topic_partitions(b, "rp-value-counts-changelog") == 3, "changelog partitions")
        check(topic_config(b, "rp-value-counts-changelog").get("cleanup.policy") == "compact", "changelog cleanup.policy")
        # Tasks: sub-topology 0 over the 4 input partitions, sub-topology 1 over the 3
        # repartition partitions.
        check(p.tasks() == {"0_0", "0_1", "0_2", "0_3", "1_0", "1_1", "1_2"}, f"tasks: {p.tasks()}")
        check(p.stop() == 0, f"exit code\n{p.stderr()}")
        reader.close()


def restart_reuses_local_state(tools):
    """Stop (SIGTERM) and restart with the same state dir: every store is restored only
    past its checkpoint (0 records: the checkpoint is the changelog end), and the counts
    continue correctly. A second instance with an empty state dir, for contrast, restores
    the whole changelog."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 4, "output": 4})
        first = make_records(1000)
        produce(b, "input", first)
        sd = r.state_dir()
        p = r.probe("restart", sd)
        reader = Reader(b, "output", 4)
        wait_counts(reader, reference_counts(first), 45)
        check(p.stop() == 0, f"exit code\n{p.stderr()}")
        check(all(os.path.exists(os.path.join(sd, "restart", f"0_{i}", ".checkpoint")) for i in range(4)),
              "checkpoint files after a clean stop")

        p2 = r.probe("restart", sd)
        p2.wait_for(lambda e: e["event"] == "rebalance" and e["assigned"], 30, "assignment")
        deadline = time.monotonic() + 30
        while len(p2.restores()) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        done = p2.restores()
        check(len(done) == 4, f"restore events: {done}")
        check(all(e["restored"] == 0 and e["total"] == 0 and not e["wiped"] for e in done),
              f"restart restored more than past the checkpoint: {done}")
        second = make_records(1000, start=1000)
        produce(b, "input", second)
        ref = reference_counts(first + second)
        got = wait_counts(reader, ref, 45)
        check(got == dict(ref), "counts after restart differ from the reference")
        check(p2.stop() == 0, "exit code")

        # Contrast: a fresh state dir restores the whole changelog.
        p3 = r.probe("restart", r.state_dir())
        deadline = time.monotonic() + 30
        while len(p3.restores()) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        total = sum(e["restored"] for e in p3.restores())
        check(total >= len(ref), f"fresh instance restored {total} records, expected >= {len(ref)} windows")
        check(p3.stop() == 0, "exit code")
        reader.close()


def stream_time_survives_restart(tools):
    """Emit-final windows (1 min, no grace) stay closed across a restart: the task's stream
    time is committed with its offsets and read back on assignment. Run 1 closes window w0
    (a record in w1 moves stream time past w0's end) and stops cleanly. A record for w0 then
    arrives late, followed by one in w2. Run 2 (fresh state dir: the stream time can only
    come from the committed offsets) must drop the late record (late-records-dropped = 1)
    and emit w1 once; w0 must not be emitted a second time. Without the committed stream
    time, run 2 would start with no stream time, count the late record into a new w0 and
    emit "a@w0" = 1 again when w2's record closes it."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 1, "output": 1})
        w0 = BASE_TS - BASE_TS % WINDOW_MS
        w1, w2 = w0 + WINDOW_MS, w0 + 2 * WINDOW_MS
        produce(b, "input", [("a", b"x", w0 + 1000), ("a", b"x", w0 + 2000), ("a", b"x", w1 + 1000)])
        reader = Reader(b, "output", 1)
        p = r.probe("st", r.state_dir(), "--mode", "final-count")
        wait_counts(reader, {f"a@{w0}": 2}, 45)
        check(p.stop() == 0, f"exit code\n{p.stderr()}")
        got = committed(b, "st", "input", [0])[0]
        check(got == 3, f"committed offset {got} after a clean stop, expected 3")

        produce(b, "input", [("a", b"x", w0 + 3000), ("a", b"x", w2 + 1000)])
        p2 = r.probe("st", r.state_dir(), "--mode", "final-count")
        wait_counts(reader, {f"a@{w1}": 1}, 45)
        reader.poll(2)  # anything emitted after w1 would show up here
        check(p2.stop() == 0, f"exit code\n{p2.stderr()}")
        out = [(m.key().decode(), m.value().decode()) for m in reader.records]
        check(out == [(f"a@{w0}", "2"), (f"a@{w1}", "1")], f"output: {out}")
        m = stopped_event(p2)["metrics"]
        late = sum(v for k, v in m.items() if k.startswith("late-records-dropped"))
        check(late == 1, f"late-records-dropped {late}, expected 1 (the w0 record after the restart)")
        reader.close()


def task_idles_for_an_empty_partition(tools):
    """A stream–table join task reads two partitions (input-0, input2-0). Run with
    --max-task-idle-ms 2000: a stream record that arrives while the table partition is
    empty is held back, so a table record produced 0.5 s later with an OLDER timestamp is
    processed first and the (inner) join emits "s1|t1" — without idling the stream record
    would find no table entry and be dropped; once t1 is processed, input2-0 is empty again
    but known to be at its end, so s1 waits the 2 s idle time, not the 10 s bound for a
    partition whose end is unknown. Then a stream record alone: the table
    partition has stayed quiet and is known to be at its end (librdkafka's partition EOF or
    the high watermark), and a quiet spell costs one wait (Kafka Streams' idle deadline per
    partition), so its output appears at once — not after the 10 s bound for a partition
    whose end is unknown, nor after another 2 s idle wait."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 1, "input2": 1, "output": 1})
        reader = Reader(b, "output", 1)
        p = r.probe("idle", r.state_dir(), "--mode", "join", "--max-task-idle-ms", "2000")
        p.wait_for(lambda e: e["event"] == "rebalance" and e["assigned"], 30, "assignment")
        time.sleep(1)  # both partitions fetched once (at their end) before anything arrives
        produce(b, "input", [("k", b"s1", BASE_TS + 2000)])
        time.sleep(0.5)
        produce(b, "input2", [("k", b"t1", BASE_TS + 1000)])
        t1_sent = time.monotonic()  # t1 is on the broker
        while not reader.records and time.monotonic() - t1_sent < 20:
            reader.poll(0.05)
        out = [m.value().decode() for m in reader.records]
        check(out == ["s1|t1"], f"output after the late table record: {out}")
        waited = time.monotonic() - t1_sent
        check(waited < 6, f"s1|t1 came out {waited:.1f}s after t1; expected ~2s (input2-0 at its end + max task idle)")

        produce(b, "input", [("k", b"s2", BASE_TS + 3000)])
        start = time.monotonic()  # s2 is on the broker
        while len(reader.records) < 2 and time.monotonic() - start < 20:
            reader.poll(0.05)
        waited = time.monotonic() - start
        out = [m.value().decode() for m in reader.records]
        check(out == ["s1|t1", "s2|t1"], f"output: {out}")
        check(waited < 2, f"s2 came out after {waited:.1f}s; expected at once (input2-0 quiet and at its end)")
        check(p.stop() == 0, f"exit code\n{p.stderr()}")
        reader.close()


def restore_does_not_block_ready_tasks(tools):
    """A large restore runs in slices between polls: while task 0_1 restores its store
    (60 K changelog records, slowed to >= 12 s by --restore-listener-delay-ms 200: 200 ms per
    1000 records), task 0_0 — restored at once, its changelog is empty — processes a record
    sent to input-0, and its output appears before 0_1's restore is done. A restore that
    blocked the stream thread would hold 0_0's record until the end of 0_1's restore (and
    a restore longer than max.poll.interval.ms would cost the member its assignment)."""
    n = 60_000
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 2, "output": 2})
        prod = Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 20})
        for i in range(n):  # distinct keys, one window: one changelog record each
            prod.produce("input", key=f"k{i}".encode(), value=b"x", timestamp=BASE_TS, partition=1)
            if i % 10_000 == 0:
                prod.poll(0)
        check(prod.flush(30) == 0, "produce")
        p = r.probe("slices", r.state_dir())
        p.wait_for(lambda e: e["event"] == "metrics" and e["metrics"].get("records-in{task=0_1}") == n, 90,
                   f"records-in{{task=0_1}} = {n}")
        check(p.stop() == 0, f"exit code\n{p.stderr()}")

        p2 = r.probe("slices", r.state_dir(), "--restore-listener-delay-ms", "200")  # fresh state: full restore
        p2.wait_for(lambda e: e["event"] == "restore" and e["task"] == "0_1" and e["restored"] >= 1000, 60,
                    "0_1 restoring")
        reader = Reader(b, "output", 2)
        prod.produce("input", key=b"p0", value=b"x", timestamp=BASE_TS, partition=0)
        check(prod.flush(10) == 0, "produce")
        window = BASE_TS - BASE_TS % WINDOW_MS
        deadline = time.monotonic() + 30
        while not any(m.key() == f"p0@{window}".encode() for m in reader.records) and time.monotonic() < deadline:
            reader.poll(0.1)
        seen = any(m.key() == f"p0@{window}".encode() for m in reader.records)
        done = [e for e in p2.restores() if e["task"] == "0_1"]
        check(seen, "task 0_0's output never appeared")
        check(not done, f"task 0_0's output appeared only after 0_1's restore was done: {done}")
        total = p2.wait_for(lambda e: e["event"] == "restore" and e["task"] == "0_1" and e["done"], 60, "0_1 restored")
        check(total["restored"] == total["total"] and total["total"] >= n, f"restore: {total}")
        check(p2.stop() == 0, f"exit code\n{p2.stderr()}")
        reader.close()


def fault_tolerance_kill_one_instance(tools):
    """Two instances share 4 input partitions; one is killed with SIGKILL mid-stream; the
    other takes its partitions over, restores their state from the changelog and finishes.

    At-least-once, and what may be counted twice: the killed instance B committed its input
    offsets only every commit interval. Records of B's partitions that B processed after its
    last commit are processed again by the survivor, which starts at B's committed offsets.
    B's changelog writes for those records may already have been delivered, in which case
    the survivor restores counts that include them and then counts them again. So:
      - no (key, window) count is ever below the reference (nothing is lost: every record
        after B's last commit is re-read, and everything before it is in the changelog,
        which B flushed before committing);
      - windows of keys that live in the survivor's own partitions are exact (the survivor
        commits before every rebalance, so it re-reads nothing of its own);
      - the total over-count is at most the records of B's partitions between B's last
        committed offset and the high watermark at the kill (everything B could have
        processed without committing)."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 4, "output": 4})
        a = r.probe("ft", r.state_dir())
        a.wait_for(lambda e: e["event"] == "rebalance" and e["assigned"], 30, "first assignment")
        bp = r.probe("ft", r.state_dir())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ta, tb = a.tasks(), bp.tasks()
            if ta and tb and not (ta & tb) and len(ta | tb) == 4:
                break
            time.sleep(0.1)
        ta, tb = a.tasks(), bp.tasks()
        check(ta and tb and len(ta | tb) == 4, f"tasks not shared: a={ta} b={tb}")
        b_parts = sorted(int(t.split("_")[1]) for t in tb)

        first = make_records(2000)
        where = produce(b, "input", first)
        reader = Reader(b, "output", 4)
        wait_counts(reader, reference_counts(first), 45)  # both instances processed their share

        # The rest, slowly, with B killed part-way through.
        second = make_records(4000, start=2000)
        t = threading.Thread(target=lambda: where.update(produce(b, "input", second, delay_every=200, delay_s=0.1)))
        t.start()
        time.sleep(1.0)
        bp.kill9()
        committed_at_kill = committed(b, "ft", "input", b_parts)
        hw_at_kill = high_watermarks(b, "input", b_parts)
        t.join(60)
        check(not t.is_alive(), "producer thread hung")

        a.wait_for(lambda e: e["event"] == "rebalance" and len(set(e["assigned"])) == 4, 30,
                   "take-over of all 4 tasks")
        ref = reference_counts(first + second)
        got = wait_counts(reader, ref, 60)
        under = {k: (got.get(k, 0), n) for k, n in ref.items() if got.get(k, 0) < n}
        check(not under, f"counts under the reference: {list(under.items())[:5]}")
        bound = sum(hw_at_kill[p] - committed_at_kill[p] for p in b_parts)
        over = sum(got[k] - n for k, n in ref.items())
        check(over <= bound, f"over-count {over} exceeds B's uncommitted span {bound} "
                             f"(committed {committed_at_kill}, hw {hw_at_kill})")
        a_parts = {int(t.split("_")[1]) for t in ta}
        for k, n in ref.items():
            if where[k.split("@")[0]] in a_parts:
                check(got[k] == n, f"{k}: survivor-owned window counted {got[k]}, reference {n}")
        took_over = {e["task"] for e in a.restores() if e["task"] in tb}
        check(took_over == tb, f"survivor restored {took_over}, B had {tb}")
        print(f"fault tolerance: B had {sorted(tb)}, uncommitted span {bound}, over-count {over}")
        check(a.stop() == 0, f"survivor exit code\n{a.stderr()}")
        reader.close()


def static_member_restart_does_not_disturb_the_other(tools):
    """Static membership (config.group_instance_id): instance B is stopped and restarted
    within its session timeout; it gets its own tasks back (restoring 0 records, its
    checkpoints are current) and instance A sees no rebalance at all (anchors pain
    point 1: no stop-the-world on a rolling restart). Counts stay exact."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 4, "output": 4})
        a = r.probe("sm", r.state_dir(), "--instance-id", "a", session_ms=10000)
        a.wait_for(lambda e: e["event"] == "rebalance" and e["assigned"], 30, "first assignment")
        sd_b = r.state_dir()
        bp = r.probe("sm", sd_b, "--instance-id", "b", session_ms=10000)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ta, tb = a.tasks(), bp.tasks()
            if ta and tb and not (ta & tb) and len(ta | tb) == 4:
                break
            time.sleep(0.1)
        ta, tb = a.tasks(), bp.tasks()
        check(ta and tb and len(ta | tb) == 4, f"tasks not shared: a={ta} b={tb}")
        first = make_records(1000)
        produce(b, "input", first)
        reader = Reader(b, "output", 4)
        wait_counts(reader, reference_counts(first), 45)
        a_rebalances = sum(1 for e in a.events if e["event"] == "rebalance")

        check(bp.stop() == 0, f"B exit code\n{bp.stderr()}")
        b2 = r.probe("sm", sd_b, "--instance-id", "b", session_ms=10000)
        b2.wait_for(lambda e: e["event"] == "rebalance" and e["assigned"], 30, "B's assignment after restart")
        check(b2.tasks() == tb, f"restarted B got {b2.tasks()}, had {tb}")
        second = make_records(1000, start=1000)
        produce(b, "input", second)
        ref = reference_counts(first + second)
        got = wait_counts(reader, ref, 45)
        check(got == dict(ref), "counts differ from the reference after the restart")
        check(all(e["restored"] == 0 for e in b2.restores()), f"B restored past its checkpoint: {b2.restores()}")
        now = sum(1 for e in a.events if e["event"] == "rebalance")
        check(now == a_rebalances, f"A saw {now - a_rebalances} rebalance events during B's restart")
        check(b2.stop() == 0 and a.stop() == 0, "exit codes")
        reader.close()


def startup_errors(tools):
    """A missing input topic and mismatched co-partitioning are start-up errors: exit code
    2 with a message naming the topic / both topics and their partition counts."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"output": 1, "left": 2, "right": 3})
        p = r.probe("missing", r.state_dir(), "--input", "nope")
        check(p.wait_exit(30) == 2, f"exit code {p.proc.returncode}")
        ev = p.wait_for(lambda e: e["event"] == "startup_error", 5, "startup error")
        check(ev["message"] == "input topic 'nope' does not exist", f"message: {ev['message']}")
        check("input topic 'nope' does not exist" in p.stderr(), f"stderr: {p.stderr()}")

        p = r.probe("copart", r.state_dir(), "--mode", "copartition", "--input", "left", "--input2", "right")
        check(p.wait_exit(30) == 2, f"exit code {p.proc.returncode}")
        msg = p.wait_for(lambda e: e["event"] == "startup_error", 5, "startup error")["message"]
        check("'left' has 2 partitions" in msg and "'right' has 3 partitions" in msg and "co-partitioned" in msg,
              f"message: {msg}")
        topics = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(timeout=10).topics
        check(not [t for t in topics if t.startswith(("copart-", "missing-"))], f"topics after failed starts: {list(topics)}")


def decode_errors_go_to_dead_letter_topic(tools):
    """A value that does not decode (3 bytes for an 8-byte integer) goes, unchanged, to the
    dead-letter topic with fjord.error.* headers; the records around it are processed."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 1, "output": 1, "dlq": 1})
        good = (7).to_bytes(8, "big")
        produce(b, "input", [("a", good, BASE_TS), ("bad", b"abc", BASE_TS + 1), ("c", good, BASE_TS + 2)])
        p = r.probe("dl", r.state_dir(), "--mode", "passthrough", "--on-decode-error", "dead-letter", "--dlq", "dlq")
        out, dlq = Reader(b, "output", 1), Reader(b, "dlq", 1)
        deadline = time.monotonic() + 30
        while (len(out.records) < 2 or len(dlq.records) < 1) and time.monotonic() < deadline:
            out.poll(0.3)
            dlq.poll(0.3)
        check([m.key() for m in out.records] == [b"a", b"c"], f"output keys: {[m.key() for m in out.records]}")
        check(len(dlq.records) == 1, f"dlq: {len(dlq.records)} records")
        d = dlq.records[0]
        check(d.key() == b"bad" and d.value() == b"abc", f"dlq record: {d.key()} {d.value()}")
        h = {k: v.decode() for k, v in (d.headers() or [])}
        check(h.get("fjord.error.topic") == "input" and h.get("fjord.error.partition") == "0" and
              h.get("fjord.error.offset") == "1" and "8 bytes" in h.get("fjord.error.message", ""),
              f"dlq headers: {h}")
        check(p.stop() == 0, "exit code")
        m = stopped_event(p)["metrics"]
        check(sum(v for k, v in m.items() if k.startswith("deserialization-errors")) == 1, f"metrics: {m}")
        out.close()
        dlq.close()


def delivery_failure_is_fatal_and_not_committed(tools):
    """A record the broker refuses (the output topic's max.message.bytes is smaller than a
    record the passthrough copies, header included) fails delivery: the app reports it
    through the error listener, exits 1, and never commits the input offset past the
    record whose output was lost (at-least-once: a restart would retry it)."""
    with Run(tools) as r:
        b = r.broker
        create_topics(b, {"input": 1, "output": 1}, configs={"output": {"max.message.bytes": "512"}})
        good = (1).to_bytes(8, "big")
        p = Producer({"bootstrap.servers": b.bootstrap})
        for i in range(5):
            p.produce("input", key=f"g{i}".encode(), value=good, timestamp=BASE_TS + i)
        p.flush(10)
        p.produce("input", key=b"big", value=good, headers=[("pad", b"x" * 2000)], timestamp=BASE_TS + 5)
        for i in range(6, 10):
            p.produce("input", key=f"g{i}".encode(), value=good, timestamp=BASE_TS + i)
        check(p.flush(10) == 0, "produce")
        probe = r.probe("df", r.state_dir(), "--mode", "passthrough", commit_ms=200)
        ev = probe.wait_for(lambda e: e["event"] == "error", 60, "error event")
        check("delivery" in ev["message"] and "output" in ev["message"], f"error: {ev['message']}")
        check(probe.wait_exit(30) == 1, f"exit code {probe.proc.returncode}")
        got = committed(b, "df", "input", [0])[0]
        check(got <= 5, f"committed offset {got} is past the record whose output was lost (offset 5)")


if __name__ == "__main__":
    main({f.__name__: f for f in [end_to_end, repartition_topic_created_and_used, restart_reuses_local_state,
                                  stream_time_survives_restart, task_idles_for_an_empty_partition,
                                  restore_does_not_block_ready_tasks,
                                  fault_tolerance_kill_one_instance,
                                  static_member_restart_does_not_disturb_the_other,
                                  startup_errors, decode_errors_go_to_dead_letter_topic,
                                  delivery_failure_is_fatal_and_not_committed]})
