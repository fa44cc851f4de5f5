#!/usr/bin/python3
"""Bad-input tests (DESIGN.md §3 "Bad input") against real fjord-broker processes.

    bad_input_tests.py --broker PATH [--fjord PATH] TEST_NAME
Each TEST_NAME is one ctest test `integration.<TEST_NAME>` (tests/integration/CMakeLists.txt).

Every test sends hand-made bytes over a raw socket (kafka_client_wire.py) and, after
EACH bad input, calls assert_broker_healthy(): the process still runs, a connection opened
before the bad input still works, a fresh connection gets ApiVersions + Metadata, kcat -L
lists the broker, and the records produced before the bad input are still there, byte for
byte and CRC-valid. Memory is checked through /proc/PID/status (VmHWM = peak RSS).

Expected error codes follow Apache Kafka, which the DESIGN's contract must not contradict:
  - wrong batch CRC                       -> CORRUPT_MESSAGE (2)   (UnifiedLog: batch.isValid)
  - magic 0/1 in Produce v3+              -> INVALID_RECORD (87)   (ProduceRequest.validateRecords)
  - magic > 2 (no such format)            -> CORRUPT_MESSAGE (2)   (ByteBufferLogInputStream.nextBatch:
                                                                    "Invalid magic found in record")
  - lastOffsetDelta + 1 != recordsCount   -> INVALID_RECORD (87)   (LogValidator.validateBatch:
                                                                    "Inconsistent batch offset range")
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import time

from harness import Broker, HarnessError, check, main, run
from kafka_client_wire import (
    API_API_VERSIONS, API_FETCH, API_METADATA, API_PRODUCE, CORRUPT_MESSAGE, INVALID_RECORD, INVALID_REQUIRED_ACKS,
    KAFKA_STORAGE_ERROR, MESSAGE_TOO_LARGE, NONE, UNKNOWN_TOPIC_OR_PARTITION, UNSUPPORTED_VERSION, Conn,
    WireError, api_versions_v3_body, build_batch, create_topic, fetch_all, frame, i16, i32, list_offset,
    metadata_v1_body, parse_api_versions, parse_metadata_v1, produce, produce_v7_body, request_header,
    uvarint)

CANARY = "canary"
CANARY_VALUES = [b"canary-%d" % i for i in range(3)]
MiB = 1024 * 1024
# A bad input may cost a few MiB (buffers, logging), never the size it claims.
MAX_GROWTH = 32 * MiB


# --------------------------------------------------------------- helpers
class Fixture:
    """A running broker with a canary topic holding CANARY_VALUES, and a bystander
    connection opened before any bad input (it must keep working)."""

    def __init__(self, broker):
        self.b = broker
        create_topic(broker.port, CANARY)
        with Conn(broker.port) as c:
            err, base = produce(c, CANARY, 0, build_batch(CANARY_VALUES))
            check(err == NONE and base == 0, f"canary produce: error {err}, base {base}")
        self.bystander = Conn(broker.port)

    def healthy(self, what):
        assert_broker_healthy(self.b, bystander=self.bystander, what=what)


def assert_broker_healthy(b, bystander=None, what="", canary=True):
    """The broker survived: process alive; the bystander connection (if any) and a fresh
    raw connection get ApiVersions + Metadata; `kcat -L` lists broker 1; the canary topic
    still holds exactly CANARY_VALUES."""
    after = f" after {what}" if what else ""
    check(b.proc is not None and b.proc.poll() is None,
          f"broker process is gone{after} (exit {b.proc.returncode if b.proc else None})")
    conns = [bystander] if bystander is not None else []
    fresh = Conn(b.port)
    conns.append(fresh)
    try:
        for c in conns:
            try:
                err, apis = parse_api_versions(c.request(API_API_VERSIONS, 0, b""), 0)
                check(err == NONE and API_METADATA in apis, f"ApiVersions{after}: error {err}, apis {apis}")
                md = parse_metadata_v1(c.request(API_METADATA, 1, metadata_v1_body(None)))
            except (OSError, WireError) as e:
                raise HarnessError(f"{'bystander' if c is bystander else 'fresh'} connection failed{after}: {e!r}")
            check(any(br[0] == 1 and br[2] == b.port for br in md["brokers"]),
                  f"Metadata{after} does not list broker 1 on port {b.port}: {md['brokers']}")
        if canary:
            end = list_offset(fresh, CANARY, 0)
            check(end == (NONE, len(CANARY_VALUES)), f"canary end offset{after}: {end}")
            values = [v for batch in fetch_all(fresh, CANARY, 0, len(CANARY_VALUES)) for v in batch["values"]]
            check(values == CANARY_VALUES, f"canary data changed{after}: {values}")
    finally:
        fresh.close()
    p = run(["kcat", "-L", "-b", b.bootstrap, "-m", "10"], timeout=30)
    check(f"broker 1 at 127.0.0.1:{b.port}" in p.stdout, f"kcat -L{after} does not list the broker:\n{p.stdout}")


def memory(b):
    """{VmRSS, VmHWM, VmPeak} of the broker, in bytes."""
    out = {}
    with open(f"/proc/{b.proc.pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "VmPeak"):
                out[k] = int(v.split()[0]) * 1024
    return out


def check_no_big_allocation(b, before, what):
    now = memory(b)
    for k in ("VmRSS", "VmHWM"):
        grew = now[k] - before[k]
        check(grew < MAX_GROWTH, f"{k} grew by {grew // MiB} MiB after {what} ({before[k]} -> {now[k]})")


def wait_for_warning(b, peer, words, what, timeout=5.0):
    """A warning line in the broker's stderr names `peer` and contains every word."""
    deadline = time.monotonic() + timeout
    while True:
        for line in b.stderr().splitlines():
            if peer in line and "warn" in line.lower() and all(w in line for w in words):
                return line
        if time.monotonic() > deadline:
            raise HarnessError(f"no warning naming {peer} with {words} after {what}:\n{b.stderr()[-3000:]}")
        time.sleep(0.05)


def expect_closed(c, what):
    check(c.is_closed_by_peer(), f"connection not closed by the broker after {what}")


def send_bad(b, payload, what, warning_words=(), half_close=False, fix=None):
    """Sends raw bytes on a fresh connection; the broker must close it (with a warning
    naming the peer when `warning_words` is given) and stay healthy."""
    with Conn(b.port) as c:
        peer = c.local_name
        c.send_raw(payload)
        if half_close:
            c.sock.shutdown(socket.SHUT_WR)
        expect_closed(c, what)
    if warning_words:
        wait_for_warning(b, peer, warning_words, what)
    if fix is not None:
        fix.healthy(what)
    else:
        assert_broker_healthy(b, what=what)


def request_frame(api_key, version, body, flexible=False, correlation_id=7):
    return frame(request_header(api_key, version, correlation_id, flexible=flexible) + body)


def end_offset(b, topic, partition=0):
    with Conn(b.port) as c:
        err, off = list_offset(c, topic, partition)
    check(err == NONE, f"ListOffsets {topic}/{partition}: error {err}")
    return off


def values_of(port, topic, end):
    with Conn(port) as c:
        return [v for batch in fetch_all(c, topic, 0, end) for v in batch["values"]]


# --------------------------------------------------------------- 1, 2: frame sizes
def bad_negative_frame_size(tools):
    """A negative size prefix closes the connection with a warning naming the peer."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        for size in (-1, -2**31, -100):
            send_bad(b, struct.pack(">i", size) + b"\x00" * 16, f"size prefix {size}",
                     warning_words=("negative frame size",), fix=fix)
        check(b.stop() == 0, "unclean stop")


def bad_huge_frame_size_allocates_nothing(tools):
    """Size prefixes of 2 GiB - 1 and socket.request.max.bytes + 1: the connection is
    closed before anything is allocated for the body (peak RSS does not move)."""
    limit = 104857600  # Kafka's and our default socket.request.max.bytes
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        before = memory(b)
        for size in (0x7fffffff, limit + 1):
            send_bad(b, struct.pack(">i", size) + b"\x00" * 64, f"size prefix {size}",
                     warning_words=("socket.request.max.bytes",), fix=fix)
            check_no_big_allocation(b, before, f"size prefix {size}")
        # Control: the probe does see a big frame. 64 MiB (under the limit) of 0xff bytes is
        # read into memory (peak RSS grows), then refused as api key -1.
        big = 64 * MiB
        send_bad(b, struct.pack(">i", big) + b"\xff" * big, "a 64 MiB frame", fix=fix)
        grew = memory(b)["VmHWM"] - before["VmHWM"]
        check(grew >= big // 2, f"control: VmHWM grew only {grew // MiB} MiB for a 64 MiB frame; the probe is blind")
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 3: truncated requests
def bad_truncated_request(tools):
    """Requests that end early: the frame shorter than its size prefix (peer closes
    mid-frame); a header whose client_id is longer than the frame; a frame shorter than
    api_key + api_version; a Metadata and a Produce body ending mid-field. Each closes the
    connection with a warning naming the peer."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        hdr = request_header(API_METADATA, 1, 1)
        # Size says 100, 20 bytes arrive, then the client half-closes.
        send_bad(b, struct.pack(">i", 100) + (hdr + b"\x00" * 20)[:20], "frame shorter than its size prefix",
                 warning_words=("middle of a request",), half_close=True, fix=fix)
        # Header client_id claims 200 bytes, 5 follow.
        bad_hdr = i16(API_METADATA) + i16(1) + i32(1) + i16(200) + b"abcde"
        send_bad(b, frame(bad_hdr), "client_id longer than the frame", warning_words=("closing connection",),
                 fix=fix)
        # Only 3 bytes: not even api_key + api_version.
        send_bad(b, frame(b"\x00\x03\x00"), "3-byte frame", warning_words=("closing connection",), fix=fix)
        # Metadata v1: one topic whose name claims 10 bytes, 3 follow.
        send_bad(b, request_frame(API_METADATA, 1, i32(1) + i16(10) + b"abc"), "Metadata body ending mid-string",
                 warning_words=("closing connection",), fix=fix)
        # Metadata v1: body ends in the middle of the int32 array count.
        send_bad(b, request_frame(API_METADATA, 1, b"\x00\x00"), "Metadata body ending mid-int32",
                 warning_words=("closing connection",), fix=fix)
        # Produce v7: body ends in the middle of acks.
        send_bad(b, request_frame(API_PRODUCE, 7, i16(-1) + b"\xff"), "Produce body ending mid-acks",
                 warning_words=("closing connection",), fix=fix)
        # Produce v7: records size claims more bytes than remain.
        body = produce_v7_body(CANARY, 0, build_batch([b"x"]))
        send_bad(b, request_frame(API_PRODUCE, 7, body[:-10]), "Produce body ending mid-records",
                 warning_words=("closing connection",), fix=fix)
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 4: unknown API key
def bad_unknown_api_key(tools):
    """API keys we do not implement (999, -1, 4 = LeaderAndIsr): the connection is closed
    (Kafka cannot parse the body either, facts §1.1) with a warning naming the peer."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        for key in (999, -1, 4):
            send_bad(b, request_frame(key, 0, b"\x00" * 8), f"api key {key}",
                     warning_words=("closing connection",), fix=fix)
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 5: unsupported versions
def bad_unsupported_api_version(tools):
    """Versions we do not advertise (Metadata v50 and max+1, Produce max+1, Fetch below
    its minimum) close the connection. ApiVersions v99
    is answered (KIP-511, facts §2.2): response header v0, a v0 body with
    UNSUPPORTED_VERSION (35) and our ApiVersions range, nothing after it; the connection
    stays usable and a retry with v3 succeeds."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        with Conn(b.port) as c:
            _, advertised = parse_api_versions(c.request(API_API_VERSIONS, 0, b""), 0)
        check(API_API_VERSIONS in advertised and API_METADATA in advertised, f"advertised: {advertised}")
        fetch_lo, fetch_hi = advertised[API_FETCH]
        # Metadata v50 is "flexible" (9+), so its header is v2; the v1-header variant is a
        # truncated header as well.
        for key, version, flexible in ((API_METADATA, 50, True), (API_METADATA, 50, False),
                                       (API_METADATA, advertised[API_METADATA][1] + 1, False),
                                       (API_PRODUCE, advertised[API_PRODUCE][1] + 1, False),
                                       (API_FETCH, fetch_lo - 1 if fetch_lo > 0 else fetch_hi + 1, False)):
            check(not advertised[key][0] <= version <= advertised[key][1], f"{key} v{version} is advertised")
            send_bad(b, request_frame(key, version, metadata_v1_body(None), flexible=flexible),
                     f"api {key} v{version}", warning_words=("closing connection",), fix=fix)
        with Conn(b.port) as c:
            # v99 is "flexible", so the header is v2 (client_id + tag buffer).
            c.send(API_API_VERSIONS, 99, api_versions_v3_body(), flexible=True)
            err, apis = parse_api_versions(c.recv_response(), 0)  # v0 body, exactly
            check(err == UNSUPPORTED_VERSION, f"ApiVersions v99: error {err}, want 35")
            check(apis.get(API_API_VERSIONS) == advertised[API_API_VERSIONS],
                  f"ApiVersions v99 answer lacks our ApiVersions range: {apis}")
            # The client retries on the same connection, as librdkafka does.
            c.send(API_API_VERSIONS, 3, api_versions_v3_body(), flexible=True)
            err, apis = parse_api_versions(c.recv_response(), 3)
            check(err == NONE and apis == advertised, f"ApiVersions v3 after v99: error {err}, {apis}")
        fix.healthy("ApiVersions v99")
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 6: absurd counts
def bad_absurd_counts_and_tags(tools):
    """ApiVersions v3 (the only flexible request we serve) with a header or body tag
    buffer claiming 2^31 tags, a tag claiming 2 GiB of data, a compact string of 4 GiB, an
    over-long varint; and classic arrays claiming 2^31 - 1 elements (Metadata topics,
    Produce topics, CreateTopics topics): each closes the connection, nothing big is
    allocated. Compact arrays are only reachable in flexible bodies, and no flexible
    request we serve has one; the reader's compact-array check is unit-tested
    (tests/unit/kafka). Control: an unknown tagged field of sane size is skipped and the
    request answered, as Kafka does."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        before = memory(b)
        key, hdr_fixed = API_API_VERSIONS, i16(API_API_VERSIONS) + i16(3) + i32(5) + i16(2) + b"it"
        body = api_versions_v3_body()
        cases = [
            ("header tag buffer with 2^31 tags", hdr_fixed + uvarint(2**31) + body),
            ("header tag buffer with 2^32-1 tags", hdr_fixed + b"\xff\xff\xff\xff\x0f" + body),
            ("header tag of 2 GiB", hdr_fixed + uvarint(1) + uvarint(0) + uvarint(2**31 - 1) + body),
            ("body tag buffer with 2^31 tags", hdr_fixed + b"\x00" + body[:-1] + uvarint(2**31)),
            ("body tag of 2 GiB", hdr_fixed + b"\x00" + body[:-1] + uvarint(1) + uvarint(7) + uvarint(2**31 - 1)),
            ("compact string of 4 GiB", hdr_fixed + b"\x00" + b"\xff\xff\xff\xff\x0f" + b"x" * 16),
            ("6-byte varint", hdr_fixed + b"\x00" + b"\xff\xff\xff\xff\xff\x01" + b"x" * 16),
            ("Metadata v1 with 2^31-1 topics", request_header(API_METADATA, 1, 1) + i32(2**31 - 1) + b"\x00" * 32),
            ("Produce v7 with 2^31-1 topics",
             request_header(API_PRODUCE, 7, 1) + i16(-1) + i16(-1) + i32(1000) + i32(2**31 - 1) + b"\x00" * 32),
            ("Produce v7 with 2^31-1 partitions",
             request_header(API_PRODUCE, 7, 1) + i16(-1) + i16(-1) + i32(1000) + i32(1) + i16(1) + b"t"
             + i32(2**31 - 1) + b"\x00" * 32),
            ("CreateTopics v0 with 2^31-1 topics", request_header(19, 0, 1) + i32(2**31 - 1) + b"\x00" * 32),
        ]
        for what, payload in cases:
            send_bad(b, frame(payload), what, warning_words=("closing connection",), fix=fix)
            check_no_big_allocation(b, before, what)
        # Control: one unknown tag (7) with 3 bytes in the body's tag buffer is skipped.
        with Conn(b.port) as c:
            c.corr = 5
            c.send_raw(frame(hdr_fixed + b"\x00" + body[:-1] + uvarint(1) + uvarint(7) + uvarint(3) + b"abc"))
            err, apis = parse_api_versions(c.recv_response(), 3)
            check(err == NONE and key in apis, f"ApiVersions v3 with an unknown tag: error {err}")
        fix.healthy("unknown tagged field")
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 7, 8: invalid batches
def produce_rejected(b, fix, topic, batch, want, what):
    """Produce v7 of `batch`: partition error `want` (a code or a set), nothing appended,
    and a good produce afterwards gets the next offset."""
    with Conn(b.port) as c:
        err0, end0 = list_offset(c, topic, 0)
        check(err0 == NONE, f"ListOffsets before {what}: {err0}")
        err, base = produce(c, topic, 0, batch)
        wants = want if isinstance(want, (set, tuple)) else {want}
        check(err in wants, f"{what}: partition error {err}, want {sorted(wants)}")
        check(base == -1, f"{what}: base offset {base} for a rejected batch")
        check(list_offset(c, topic, 0) == (NONE, end0), f"{what}: end offset moved")
        err, base = produce(c, topic, 0, build_batch([b"good-after-" + what.encode()]))
        check((err, base) == (NONE, end0), f"good produce after {what}: error {err}, base {base}, want {end0}")
    fix.healthy(what)
    return end0 + 1


def bad_produce_crc(tools):
    """A batch with a wrong CRC-32C: CORRUPT_MESSAGE (2), nothing appended, the next good
    batch gets the next offset, and every stored batch is whole and CRC-valid."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        create_topic(b.port, "crc")
        with Conn(b.port) as c:
            check(produce(c, "crc", 0, build_batch([b"a", b"b"])) == (NONE, 0), "first produce")
        end = produce_rejected(b, fix, "crc", build_batch([b"bad", b"crc"], bad_crc=True), CORRUPT_MESSAGE,
                               "bad CRC")
        # The CRC also covers the records: flip one value byte after computing it.
        good = bytearray(build_batch([b"flipme"]))
        good[-2] ^= 0xFF
        end = produce_rejected(b, fix, "crc", bytes(good), CORRUPT_MESSAGE, "flipped record byte")
        check(values_of(b.port, "crc", end) == [b"a", b"b", b"good-after-bad CRC", b"good-after-flipped record byte"],
              "crc topic content")
        check(b.stop() == 0, "unclean stop")


def bad_produce_magic_and_offsets(tools):
    """Structurally invalid batches (CRC valid) are rejected and nothing is appended.
    Expected codes are Kafka's (module docstring): magic 1 and 0 -> INVALID_RECORD (87);
    magic 3 and -1 -> CORRUPT_MESSAGE (2); lastOffsetDelta inconsistent with recordsCount
    -> INVALID_RECORD (87)."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        create_topic(b.port, "shape")
        vals = [b"r0", b"r1", b"r2"]
        cases = [
            ("magic 1", build_batch(vals, magic=1), INVALID_RECORD),
            ("magic 0", build_batch(vals, magic=0), INVALID_RECORD),
            ("magic 3", build_batch(vals, magic=3), CORRUPT_MESSAGE),
            ("magic -1", build_batch(vals, magic=-1), CORRUPT_MESSAGE),
            ("lastOffsetDelta 7 for 3 records", build_batch(vals, last_offset_delta=7), INVALID_RECORD),
            ("lastOffsetDelta 0 for 3 records", build_batch(vals, last_offset_delta=0), INVALID_RECORD),
            ("lastOffsetDelta -1", build_batch(vals, last_offset_delta=-1), INVALID_RECORD),
            ("recordsCount 5, lastOffsetDelta 2", build_batch(vals, records_count=5), INVALID_RECORD),
        ]
        failures = []
        for what, batch, want in cases:
            with Conn(b.port) as c:
                end0 = list_offset(c, "shape", 0)
                err, base = produce(c, "shape", 0, batch)
                end1 = list_offset(c, "shape", 0)
            if err == NONE or base != -1 or end1 != end0:
                raise HarnessError(f"{what}: ACCEPTED (error {err}, base {base}, end {end0} -> {end1})")
            if err != want:
                failures.append(f"{what}: broker sends {err}, Kafka sends {want}")
            fix.healthy(what)
        with Conn(b.port) as c:
            check(produce(c, "shape", 0, build_batch(vals)) == (NONE, 0), "good produce after the bad ones")
        check(not failures, "rejected, but with other codes than Kafka's:\n  " + "\n  ".join(failures)
              + "\n(storage's record::errc reaches Produce through kafka_error_code(), "
              "broker/kafka/server/error_mapping.cc, which maps every record error to 2)")
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 9: unknown topic / partition
def bad_produce_unknown_topic_or_partition(tools):
    """auto.create.topics.enable=false: Produce to an unknown topic -> 3 and the topic is
    not created; partition 99 and -1 of an existing topic -> 3."""
    with Broker(tools.broker, properties={"auto.create.topics.enable": "false"}) as b:
        fix = Fixture(b)
        for topic, part in (("no-such-topic", 0), (CANARY, 99), (CANARY, -1)):
            with Conn(b.port) as c:
                err, base = produce(c, topic, part, build_batch([b"lost"]))
            check((err, base) == (UNKNOWN_TOPIC_OR_PARTITION, -1), f"{topic}/{part}: error {err}, base {base}")
            fix.healthy(f"produce to {topic}/{part}")
        with Conn(b.port) as c:
            md = parse_metadata_v1(c.request(API_METADATA, 1, metadata_v1_body(["no-such-topic"])))
        check(md["topics"]["no-such-topic"]["error"] == UNKNOWN_TOPIC_OR_PARTITION,
              f"no-such-topic exists after the produce: {md['topics']}")
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 10: message too large
def bad_produce_message_too_large(tools):
    """message.max.bytes=10000: a 20 KB batch -> MESSAGE_TOO_LARGE (10), nothing appended;
    a 5 KB batch is accepted at the next offset."""
    with Broker(tools.broker, properties={"message.max.bytes": "10000"}) as b:
        fix = Fixture(b)
        create_topic(b.port, "big")
        big = build_batch([os.urandom(5000) for _ in range(4)])
        check(len(big) > 20000, f"batch is {len(big)} bytes")
        with Conn(b.port) as c:
            err, base = produce(c, "big", 0, big)
            check((err, base) == (MESSAGE_TOO_LARGE, -1), f"20 KB batch: error {err}, base {base}")
            check(list_offset(c, "big", 0) == (NONE, 0), "end offset moved after MESSAGE_TOO_LARGE")
        fix.healthy("20 KB batch")
        small = [os.urandom(5000)]
        with Conn(b.port) as c:
            check(produce(c, "big", 0, build_batch(small)) == (NONE, 0), "5 KB batch not accepted at offset 0")
        check(values_of(b.port, "big", 1) == small, "big topic content")
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 12: invalid acks
def bad_produce_invalid_required_acks(tools):
    """acks=5 and acks=-2 -> INVALID_REQUIRED_ACKS (21), nothing appended."""
    with Broker(tools.broker) as b:
        fix = Fixture(b)
        for acks in (5, -2, 2):
            with Conn(b.port) as c:
                err, base = produce(c, CANARY, 0, build_batch([b"acks"]), acks=acks)
            check((err, base) == (INVALID_REQUIRED_ACKS, -1), f"acks={acks}: error {err}, base {base}")
            fix.healthy(f"acks={acks}")  # also checks the canary end offset did not move
        check(b.stop() == 0, "unclean stop")


# --------------------------------------------------------------- 11: full disk
def _mount(args, what):
    p = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise HarnessError(f"{what} failed ({' '.join(args)}): {p.stderr.strip()} -- this test needs root "
                           "(CAP_SYS_ADMIN) to mount a tmpfs; CI runs as root")


def _umount(path):
    for args in (["umount", path], ["umount", "-l", path]):
        if subprocess.run(args, capture_output=True, timeout=30).returncode == 0:
            return


def _check_log(b, topic, acked):
    """The log holds exactly the acked batches: end offset = acked records, every batch
    whole and CRC-valid (parse_batches), values in acked order."""
    want = [v for batch in acked for v in batch]
    end = end_offset(b, topic)
    check(end == len(want), f"end offset {end}, acked records {len(want)}")
    got = values_of(b.port, topic, end)
    check(got == want, f"log content differs from the acked batches ({len(got)} vs {len(want)} records)")
    p = run(["kcat", "-C", "-b", b.bootstrap, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q",
             "-f", "%o\n"], timeout=60)
    offsets = [int(x) for x in p.stdout.split()]
    check(offsets == list(range(len(want))), f"kcat read offsets {offsets[:5]}..{offsets[-5:]} of {len(offsets)}")


def bad_produce_disk_full(tools):
    """log.dirs on an 8 MiB tmpfs, 1 MiB segments. Produce acks=all until the broker
    answers KAFKA_STORAGE_ERROR (56). No ack is lost (end offset = acked records, all
    readable by Fetch and kcat), no partial batch (every fetched batch whole and CRC-valid).
    After `mount -o remount,size=64m` produce works again without a restart, and after a
    clean restart all acked data is there."""
    b = Broker(tools.broker, properties={"log.segment.bytes": str(MiB)})
    os.makedirs(b.data_dir)
    _mount(["mount", "-t", "tmpfs", "-o", "size=8m", "fjord_it_full", b.data_dir], "mounting a tmpfs")
    try:
        b.start()
        fix = Fixture(b)
        topic = "full"
        create_topic(b.port, topic)
        acked = []
        n = 0
        with Conn(b.port, timeout=30) as c:
            # 40 KB batches until two in a row fail, then 300-byte batches until one fails:
            # the disk ends up full to the last few hundred bytes, and each failed append
            # must have been cut back for the next small one to land right after the last ack.
            for record_bytes, records, fails_wanted in ((4000, 10, 2), (30, 10, 1)):
                fails = 0
                while fails < fails_wanted:
                    values = [b"%08d-" % (n * 100 + i) + os.urandom(record_bytes) for i in range(records)]
                    n += 1
                    check(n < 5000, "8 MiB disk never filled")
                    err, base = produce(c, topic, 0, build_batch(values))
                    if err == NONE:
                        check(base == sum(len(v) for v in acked), f"acked base offset {base}")
                        acked.append(values)
                        fails = 0
                    else:
                        check(err == KAFKA_STORAGE_ERROR,
                              f"full disk answered {err}, want KAFKA_STORAGE_ERROR (56)")
                        check(base == -1, f"failed produce has base offset {base}")
                        fails += 1
        check(len(acked) > 150, f"only {len(acked)} batches fit on 8 MiB")
        print(f"disk full: {len(acked)} batches ({sum(len(v) for v in acked)} records) acked, "
              f"{n - len(acked)} refused with 56")
        fix.healthy("disk full")
        _check_log(b, topic, acked)

        _mount(["mount", "-o", "remount,size=64m", b.data_dir], "growing the tmpfs")
        with Conn(b.port) as c:
            for _ in range(3):
                values = [b"after-%d-%d" % (len(acked), i) for i in range(5)]
                err, base = produce(c, topic, 0, build_batch(values))
                check((err, base) == (NONE, sum(len(v) for v in acked)),
                      f"produce after space returned: error {err}, base {base}")
                acked.append(values)
        fix.healthy("space returned")
        _check_log(b, topic, acked)

        fix.bystander.close()
        check(b.stop() == 0, f"unclean stop after the disk-full episode\n{b.stderr()[-3000:]}")
        b.start()
        assert_broker_healthy(b, what="restart")
        _check_log(b, topic, acked)
        check(b.stop() == 0, "unclean stop after restart")
    finally:
        exc = sys.exc_info()
        try:
            if b.proc is not None and b.proc.poll() is None:
                b.proc.send_signal(signal.SIGKILL)
                b.proc.wait()
        finally:
            _umount(b.data_dir)
            b.__exit__(*exc)


TESTS = {
    "bad_negative_frame_size": bad_negative_frame_size,
    "bad_huge_frame_size_allocates_nothing": bad_huge_frame_size_allocates_nothing,
    "bad_truncated_request": bad_truncated_request,
    "bad_unknown_api_key": bad_unknown_api_key,
    "bad_unsupported_api_version": bad_unsupported_api_version,
    "bad_absurd_counts_and_tags": bad_absurd_counts_and_tags,
    "bad_produce_crc": bad_produce_crc,
    "bad_produce_magic_and_offsets": bad_produce_magic_and_offsets,
    "bad_produce_unknown_topic_or_partition": bad_produce_unknown_topic_or_partition,
    "bad_produce_message_too_large": bad_produce_message_too_large,
    "bad_produce_disk_full": bad_produce_disk_full,
    "bad_produce_invalid_required_acks": bad_produce_invalid_required_acks,
}


if __name__ == "__main__":
    main(TESTS)
