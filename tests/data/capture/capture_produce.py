#!/usr/bin/python3
"""Minimal Kafka protocol stub broker used to capture golden RecordBatch bytes.

It implements just enough of the Kafka wire protocol for `kcat -P`
(librdkafka 2.0.2) to produce to one topic and exit cleanly:

  ApiVersions (18)    v0-v3   (v3 answered in the flexible body format)
  Metadata (3)        v0-v4   (non-flexible)
  Produce (0)         v0-v7   (non-flexible; records saved to disk)
  InitProducerId (22) v0-v1   (non-flexible; producer_id 4242, epoch 0)

Fetch (1) 4-11 and FindCoordinator (10) 0-2 are *advertised only* (never
served): librdkafka 2.0.2 enables its MsgVer2 feature only if Produce v3 and
Fetch v4 overlap the broker ranges, ZSTD only if Produce v7 and Fetch v10
overlap, and LZ4 only if FindCoordinator v0 overlaps (src/rdkafka_feature.c).
Without them it would silently fall back to legacy message sets or send lz4
/zstd batches uncompressed.  A producer never sends these requests; if one
arrives anyway the stub logs it and closes the connection.

Produce is advertised from v0 (not v3) on purpose: librdkafka 2.0.2 only
compresses with gzip/snappy/lz4 if the broker's Produce range overlaps
[0, 0] (and zstd if it overlaps [0, 7]): rdkafka_msgset_writer.c,
rd_kafka_msgset_writer_select_MsgVersion(), compr_req[] /
rd_kafka_broker_ApiVersion_supported(rkb, RD_KAFKAP_Produce, 0, ...).
With Produce 3-7 it logs "Broker does not support compression type gzip:
not compressing batch" and sends the batch uncompressed.  It still picks the
highest common version (v7, MsgVersion 2) for the actual request.

Every partition's `records` field of every Produce request is written,
byte for byte, to OUTDIR/produce-NNN-<topic>-<partition>.bin (NNN is a
global sequence number in arrival order).

Usage:
  capture_produce.py PORT OUTDIR [--topic golden] [--partitions 1]
                     [--max-seconds 120]

Binds 127.0.0.1 only.  Creates OUTDIR/stub.ready once listening.  Stops on
SIGTERM/SIGINT, or by itself after --max-seconds.
Only the Python standard library is used.
"""

import argparse
import os
import signal
import socket
import struct
import sys
import threading
import time

from kafka_wire import (ProtocolError, Reader, i8, i16, i32, i64, uvarint,
                        string, nullable_string, array)

API_PRODUCE = 0
API_FETCH = 1
API_METADATA = 3
API_FIND_COORDINATOR = 10
API_API_VERSIONS = 18
API_INIT_PRODUCER_ID = 22

# (api_key, min, max) advertised in ApiVersions responses, sorted by key.
ADVERTISED = [
    (API_PRODUCE, 0, 7),           # v0 needed for gzip/snappy/lz4, see above
    (API_FETCH, 4, 11),            # advertised only (feature gates), see above
    (API_METADATA, 0, 4),
    (API_FIND_COORDINATOR, 0, 2),  # advertised only (LZ4 feature gate)
    (API_API_VERSIONS, 0, 3),
    (API_INIT_PRODUCER_ID, 0, 1),
]

# First flexible version per API key (Kafka schema "flexibleVersions").
FIRST_FLEXIBLE = {
    API_PRODUCE: 9,
    API_FETCH: 12,
    API_METADATA: 9,
    API_FIND_COORDINATOR: 3,
    API_API_VERSIONS: 3,
    API_INIT_PRODUCER_ID: 2,
}

ERR_NONE = 0
ERR_UNKNOWN_TOPIC_OR_PARTITION = 3
ERR_UNSUPPORTED_VERSION = 35

NODE_ID = 1
PRODUCER_ID = 4242
PRODUCER_EPOCH = 0
MAX_FRAME = 100 * 1024 * 1024


def log(msg):
    sys.stderr.write("[stub %.3f] %s\n" % (time.time(), msg))
    sys.stderr.flush()


class Stub:
    def __init__(self, port, outdir, topics):
        self.port = port
        self.outdir = outdir
        self.topics = topics          # name -> partition count
        self.lock = threading.Lock()
        self.seq = 0
        self.next_offset = {}         # (topic, partition) -> next base offset
        self.stop = threading.Event()
        self.conn_id = 0

    # ------------------------------------------------------------ handlers
    def handle_api_versions(self, version, body):
        if version > 3:
            # KIP-511: answer in the v0 body format with UNSUPPORTED_VERSION.
            return (i16(ERR_UNSUPPORTED_VERSION)
                    + array([i16(k) + i16(lo) + i16(hi)
                             for k, lo, hi in ADVERTISED]))
        if version == 3:
            r = Reader(body)
            name = r.take(r.uvarint() - 1).decode("utf-8", "replace")
            ver = r.take(r.uvarint() - 1).decode("utf-8", "replace")
            r.skip_tagged_fields()
            log("  client software %s %s" % (name, ver))
            return (i16(ERR_NONE)
                    + uvarint(len(ADVERTISED) + 1)
                    + b"".join(i16(k) + i16(lo) + i16(hi) + uvarint(0)
                               for k, lo, hi in ADVERTISED)
                    + i32(0)        # throttle_time_ms
                    + uvarint(0))   # tagged fields
        out = i16(ERR_NONE) + array([i16(k) + i16(lo) + i16(hi)
                                     for k, lo, hi in ADVERTISED])
        if version >= 1:
            out += i32(0)           # throttle_time_ms
        return out

    def handle_metadata(self, version, body):
        r = Reader(body)
        n = r.int32()
        if n < 0:
            requested = None        # v1+: null = all topics
        else:
            requested = [r.string() for _ in range(n)]
            if version == 0 and n == 0:
                requested = None    # v0: empty = all topics
        if version >= 4:
            r.int8()                # allow_auto_topic_creation
        log("  metadata topics=%r" % (requested,))
        names = sorted(self.topics) if requested is None else requested

        out = b""
        if version >= 3:
            out += i32(0)           # throttle_time_ms
        broker = i32(NODE_ID) + string("127.0.0.1") + i32(self.port)
        if version >= 1:
            broker += nullable_string(None)       # rack
        out += array([broker])
        if version >= 2:
            out += nullable_string(None)          # cluster_id
        if version >= 1:
            out += i32(NODE_ID)                   # controller_id
        topics = []
        for name in names:
            if name in self.topics:
                parts = []
                for p in range(self.topics[name]):
                    parts.append(i16(ERR_NONE) + i32(p) + i32(NODE_ID)
                                 + array([i32(NODE_ID)])    # replicas
                                 + array([i32(NODE_ID)]))   # isr
                    # offline_replicas only from v5 (not served)
                t = i16(ERR_NONE) + string(name)
                if version >= 1:
                    t += i8(0)                             # is_internal
                t += array(parts)
            else:
                t = i16(ERR_UNKNOWN_TOPIC_OR_PARTITION) + string(name)
                if version >= 1:
                    t += i8(0)
                t += array([])
            topics.append(t)
        out += array(topics)
        return out

    def handle_produce(self, version, body):
        r = Reader(body)
        txn_id = r.nullable_string() if version >= 3 else None
        acks = r.int16()
        timeout_ms = r.int32()
        resp_topics = []
        for _ in range(r.int32()):
            topic = r.string()
            resp_parts = []
            for _ in range(r.int32()):
                partition = r.int32()
                records = r.nullable_bytes()
                with self.lock:
                    self.seq += 1
                    seq = self.seq
                    key = (topic, partition)
                    base = self.next_offset.get(key, 0)
                    if records is not None and len(records) >= 61:
                        count = struct.unpack(">i", records[57:61])[0]
                        self.next_offset[key] = base + max(count, 1)
                if records is None:
                    log("  produce %s[%d]: null records" % (topic, partition))
                else:
                    path = os.path.join(self.outdir, "produce-%03d-%s-%d.bin"
                                        % (seq, topic, partition))
                    with open(path + ".tmp", "wb") as f:
                        f.write(records)
                    os.replace(path + ".tmp", path)
                    log("  produce v%d txn=%r acks=%d timeout=%d %s[%d]: "
                        "%d bytes -> %s" % (version, txn_id, acks, timeout_ms,
                                            topic, partition, len(records),
                                            path))
                err = (ERR_NONE if topic in self.topics
                       and 0 <= partition < self.topics[topic]
                       else ERR_UNKNOWN_TOPIC_OR_PARTITION)
                p = i32(partition) + i16(err) + i64(base if err == 0 else -1)
                if version >= 2:
                    p += i64(-1)                  # log_append_time_ms
                if version >= 5:
                    p += i64(0)                   # log_start_offset
                resp_parts.append(p)
            resp_topics.append(string(topic) + array(resp_parts))
        if acks == 0:
            return None                           # no response for acks=0
        out = array(resp_topics)
        if version >= 1:
            out += i32(0)                         # throttle_time_ms
        return out

    def handle_init_producer_id(self, version, body):
        r = Reader(body)
        txn_id = r.nullable_string()
        txn_timeout = r.int32()
        log("  init_producer_id txn=%r timeout=%d -> pid %d epoch %d"
            % (txn_id, txn_timeout, PRODUCER_ID, PRODUCER_EPOCH))
        return i32(0) + i16(ERR_NONE) + i64(PRODUCER_ID) + i16(PRODUCER_EPOCH)

    # ------------------------------------------------------------ transport
    def dispatch(self, frame):
        r = Reader(frame)
        api_key = r.int16()
        api_version = r.int16()
        corr = r.int32()
        client_id = r.nullable_string()
        flexible = api_version >= FIRST_FLEXIBLE.get(api_key, 1 << 15)
        if flexible:
            r.skip_tagged_fields()
        body = frame[r.pos:]
        log(" req key=%d v=%d corr=%d client=%r body=%d bytes"
            % (api_key, api_version, corr, client_id, len(body)))
        ranges = {k: (lo, hi) for k, lo, hi in ADVERTISED}
        if api_key == API_API_VERSIONS:
            resp = self.handle_api_versions(api_version, body)
            return i32(corr) + resp          # response header v0, always
        handler = {
            API_PRODUCE: self.handle_produce,
            API_METADATA: self.handle_metadata,
            API_INIT_PRODUCER_ID: self.handle_init_producer_id,
        }.get(api_key)
        lo, hi = ranges.get(api_key, (1, 0))
        if handler is None or not lo <= api_version <= hi:
            raise ProtocolError("unsupported api key %d v%d"
                                % (api_key, api_version))
        resp = handler(api_version, body)
        if resp is None:
            return None
        return i32(corr) + resp              # response header v0 (non-flexible)

    def serve_conn(self, sock, peer, cid):
        log("conn %d open from %s:%d" % (cid, peer[0], peer[1]))
        buf = b""
        try:
            sock.settimeout(1.0)
            while not self.stop.is_set():
                try:
                    chunk = sock.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= 4:
                    size = struct.unpack(">i", buf[:4])[0]
                    if size < 0 or size > MAX_FRAME:
                        raise ProtocolError("bad frame size %d" % size)
                    if len(buf) < 4 + size:
                        break
                    frame, buf = buf[4:4 + size], buf[4 + size:]
                    resp = self.dispatch(frame)
                    if resp is not None:
                        sock.sendall(i32(len(resp)) + resp)
        except (ProtocolError, OSError, UnicodeDecodeError) as e:
            log("conn %d error: %s" % (cid, e))
        finally:
            sock.close()
            log("conn %d closed" % cid)

    def run(self, max_seconds):
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(16)
        srv.settimeout(0.5)
        with open(os.path.join(self.outdir, "stub.ready"), "w") as f:
            f.write("%d\n" % os.getpid())
        log("listening on 127.0.0.1:%d, writing to %s" % (self.port,
                                                           self.outdir))
        deadline = time.monotonic() + max_seconds
        while not self.stop.is_set():
            if time.monotonic() > deadline:
                log("max-seconds reached, exiting")
                break
            try:
                sock, peer = srv.accept()
            except socket.timeout:
                continue
            self.conn_id += 1
            threading.Thread(target=self.serve_conn,
                             args=(sock, peer, self.conn_id),
                             daemon=True).start()
        self.stop.set()
        srv.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--topic", default="golden")
    ap.add_argument("--partitions", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    stub = Stub(a.port, a.outdir, {a.topic: a.partitions})

    def on_signal(signum, frame):
        log("signal %d, stopping" % signum)
        stub.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stub.run(a.max_seconds)
    log("stopped")


if __name__ == "__main__":
    main()
