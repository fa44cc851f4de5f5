#!/usr/bin/python3
"""Compatibility tests: unmodified third-party Kafka clients against real fjord-broker
processes on loopback.

    client_tests.py --broker PATH [--fjord PATH] TEST_NAME

Clients: kcat 1.7.1 and confluent-kafka-python 1.7.0 (both on librdkafka 2.0.2) and
kafka-python 2.0.2, as Debian ships them (they import only under /usr/bin/python3).
Each TEST_NAME is one ctest test `compat.<TEST_NAME>` (tests/compat/CMakeLists.txt);
README.md in this directory says what each proves.
"""
import collections
import ctypes
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

from harness import Broker, HarnessError, check, main, run

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segment_reader  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"

# One consumed (or expected) record. headers: tuple of (str, bytes|None).
Rec = collections.namedtuple("Rec", "partition offset timestamp key value headers")


def now_ms():
    return int(time.time() * 1000)


# ---------------------------------------------------------------------------------------
# Raw protocol probes (independent of the clients)

def _frame(api_key, version, corr, body=b"", client_id=b"compat"):
    hdr = struct.pack(">hhih", api_key, version, corr, len(client_id)) + client_id
    msg = hdr + body
    return struct.pack(">i", len(msg)) + msg


def _read_frame(s):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise HarnessError(f"connection closed after {len(buf)} of {n} bytes")
            buf += chunk
        return buf
    (size,) = struct.unpack(">i", exact(4))
    return exact(size)


def api_versions(port):
    """{api_key: (min, max)} from an ApiVersions v0 request."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(_frame(18, 0, 7))
        resp = _read_frame(s)
    corr, err, n = struct.unpack_from(">ihi", resp, 0)
    check(corr == 7 and err == 0, f"ApiVersions v0: correlation {corr}, error {err}")
    out = {}
    for i in range(n):
        k, lo, hi = struct.unpack_from(">hhh", resp, 10 + 6 * i)
        out[k] = (lo, hi)
    return out


def overlaps(ranges, key, lo, hi):
    r = ranges.get(key)
    return r is not None and r[0] <= hi and lo <= r[1]


# ---------------------------------------------------------------------------------------
# Client helpers

def ck_admin(bootstrap):
    from confluent_kafka.admin import AdminClient
    return AdminClient({"bootstrap.servers": bootstrap})


def create_topic(bootstrap, name, partitions, config=None):
    from confluent_kafka.admin import NewTopic
    admin = ck_admin(bootstrap)  # must outlive the future
    fs = admin.create_topics([NewTopic(name, partitions, 1, config=config or {})],
                             operation_timeout=10, request_timeout=20)
    try:
        fs[name].result(30)
    except Exception as e:
        raise HarnessError(f"CreateTopics {name} ({partitions} partitions) failed: {e!r}")


def kp_produce(bootstrap, topic, records, **cfg):
    """kafka-python producer. records: list of (partition, key, value, headers, ts).
    Returns [(partition, offset)] in send order."""
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, **cfg)
    try:
        futs = [p.send(topic, key=k, value=v, headers=list(h), partition=part, timestamp_ms=ts)
                for part, k, v, h, ts in records]
        p.flush(30)
        out = []
        for f in futs:
            md = f.get(timeout=30)
            out.append((md.partition, md.offset))
        return out
    except Exception as e:
        raise HarnessError(f"kafka-python produce to {topic} failed: {e!r}")
    finally:
        p.close(10)


def ck_produce(bootstrap, topic, records, **cfg):
    """confluent-kafka producer (acks=all, idempotent). records as kp_produce."""
    from confluent_kafka import Producer
    conf = {"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
            "linger.ms": 5, "message.timeout.ms": 30000}
    conf.update(cfg)
    p = Producer(conf)
    results = [None] * len(records)
    errors = []

    def cb_for(i):
        def cb(err, msg):
            if err is not None:
                errors.append((i, err))
            else:
                results[i] = (msg.partition(), msg.offset())
        return cb

    for i, (part, k, v, h, ts) in enumerate(records):
        kwargs = {"key": k, "value": v, "partition": part, "on_delivery": cb_for(i)}
        if h:
            kwargs["headers"] = list(h)
        if ts is not None:
            kwargs["timestamp"] = ts
        p.produce(topic, **kwargs)
        p.poll(0)
    left = p.flush(40)
    check(not errors, f"confluent-kafka delivery errors for {topic}: {errors[:5]}")
    check(left == 0 and None not in results, f"confluent-kafka: {left} messages undelivered to {topic}")
    return results


def kcat_produce(bootstrap, topic, partition, lines, headers=(), extra=()):
    """kcat -P: one message per line, key and value split by a tab (-K '\\t'); a line
    without a tab has a NULL key. headers: ["name=value", ...] added to every message."""
    cmd = ["kcat", "-P", "-b", bootstrap, "-t", topic, "-p", str(partition), "-K", "\\t",
           "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "linger.ms=5", "-m", "20"]
    for h in headers:
        cmd += ["-H", h]
    cmd += list(extra)
    p = subprocess.run(cmd, input=b"".join(l + b"\n" for l in lines), capture_output=True, timeout=60)
    check(p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}\n{p.stderr.decode(errors='replace')}")


def kp_consume(bootstrap, topic, partitions, timeout=40):
    """kafka-python consumer, no group: assign + seek_to_beginning, read to the end offsets."""
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        end = c.end_offsets(tps)
        got = []
        deadline = time.monotonic() + timeout
        while any(c.position(tp) < end[tp] for tp in tps):
            check(time.monotonic() < deadline,
                  f"kafka-python consumer: positions {[c.position(tp) for tp in tps]} short of {[end[tp] for tp in tps]}")
            for tp, msgs in c.poll(timeout_ms=500).items():
                for m in msgs:
                    check(m.timestamp_type == 0, f"kafka-python: timestamp type {m.timestamp_type} at {tp} {m.offset}")
                    got.append(Rec(m.partition, m.offset, m.timestamp, m.key, m.value,
                                   tuple((k, v) for k, v in m.headers)))
        return got
    finally:
        c.close()


def ck_consume(bootstrap, topic, partitions, timeout=40, start=None, **cfg):
    """confluent-kafka consumer, assign() with explicit offsets (0, or start[partition]),
    to partition EOF.
    librdkafka wants a group.id even for assign(); it is never used for subscribe/commit."""
    from confluent_kafka import Consumer, KafkaError, TopicPartition, TIMESTAMP_CREATE_TIME
    conf = {"bootstrap.servers": bootstrap, "group.id": "compat-assign-only", "enable.auto.commit": False,
            "enable.auto.offset.store": False, "enable.partition.eof": True}
    conf.update(cfg)
    c = Consumer(conf)
    try:
        c.assign([TopicPartition(topic, p, (start or {}).get(p, 0)) for p in range(partitions)])
        got = []
        eof = set()
        deadline = time.monotonic() + timeout
        while len(eof) < partitions:
            check(time.monotonic() < deadline, f"confluent-kafka consumer: EOF only on {sorted(eof)} after {timeout}s")
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    eof.add(m.partition())
                    continue
                raise HarnessError(f"confluent-kafka consumer error: {m.error()}")
            tstype, ts = m.timestamp()
            check(tstype == TIMESTAMP_CREATE_TIME, f"confluent-kafka: timestamp type {tstype} at {m.partition()} {m.offset()}")
            eof.discard(m.partition())
            headers = tuple((k, v) for k, v in (m.headers() or []))
            for _, v in headers:
                if v is None:
                    # confluent-kafka 1.7.0 returns NULL header values as None without
                    # taking a reference (confluentinc/confluent-kafka-python#1191, fixed in
                    # 1.8.2): the interpreter aborts with "deallocating None" later. Give
                    # None the reference the client forgot.
                    ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
            got.append(Rec(m.partition(), m.offset(), ts, m.key(), m.value(), headers))
        return got
    finally:
        c.close()


def kcat_consume(bootstrap, topic, with_headers=True):
    """kcat -C -e with a binary-safe -f format: key and payload lengths (-1 = NULL) come
    first, then the raw bytes. Headers come from %h ("n=v,..." CSV, not binary-safe: only
    for ASCII headers; with_headers=False leaves them out and returns headers=None)."""
    fmt = "%p\\t%o\\t%T\\t%K\\t%S" + ("\\t%h" if with_headers else "") + "\\n%k%s\\n"
    cmd = ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-m", "20", "-f", fmt]
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    check(p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}\n{p.stderr.decode(errors='replace')}")
    data, pos, got = p.stdout, 0, []
    while pos < len(data):
        nl = data.index(b"\n", pos)
        fields = data[pos:nl].split(b"\t")
        check(len(fields) == (6 if with_headers else 5), f"kcat -f line {data[pos:nl]!r}")
        part, off, ts, klen, vlen = fields[:5]
        hdrs = fields[5] if with_headers else None
        pos = nl + 1
        klen, vlen = int(klen), int(vlen)
        key = data[pos:pos + klen] if klen >= 0 else None
        pos += max(klen, 0)
        value = data[pos:pos + vlen] if vlen >= 0 else None
        pos += max(vlen, 0)
        check(data[pos:pos + 1] == b"\n", f"kcat output framing broken at byte {pos}")
        pos += 1
        headers = [] if with_headers else None
        if hdrs:
            for h in hdrs.decode("utf-8").split(","):
                n, _, v = h.partition("=")
                headers.append((n, None if v == "NULL" else v.encode()))  # kcat prints a NULL value as NULL
        got.append(Rec(int(part), int(off), int(ts), key, value, None if headers is None else tuple(headers)))
    return got


def kcat_consume_json(bootstrap, topic):
    cmd = ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-m", "20", "-J"]
    p = run(cmd, timeout=60)
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def by_position(recs):
    return sorted(recs, key=lambda r: (r.partition, r.offset))


def expected_from(records, acks):
    """Expected Recs from produced (partition, key, value, headers, ts) and their acks."""
    return by_position(Rec(p, o, ts, k, v, tuple(h)) for (part, k, v, h, ts), (p, o) in zip(records, acks))


def compare(what, got, want, ts_window=None):
    """Field-by-field comparison; ts None in `want` means: within ts_window."""
    got = by_position(got)
    check(len(got) == len(want), f"{what}: {len(got)} records, expected {len(want)}\n"
          f"first got: {got[:3]}\nfirst want: {want[:3]}")
    for g, w in zip(got, want):
        for f in ("partition", "offset", "key", "value", "headers"):
            check(getattr(g, f) == getattr(w, f),
                  f"{what}: {f} differs at partition {w.partition} offset {w.offset}:\n got  {g}\n want {w}")
        if w.timestamp is None:
            lo, hi = ts_window
            check(lo <= g.timestamp <= hi, f"{what}: timestamp {g.timestamp} outside produce window [{lo}, {hi}] at {g}")
        else:
            check(g.timestamp == w.timestamp, f"{what}: timestamp {g.timestamp} != {w.timestamp} at {g}")


def check_order(what, got, send_order):
    """Per partition, the values come back in the order they were sent."""
    per = collections.defaultdict(list)
    for r in by_position(got):
        per[r.partition].append(r.value)
    for part, values in send_order.items():
        check(per.get(part, []) == values, f"{what}: partition {part} order differs from send order")


# ---------------------------------------------------------------------------------------
# 1. kcat

def kcat_produce_consume(tools):
    with Broker(tools.broker) as b:
        topic, parts = "kcat-basic", 3
        create_topic(b.bootstrap, topic, parts)
        # "-H null-value" (no "=") sends a NULL header value.
        headers = ["trace-id=7f3a9c", "dup=first", "dup=second", "empty=", "null-value", "utf8=héllo ✓"]
        want_headers = (("trace-id", b"7f3a9c"), ("dup", b"first"), ("dup", b"second"), ("empty", b""),
                        ("null-value", None), ("utf8", "héllo ✓".encode()))
        expected = []
        t0 = now_ms()
        for p in range(parts):
            lines = [f"key-{p}-{i}\tvalue {p}/{i} héllo ✓ :colon".encode() for i in range(40)]
            lines.append(b"no tab here: null key")       # NULL key
            lines.append(f"empty-value-{p}\t".encode())   # empty, non-NULL value
            lines.append(f"\tempty key {p}".encode())     # empty, non-NULL key
            kcat_produce(b.bootstrap, topic, p, lines, headers)
            for o, line in enumerate(lines):
                k, tab, v = line.partition(b"\t")
                expected.append(Rec(p, o, None, k if tab else None, v if tab else line, want_headers))
        t1 = now_ms()
        # kcat 1.7.1 cannot set a record timestamp when producing (no such option in
        # `kcat -h`), so the check is: CreateTime, inside the produce window.

        # -J JSON envelope: every field.
        js = kcat_consume_json(b.bootstrap, topic)
        check(len(js) == len(expected), f"kcat -J: {len(js)} records, expected {len(expected)}")
        want_by_pos = {(r.partition, r.offset): r for r in expected}
        for m in js:
            w = want_by_pos.get((m["partition"], m["offset"]))
            check(w is not None, f"kcat -J: unexpected record {m}")
            check(m["topic"] == topic and m["broker"] == 1, f"kcat -J: topic/broker wrong: {m}")
            check(m["tstype"] == "create" and t0 <= m["ts"] <= t1, f"kcat -J: timestamp {m['tstype']} {m['ts']} not CreateTime in [{t0}, {t1}]")
            want_key = None if w.key is None else w.key.decode()
            check(m["key"] == want_key, f"kcat -J: key {m['key']!r} != {want_key!r} at {w.partition}/{w.offset}")
            check(m["payload"] == w.value.decode(), f"kcat -J: payload {m['payload']!r} != {w.value!r}")
            hs = m.get("headers")
            # kcat prints headers as a flat [name, value, name, value, ...] list.
            flat = [x for h in want_headers for x in (h[0], None if h[1] is None else h[1].decode())]
            check(hs == flat, f"kcat -J: headers {hs!r} != {flat!r}")

        # -f binary-safe format: lengths tell NULL from empty.
        compare("kcat -f", kcat_consume(b.bootstrap, topic), by_position(expected), (t0, t1))
        # The same data through both Python clients (they read kcat's batches).
        compare("kcat -> kafka-python", kp_consume(b.bootstrap, topic, parts), by_position(expected), (t0, t1))
        compare("kcat -> confluent-kafka", ck_consume(b.bootstrap, topic, parts), by_position(expected), (t0, t1))
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 2. kafka-python

def make_records(parts, n, seed, binary=True, null_values=True, base_ts=1_700_000_000_000):
    """Deterministic records: (partition, key, value, headers, timestamp)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        p = i % parts
        # (kafka-python refuses a record with both key and value NULL)
        key = None if i % 7 == 3 and i % 11 != 5 else (bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 12))) if binary else f"k{i}".encode())
        if null_values and i % 11 == 5:
            value = None
        elif i % 13 == 6:
            value = b""
        else:
            value = (bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 300))) if binary
                     else f"value-{i}-{'x' * rnd.randrange(50)}".encode())
        headers = [] if i % 5 == 0 else [("h-seq", str(i).encode()), ("h-bin", bytes([i % 256, 0, 255]))]
        if i % 5 == 2:
            # No NULL header values here: kafka-python 2.0.2's send() asserts on them and
            # confluent-kafka 1.7.0 loses a reference to None for each one
            # (confluent-kafka-python#1191). kcat sends them (kcat_produce_consume).
            headers += [("h-empty", b""), ("h-seq", b"repeated")]
        ts = base_ts + i * 1000 + rnd.randrange(1000) - (5000 if i % 9 == 4 else 0)  # some go backwards
        out.append((p, key, value, headers, ts))
    return out


def kafka_python_roundtrip_and_admin(tools):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
    with Broker(tools.broker) as b:
        admin = KafkaAdminClient(bootstrap_servers=b.bootstrap, request_timeout_ms=20000)
        try:
            topic, parts = "kp-roundtrip", 3
            resp = admin.create_topics([NewTopic(topic, parts, 1, topic_configs={"retention.ms": "3600000"}),
                                        NewTopic("kp-doomed", 2, 1)], timeout_ms=10000)
            errs = [(t, e) for t, e, *_ in resp.topic_errors if e != 0]
            check(not errs, f"kafka-python CreateTopics errors: {errs}")
            check({topic, "kp-doomed"} <= set(admin.list_topics()), f"created topics not listed: {admin.list_topics()}")

            records = make_records(parts, 300, seed=2)
            acks = kp_produce(b.bootstrap, topic, records)
            want = expected_from(records, acks)
            check([o for (_, o) in sorted(acks)] == [o for p in range(parts) for o in range(100)],
                  f"kafka-python acks are not offsets 0..99 per partition: {sorted(acks)[:5]}...")
            got = kp_consume(b.bootstrap, topic, parts)
            compare("kafka-python -> kafka-python", got, want)
            check_order("kafka-python", got, {p: [r[2] for r in records if r[0] == p] for p in range(parts)})

            resps = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
            entries = {}
            for r in resps:
                for err, msg, rtype, rname, cfgs in r.resources:
                    check(err == 0, f"DescribeConfigs {rname}: error {err} {msg}")
                    for c in cfgs:
                        entries[c[0]] = c[1]
            check(entries.get("retention.ms") == "3600000", f"DescribeConfigs retention.ms: {entries.get('retention.ms')!r} (all: {entries})")
            check("cleanup.policy" in entries, f"DescribeConfigs lacks cleanup.policy: {entries}")

            resp = admin.delete_topics(["kp-doomed"], timeout_ms=10000)
            errs = [(t, e) for t, e in resp.topic_error_codes if e != 0]
            check(not errs, f"kafka-python DeleteTopics errors: {errs}")
            deadline = time.monotonic() + 10
            while "kp-doomed" in admin.list_topics():
                check(time.monotonic() < deadline, "deleted topic still listed after 10 s")
                time.sleep(0.2)
            check(topic in admin.list_topics(), "the other topic disappeared")
        finally:
            admin.close()
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 3. confluent-kafka

def confluent_roundtrip(tools):
    with Broker(tools.broker) as b:
        topic, parts = "ck-roundtrip", 4
        create_topic(b.bootstrap, topic, parts)
        records = make_records(parts, 400, seed=3)
        acks = ck_produce(b.bootstrap, topic, records)
        want = expected_from(records, acks)
        check(sorted(acks) == [(p, o) for p in range(parts) for o in range(100)],
              f"confluent-kafka acks are not offsets 0..99 per partition: {sorted(acks)[:5]}...")
        got = ck_consume(b.bootstrap, topic, parts)
        compare("confluent-kafka -> confluent-kafka", got, want)
        check_order("confluent-kafka", got, {p: [r[2] for r in records if r[0] == p] for p in range(parts)})
        # assign() at explicit non-zero offsets starts exactly there.
        start = {0: 57, 1: 99, 2: 100, 3: 1}
        got = ck_consume(b.bootstrap, topic, parts, start=start)
        compare("confluent-kafka from explicit offsets", got, [w for w in want if w.offset >= start[w.partition]])
        # The batches on disk carry a producer id and sequences: idempotence was on.
        for p in range(parts):
            for bt in segment_reader.read_partition(b.data_dir, topic, p):
                check(bt.producer_id >= 0 and bt.base_sequence >= 0,
                      f"partition {p} batch at {bt.base_offset}: producerId {bt.producer_id} baseSequence {bt.base_sequence}: not idempotent")
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 4. cross-client matrix

def cross_client_matrix(tools):
    with Broker(tools.broker) as b:
        parts = 2
        want = {}
        windows = {}
        # kafka-python and confluent-kafka: binary keys/values, NULL keys and values,
        # empty values, headers with binary values, explicit timestamps.
        for name, produce in (("kp", kp_produce), ("ck", ck_produce)):
            topic = f"matrix-{name}"
            create_topic(b.bootstrap, topic, parts)
            records = make_records(parts, 120, seed=hash(name) & 0xffff)
            want[topic] = expected_from(records, produce(b.bootstrap, topic, records))
        # kcat: text lines (no tab or newline inside), all bytes 0x01-0xff otherwise,
        # ASCII headers (kcat's %h output is CSV), broker-assigned CreateTime.
        topic = "matrix-kcat"
        create_topic(b.bootstrap, topic, parts)
        rnd = random.Random(4)
        alphabet = bytes(c for c in range(1, 256) if c not in (9, 10))
        hdrs = ["origin=kcat", "n=1"]
        exp = []
        t0 = now_ms()
        for p in range(parts):
            lines = []
            for i in range(60):
                k = bytes(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 10)))
                v = bytes(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 200)))
                lines.append(k + b"\t" + v)
                exp.append(Rec(p, i, None, k, v, (("origin", b"kcat"), ("n", b"1"))))
            kcat_produce(b.bootstrap, topic, p, lines, hdrs)
        windows[topic] = (t0, now_ms())
        want[topic] = by_position(exp)

        consumers = (("kcat", lambda t: kcat_consume(b.bootstrap, t, with_headers=(t == "matrix-kcat"))),
                     ("kafka-python", lambda t: kp_consume(b.bootstrap, t, parts)),
                     ("confluent-kafka", lambda t: ck_consume(b.bootstrap, t, parts)))
        for topic, w in want.items():
            for cname, consume in consumers:
                if cname == "kcat" and topic != "matrix-kcat":
                    # kcat's %h cannot show binary header values or tell a NULL header
                    # value from an empty one: compare everything but headers for those.
                    compare(f"{topic} -> {cname}", consume(topic), [r._replace(headers=None) for r in w], windows.get(topic))
                    continue
                compare(f"{topic} -> {cname}", consume(topic), w, windows.get(topic))
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 5. compression codecs, proven on disk

CODECS = ("gzip", "snappy", "lz4", "zstd")


def librdkafka_expected_codec(ranges, codec):
    """What librdkafka 2.0.2 actually writes for `compression.type=codec` against a broker
    that advertises `ranges` (facts §2.4, tests/data/capture/README.md):
      - gzip, snappy: compressed only if the Produce range includes v0
        (rdkafka_msgset_writer.c compr_req[]); otherwise the batch is sent UNCOMPRESSED
        ("Broker does not support compression type ...: not compressing batch");
      - lz4: needs Produce v0 as above AND the LZ4 feature, which needs FindCoordinator v0
        (rdkafka_feature.c) — the broker has no FindCoordinator until consumer groups;
      - zstd: needs Produce 0-7 overlap and the ZSTD feature (Produce 7 and Fetch 10).
    Returns (expected codec id, why)."""
    produce_v0 = overlaps(ranges, 0, 0, 0)
    why = f"broker advertises Produce {ranges.get(0)}, Fetch {ranges.get(1)}, FindCoordinator {ranges.get(10)}"
    if codec in ("gzip", "snappy"):
        ok = produce_v0
    elif codec == "lz4":
        ok = produce_v0 and overlaps(ranges, 10, 0, 0)
    else:
        ok = overlaps(ranges, 0, 7, 7) and overlaps(ranges, 1, 10, 10)
    return (segment_reader.CODEC_BY_NAME[codec] if ok else segment_reader.CODEC_NONE), why


def check_stored(b, topic, want_codec, want_values, what):
    batches = segment_reader.read_partition(b.data_dir, topic, 0)
    codecs = sorted({bt.codec_name for bt in batches})
    check(codecs == [segment_reader.CODEC_NAMES[want_codec]],
          f"{what}: stored batches use codec(s) {codecs}, expected {segment_reader.CODEC_NAMES[want_codec]}")
    stored = [r.value for bt in batches for r in bt.records()]
    check(stored == want_values, f"{what}: decompressed segment records differ from what was sent "
          f"({len(stored)} vs {len(want_values)})")
    raw = sum(len(bt.raw) for bt in batches)
    plain = sum(len(bt.record_bytes()) + segment_reader.HEADER_SIZE for bt in batches)
    if want_codec != segment_reader.CODEC_NONE:
        check(raw < plain, f"{what}: stored {raw} bytes, not smaller than uncompressed {plain}")
    return len(batches), raw, plain


def compression_codecs(tools):
    with Broker(tools.broker) as b:
        ranges = api_versions(b.port)
        values = [(f"compressible record {i:05d} " + "abcdefgh" * 20).encode() for i in range(300)]
        recs = [(0, f"k{i}".encode(), v, [("codec-test", b"1")], 1_700_000_000_000 + i) for i, v in enumerate(values)]
        report = []
        for codec in CODECS:
            # kafka-python compresses every codec itself (it pins Produce v7 / magic 2).
            topic = f"codec-kp-{codec}"
            create_topic(b.bootstrap, topic, 1)
            acks = kp_produce(b.bootstrap, topic, recs, compression_type=codec, batch_size=64 * 1024)
            want = expected_from(recs, acks)
            n, raw, plain = check_stored(b, topic, segment_reader.CODEC_BY_NAME[codec], values, f"kafka-python {codec}")
            report.append(f"kafka-python {codec}: {n} batches, {raw} bytes on disk ({plain} uncompressed)")
            compare(f"kafka-python {codec} -> confluent-kafka", ck_consume(b.bootstrap, topic, 1), want)
            compare(f"kafka-python {codec} -> kafka-python", kp_consume(b.bootstrap, topic, 1), want)

            # confluent-kafka: the stored codec is whatever librdkafka decides from the
            # broker's advertised versions. EXPLICIT expectation: with Produce 3-7 and no
            # FindCoordinator (the broker today), gzip/snappy/lz4 are stored UNCOMPRESSED
            # (codec 0) and only zstd is compressed. When the broker advertises Produce v0
            # (gzip/snappy) and FindCoordinator v0 (lz4), the expectation flips to the codec
            # and this test proves the compressed path instead.
            topic = f"codec-ck-{codec}"
            create_topic(b.bootstrap, topic, 1)
            want_codec, why = librdkafka_expected_codec(ranges, codec)
            acks = ck_produce(b.bootstrap, topic, recs, **{"compression.type": codec, "linger.ms": 50})
            want = expected_from(recs, acks)
            n, raw, plain = check_stored(b, topic, want_codec, values,
                                         f"confluent-kafka compression.type={codec} ({why})")
            report.append(f"confluent-kafka {codec}: stored as {segment_reader.CODEC_NAMES[want_codec]} "
                          f"({why}); {n} batches, {raw} bytes on disk")
            compare(f"confluent-kafka {codec} -> kafka-python", kp_consume(b.bootstrap, topic, 1), want)
            compare(f"confluent-kafka {codec} -> confluent-kafka", ck_consume(b.bootstrap, topic, 1), want)
        print("\n".join(report))
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 6. restart keeps acknowledged data

def restart_keeps_acked_data(tools):
    with Broker(tools.broker) as b:
        topic, parts = "restart", 3
        create_topic(b.bootstrap, topic, parts)
        rounds = []
        for how in ("SIGTERM", "SIGKILL"):
            base = 1_700_000_000_000 + len(rounds) * 10_000_000
            records = [(i % parts, f"{how}-k{i}".encode(), f"{how}-value-{i}".encode(), [("round", how.encode())], base + i)
                       for i in range(1500)]
            acks = ck_produce(b.bootstrap, topic, records)
            rounds.append((records, acks))
            if how == "SIGTERM":
                code = b.stop()
                check(code == 0, f"exit code {code} after SIGTERM")
            else:
                b.kill()
            b.start()
            want = by_position(r for recs, a in rounds for r in expected_from(recs, a))
            got = ck_consume(b.bootstrap, topic, parts)
            if len(got) != len(want):
                have = {(r.partition, r.offset) for r in got}
                missing = [w for w in want if (w.partition, w.offset) not in have]
                raise HarnessError(f"after {how} + restart: {len(got)} records, {len(want)} acknowledged; "
                                   f"{len(missing)} acked records missing, first: {missing[:5]}")
            compare(f"after {how} + restart", got, want)
            compare(f"after {how} + restart (kafka-python)", kp_consume(b.bootstrap, topic, parts), want)
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 7. kill -9 during an idempotent acks=all load

def kill9_during_idempotent_load(tools):
    seed = int(os.environ.get("COMPAT_SEED", random.SystemRandom().randrange(1 << 30)))
    rnd = random.Random(seed)
    count, parts = 20000, 4
    n_kills = rnd.choice((1, 2))
    # Kill when this many deliveries were acknowledged (spread over the run).
    thresholds = sorted(rnd.randrange(count // 10, count * 8 // 10) for _ in range(n_kills))
    jitters = [rnd.uniform(0.0, 0.05) for _ in range(n_kills)]  # so the kill lands mid-request
    downtimes = [rnd.uniform(0.0, 1.5) for _ in range(n_kills)]
    print(f"seed {seed} (rerun with COMPAT_SEED={seed}): {n_kills} kill -9 at acked >= {thresholds} "
          f"+ {[round(j, 3) for j in jitters]} s, down {[round(d, 2) for d in downtimes]} s")
    with Broker(tools.broker) as b:
        topic = "idem-load"
        create_topic(b.bootstrap, topic, parts)
        out = os.path.join(b.dir, "deliveries.txt")
        prod = subprocess.Popen([PY, os.path.join(HERE, "idem_producer.py"), b.bootstrap, topic, str(count),
                                 str(parts), out, "10"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            def acked_so_far():
                try:
                    with open(out, "rb") as f:
                        return f.read().count(b"\nOK ")
                except OSError:
                    return 0
            deadline = time.monotonic() + 100
            for k, (th, jitter, down) in enumerate(zip(thresholds, jitters, downtimes)):
                while acked_so_far() < th:
                    check(prod.poll() is None, f"producer exited {prod.returncode} before kill {k + 1} (seed {seed})")
                    check(time.monotonic() < deadline, f"producer stuck below {th} acks (seed {seed})")
                    time.sleep(0.005)
                time.sleep(jitter)
                at = acked_so_far()
                b.kill()
                print(f"kill -9 #{k + 1} at {at} acked deliveries; restarting after {down:.2f}s")
                time.sleep(down)
                b.start()
            try:
                prod_out, _ = prod.communicate(timeout=max(5, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise HarnessError(f"producer did not finish (seed {seed})")
        finally:
            if prod.poll() is None:
                prod.kill()
                prod.wait()

        acked, failed, done = {}, {}, None
        with open(out) as f:
            for line in f:
                w = line.split(maxsplit=3)
                if w[0] == "OK":
                    check(w[1] not in acked, f"two delivery reports for {w[1]} (seed {seed})")
                    acked[w[1]] = (int(w[2]), int(w[3]))
                elif w[0] == "FAIL":
                    failed[w[1]] = " ".join(w[2:])
                elif w[0] == "DONE":
                    done = line.strip()
        print(f"producer: {done}; exit {prod.returncode}; {len(acked)} acked, {len(failed)} failed")

        got = ck_consume(b.bootstrap, topic, parts, timeout=60)
        problems = []
        seen = collections.defaultdict(list)
        per_part = collections.defaultdict(list)
        for r in by_position(got):
            v = r.value.decode()
            seen[v].append((r.partition, r.offset))
            per_part[r.partition].append((r.offset, v))
        dups = {v: locs for v, locs in seen.items() if len(locs) > 1}
        if dups:
            problems.append(f"{len(dups)} values stored more than once (idempotence broken), e.g. "
                            f"{sorted(dups.items())[:10]}")
        missing = sorted(v for v in acked if v not in seen)
        if missing:
            problems.append(f"{len(missing)} acknowledged values missing, e.g. {missing[:20]}")
        moved = sorted((v, acked[v], seen[v]) for v in acked if v in seen and acked[v] not in seen[v])
        if moved:
            problems.append(f"{len(moved)} acked values not at their acknowledged (partition, offset), "
                            f"e.g. (value, acked, found) {moved[:10]}")
        unknown = sorted(v for v in seen if not (len(v) == 7 and v[0] == "v" and v[1:].isdigit() and int(v[1:]) < count))
        if unknown:
            problems.append(f"{len(unknown)} values that were never sent: {unknown[:10]}")
        for p, lst in sorted(per_part.items()):
            offs = [o for o, _ in lst]
            if offs != list(range(offs[0], offs[0] + len(offs))) or offs[0] != 0:
                problems.append(f"partition {p}: offsets not contiguous from 0 (first {offs[:3]}, {len(offs)} records)")
            vals = [int(v[1:]) for _, v in lst if v[1:].isdigit()]
            wrong_p = [v for v in vals if v % parts != p]
            if wrong_p:
                problems.append(f"partition {p}: values from another partition: {wrong_p[:10]}")
            bad = [(vals[i], vals[i + 1]) for i in range(len(vals) - 1) if vals[i + 1] <= vals[i]]
            if bad:
                problems.append(f"partition {p}: order differs from send order at {len(bad)} places, e.g. {bad[:10]}")
        if failed:
            problems.append(f"{len(failed)} deliveries failed although message.timeout.ms=60000 outlives the restarts, "
                            f"e.g. {sorted(failed.items())[:5]}")
        if len(acked) != count:
            problems.append(f"only {len(acked)} of {count} messages acknowledged; producer said {done}, output:\n"
                            f"{prod_out.decode(errors='replace')[-2000:]}")
        check(not problems, f"seed {seed}:\n  " + "\n  ".join(problems))
        print(f"all {count} values present exactly once, in send order, at their acked offsets")
        check(b.stop() == 0, "unclean stop")


# ---------------------------------------------------------------------------------------
# 8. bootstrap and metadata compatibility, auto topic creation

def metadata_and_auto_create(tools):
    from kafka import KafkaConsumer, KafkaProducer
    with Broker(tools.broker, properties={"num.partitions": "3"}) as b:
        create_topic(b.bootstrap, "existing", 2)
        # kafka-python's bootstrap, reproduced on a raw socket: ApiVersions v0 and
        # Metadata v0 (all topics) pipelined in one write; answers in request order.
        with socket.create_connection(("127.0.0.1", b.port), timeout=10) as s:
            s.sendall(_frame(18, 0, 1) + _frame(3, 0, 2, struct.pack(">i", 0)))
            r1, r2 = _read_frame(s), _read_frame(s)
        check(struct.unpack_from(">ih", r1) == (1, 0), f"ApiVersions v0 answer: {r1[:6].hex()}")
        (corr, nbrokers) = struct.unpack_from(">ii", r2)
        check(corr == 2 and nbrokers == 1, f"Metadata v0 answer: correlation {corr}, {nbrokers} brokers")
        node, hlen = struct.unpack_from(">ih", r2, 8)
        host = r2[14:14 + hlen].decode()
        (port,) = struct.unpack_from(">i", r2, 14 + hlen)
        check((node, host, port) == (1, "127.0.0.1", b.port), f"Metadata v0 broker {(node, host, port)}")
        pos = 18 + hlen
        (ntopics,) = struct.unpack_from(">i", r2, pos)
        pos += 4
        topics = {}
        for _ in range(ntopics):
            err, nlen = struct.unpack_from(">hh", r2, pos)
            name = r2[pos + 4:pos + 4 + nlen].decode()
            pos += 4 + nlen
            (np_,) = struct.unpack_from(">i", r2, pos)
            pos += 4
            plist = []
            for _ in range(np_):
                perr, pid, leader, nrep = struct.unpack_from(">hiii", r2, pos)
                pos += 14 + 4 * nrep
                (nisr,) = struct.unpack_from(">i", r2, pos)
                pos += 4 + 4 * nisr
                plist.append((perr, pid, leader))
            topics[name] = (err, sorted(plist))
        check(pos == len(r2), f"Metadata v0 answer has {len(r2) - pos} extra bytes")
        check(topics.get("existing") == (0, [(0, 0, 1), (0, 1, 1)]), f"Metadata v0 topics: {topics}")

        # The real kafka-python bootstrap (check_version) and its inferred broker version.
        c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id=None)
        try:
            inferred = c.config["api_version"]
            print(f"kafka-python inferred broker version {inferred}")
            check(inferred >= (0, 11), f"kafka-python inferred {inferred}: no record batches / headers")
            check("existing" in c.topics(), f"kafka-python topics(): {c.topics()}")
            check(c.partitions_for_topic("existing") == {0, 1}, f"partitions: {c.partitions_for_topic('existing')}")
        finally:
            c.close()

        # Auto topic creation by producing to an unknown topic (Metadata creates it).
        kp = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all", max_block_ms=20000)
        try:
            md = kp.send("auto-kp", key=b"k", value=b"from kafka-python", partition=2).get(timeout=30)
            check((md.topic, md.partition, md.offset) == ("auto-kp", 2, 0), f"kafka-python auto-create ack {md}")
            check(kp.partitions_for("auto-kp") == {0, 1, 2}, f"auto-kp partitions {kp.partitions_for('auto-kp')}")
        finally:
            kp.close(10)
        acks = ck_produce(b.bootstrap, "auto-ck", [(1, b"k", b"from librdkafka", [], 1_700_000_000_000)])
        check(acks == [(1, 0)], f"confluent-kafka auto-create acks {acks}")
        kcat_produce(b.bootstrap, "auto-kcat", 0, [b"k\tfrom kcat"])
        md = ck_admin(b.bootstrap).list_topics(timeout=10)
        for t in ("auto-kp", "auto-ck", "auto-kcat"):
            check(t in md.topics and len(md.topics[t].partitions) == 3,
                  f"{t}: {md.topics.get(t) and sorted(md.topics[t].partitions)} (num.partitions=3)")
        got = kp_consume(b.bootstrap, "auto-ck", 3)
        check([(r.partition, r.offset, r.value) for r in got] == [(1, 0, b"from librdkafka")], f"auto-ck: {got}")
        got = ck_consume(b.bootstrap, "auto-kp", 3)
        check([(r.partition, r.offset, r.value) for r in got] == [(2, 0, b"from kafka-python")], f"auto-kp: {got}")
        got = kcat_consume(b.bootstrap, "auto-kcat")
        check([(r.partition, r.offset, r.key, r.value) for r in got] == [(0, 0, b"k", b"from kcat")], f"auto-kcat: {got}")

        # With auto.create.topics.enable=false the same produce fails (the knob is real).
        check(b.stop() == 0, "unclean stop")
        b.properties["auto.create.topics.enable"] = "false"
        b.start()
        from confluent_kafka import Producer
        p = Producer({"bootstrap.servers": b.bootstrap, "message.timeout.ms": 3000})
        errs = []
        p.produce("auto-off", value=b"x", on_delivery=lambda err, msg: errs.append(err))
        p.flush(10)
        check(len(errs) == 1 and errs[0] is not None, f"produce to unknown topic with auto-create off: {errs}")
        md = ck_admin(b.bootstrap).list_topics(timeout=10)
        check("auto-off" not in md.topics, "topic auto-created although auto.create.topics.enable=false")
        check(b.stop() == 0, "unclean stop")


TESTS = {
    "kcat_produce_consume": kcat_produce_consume,
    "kafka_python_roundtrip_and_admin": kafka_python_roundtrip_and_admin,
    "confluent_roundtrip": confluent_roundtrip,
    "cross_client_matrix": cross_client_matrix,
    "compression_codecs": compression_codecs,
    "restart_keeps_acked_data": restart_keeps_acked_data,
    "kill9_during_idempotent_load": kill9_during_idempotent_load,
    "metadata_and_auto_create": metadata_and_auto_create,
}


if __name__ == "__main__":
    main(TESTS)
