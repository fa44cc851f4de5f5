#!/usr/bin/python3
"""One consumer-group member *process* for group_tests.py.

    group_member.py '<json config>'

Config keys: client ("ck" = confluent-kafka/librdkafka, "kp" = kafka-python), bootstrap,
topic, group, and optionally strategy (librdkafka partition.assignment.strategy, e.g.
"range", "roundrobin", "cooperative-sticky"; default: the client's default), assignors
(kafka-python: list of "range"/"roundrobin" in order of preference), session_timeout_ms,
heartbeat_ms, instance_id (librdkafka group.instance.id), max_poll_interval_ms.

The member subscribes to `topic` in `group` (auto.offset.reset=earliest, auto commit off)
and, after every batch it consumes, commits the next offsets synchronously. It prints one
JSON object per line on stdout (flushed), `t` = time.monotonic() (CLOCK_MONOTONIC is
system-wide on Linux, so the test can compare it with its own clock):

    {"ev": "started", "t": ...}
    {"ev": "assigned", "parts": [changed partitions], "now": [whole assignment], "t": ...}
    {"ev": "revoked",  "parts": [...], "now": [...], "t": ...}     (also "lost")
    {"ev": "rec", "p": partition, "o": offset, "k": key, "v": value, "t": ...}
    {"ev": "commit", "offsets": {"<partition>": next offset}, "t": ...}
    {"ev": "commit_error", "err": "...", "t": ...}
    {"ev": "error", "err": "...", "t": ...}
    {"ev": "closed", "t": ...}

A line "close" on stdin (or SIGTERM) makes it close the consumer cleanly (librdkafka:
revoke + LeaveGroup for dynamic members; kafka-python: LeaveGroup) and exit 0.
"""
import json
import signal
import sys
import threading
import time

cfg = json.loads(sys.argv[1])
stop = threading.Event()
out_lock = threading.Lock()


def emit(ev, **kw):
    kw["ev"] = ev
    kw.setdefault("t", time.monotonic())
    line = json.dumps(kw)
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def watch_stdin():
    for line in sys.stdin:
        if line.strip() == "close":
            break
    stop.set()  # "close" or EOF (the test went away)


threading.Thread(target=watch_stdin, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *_: stop.set())


def dec(b):
    return None if b is None else b.decode("utf-8", "replace")


# ----------------------------------------------------------------------------- librdkafka
def run_ck():
    from confluent_kafka import Consumer, KafkaError, TopicPartition
    topic = cfg["topic"]
    cooperative = cfg.get("strategy") == "cooperative-sticky"
    conf = {
        "bootstrap.servers": cfg["bootstrap"],
        "group.id": cfg["group"],
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": cfg.get("session_timeout_ms", 6000),
        "heartbeat.interval.ms": cfg.get("heartbeat_ms", 1000),
        "max.poll.interval.ms": cfg.get("max_poll_interval_ms", 60000),
        "fetch.wait.max.ms": 200,
        "topic.metadata.refresh.interval.ms": 5000,
    }
    if cfg.get("strategy"):
        conf["partition.assignment.strategy"] = cfg["strategy"]
    if cfg.get("instance_id"):
        conf["group.instance.id"] = cfg["instance_id"]

    held = set()

    def on_assign(c, parts):
        ps = sorted(p.partition for p in parts)
        if cooperative:
            c.incremental_assign(parts)  # parts = only the newly added partitions
            held.update(ps)
        else:
            c.assign(parts)              # parts = the whole new assignment
            held.clear()
            held.update(ps)
        emit("assigned", parts=ps, now=sorted(held))

    def dropped(event):
        """on_revoke / on_lost: give the partitions up and report them as `event`."""
        def callback(c, parts):
            ps = sorted(p.partition for p in parts)
            if cooperative:
                c.incremental_unassign(parts)
            else:
                c.unassign()
            held.difference_update(ps)
            emit(event, parts=ps, now=sorted(held))
        return callback

    on_revoke = dropped("revoked")
    on_lost = dropped("lost")

    c = Consumer(conf)
    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    emit("started")
    while not stop.is_set():
        msgs = c.consume(num_messages=200, timeout=0.2)
        nxt = {}
        for m in msgs:
            if m.error():
                if m.error().code() != KafkaError._PARTITION_EOF:
                    emit("error", err=str(m.error()))
                continue
            emit("rec", p=m.partition(), o=m.offset(), k=dec(m.key()), v=dec(m.value()))
            nxt[m.partition()] = m.offset() + 1
        if nxt:
            try:
                res = c.commit(offsets=[TopicPartition(topic, p, o) for p, o in sorted(nxt.items())],
                               asynchronous=False)
                bad = [(tp.partition, str(tp.error)) for tp in (res or []) if tp.error is not None]
                if bad:
                    emit("commit_error", err=repr(bad))
                else:
                    emit("commit", offsets={str(p): o for p, o in nxt.items()})
            except Exception as e:  # KafkaException
                emit("commit_error", err=repr(e))
    c.close()
    emit("closed")


# ----------------------------------------------------------------------------- kafka-python
def run_kp():
    from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata
    topic = cfg["topic"]
    kw = {}
    if "session_timeout_ms" in cfg:
        kw["session_timeout_ms"] = cfg["session_timeout_ms"]
    if "heartbeat_ms" in cfg:
        kw["heartbeat_interval_ms"] = cfg["heartbeat_ms"]
    if "assignors" in cfg:
        from kafka.coordinator.assignors.range import RangePartitionAssignor
        from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
        by_name = {"range": RangePartitionAssignor, "roundrobin": RoundRobinPartitionAssignor}
        kw["partition_assignment_strategy"] = [by_name[n] for n in cfg["assignors"]]
    c = KafkaConsumer(bootstrap_servers=cfg["bootstrap"], group_id=cfg["group"], enable_auto_commit=False,
                      auto_offset_reset="earliest", fetch_max_wait_ms=200,
                      max_poll_interval_ms=cfg.get("max_poll_interval_ms", 60000), **kw)
    held = set()

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            ps = sorted(tp.partition for tp in revoked)
            held.difference_update(ps)
            emit("revoked", parts=ps, now=sorted(held))

        def on_partitions_assigned(self, assigned):
            ps = sorted(tp.partition for tp in assigned)
            held.clear()
            held.update(ps)
            emit("assigned", parts=ps, now=sorted(held))

    c.subscribe([topic], listener=Listener())
    emit("started")
    while not stop.is_set():
        batches = c.poll(timeout_ms=200)
        nxt = {}
        for tp, msgs in batches.items():
            for m in msgs:
                emit("rec", p=m.partition, o=m.offset, k=dec(m.key), v=dec(m.value))
                nxt[m.partition] = m.offset + 1
        if nxt:
            try:
                c.commit({TopicPartition(topic, p): OffsetAndMetadata(o, "") for p, o in nxt.items()})
                emit("commit", offsets={str(p): o for p, o in nxt.items()})
            except Exception as e:  # CommitFailedError, KafkaError
                emit("commit_error", err=repr(e))
    c.close()
    emit("closed")


if __name__ == "__main__":
    try:
        {"ck": run_ck, "kp": run_kp}[cfg["client"]]()
    except Exception as e:
        emit("error", err=f"member crashed: {e!r}")
        raise
