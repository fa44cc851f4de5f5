#!/usr/bin/python3
"""Stub Kafka broker that saves client request frames verbatim.

Used to capture golden request bytes (tests/data/protocol/) from real
clients: kcat / confluent-kafka-python (both librdkafka 2.0.2) and
kafka-python 2.0.2.  Every request frame that arrives (the bytes after the
4-byte size prefix: request header + body, unchanged) is written to

    OUTDIR/<client>-<api_name>-v<version>[-<variant>].bin

for the FIRST occurrence of each (api, version) in this stub's lifetime
(later ones are only logged).  <variant> is added only to the API named by
--variant-api (used to keep e.g. one Produce frame per compression codec).
Every request is also appended to OUTDIR/requests.log (one JSON per line).

Advertised in ApiVersions (v0..v3), key min-max:

  Produce 0-7, Fetch 4-11, ListOffsets 0-3, Metadata 0-6,
  FindCoordinator 0-2 (advertised only), ApiVersions 0-3,
  CreateTopics 0-4, DeleteTopics 0-3, DeleteRecords 0-1 (advertised only),
  InitProducerId 0-4, DescribeConfigs 0-2, AlterConfigs 0-1,
  CreatePartitions 0-1

Why these minimums: librdkafka 2.0.2 compresses with gzip/snappy/lz4 only if
Produce overlaps [0,0]; it turns on MsgVer2 only if Produce 3 and Fetch 4
overlap, ZSTD only if Produce 7 and Fetch 10 overlap, LZ4 only if
FindCoordinator 0 overlaps, idempotence only if InitProducerId 0 overlaps
(src/rdkafka_feature.c, src/rdkafka_msgset_writer.c).  kafka-python 2.0.2
infers "broker 2.3.0" from Fetch v11 and then uses Produce v7 / Fetch v4 /
ListOffsets v1 / Metadata v1; its admin client negotiates Metadata <= 5,
CreateTopics/DeleteTopics <= 3, DescribeConfigs <= 2.

Responses are hand-written per API, following the apache/kafka message
schemas (clients/src/main/resources/common/message/*.json), field order =
wire order.  Response header v0 (correlation id) for non-flexible versions
and for ApiVersions at every version; header v1 (correlation id + empty
tagged fields) for flexible versions (here only InitProducerId v2-v4).

Served state: topics (initially --topic with --partitions partitions; any
topic named in a Metadata request that allows auto-creation is created with
one partition; CreateTopics/CreatePartitions/DeleteTopics update it).  Every
partition "contains" one record at offset 0 (value b"golden-0"), so
ListOffsets answers earliest = 0, latest = 1 and a Fetch at offset 0 returns
that one-record batch (a Fetch at any other offset returns no records after
waiting min(max_wait_ms, 500) ms).

Usage:
  capture_requests.py PORT OUTDIR --client NAME [--variant V --variant-api API]
                      [--topic golden] [--partitions 1] [--max-seconds 120]
                      [--old-broker]

--old-broker advertises Produce 0-2 and Fetch 0-3 instead, like a Kafka
0.10 broker: librdkafka then writes MsgVer1 (magic 1) message sets.

Binds 127.0.0.1 only.  Creates OUTDIR/stub.ready once listening.  Stops on
SIGTERM/SIGINT, or by itself after --max-seconds.  Standard library only.
"""

import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

from kafka_wire import (ProtocolError, Reader, i8, i16, i32, i64, boolean,
                        uvarint, varint, string, nullable_string, array,
                        nullable_bytes, crc32c)

# api_key -> (name in file names, first flexible version, advertised min, max)
APIS = {
    0: ("produce", 9, 0, 7),
    1: ("fetch", 12, 4, 11),
    2: ("list_offsets", 6, 0, 3),
    3: ("metadata", 9, 0, 6),
    10: ("find_coordinator", 3, 0, 2),
    18: ("api_versions", 3, 0, 3),
    19: ("create_topics", 5, 0, 4),
    20: ("delete_topics", 4, 0, 3),
    21: ("delete_records", 2, 0, 1),
    22: ("init_producer_id", 2, 0, 4),
    32: ("describe_configs", 4, 0, 2),
    33: ("alter_configs", 2, 0, 1),
    37: ("create_partitions", 2, 0, 1),
}
# Well-known names for logging of keys we do not advertise.
OTHER_API_NAMES = {
    8: "offset_commit", 9: "offset_fetch", 11: "join_group",
    12: "heartbeat", 13: "leave_group", 14: "sync_group",
    15: "describe_groups", 16: "list_groups", 17: "sasl_handshake",
    23: "offset_for_leader_epoch", 36: "sasl_authenticate",
    42: "delete_groups", 44: "incremental_alter_configs",
}

ERR_NONE = 0
ERR_UNKNOWN_TOPIC_OR_PARTITION = 3
ERR_UNSUPPORTED_VERSION = 35

NODE_ID = 1
CLUSTER_ID = "fjord-capture-stub"
PRODUCER_ID = 4242
PRODUCER_EPOCH = 0
MAX_FRAME = 100 * 1024 * 1024
RECORD_VALUE = b"golden-0"
RECORD_TIMESTAMP = 1700000000000   # fixed, so the Fetch response is stable


def log(msg):
    sys.stderr.write("[stub %.3f] %s\n" % (time.time(), msg))
    sys.stderr.flush()


def api_name(key):
    if key in APIS:
        return APIS[key][0]
    return OTHER_API_NAMES.get(key, "api_%d" % key)


def one_record_batch():
    """RecordBatch v2, baseOffset 0, one record: key null, value RECORD_VALUE."""
    rec = (i8(0) + varint(0) + varint(0)          # attrs, tsDelta, offDelta
           + varint(-1)                           # key: null
           + varint(len(RECORD_VALUE)) + RECORD_VALUE
           + varint(0))                           # headers count
    rec = varint(len(rec)) + rec
    after_crc = (i16(0)                           # attributes
                 + i32(0)                         # lastOffsetDelta
                 + i64(RECORD_TIMESTAMP) + i64(RECORD_TIMESTAMP)
                 + i64(-1) + i16(-1) + i32(-1)    # pid, epoch, base seq
                 + i32(1) + rec)                  # records count + record
    tail = i32(0) + i8(2) + struct.pack(">I", crc32c(after_crc)) + after_crc
    return i64(0) + i32(len(tail)) + tail


BATCH = one_record_batch()


# --------------------------------------------------------------- the stub
class Stub:
    def __init__(self, port, outdir, client, variant, variant_api, topics):
        self.port = port
        self.outdir = outdir
        self.client = client
        self.variant = variant
        self.variant_api = variant_api
        self.topics = dict(topics)    # name -> partition count
        self.lock = threading.Lock()
        self.saved = set()
        self.stop = threading.Event()
        self.conn_id = 0
        self.reqlog = open(os.path.join(outdir, "requests.log"), "a")

    # ---------------------------------------------------------- capture
    def save(self, frame, cid):
        r = Reader(frame)
        api_key = r.int16()
        api_version = r.int16()
        corr = r.int32()
        client_id = r.nullable_string()
        name = api_name(api_key)
        fname = "%s-%s-v%d" % (self.client, name, api_version)
        if self.variant and name == self.variant_api:
            fname += "-" + self.variant
        fname += ".bin"
        with self.lock:
            first = fname not in self.saved
            if first:
                self.saved.add(fname)
                path = os.path.join(self.outdir, fname)
                with open(path + ".tmp", "wb") as f:
                    f.write(frame)
                os.replace(path + ".tmp", path)
            self.reqlog.write(json.dumps({
                "conn": cid, "api_key": api_key, "api_name": name,
                "api_version": api_version, "correlation_id": corr,
                "client_id": client_id, "size": len(frame),
                "saved_as": fname if first else None}) + "\n")
            self.reqlog.flush()
        log(" req conn=%d %s(%d) v%d corr=%d client=%r %d bytes%s"
            % (cid, name, api_key, api_version, corr, client_id, len(frame),
               " -> " + fname if first else ""))
        return api_key, api_version, corr, r

    # ---------------------------------------------------------- handlers
    # Each handler gets (version, Reader positioned at the body) and
    # returns the response body, or None for "no response" (acks=0).
    def advertised(self):
        return sorted((k, v[2], v[3]) for k, v in APIS.items())

    def handle_api_versions(self, v, r):
        adv = self.advertised()
        if v > 3:
            # KIP-511: v0-format body with UNSUPPORTED_VERSION.
            return (i16(ERR_UNSUPPORTED_VERSION)
                    + array([i16(k) + i16(lo) + i16(hi)
                             for k, lo, hi in adv]))
        if v == 3:
            name = r.compact_nullable_string()
            ver = r.compact_nullable_string()
            r.skip_tagged_fields()
            r.end("ApiVersions")
            log("  client software %s %s" % (name, ver))
            return (i16(ERR_NONE)
                    + uvarint(len(adv) + 1)
                    + b"".join(i16(k) + i16(lo) + i16(hi) + uvarint(0)
                               for k, lo, hi in adv)
                    + i32(0)        # throttle_time_ms
                    + uvarint(0))   # tagged fields
        r.end("ApiVersions")
        out = i16(ERR_NONE) + array([i16(k) + i16(lo) + i16(hi)
                                     for k, lo, hi in adv])
        if v >= 1:
            out += i32(0)           # throttle_time_ms
        return out

    def handle_metadata(self, v, r):
        requested = r.array(r.string)
        if v == 0 and requested == []:
            requested = None        # v0: empty = all topics
        auto_create = True
        if v >= 4:
            auto_create = r.int8() != 0
        r.end("Metadata")
        with self.lock:
            if requested is not None and auto_create:
                for name in requested:
                    self.topics.setdefault(name, 1)
            names = (sorted(self.topics) if requested is None
                     else list(requested))
            topics = dict(self.topics)
        log("  metadata v%d topics=%r auto_create=%r"
            % (v, requested, auto_create))
        out = b""
        if v >= 3:
            out += i32(0)                          # throttle_time_ms
        broker = i32(NODE_ID) + string("127.0.0.1") + i32(self.port)
        if v >= 1:
            broker += nullable_string(None)        # rack
        out += array([broker])
        if v >= 2:
            out += nullable_string(CLUSTER_ID)     # cluster_id
        if v >= 1:
            out += i32(NODE_ID)                    # controller_id
        tl = []
        for name in names:
            if name in topics:
                parts = []
                for p in range(topics[name]):
                    part = (i16(ERR_NONE) + i32(p) + i32(NODE_ID)
                            + array([i32(NODE_ID)])     # replica_nodes
                            + array([i32(NODE_ID)]))    # isr_nodes
                    if v >= 5:
                        part += array([])               # offline_replicas
                    parts.append(part)
                t = i16(ERR_NONE) + string(name)
                if v >= 1:
                    t += boolean(False)                 # is_internal
                t += array(parts)
            else:
                t = i16(ERR_UNKNOWN_TOPIC_OR_PARTITION) + string(name)
                if v >= 1:
                    t += boolean(False)
                t += array([])
            tl.append(t)
        out += array(tl)
        return out

    def partition_ok(self, topic, partition):
        with self.lock:
            return 0 <= partition < self.topics.get(topic, 0)

    def handle_produce(self, v, r):
        txn_id = r.nullable_string() if v >= 3 else None
        acks = r.int16()
        timeout_ms = r.int32()
        resp_topics = []
        for _ in range(r.int32()):
            topic = r.string()
            resp_parts = []
            for _ in range(r.int32()):
                partition = r.int32()
                records = r.nullable_bytes()
                log("  produce v%d txn=%r acks=%d timeout=%d %s[%d] %s bytes"
                    % (v, txn_id, acks, timeout_ms, topic, partition,
                       None if records is None else len(records)))
                err = (ERR_NONE if self.partition_ok(topic, partition)
                       else ERR_UNKNOWN_TOPIC_OR_PARTITION)
                p = i32(partition) + i16(err) + i64(1 if err == 0 else -1)
                if v >= 2:
                    p += i64(-1)                   # log_append_time_ms
                if v >= 5:
                    p += i64(0)                    # log_start_offset
                resp_parts.append(p)
            resp_topics.append(string(topic) + array(resp_parts))
        r.end("Produce")
        if acks == 0:
            return None
        out = array(resp_topics)
        if v >= 1:
            out += i32(0)                          # throttle_time_ms
        return out

    def handle_fetch(self, v, r):
        r.int32()                                  # replica_id
        max_wait = r.int32()
        r.int32()                                  # min_bytes
        if v >= 3:
            r.int32()                              # max_bytes
        isolation = r.int8() if v >= 4 else 0
        session_id = epoch = None
        if v >= 7:
            session_id = r.int32()
            epoch = r.int32()
        req = []
        for _ in range(r.int32()):
            topic = r.string()
            parts = []
            for _ in range(r.int32()):
                p = r.int32()
                if v >= 9:
                    r.int32()                      # current_leader_epoch
                off = r.int64()
                if v >= 5:
                    r.int64()                      # log_start_offset
                r.int32()                          # partition_max_bytes
                parts.append((p, off))
            req.append((topic, parts))
        if v >= 7:
            for _ in range(r.int32()):             # forgotten topics
                r.string()
                r.array(r.int32)
        if v >= 11:
            r.string()                             # rack_id
        r.end("Fetch")
        log("  fetch v%d isolation=%d session=%r/%r %r"
            % (v, isolation, session_id, epoch, req))
        any_data = False
        tl = []
        for topic, parts in req:
            pl = []
            for p, off in parts:
                ok = self.partition_ok(topic, p)
                err = ERR_NONE if ok else ERR_UNKNOWN_TOPIC_OR_PARTITION
                records = BATCH if ok and off == 0 else b""
                any_data = any_data or bool(records)
                e = i32(p) + i16(err) + i64(1 if ok else -1)   # high watermark
                if v >= 4:
                    e += i64(1 if ok else -1)      # last_stable_offset
                if v >= 5:
                    e += i64(0 if ok else -1)      # log_start_offset
                if v >= 4:
                    e += array([])                 # aborted_transactions
                if v >= 11:
                    e += i32(-1)                   # preferred_read_replica
                e += nullable_bytes(records)
                pl.append(e)
            tl.append(string(topic) + array(pl))
        if not any_data:
            # Behave like a long poll, a little: avoid a busy fetch loop.
            self.stop.wait(min(max(max_wait, 0), 500) / 1000.0)
        out = b""
        if v >= 1:
            out += i32(0)                          # throttle_time_ms
        if v >= 7:
            out += i16(ERR_NONE) + i32(0)          # error_code, session_id
        out += array(tl)
        return out

    def handle_list_offsets(self, v, r):
        r.int32()                                  # replica_id
        if v >= 2:
            r.int8()                               # isolation_level
        req = []
        for _ in range(r.int32()):
            topic = r.string()
            parts = []
            for _ in range(r.int32()):
                p = r.int32()
                ts = r.int64()
                if v == 0:
                    r.int32()                      # max_num_offsets
                parts.append((p, ts))
            req.append((topic, parts))
        r.end("ListOffsets")
        log("  list_offsets v%d %r" % (v, req))
        tl = []
        for topic, parts in req:
            pl = []
            for p, ts in parts:
                ok = self.partition_ok(topic, p)
                err = ERR_NONE if ok else ERR_UNKNOWN_TOPIC_OR_PARTITION
                offset = 1 if ts == -1 else 0      # latest = 1, else 0
                e = i32(p) + i16(err)
                if v == 0:
                    e += array([i64(offset)] if ok else [])
                else:
                    e += i64(-1) + i64(offset if ok else -1)
                pl.append(e)
            tl.append(string(topic) + array(pl))
        out = i32(0) if v >= 2 else b""            # throttle_time_ms
        return out + array(tl)

    def handle_init_producer_id(self, v, r):
        flexible = v >= 2
        if flexible:
            txn_id = r.compact_nullable_string()
        else:
            txn_id = r.nullable_string()
        txn_timeout = r.int32()
        if v >= 3:
            r.int64()                              # producer_id
            r.int16()                              # producer_epoch
        if flexible:
            r.skip_tagged_fields()
        r.end("InitProducerId")
        log("  init_producer_id v%d txn=%r timeout=%d -> pid %d epoch %d"
            % (v, txn_id, txn_timeout, PRODUCER_ID, PRODUCER_EPOCH))
        out = i32(0) + i16(ERR_NONE) + i64(PRODUCER_ID) + i16(PRODUCER_EPOCH)
        if flexible:
            out += uvarint(0)                      # tagged fields
        return out

    def handle_create_topics(self, v, r):
        names = []
        for _ in range(r.int32()):
            name = r.string()
            num_partitions = r.int32()
            r.int16()                              # replication_factor
            assignments = r.array(lambda: (r.int32(), r.array(r.int32)))
            r.array(lambda: (r.string(), r.nullable_string()))  # configs
            if num_partitions < 1:
                num_partitions = max(len(assignments or []), 1)
            names.append((name, num_partitions))
        timeout_ms = r.int32()
        validate_only = bool(r.int8()) if v >= 1 else False
        r.end("CreateTopics")
        log("  create_topics v%d %r timeout=%d validate_only=%r"
            % (v, names, timeout_ms, validate_only))
        if not validate_only:
            with self.lock:
                for name, n in names:
                    self.topics[name] = n
        tl = []
        for name, _ in names:
            t = string(name) + i16(ERR_NONE)
            if v >= 1:
                t += nullable_string(None)         # error_message
            tl.append(t)
        out = i32(0) if v >= 2 else b""            # throttle_time_ms
        return out + array(tl)

    def handle_delete_topics(self, v, r):
        names = r.array(r.string) or []
        r.int32()                                  # timeout_ms
        r.end("DeleteTopics")
        log("  delete_topics v%d %r" % (v, names))
        with self.lock:
            for name in names:
                self.topics.pop(name, None)
        out = i32(0) if v >= 1 else b""            # throttle_time_ms
        return out + array([string(n) + i16(ERR_NONE) for n in names])

    def handle_create_partitions(self, v, r):
        req = []
        for _ in range(r.int32()):
            name = r.string()
            count = r.int32()
            r.array(lambda: r.array(r.int32))      # assignments (nullable)
            req.append((name, count))
        r.int32()                                  # timeout_ms
        validate_only = bool(r.int8())
        r.end("CreatePartitions")
        log("  create_partitions v%d %r validate_only=%r"
            % (v, req, validate_only))
        if not validate_only:
            with self.lock:
                for name, count in req:
                    self.topics[name] = count
        return i32(0) + array([string(n) + i16(ERR_NONE)
                               + nullable_string(None) for n, _ in req])

    def handle_describe_configs(self, v, r):
        req = []
        for _ in range(r.int32()):
            rtype = r.int8()
            rname = r.string()
            keys = r.array(r.string)
            req.append((rtype, rname, keys))
        if v >= 1:
            r.int8()                               # include_synonyms
        r.end("DescribeConfigs")
        log("  describe_configs v%d %r" % (v, req))
        entries = [("cleanup.policy", "delete"),
                   ("retention.ms", "604800000")]
        results = []
        for rtype, rname, keys in req:
            cl = []
            for name, value in entries:
                if keys is not None and name not in keys:
                    continue
                c = string(name) + nullable_string(value) + boolean(False)
                if v == 0:
                    c += boolean(True)             # is_default
                else:
                    c += i8(5)                     # config_source: DEFAULT
                c += boolean(False)                # is_sensitive
                if v >= 1:
                    c += array([])                 # synonyms
                cl.append(c)
            results.append(i16(ERR_NONE) + nullable_string(None)
                           + i8(rtype) + string(rname) + array(cl))
        return i32(0) + array(results)

    def handle_alter_configs(self, v, r):
        req = []
        for _ in range(r.int32()):
            rtype = r.int8()
            rname = r.string()
            configs = r.array(lambda: (r.string(), r.nullable_string()))
            req.append((rtype, rname, configs))
        validate_only = bool(r.int8())
        r.end("AlterConfigs")
        log("  alter_configs v%d %r validate_only=%r"
            % (v, req, validate_only))
        return i32(0) + array([i16(ERR_NONE) + nullable_string(None)
                               + i8(t) + string(n) for t, n, _ in req])

    # ---------------------------------------------------------- transport
    def dispatch(self, frame, cid):
        api_key, v, corr, r = self.save(frame, cid)
        if api_key == 18:
            if v >= 3:
                r.skip_tagged_fields()             # request header v2
            return i32(corr) + self.handle_api_versions(v, r)
        handler = {
            0: self.handle_produce,
            1: self.handle_fetch,
            2: self.handle_list_offsets,
            3: self.handle_metadata,
            19: self.handle_create_topics,
            20: self.handle_delete_topics,
            22: self.handle_init_producer_id,
            32: self.handle_describe_configs,
            33: self.handle_alter_configs,
            37: self.handle_create_partitions,
        }.get(api_key)
        if handler is None or not APIS[api_key][2] <= v <= APIS[api_key][3]:
            # Like Kafka: cannot parse the body, so close the connection.
            raise ProtocolError("unsupported %s(%d) v%d"
                                % (api_name(api_key), api_key, v))
        flexible = v >= APIS[api_key][1]
        if flexible:
            r.skip_tagged_fields()                 # request header v2
        resp = handler(v, r)
        if resp is None:
            return None
        header = i32(corr) + (uvarint(0) if flexible else b"")
        return header + resp

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
                    resp = self.dispatch(frame, cid)
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
        log("listening on 127.0.0.1:%d, client label %r, writing to %s"
            % (self.port, self.client, self.outdir))
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
        self.reqlog.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--client", required=True,
                    help="file name prefix, e.g. kcat, kafka_python")
    ap.add_argument("--variant", default="",
                    help="suffix added to the file name of --variant-api")
    ap.add_argument("--variant-api", default="produce")
    ap.add_argument("--topic", default="golden")
    ap.add_argument("--partitions", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--old-broker", action="store_true",
                    help="advertise Produce 0-2 and Fetch 0-3 (a Kafka "
                    "0.10-era broker), so that librdkafka writes MsgVer1 "
                    "message sets")
    a = ap.parse_args()
    if a.old_broker:
        # librdkafka's MsgVer1 gate needs Produce 2 and Fetch 2 to overlap
        # the broker's ranges, MsgVer2 needs Produce 3 and Fetch 4
        # (rdkafka_feature.c).  Fetch stays advertise-only at v0-v3.
        APIS[0] = APIS[0][:3] + (2,)
        APIS[1] = (APIS[1][0], APIS[1][1], 0, 3)
    os.makedirs(a.outdir, exist_ok=True)
    stub = Stub(a.port, a.outdir, a.client, a.variant, a.variant_api,
                {a.topic: a.partitions})

    def on_signal(signum, frame):
        log("signal %d, stopping" % signum)
        stub.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stub.run(a.max_seconds)
    log("stopped")


if __name__ == "__main__":
    main()
