#!/usr/bin/python3
"""`fjord` CLI tests against a real fjord-broker on loopback.

    cli_tests.py --broker PATH --fjord PATH TEST_NAME
Each TEST_NAME is one ctest test `integration.<TEST_NAME>` (tests/integration/CMakeLists.txt).
The CLI's commands, formats and exit codes are specified in docs/cli.md.
"""
import base64
import datetime
import json
import re
import subprocess
import time

from harness import Broker, HarnessError, check, free_port, main


def fjord(tools, bootstrap, *args, input=None, expect=0, timeout=60):
    """Runs `fjord -b BOOTSTRAP ARGS...`; checks the exit code unless expect is None."""
    cmd = [tools.fjord, "-b", bootstrap, "--timeout", "10", *[str(a) for a in args]]
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout)
    if expect is not None and p.returncode != expect:
        raise HarnessError(f"{' '.join(cmd)} exited {p.returncode}, expected {expect}\n"
                           f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def describe(tools, b, topic):
    return json.loads(fjord(tools, b.bootstrap, "topic", "describe", topic, "--json").stdout)


def overrides(desc):
    return {c["name"]: c["value"] for c in desc["configs"] if c["overridden"]}


def consume_json(tools, b, topic, *args):
    out = fjord(tools, b.bootstrap, "consume", topic, "--format", "json", "--exit-at-end", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def now_ms():
    return int(time.time() * 1000)


def topic_create_list_describe_alter_delete(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "orders", "--partitions", "3", "--config", "retention.ms=3600000")
        check("orders" in fjord(tools, bs, "topic", "list").stdout.split(), "created topic not listed")
        d = describe(tools, b, "orders")
        check([p["partition"] for p in d["partitions"]] == [0, 1, 2], f"partitions: {d['partitions']}")
        for p in d["partitions"]:
            check(p["leader"] == 1 and p["replicas"] == [1] and p["isr"] == [1], f"partition: {p}")
            check(p["log_start_offset"] == 0 and p["log_end_offset"] == 0, f"offsets of an empty partition: {p}")
        check(overrides(d) == {"retention.ms": "3600000"}, f"overrides after create: {overrides(d)}")
        sources = {c["name"]: c["source"] for c in d["configs"]}
        check(sources["retention.ms"] == "DYNAMIC_TOPIC_CONFIG", f"sources: {sources}")
        check(sources["segment.bytes"] == "DEFAULT_CONFIG", f"sources: {sources}")

        again = fjord(tools, bs, "topic", "create", "orders", expect=1)
        check("'orders' already exists" in again.stderr and "--if-not-exists" in again.stderr,
              f"create of an existing topic: {again.stderr}")
        fjord(tools, bs, "topic", "create", "orders", "--if-not-exists")

        # AlterConfigs replaces the whole override set: the CLI must keep retention.ms.
        fjord(tools, bs, "topic", "alter", "orders", "--config", "segment.bytes=1048576")
        d = describe(tools, b, "orders")
        check(overrides(d) == {"retention.ms": "3600000", "segment.bytes": "1048576"},
              f"overrides after alter --config: {overrides(d)}")
        text = fjord(tools, bs, "topic", "describe", "orders").stdout
        check("segment.bytes=1048576  (overridden" in text, f"text describe lacks the override:\n{text}")

        fjord(tools, bs, "topic", "alter", "orders", "--delete-config", "retention.ms")
        d = describe(tools, b, "orders")
        check(overrides(d) == {"segment.bytes": "1048576"}, f"overrides after --delete-config: {overrides(d)}")
        missing = fjord(tools, bs, "topic", "alter", "orders", "--delete-config", "retention.ms", expect=1)
        check("no override for 'retention.ms'" in missing.stderr, f"deleting a missing override: {missing.stderr}")

        fjord(tools, bs, "topic", "alter", "orders", "--partitions", "5")
        d = describe(tools, b, "orders")
        check(len(d["partitions"]) == 5, f"partitions after --partitions 5: {len(d['partitions'])}")
        shrink = fjord(tools, bs, "topic", "alter", "orders", "--partitions", "2", expect=1)
        check("can only grow" in shrink.stderr, f"shrinking: {shrink.stderr}")

        fjord(tools, bs, "topic", "delete", "orders")
        check("orders" not in fjord(tools, bs, "topic", "list").stdout.split(), "deleted topic still listed")
        gone = fjord(tools, bs, "topic", "describe", "orders", expect=1)
        check("'orders' does not exist" in gone.stderr, f"describe after delete: {gone.stderr}")
        gone = fjord(tools, bs, "topic", "delete", "orders", expect=1)
        check("'orders' does not exist" in gone.stderr, f"delete after delete: {gone.stderr}")


def produce_consume_json_fields(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "events", "--partitions", "2")
        lines = ["k1:v1", "k2:v:with:colons", "k3:gr\u00fc\u00df", ":empty key", "k5:"]
        before = now_ms()
        p = fjord(tools, bs, "produce", "events", "--key-separator", ":", "--partition", "1",
                  "--header", "trace=abc", "--header", "n=1", input="\n".join(lines) + "\n")
        after = now_ms()
        check("5 records delivered" in p.stderr, f"produce summary: {p.stderr}")
        recs = consume_json(tools, b, "events", "--from-beginning")
        check(len(recs) == 5, f"{len(recs)} records back, expected 5: {recs}")
        last_ts = 0
        for i, (r, line) in enumerate(zip(recs, lines)):
            key, value = line.split(":", 1)
            check(r["topic"] == "events", f"topic: {r}")
            check(r["partition"] == 1, f"partition: {r}")
            check(r["offset"] == i, f"record {i} has offset {r['offset']}: order lost")
            check(r["key"] == key and r["value"] == value, f"record {i}: {r} vs line {line!r}")
            check("key_encoding" not in r and "value_encoding" not in r, f"UTF-8 printed as base64: {r}")
            check(r["headers"] == [{"key": "trace", "value": "abc"}, {"key": "n", "value": "1"}], f"headers: {r}")
            check(r["timestamp_type"] == "create_time", f"timestamp_type: {r}")
            check(before - 1000 <= r["timestamp"] <= after + 1000, f"timestamp {r['timestamp']} not in "
                  f"[{before}, {after}]")
            check(r["timestamp"] >= last_ts, "timestamps go backwards")
            last_ts = r["timestamp"]
        check(consume_json(tools, b, "events", "--from-beginning", "--partition", "0") == [],
              "partition 0 got records that were sent to partition 1")

        kv = fjord(tools, bs, "consume", "events", "--from-beginning", "--exit-at-end", "--format", "kv",
                   "--key-separator", "=").stdout
        check(kv.splitlines() == [ln.replace(":", "=", 1) for ln in lines], f"kv output:\n{kv}")
        value = fjord(tools, bs, "consume", "events", "--from-beginning", "--exit-at-end").stdout
        check(value.splitlines() == [ln.split(":", 1)[1] for ln in lines], f"value output:\n{value}")

        # Without a separator every line is a value with a null key.
        fjord(tools, bs, "produce", "events", "--partition", "0", input="no key here\n")
        r = consume_json(tools, b, "events", "--from-beginning", "--partition", "0")
        check(len(r) == 1 and r[0]["key"] is None and r[0]["value"] == "no key here", f"null key: {r}")


def binary_values_print_as_base64(tools):
    with Broker(tools.broker) as b:
        fjord(tools, b.bootstrap, "topic", "create", "bin", "--partitions", "1")
        # fjord produce sends stdin bytes as they are, valid UTF-8 or not.
        raw = b"k\xff:v\xfe\x00x\n"
        p = subprocess.run([tools.fjord, "-b", b.bootstrap, "produce", "bin", "--key-separator", ":"],
                           input=raw, capture_output=True, timeout=60)
        check(p.returncode == 0, f"produce of binary input failed: {p.stderr!r}")
        r = consume_json(tools, b, "bin", "--from-beginning")
        check(len(r) == 1, f"records: {r}")
        check(r[0]["key_encoding"] == "base64" and base64.b64decode(r[0]["key"]) == b"k\xff", f"key: {r[0]}")
        check(r[0]["value_encoding"] == "base64" and base64.b64decode(r[0]["value"]) == b"v\xfe\x00x",
              f"value: {r[0]}")


def consume_offset_timestamp_and_count(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "log", "--partitions", "1")
        fjord(tools, bs, "produce", "log", input="".join(f"first-{i}\n" for i in range(5)))
        time.sleep(0.3)
        mid = now_ms()
        time.sleep(0.3)
        fjord(tools, bs, "produce", "log", input="".join(f"second-{i}\n" for i in range(5)))

        r = consume_json(tools, b, "log", "--partition", "0", "--offset", "3")
        check([x["offset"] for x in r] == [3, 4, 5, 6, 7, 8, 9], f"--offset 3: {[x['offset'] for x in r]}")
        check(r[0]["value"] == "first-3", f"--offset 3 starts at {r[0]}")

        r = consume_json(tools, b, "log", "--timestamp", str(mid))
        check([x["value"] for x in r] == [f"second-{i}" for i in range(5)], f"--timestamp {mid}: {r}")
        iso = datetime.datetime.fromtimestamp(mid / 1000, tz=datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        r = consume_json(tools, b, "log", "--timestamp", iso)
        check([x["value"] for x in r] == [f"second-{i}" for i in range(5)], f"--timestamp {iso}: {r}")
        r = consume_json(tools, b, "log", "--timestamp", str(now_ms() + 3600_000))
        check(r == [], f"--timestamp in the future should start at the end: {r}")

        out = fjord(tools, bs, "consume", "log", "--from-beginning", "--count", "3").stdout
        check(out.splitlines() == ["first-0", "first-1", "first-2"], f"--count 3:\n{out}")
        check(consume_json(tools, b, "log", "--from-end") == [], "--from-end printed old records")

        bad = fjord(tools, bs, "consume", "log", "--partition", "0", "--offset", "100", expect=1)
        check("--offset 100" in bad.stderr and "0..10" in bad.stderr, f"out-of-range offset: {bad.stderr}")
        short = fjord(tools, bs, "consume", "log", "--from-beginning", "--count", "20", "--timeout-ms", "1500",
                      expect=1)
        check(len(short.stdout.splitlines()) == 10 and "only 10 of --count 20" in short.stderr,
              f"--count beyond the log: {short.stderr}")
        usage = fjord(tools, bs, "consume", "log", "--offset", "1", expect=2)
        check("--partition" in usage.stderr, f"--offset without --partition: {usage.stderr}")


def every_compression_codec_round_trips(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        lines = [f"key-{i % 7}|value {i} " + "x" * (i % 50) for i in range(300)]
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
            topic = f"codec-{codec}"
            fjord(tools, bs, "topic", "create", topic, "--partitions", "1")
            fjord(tools, bs, "produce", topic, "--compression", codec, "--key-separator", "|",
                  input="\n".join(lines) + "\n")
            out = fjord(tools, bs, "consume", topic, "--from-beginning", "--exit-at-end", "--format", "kv",
                        "--key-separator", "|").stdout
            check(out.splitlines() == lines, f"{codec}: records differ after the round trip")
        # The idempotent producer (InitProducerId + sequence numbers) with a codec too.
        fjord(tools, bs, "produce", "codec-zstd", "--compression", "zstd", "--idempotent", "--acks", "all",
              input="idempotent\n")
        out = fjord(tools, bs, "consume", "codec-zstd", "--partition", "0", "--offset", "300", "--exit-at-end").stdout
        check(out == "idempotent\n", f"idempotent record: {out!r}")


def produce_line_without_separator_fails_after_delivering_earlier_lines(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "strict", "--partitions", "1")
        p = fjord(tools, bs, "produce", "strict", "--key-separator", ":",
                  input="a:1\nb:2\nno separator here\nc:3\n", expect=1)
        check("line 3" in p.stderr and "':'" in p.stderr, f"error does not name line 3: {p.stderr}")
        out = fjord(tools, bs, "consume", "strict", "--from-beginning", "--exit-at-end", "--format", "kv",
                    "--key-separator", ":").stdout
        check(out.splitlines() == ["a:1", "b:2"], f"records after the bad line:\n{out}")


def unknown_topic_fails_naming_it(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        for args in (["consume", "ghost", "--exit-at-end"], ["topic", "describe", "ghost"],
                     ["produce", "ghost"], ["perf", "consume", "ghost", "--records", "1"]):
            p = fjord(tools, bs, *args, input="x\n", expect=1)
            check("topic 'ghost' does not exist" in p.stderr and "fjord topic create ghost" in p.stderr,
                  f"{args}: {p.stderr}")
        check("ghost" not in fjord(tools, bs, "topic", "list").stdout.split(),
              "looking at an unknown topic created it")


def unreachable_broker_fails_clearly(tools):
    port = free_port()  # nobody listens here
    for args in (["topic", "list"], ["consume", "t"], ["produce", "t"], ["cluster", "describe"]):
        start = time.monotonic()
        p = fjord(tools, f"127.0.0.1:{port}", *args, input="x\n", expect=None, timeout=30)
        took = time.monotonic() - start
        check(p.returncode == 1, f"{args}: exit {p.returncode}, expected 1\n{p.stderr}")
        check(f"cannot reach broker at 127.0.0.1:{port}" in p.stderr and "fjord-broker running" in p.stderr,
              f"{args}: unclear message: {p.stderr}")
        check(took < 12, f"{args}: took {took:.1f} s with --timeout 10")


def usage_errors_exit_2(tools):
    bs = "127.0.0.1:1"  # never contacted: usage errors come first
    for args in (["bogus"], ["topic"], ["produce"], ["produce", "t", "--acks", "7"],
                 ["produce", "t", "--compression", "brotli"], ["consume", "t", "--format", "xml"],
                 ["consume", "t", "--from-beginning", "--from-end"], ["topic", "create", "t", "--config", "novalue"],
                 ["consume", "t", "--timestamp", "yesterday"], ["-X", "no.such.property=1", "topic", "list"]):
        p = fjord(tools, bs, *args, expect=None, timeout=30)
        check(p.returncode == 2, f"{args}: exit {p.returncode}, expected 2\n{p.stderr}")
    for args in (["--help"], ["topic", "alter", "--help"], ["perf", "produce", "--help"]):
        p = fjord(tools, bs, *args, expect=0)
        check("Usage:" in p.stdout, f"{args}: no usage text:\n{p.stdout}")


def cluster_describe_shows_the_broker(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "a", "--partitions", "2")
        fjord(tools, bs, "topic", "create", "b", "--partitions", "3")
        text = fjord(tools, bs, "cluster", "describe").stdout
        check(f"127.0.0.1:{b.port}" in text, f"broker address missing:\n{text}")
        j = json.loads(fjord(tools, bs, "cluster", "describe", "--json").stdout)
        check(j["brokers"] == [{"id": 1, "host": "127.0.0.1", "port": b.port}], f"brokers: {j}")
        check(j["controller_id"] == 1 and j["cluster_id"], f"controller / cluster id: {j}")
        check(j["topics"] == 2 and j["partitions"] == 5, f"counts: {j}")


def check_perf_result(result, records, what):
    check(result["records"] == records, f"{what}: records {result['records']} != {records}")
    check(result["seconds"] > 0 and result["records_per_sec"] > 0 and result["mb_per_sec"] > 0,
          f"{what}: rates not positive: {result}")
    lat = [result[k] for k in ("latency_ms_p50", "latency_ms_p99", "latency_ms_p999", "latency_ms_max")]
    check(all(x >= 0 for x in lat) and lat == sorted(lat), f"{what}: p50 <= p99 <= p99.9 <= max violated: {lat}")


def perf_produce_and_consume(tools):
    with Broker(tools.broker) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "perf", "--partitions", "3")
        p = fjord(tools, bs, "perf", "produce", "perf", "--records", "20000", "--record-size", "1024",
                  "--acks", "all", "--json", timeout=120)
        produced = json.loads(p.stdout)
        check_perf_result(produced, 20000, "perf produce")
        check(produced["bytes"] == 20000 * 1024, f"perf produce bytes: {produced}")
        d = describe(tools, b, "perf")
        check(sum(x["log_end_offset"] for x in d["partitions"]) == 20000, f"log end offsets: {d['partitions']}")
        c = fjord(tools, bs, "perf", "consume", "perf", "--records", "20000", "--json", timeout=120)
        check_perf_result(json.loads(c.stdout), 20000, "perf consume")
        # Throttled run: 2000 records at 1000/s take about two seconds and print progress lines.
        t = fjord(tools, bs, "perf", "produce", "perf", "--records", "2000", "--record-size", "100",
                  "--throughput", "1000", "--json", timeout=60)
        throttled = json.loads(t.stdout)
        check_perf_result(throttled, 2000, "throttled perf produce")
        check(1.5 <= throttled["seconds"] <= 6 and throttled["records_per_sec"] <= 1300,
              f"--throughput 1000 not honoured: {throttled}")
        check("records/s" in t.stderr, f"no progress line on stderr:\n{t.stderr}")


# ---- consumer groups (`fjord group ...`, `fjord consume --group`) ----

# No initial rebalance delay (a member is Stable as soon as it joined), few offsets partitions.
GROUP_PROPS = {"group.initial.rebalance.delay.ms": "0", "offsets.topic.num.partitions": "3"}


class Member:
    """A confluent_kafka consumer subscribed to `topic` in group `group`: a live member of
    the group until close(). Commits only what commit() is told to."""

    def __init__(self, b, group, topic, client_id="it-member"):
        from confluent_kafka import Consumer
        self.c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group, "client.id": client_id,
                           "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        self.c.subscribe([topic])

    def consume(self, n, timeout=30):
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < n and time.monotonic() < deadline:
            m = self.c.poll(0.2)
            if m is None:
                continue
            if m.error():
                raise HarnessError(f"member: consume error {m.error()}")
            got.append(m)
        check(len(got) == n, f"member consumed {len(got)} of {n} records within {timeout} s")
        return got

    def commit(self, offsets):
        """offsets: {(topic, partition): offset}, committed synchronously."""
        from confluent_kafka import TopicPartition
        self.c.commit(offsets=[TopicPartition(t, p, o) for (t, p), o in offsets.items()], asynchronous=False)

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None


def group_json(tools, b, group):
    return json.loads(fjord(tools, b.bootstrap, "group", "describe", group, "--json").stdout)


def groups_listed(tools, b, *args):
    return json.loads(fjord(tools, b.bootstrap, "group", "list", "--json", *args).stdout)


def committed_of(tools, b, group):
    """{partition: committed offset} of every row of `group describe` (single-topic tests)."""
    return {o["partition"]: o["committed_offset"] for o in group_json(tools, b, group)["offsets"]}


def produce_to(tools, b, topic, partition, lines):
    fjord(tools, b.bootstrap, "produce", topic, "--partition", partition, input="".join(f"{x}\n" for x in lines))


def cli_group_list_describe_and_delete(tools):
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "orders", "--partitions", "3")
        ends = {0: 10, 1: 6, 2: 0}
        for p, n in ends.items():
            if n:
                produce_to(tools, b, "orders", p, [f"o{p}-{i}" for i in range(n)])
        check(groups_listed(tools, b) == [], "groups listed before any consumer ran")
        committed = {0: 4, 1: 6}  # partition 2: nothing committed

        m = Member(b, "g1", "orders")
        try:
            m.consume(sum(ends.values()))
            m.commit({("orders", p): o for p, o in committed.items()})

            stable = [{"group": "g1", "state": "Stable", "protocol_type": "consumer"}]
            check(groups_listed(tools, b) == stable, f"group list: {groups_listed(tools, b)}")
            check(groups_listed(tools, b, "--state", "STABLE") == stable, "--state STABLE lost the group")
            check(groups_listed(tools, b, "--state", "Empty") == [], "--state Empty shows a Stable group")
            text = fjord(tools, bs, "group", "list").stdout
            check(re.search(r"^GROUP\s+STATE\s+PROTOCOL-TYPE$", text, re.M) and
                  re.search(r"^g1\s+Stable\s+consumer$", text, re.M), f"group list text:\n{text}")

            d = group_json(tools, b, "g1")
            check(d["group"] == "g1" and d["state"] == "Stable" and d["protocol_type"] == "consumer",
                  f"describe header: {d}")
            check(d["assignor"] == "range", f"assignor (librdkafka's default range,roundrobin): {d['assignor']!r}")
            check(d["coordinator"] == {"id": 1, "host": "127.0.0.1", "port": b.port},
                  f"coordinator: {d['coordinator']}")
            check(len(d["members"]) == 1, f"members: {d['members']}")
            member = d["members"][0]
            member_id = member["member_id"]
            check(member_id and member["client_id"] == "it-member" and member["group_instance_id"] is None
                  and member["host"], f"member: {member}")
            check(sorted((a["topic"], a["partition"]) for a in member["assignment"]) ==
                  [("orders", p) for p in range(3)], f"assignment: {member['assignment']}")
            rows = {(o["topic"], o["partition"]): o for o in d["offsets"]}
            check(sorted(rows) == [("orders", p) for p in range(3)], f"offset rows: {d['offsets']}")
            for p in range(3):
                r = rows[("orders", p)]
                want = committed.get(p)
                lag = None if want is None else ends[p] - want
                check(r["committed_offset"] == want and r["log_end_offset"] == ends[p] and r["lag"] == lag
                      and r["log_start_offset"] == 0 and r["member_id"] == member_id,
                      f"partition {p}: {r}, want committed {want} end {ends[p]} lag {lag}")

            text = fjord(tools, bs, "group", "describe", "g1").stdout
            check("Group: g1  State: Stable  ProtocolType: consumer  Assignor: range" in text, f"describe:\n{text}")
            mid = re.escape(member_id)
            check(re.search(rf"^orders\s+0\s+4\s+10\s+6\s+{mid}$", text, re.M) and
                  re.search(rf"^orders\s+1\s+6\s+6\s+0\s+{mid}$", text, re.M) and
                  re.search(rf"^orders\s+2\s+-\s+0\s+-\s+{mid}$", text, re.M), f"describe partition table:\n{text}")
            check(re.search(rf"^{mid}\s+-\s+it-member\s+\S+\s+orders:0,1,2$", text, re.M), f"member table:\n{text}")

            # An active member would overwrite a reset with its next commit: refused, dry run too.
            for extra in ([], ["--dry-run"]):
                r = fjord(tools, bs, "group", "reset-offsets", "g1", "--topic", "orders", "--to-earliest", *extra,
                          expect=1)
                check("group 'g1' has 1 active member; stop them first" in r.stderr, f"reset while active: {r.stderr}")
            check(committed_of(tools, b, "g1") == {0: 4, 1: 6, 2: None}, "a refused reset changed offsets")
            r = fjord(tools, bs, "group", "delete", "g1", expect=1)
            check("group 'g1' is not empty" in r.stderr and "stop them first" in r.stderr,
                  f"delete while active: {r.stderr}")
        finally:
            m.close()  # LeaveGroup: the group is Empty right away

        d = group_json(tools, b, "g1")
        check(d["state"] == "Empty" and d["members"] == [] and d["protocol_type"] == "consumer",
              f"after the member left: {d}")
        check([(o["partition"], o["committed_offset"], o["lag"], o["member_id"]) for o in d["offsets"]] ==
              [(0, 4, 6, None), (1, 6, 0, None)], f"offsets after the member left: {d['offsets']}")
        check(groups_listed(tools, b, "--state", "empty") == [{"group": "g1", "state": "Empty",
                                                               "protocol_type": "consumer"}],
              f"--state empty: {groups_listed(tools, b, '--state', 'empty')}")

        r = fjord(tools, bs, "group", "describe", "nosuch", expect=1)
        check("group 'nosuch' does not exist" in r.stderr, f"describe of an unknown group: {r.stderr}")

        r = fjord(tools, bs, "group", "delete", "g1")
        check("deleted group 'g1'" in r.stderr, f"delete: {r.stderr}")
        check(groups_listed(tools, b) == [], f"deleted group still listed: {groups_listed(tools, b)}")
        r = fjord(tools, bs, "group", "describe", "g1", expect=1)
        check("group 'g1' does not exist" in r.stderr, f"describe after delete: {r.stderr}")
        r = fjord(tools, bs, "group", "delete", "g1", expect=1)
        check("group 'g1' does not exist" in r.stderr, f"delete after delete: {r.stderr}")


def cli_group_reset_offsets(tools):
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "log", "--partitions", "2")
        produce_to(tools, b, "log", 0, [f"first-{i}" for i in range(5)])
        time.sleep(0.3)
        mid = now_ms()
        time.sleep(0.3)
        produce_to(tools, b, "log", 0, [f"second-{i}" for i in range(5)])
        produce_to(tools, b, "log", 1, [f"p1-{i}" for i in range(3)])
        m = Member(b, "g2", "log")
        try:
            m.consume(13)
            m.commit({("log", 0): 10, ("log", 1): 3})
        finally:
            m.close()
        check(committed_of(tools, b, "g2") == {0: 10, 1: 3}, f"committed: {committed_of(tools, b, 'g2')}")

        def reset(*args, expect=0):
            return fjord(tools, bs, "group", "reset-offsets", "g2", *args, expect=expect)

        def plan(*args):
            """Runs reset-offsets --json; returns {partition: (current, new, clamped)}."""
            j = json.loads(reset(*args, "--json").stdout)
            check(j["group"] == "g2" and j["dry_run"] == ("--dry-run" in args), f"plan header: {j}")
            return {x["partition"]: (x["current_offset"], x["new_offset"], x["clamped"]) for x in j["partitions"]}

        # --dry-run prints the plan and commits nothing.
        check(plan("--topic", "log", "--to-earliest", "--dry-run") == {0: (10, 0, False), 1: (3, 0, False)},
              "dry-run plan")
        check(committed_of(tools, b, "g2") == {0: 10, 1: 3}, "--dry-run changed the committed offsets")
        r = reset("--topic", "log", "--to-earliest", "--dry-run")
        check(re.search(r"^log\s+0\s+10\s+0$", r.stdout, re.M) and "dry run" in r.stderr,
              f"dry-run text:\n{r.stdout}{r.stderr}")

        r = reset("--topic", "log:0", "--to-earliest")
        check("committed 1 new offsets for group 'g2'" in r.stderr, f"reset summary: {r.stderr}")
        d = group_json(tools, b, "g2")
        check([(o["partition"], o["committed_offset"], o["lag"]) for o in d["offsets"]] == [(0, 0, 10), (1, 3, 0)],
              f"after --to-earliest on log:0: {d['offsets']}")

        # --to-offset clamps into [log start, log end], as Kafka does.
        check(plan("--topic", "log", "--to-offset", "7") == {0: (0, 7, False), 1: (3, 3, True)}, "--to-offset 7")
        check(committed_of(tools, b, "g2") == {0: 7, 1: 3}, "after --to-offset 7")
        check(plan("--all-topics", "--to-offset", "100") == {0: (7, 10, True), 1: (3, 3, True)}, "--to-offset 100")
        check(plan("--all-topics", "--shift-by", "-3") == {0: (10, 7, False), 1: (3, 0, False)}, "--shift-by -3")
        check(plan("--all-topics", "--shift-by=-100") == {0: (7, 0, True), 1: (0, 0, True)}, "--shift-by -100")
        check(plan("--all-topics", "--shift-by", "2") == {0: (0, 2, False), 1: (0, 2, False)}, "--shift-by 2")
        check(committed_of(tools, b, "g2") == {0: 2, 1: 2}, "after --shift-by 2")

        # --to-datetime: the first record at or after the time; the end when none is that new.
        check(plan("--topic", "log:0", "--to-datetime", str(mid)) == {0: (2, 5, False)}, f"--to-datetime {mid}")
        check(plan("--topic", "log:0", "--to-latest") == {0: (5, 10, False)}, "--to-latest")
        iso = datetime.datetime.fromtimestamp(mid / 1000, tz=datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        check(plan("--topic", "log:0", "--to-datetime", iso) == {0: (10, 5, False)}, f"--to-datetime {iso}")
        check(plan("--topic", "log:0", "--to-datetime", str(now_ms() + 3600_000), "--dry-run") ==
              {0: (5, 10, False)}, "--to-datetime in the future: the log end")
        check(plan("--topic", "log:1", "--to-latest") == {1: (2, 3, False)}, "--to-latest on log:1")
        check(committed_of(tools, b, "g2") == {0: 5, 1: 3}, "after --to-datetime")

        # A consumer of the group resumes at the reset offsets (and commits where it stopped).
        out = fjord(tools, bs, "consume", "log", "--group", "g2", "--count", "5").stdout
        check(out.splitlines() == [f"second-{i}" for i in range(5)], f"resumed after --to-datetime:\n{out}")
        check(committed_of(tools, b, "g2") == {0: 10, 1: 3}, "consume --group did not commit where it stopped")
        reset("--topic", "log:0", "--to-offset", "3")
        m = Member(b, "g2", "log")
        try:
            got = [(x.partition(), x.offset(), x.value().decode()) for x in m.consume(7)]
        finally:
            m.close()
        check(got == [(0, i, f"first-{i}") for i in (3, 4)] + [(0, i, f"second-{i - 5}") for i in range(5, 10)],
              f"confluent_kafka consumer after --to-offset 3: {got}")

        # Errors: unknown topic or partition, nothing to shift, nothing committed.
        r = reset("--topic", "ghost", "--to-earliest", expect=1)
        check("topic 'ghost' does not exist" in r.stderr, f"unknown topic: {r.stderr}")
        r = reset("--topic", "log:5", "--to-earliest", expect=1)
        check("partition 5 does not exist" in r.stderr, f"unknown partition: {r.stderr}")
        r = fjord(tools, bs, "group", "reset-offsets", "fresh", "--topic", "log", "--shift-by", "1", expect=1)
        check("no committed offset" in r.stderr and "partition 0 of 'log'" in r.stderr,
              f"shift without commit: {r.stderr}")
        r = fjord(tools, bs, "group", "reset-offsets", "fresh", "--all-topics", "--to-earliest", expect=1)
        check("group 'fresh' has no committed offsets" in r.stderr, f"--all-topics without commits: {r.stderr}")

        # A group nobody joined can be given offsets (Kafka creates it, with no protocol type).
        fjord(tools, bs, "group", "reset-offsets", "fresh", "--topic", "log", "--to-offset", "2")
        d = group_json(tools, b, "fresh")
        check(d["state"] == "Empty" and d["members"] == [], f"group created by reset-offsets: {d}")
        check([(o["partition"], o["committed_offset"]) for o in d["offsets"]] == [(0, 2), (1, 2)],
              f"offsets of the group created by reset-offsets: {d['offsets']}")


def cli_consume_group_continues_where_it_left_off(tools):
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        bs = b.bootstrap
        fjord(tools, bs, "topic", "create", "jobs", "--partitions", "1")
        produce_to(tools, b, "jobs", 0, [f"job-{i}" for i in range(10)])
        out = fjord(tools, bs, "consume", "jobs", "--group", "w", "--from-beginning", "--count", "4").stdout
        check(out.splitlines() == [f"job-{i}" for i in range(4)], f"first run:\n{out}")
        d = group_json(tools, b, "w")
        check(d["state"] == "Empty" and [(o["committed_offset"], o["lag"]) for o in d["offsets"]] == [(4, 6)],
              f"after the first run: {d}")
        # Committed offsets win over --from-beginning (it only applies without one).
        out = fjord(tools, bs, "consume", "jobs", "--group", "w", "--from-beginning", "--count", "6").stdout
        check(out.splitlines() == [f"job-{i}" for i in range(4, 10)], f"second run did not continue:\n{out}")
        check(committed_of(tools, b, "w") == {0: 10}, f"after the second run: {committed_of(tools, b, 'w')}")
        p = fjord(tools, bs, "consume", "jobs", "--group", "w", "--timeout-ms", "3000")
        check(p.stdout == "" and "consumed 0 records" in p.stderr, f"third run re-read records:\n{p.stdout}")
        produce_to(tools, b, "jobs", 0, ["job-10", "job-11"])
        out = fjord(tools, bs, "consume", "jobs", "--group", "w", "--count", "2").stdout
        check(out.splitlines() == ["job-10", "job-11"], f"run after new records:\n{out}")


def cli_group_describe_static_members(tools):
    """Static members (group.instance.id) under the roundrobin assignor: describe shows
    each member's instance id, client id and its own partition."""
    from confluent_kafka import Consumer
    with Broker(tools.broker, properties=GROUP_PROPS) as b:
        fjord(tools, b.bootstrap, "topic", "create", "st", "--partitions", "2")
        members = [Consumer({"bootstrap.servers": b.bootstrap, "group.id": "static", "group.instance.id": f"inst-{i}",
                             "client.id": f"client-{i}", "partition.assignment.strategy": "roundrobin"})
                   for i in range(2)]
        try:
            for c in members:
                c.subscribe(["st"])
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not all(c.assignment() for c in members):
                for c in members:
                    c.poll(0.1)
            check(all(c.assignment() for c in members), "the two static members got no partitions in 30 s")
            d = group_json(tools, b, "static")
            check(d["state"] == "Stable" and d["assignor"] == "roundrobin", f"describe: {d}")
            got = sorted((m["group_instance_id"], m["client_id"],
                          [(a["topic"], a["partition"]) for a in m["assignment"]]) for m in d["members"])
            check([g[:2] for g in got] == [("inst-0", "client-0"), ("inst-1", "client-1")], f"members: {got}")
            check(sorted(p for g in got for p in g[2]) == [("st", 0), ("st", 1)] and all(len(g[2]) == 1 for g in got),
                  f"roundrobin assignment: {got}")
            owners = {m["member_id"] for m in d["members"]}
            check({o["member_id"] for o in d["offsets"]} == owners and len(d["offsets"]) == 2,
                  f"partition rows: {d['offsets']}")
            text = fjord(tools, b.bootstrap, "group", "describe", "static").stdout
            check(re.search(r"\sinst-0\s+client-0\s+\S+\s+st:\d$", text, re.M), f"member table:\n{text}")
        finally:
            for c in members:
                c.close()


def cli_group_usage_errors_exit_2(tools):
    bs = "127.0.0.1:1"  # never contacted: usage errors come first
    cases = [
        (["group"], None),
        (["group", "describe"], None),
        (["group", "delete"], None),
        (["group", "list", "--state", "running"], "--state 'running'"),
        (["group", "reset-offsets", "g", "--topic", "t"], "one of --to-earliest"),
        (["group", "reset-offsets", "g", "--topic", "t", "--to-earliest", "--to-offset", "3"], "only one of"),
        (["group", "reset-offsets", "g", "--to-latest"], "--all-topics"),
        (["group", "reset-offsets", "g", "--all-topics", "--topic", "t", "--to-latest"], "exclude one another"),
        (["group", "reset-offsets", "g", "--topic", "t:x", "--to-latest"], "--topic 't:x'"),
        (["group", "reset-offsets", "g", "--topic", "t", "--to-datetime", "yesterday"], "--to-datetime 'yesterday'"),
        (["group", "reset-offsets", "g", "--topic", "t", "--to-offset", "-1"], "--to-offset -1"),
    ]
    for args, want in cases:
        p = fjord(tools, bs, *args, expect=None, timeout=30)
        check(p.returncode == 2, f"{args}: exit {p.returncode}, expected 2\n{p.stderr}")
        check(want is None or want in p.stderr, f"{args}: message lacks {want!r}: {p.stderr}")
    p = fjord(tools, bs, "group", "reset-offsets", "--help", expect=0)
    check("--to-datetime" in p.stdout and "--dry-run" in p.stdout, f"reset-offsets --help:\n{p.stdout}")


TESTS = {f.__name__: f for f in [
    topic_create_list_describe_alter_delete,
    produce_consume_json_fields,
    binary_values_print_as_base64,
    consume_offset_timestamp_and_count,
    every_compression_codec_round_trips,
    produce_line_without_separator_fails_after_delivering_earlier_lines,
    unknown_topic_fails_naming_it,
    unreachable_broker_fails_clearly,
    usage_errors_exit_2,
    cluster_describe_shows_the_broker,
    perf_produce_and_consume,
    cli_group_list_describe_and_delete,
    cli_group_reset_offsets,
    cli_consume_group_continues_where_it_left_off,
    cli_group_describe_static_members,
    cli_group_usage_errors_exit_2,
]}

if __name__ == "__main__":
    main(TESTS)
