"""A tiny raw-socket Kafka client for integration tests that need to send exact bytes,
including malformed ones: request framing and headers, the few request bodies the tests
use (ApiVersions, Metadata, CreateTopics, Produce v7, ListOffsets v1, Fetch v4), their
response decoders, and a record batch v2 builder/parser with CRC-32C.

Primitive encoders, the bounds-checked Reader and CRC-32C come from
tests/data/capture/kafka_wire.py (imported, not copied). Standard library only.

    c = Conn(port)                      # one TCP connection
    c.send(API_PRODUCE, 7, produce_v7_body(...))
    resp = parse_produce_v7(c.recv_response())
    c.expect_closed()                   # the broker must close after a bad request
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "capture"))

from kafka_wire import (Reader, array, crc32c, i8, i16, i32, i64,  # noqa: E402
                        nullable_bytes, nullable_string, string, uvarint, varint)

API_PRODUCE = 0
API_FETCH = 1
API_LIST_OFFSETS = 2
API_METADATA = 3
API_API_VERSIONS = 18
API_CREATE_TOPICS = 19

# Error codes (facts sheet §5).
NONE = 0
CORRUPT_MESSAGE = 2
UNKNOWN_TOPIC_OR_PARTITION = 3
MESSAGE_TOO_LARGE = 10
INVALID_REQUIRED_ACKS = 21
UNSUPPORTED_VERSION = 35
KAFKA_STORAGE_ERROR = 56
INVALID_RECORD = 87

CLIENT_ID = "fjord-bad-input-it"


class WireError(Exception):
    pass


# --------------------------------------------------------------- framing
def request_header(api_key, version, correlation_id, client_id=CLIENT_ID, flexible=False):
    """Request header v1, or v2 (v1 + empty tag buffer) when `flexible`."""
    h = i16(api_key) + i16(version) + i32(correlation_id) + nullable_string(client_id)
    return h + (b"\x00" if flexible else b"")


def frame(payload):
    return i32(len(payload)) + payload


class Conn:
    """One TCP connection to the broker; requests are answered in order."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.corr = 0

    @property
    def local_name(self):
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, api_key, version, body, flexible=False, client_id=CLIENT_ID):
        self.corr += 1
        self.sock.sendall(frame(request_header(api_key, version, self.corr, client_id, flexible) + body))
        return self.corr

    def _recv_exact(self, n):
        out = bytearray()
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise WireError(f"connection closed after {len(out)} of {n} bytes")
            out += chunk
        return bytes(out)

    def recv_frame(self):
        size = struct.unpack(">i", self._recv_exact(4))[0]
        if size < 0 or size > 64 * 1024 * 1024:
            raise WireError(f"bad response size {size}")
        return self._recv_exact(size)

    def recv_response(self, flexible=False):
        """Reads one response; checks the correlation id; returns a Reader at the body."""
        r = Reader(self.recv_frame())
        corr = r.int32()
        if corr != self.corr:
            raise WireError(f"correlation id {corr}, expected {self.corr}")
        if flexible:
            r.skip_tagged_fields()
        return r

    def request(self, api_key, version, body, flexible=False):
        self.send(api_key, version, body, flexible)
        return self.recv_response(flexible)

    def is_closed_by_peer(self, timeout=10.0):
        """True if the broker closes the connection (EOF or reset) within `timeout`,
        False if it stays open (recv times out) or sends data instead."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1)
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        return data == b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# --------------------------------------------------------------- ApiVersions (18)
def parse_api_versions(r, version):
    """Returns (error_code, {api_key: (min, max)}); the whole body must be consumed."""
    flexible = version >= 3
    err = r.int16()
    if flexible:
        n = r.uvarint() - 1
    else:
        n = r.int32()
    apis = {}
    for _ in range(max(n, 0)):
        key, lo, hi = r.int16(), r.int16(), r.int16()
        apis[key] = (lo, hi)
        if flexible:
            r.skip_tagged_fields()
    if version >= 1:
        r.int32()  # throttle_time_ms
    if flexible:
        r.skip_tagged_fields()
    r.end("ApiVersions response")
    return err, apis


def api_versions_v3_body(name="fjord-it", version="1.0"):
    def cstr(s):
        b = s.encode()
        return uvarint(len(b) + 1) + b
    return cstr(name) + cstr(version) + b"\x00"


# --------------------------------------------------------------- Metadata (3) v1
def metadata_v1_body(topics=None):
    """topics None = all topics (v1 null array)."""
    if topics is None:
        return i32(-1)
    return array([string(t) for t in topics])


def parse_metadata_v1(r):
    brokers = r.array(lambda: (r.int32(), r.string(), r.int32(), r.nullable_string()))
    controller = r.int32()

    def topic():
        err, name, internal = r.int16(), r.string(), r.int8()
        parts = r.array(lambda: (r.int16(), r.int32(), r.int32(), r.array(r.int32), r.array(r.int32)))
        return {"error": err, "name": name, "internal": internal,
                "partitions": {p[1]: {"error": p[0], "leader": p[2]} for p in parts}}
    topics = {t["name"]: t for t in r.array(topic)}
    r.end("Metadata v1 response")
    return {"brokers": brokers, "controller": controller, "topics": topics}


# --------------------------------------------------------------- CreateTopics (19) v0
def create_topics_v0_body(name, partitions=1, configs=None, timeout_ms=30000):
    cfg = [string(k) + nullable_string(v) for k, v in (configs or {}).items()]
    topic = string(name) + i32(partitions) + i16(1) + array([]) + array(cfg)
    return array([topic]) + i32(timeout_ms)


def parse_create_topics_v0(r):
    res = dict(r.array(lambda: (r.string(), r.int16())))
    r.end("CreateTopics v0 response")
    return res


def create_topic(port, name, partitions=1, configs=None):
    with Conn(port) as c:
        res = parse_create_topics_v0(c.request(API_CREATE_TOPICS, 0,
                                               create_topics_v0_body(name, partitions, configs)))
    if res.get(name) != NONE:
        raise WireError(f"CreateTopics {name}: {res}")


# --------------------------------------------------------------- record batch v2
def encode_record(offset_delta, value, key=None, timestamp_delta=0):
    body = (i8(0) + varint(timestamp_delta) + varint(offset_delta)
            + (varint(-1) if key is None else varint(len(key)) + key)
            + varint(len(value)) + value + varint(0))
    return varint(len(body)) + body


def build_batch(values, timestamp_ms=1700000000000, magic=2, last_offset_delta=None, records_count=None,
                bad_crc=False, producer_id=-1):
    """A v2 record batch of uncompressed records with the given values (bytes).
    The overrides forge invalid batches; the CRC is computed over the forged header
    (so only `bad_crc` makes the CRC wrong)."""
    records = b"".join(encode_record(i, v) for i, v in enumerate(values))
    lod = len(values) - 1 if last_offset_delta is None else last_offset_delta
    count = len(values) if records_count is None else records_count
    after_crc = (i16(0) + i32(lod) + i64(timestamp_ms) + i64(timestamp_ms)
                 + i64(producer_id) + i16(-1) + i32(-1) + i32(count) + records)
    crc = crc32c(after_crc)
    if bad_crc:
        crc ^= 0x5A5A5A5A
    after_length = i32(0) + i8(magic) + struct.pack(">I", crc) + after_crc
    return i64(0) + i32(len(after_length)) + after_length


def parse_batches(data):
    """Splits a Fetch records blob into batches. Returns a list of dicts; raises
    WireError on a partial batch, a bad magic or a CRC-32C mismatch."""
    out = []
    pos = 0
    while pos < len(data):
        if len(data) - pos < 61:
            raise WireError(f"partial batch header at {pos}: {len(data) - pos} bytes")
        base, length = struct.unpack_from(">qi", data, pos)
        end = pos + 12 + length
        if length < 49 or end > len(data):
            raise WireError(f"partial batch at {pos}: length {length}, {len(data) - pos} bytes left")
        magic = data[pos + 16]
        if magic != 2:
            raise WireError(f"batch at {pos}: magic {magic}")
        crc = struct.unpack_from(">I", data, pos + 17)[0]
        if crc32c(data[pos + 21:end]) != crc:
            raise WireError(f"batch at {pos} (base offset {base}): CRC-32C mismatch")
        lod, = struct.unpack_from(">i", data, pos + 23)
        count, = struct.unpack_from(">i", data, pos + 57)
        compressed = struct.unpack_from(">h", data, pos + 21)[0] & 7
        values = None if compressed else decode_records(data[pos + 61:end], count)
        out.append({"base_offset": base, "last_offset": base + lod, "count": count, "values": values})
        pos = end
    return out


def _svarint(r):
    u = r.uvarint()
    return (u >> 1) ^ -(u & 1)


def decode_records(data, count):
    """The values of `count` uncompressed records; each must fill its length exactly."""
    r = Reader(data)
    values = []
    for _ in range(count):
        rec = Reader(r.take(_svarint(r)))
        rec.int8()          # attributes
        _svarint(rec)       # timestamp delta
        _svarint(rec)       # offset delta
        klen = _svarint(rec)
        if klen >= 0:
            rec.take(klen)
        vlen = _svarint(rec)
        values.append(None if vlen < 0 else rec.take(vlen))
        for _ in range(_svarint(rec)):
            rec.take(_svarint(rec))
            hv = _svarint(rec)
            if hv >= 0:
                rec.take(hv)
        rec.end("record")
    r.end("records")
    return values


# --------------------------------------------------------------- Produce (0) v7
def produce_v7_body(topic, partition, records, acks=-1, timeout_ms=10000):
    part = i32(partition) + nullable_bytes(records)
    return nullable_string(None) + i16(acks) + i32(timeout_ms) + array([string(topic) + array([part])])


def parse_produce_v7(r):
    """Returns {(topic, partition): (error_code, base_offset)}."""
    out = {}
    for _ in range(r.int32()):
        topic = r.string()
        for _ in range(r.int32()):
            p, err, base = r.int32(), r.int16(), r.int64()
            r.int64()  # log_append_time_ms
            r.int64()  # log_start_offset
            out[(topic, p)] = (err, base)
    r.int32()  # throttle_time_ms
    r.end("Produce v7 response")
    return out


def produce(conn, topic, partition, records, acks=-1):
    """One Produce v7 on `conn`; returns (error_code, base_offset) of that partition."""
    res = parse_produce_v7(conn.request(API_PRODUCE, 7, produce_v7_body(topic, partition, records, acks)))
    if (topic, partition) not in res:
        raise WireError(f"Produce response lacks {topic}/{partition}: {res}")
    return res[(topic, partition)]


# --------------------------------------------------------------- ListOffsets (2) v1
def list_offsets_v1_body(topic, partition, timestamp=-1):
    return i32(-1) + array([string(topic) + array([i32(partition) + i64(timestamp)])])


def list_offset(conn, topic, partition, timestamp=-1):
    """ListOffsets v1 (-1 latest, -2 earliest); returns (error_code, offset)."""
    r = conn.request(API_LIST_OFFSETS, 1, list_offsets_v1_body(topic, partition, timestamp))
    out = None
    for _ in range(r.int32()):
        t = r.string()
        for _ in range(r.int32()):
            p, err, _, off = r.int32(), r.int16(), r.int64(), r.int64()
            if (t, p) == (topic, partition):
                out = (err, off)
    r.end("ListOffsets v1 response")
    if out is None:
        raise WireError("ListOffsets response lacks the partition")
    return out


# --------------------------------------------------------------- Fetch (1) v4
def fetch_v4_body(topic, partition, offset, max_bytes=8 * 1024 * 1024, max_wait_ms=100):
    part = i32(partition) + i64(offset) + i32(max_bytes)
    return (i32(-1) + i32(max_wait_ms) + i32(1) + i32(max_bytes) + i8(0)
            + array([string(topic) + array([part])]))


def fetch(conn, topic, partition, offset, max_bytes=8 * 1024 * 1024):
    """Fetch v4; returns (error_code, high_watermark, records bytes)."""
    r = conn.request(API_FETCH, 4, fetch_v4_body(topic, partition, offset, max_bytes))
    r.int32()  # throttle
    out = None
    for _ in range(r.int32()):
        t = r.string()
        for _ in range(r.int32()):
            p, err, hw = r.int32(), r.int16(), r.int64()
            r.int64()  # last stable offset
            r.array(lambda: (r.int64(), r.int64()))
            recs = r.nullable_bytes()
            if (t, p) == (topic, partition):
                out = (err, hw, recs or b"")
    r.end("Fetch v4 response")
    if out is None:
        raise WireError("Fetch response lacks the partition")
    return out


def fetch_all(conn, topic, partition, end_offset):
    """Fetches [0, end_offset) batch by batch; returns the parsed, CRC-checked batches."""
    batches = []
    offset = 0
    while offset < end_offset:
        err, _hw, recs = fetch(conn, topic, partition, offset)
        if err != NONE:
            raise WireError(f"Fetch at {offset}: error {err}")
        got = parse_batches(recs)
        if not got:
            raise WireError(f"Fetch at {offset}: no batches below end offset {end_offset}")
        batches.extend(b for b in got if b["last_offset"] >= offset)
        offset = got[-1]["last_offset"] + 1
    return batches


