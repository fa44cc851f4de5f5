#!/usr/bin/python3
"""Check captured request frames (tests/data/protocol/*.bin).

    verify_requests.py [DIR] [--write-manifest]

DIR defaults to tests/data/protocol.  Each file holds one Kafka request
frame without its 4-byte size prefix: request header + body.  Written
separately from the stub (capture_requests.py), with its own tables.

For every *.bin file the script parses the request header and checks:

  * the file name is <client>-<api_name>-v<version>[-<variant>].bin;
  * api_key matches api_name, api_version matches the name;
  * header version: v1 (api_key, api_version, correlation_id, client_id as
    int16-length nullable string) for non-flexible versions, v2 (v1 + tagged
    fields) for flexible ones; the tagged-field buffer must parse;
  * the body is not empty unless the API/version has an empty body
    (ApiVersions v0-v2);
  * the body walks field by field through the request schema of its version
    (apache/kafka clients/src/main/resources/common/message/*Request.json)
    and ends exactly at the end of the frame (Produce: the records field is
    taken as one opaque int32-length blob whose batch header is sanity-checked:
    magic 2 and batchLength + 12 == blob size; in Produce v0-v2 a magic 0/1
    message set is walked message by message instead: size, CRC-32, key,
    value, and the decompressed inner set of a compressed wrapper).  A one-line summary of the
    decoded body is printed.

With --write-manifest it writes DIR/manifest.json from the parsed headers.
Otherwise DIR/manifest.json must exist and match every file exactly (same
file set, same fields, same size and sha256).
"""

import hashlib
import json
import os
import re
import struct
import sys

# api_name -> (api_key, first flexible version or None)
API = {
    "produce": (0, 9),
    "fetch": (1, 12),
    "list_offsets": (2, 6),
    "metadata": (3, 9),
    "offset_commit": (8, 8),
    "offset_fetch": (9, 6),
    "find_coordinator": (10, 3),
    "join_group": (11, 6),
    "heartbeat": (12, 4),
    "leave_group": (13, 4),
    "sync_group": (14, 4),
    "describe_groups": (15, 5),
    "list_groups": (16, 3),
    "sasl_handshake": (17, None),
    "api_versions": (18, 3),
    "create_topics": (19, 5),
    "delete_topics": (20, 4),
    "delete_records": (21, 2),
    "init_producer_id": (22, 2),
    "describe_configs": (32, 4),
    "alter_configs": (33, 2),
    "create_partitions": (37, 2),
}

NAME_RE = re.compile(r"^(?P<client>[a-z][a-z0-9_]*)-(?P<api>[a-z_]+)"
                     r"-v(?P<version>\d+)(?:-(?P<variant>[a-z0-9]+))?\.bin$")


class Bad(Exception):
    pass


def uvarint(data, pos):
    value = shift = 0
    while True:
        if pos >= len(data):
            raise Bad("truncated uvarint")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
        if shift > 28:
            raise Bad("uvarint longer than 5 bytes")


class Body:
    """Minimal body reader (independent of capture_requests.py)."""

    def __init__(self, data, pos):
        self.d = data
        self.p = pos

    def take(self, n):
        if n < 0 or self.p + n > len(self.d):
            raise Bad("body truncated at %d (need %d)" % (self.p, n))
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def i8(self):
        return struct.unpack(">b", self.take(1))[0]

    def i16(self):
        return struct.unpack(">h", self.take(2))[0]

    def i32(self):
        return struct.unpack(">i", self.take(4))[0]

    def i64(self):
        return struct.unpack(">q", self.take(8))[0]

    def uv(self):
        v, self.p = uvarint(self.d, self.p)
        return v

    def s(self, nullable=False):
        n = self.i16()
        if n == -1 and nullable:
            return None
        if n < 0:
            raise Bad("bad string length %d" % n)
        return self.take(n).decode("utf-8")

    def ns(self):
        return self.s(nullable=True)

    def cs(self):                       # compact nullable string
        n = self.uv()
        return None if n == 0 else self.take(n - 1).decode("utf-8")

    def arr(self, fn, nullable=False):
        n = self.i32()
        if n == -1 and nullable:
            return None
        if n < 0:
            raise Bad("bad array length %d" % n)
        return [fn() for _ in range(n)]

    def tags(self):
        for _ in range(self.uv()):
            self.uv()
            self.take(self.uv())


def xxh32(data, seed=0):
    """XXH32 (for the LZ4 frame header checksum), pure Python."""
    p1, p2, p3, p4, p5 = (2654435761, 2246822519, 3266489917, 668265263,
                          374761393)
    m = 0xFFFFFFFF

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & m

    n = len(data)
    i = 0
    if n >= 16:
        acc = [(seed + p1 + p2) & m, (seed + p2) & m, seed & m,
               (seed - p1) & m]
        while i + 16 <= n:
            for j in range(4):
                lane = struct.unpack_from("<I", data, i + 4 * j)[0]
                acc[j] = (rotl((acc[j] + lane * p2) & m, 13) * p1) & m
            i += 16
        h = (rotl(acc[0], 1) + rotl(acc[1], 7) + rotl(acc[2], 12)
             + rotl(acc[3], 18)) & m
    else:
        h = (seed + p5) & m
    h = (h + n) & m
    while i + 4 <= n:
        h = (rotl((h + struct.unpack_from("<I", data, i)[0] * p3) & m, 17)
             * p4) & m
        i += 4
    while i < n:
        h = (rotl((h + data[i] * p5) & m, 11) * p1) & m
        i += 1
    h ^= h >> 15
    h = (h * p2) & m
    h ^= h >> 13
    h = (h * p3) & m
    h ^= h >> 16
    return h


def legacy_decompress(codec, magic, data):
    import zlib
    if codec == 1:
        return zlib.decompress(data, 15 + 32)
    if codec == 2:
        import snappy
        if data[:8] == b"\x82SNAPPY\x00":     # xerial framing
            pos, out = 16, b""
            while pos < len(data):
                (blen,) = struct.unpack_from(">i", data, pos)
                out += snappy.uncompress(data[pos + 4:pos + 4 + blen])
                pos += 4 + blen
            return out
        return snappy.uncompress(data)
    if codec == 3:
        import lz4.frame
        if magic == 0:
            # KAFKA-3160: magic-0 writers put a wrong header checksum (over
            # the magic number too); put the right one back.
            flg = data[4]
            hc_pos = 6 + (8 if flg & 0x08 else 0)
            data = (data[:hc_pos]
                    + bytes([(xxh32(data[4:hc_pos]) >> 8) & 0xFF])
                    + data[hc_pos + 1:])
        return lz4.frame.decompress(data)
    raise Bad("legacy codec %d" % codec)


def walk_legacy_set(data, inner_of=None):
    """A magic 0/1 MessageSet: every entry's size, CRC-32, magic, key and
    value, and (one level deep) the inner set of a compressed wrapper.
    Returns a one-line summary."""
    import zlib
    pos = 0
    out = []
    if not data:
        raise Bad("legacy set: empty")
    while pos < len(data):
        if len(data) - pos < 12:
            raise Bad("legacy set: %d trailing bytes" % (len(data) - pos))
        offset, size = struct.unpack_from(">qi", data, pos)
        pos += 12
        if size < 14 or pos + size > len(data):
            raise Bad("legacy message size %d at %d" % (size, pos))
        msg = data[pos:pos + size]
        pos += size
        crc, magic, attrs = struct.unpack_from(">Ibb", msg, 0)
        if zlib.crc32(msg[4:]) != crc:
            raise Bad("legacy message CRC-32 mismatch")
        if magic not in (0, 1):
            raise Bad("legacy magic %d" % magic)
        if inner_of is not None and magic != inner_of:
            raise Bad("inner magic %d in a magic-%d wrapper" % (magic, inner_of))
        p = 6
        ts = None
        if magic == 1:
            (ts,) = struct.unpack_from(">q", msg, p)
            p += 8
        fields = []
        for _ in range(2):
            if p + 4 > len(msg):
                raise Bad("legacy message truncated")
            (n,) = struct.unpack_from(">i", msg, p)
            p += 4
            if n < -1 or p + max(n, 0) > len(msg):
                raise Bad("legacy key/value length %d" % n)
            fields.append(None if n == -1 else msg[p:p + n])
            p += max(n, 0)
        if p != len(msg):
            raise Bad("legacy message has %d extra bytes" % (len(msg) - p))
        codec = attrs & 7
        if codec:
            if inner_of is not None:
                raise Bad("nested compression")
            if fields[1] is None:
                raise Bad("compressed wrapper with a null value")
            inner = walk_legacy_set(legacy_decompress(codec, magic,
                                                      fields[1]), magic)
            out.append("wrapper(offset %d codec %d: %s)" % (offset, codec, inner))
        else:
            out.append("%d:%r=%r%s" % (offset, fields[0], fields[1],
                                       "" if ts is None else "@%d" % ts))
    magics = "magic %d" % data[16]
    return "legacy %s [%s]" % (magics, ", ".join(out))


def walk_body(api, v, b):
    """Read the whole request body of api/version; return a summary."""
    if api == "api_versions":
        if v >= 3:
            out = "software=%r/%r" % (b.cs(), b.cs())
            b.tags()
            return out
        return "empty body"
    if api == "metadata":
        topics = b.arr(b.s, nullable=v >= 1)
        out = "topics=%r" % (topics,)
        if v >= 4:
            out += " allow_auto_topic_creation=%d" % b.i8()
        return out
    if api == "produce":
        txn = b.ns() if v >= 3 else None
        acks, timeout = b.i16(), b.i32()
        parts = []

        def part():
            idx = b.i32()
            n = b.i32()
            if n < 0:
                return "%d:null" % idx
            rec = b.take(n)
            if n >= 17 and rec[16] in (0, 1) and v <= 2:
                return "%d:%s" % (idx, walk_legacy_set(rec))
            if n < 61 or rec[16] != 2:
                raise Bad("records: not a magic-2 batch")
            if struct.unpack(">i", rec[8:12])[0] + 12 != n:
                raise Bad("records: batchLength + 12 != %d" % n)
            attrs = struct.unpack(">h", rec[21:23])[0]
            return "%d:batch %dB codec=%d" % (idx, n, attrs & 7)
        for t, ps in b.arr(lambda: (b.s(), b.arr(part))):
            parts += ["%s[%s]" % (t, p) for p in ps]
        return "txn=%r acks=%d timeout=%d %s" % (txn, acks, timeout,
                                                 " ".join(parts))
    if api == "fetch":
        b.i32()
        out = "max_wait=%d min_bytes=%d" % (b.i32(), b.i32())
        if v >= 3:
            out += " max_bytes=%d" % b.i32()
        if v >= 4:
            out += " isolation=%d" % b.i8()
        if v >= 7:
            out += " session=%d/%d" % (b.i32(), b.i32())

        def part():
            idx = b.i32()
            if v >= 9:
                b.i32()
            off = b.i64()
            if v >= 5:
                b.i64()
            b.i32()
            return "%d@%d" % (idx, off)
        for t, ps in b.arr(lambda: (b.s(), b.arr(part))):
            out += " %s%r" % (t, ps)
        if v >= 7:
            b.arr(lambda: (b.s(), b.arr(b.i32)))
        if v >= 11:
            out += " rack=%r" % b.s()
        return out
    if api == "list_offsets":
        b.i32()
        out = ""
        if v >= 2:
            out += "isolation=%d " % b.i8()

        def part():
            idx = b.i32()
            if v >= 4:
                b.i32()
            ts = b.i64()
            if v == 0:
                b.i32()
            return "%d@ts%d" % (idx, ts)
        for t, ps in b.arr(lambda: (b.s(), b.arr(part))):
            out += "%s%r" % (t, ps)
        return out
    if api == "init_producer_id":
        if v >= 2:
            txn = b.cs()
        else:
            txn = b.ns()
        out = "txn=%r timeout=%d" % (txn, b.i32())
        if v >= 3:
            out += " pid=%d epoch=%d" % (b.i64(), b.i16())
        if v >= 2:
            b.tags()
        return out
    if api == "create_topics" and v <= 4:
        ts = b.arr(lambda: (b.s(), b.i32(), b.i16(),
                            b.arr(lambda: (b.i32(), b.arr(b.i32))),
                            b.arr(lambda: (b.s(), b.ns()))))
        out = "topics=%r timeout=%d" % ([(t[0], t[1], t[2], t[4])
                                         for t in ts], b.i32())
        if v >= 1:
            out += " validate_only=%d" % b.i8()
        return out
    if api == "delete_topics" and v <= 3:
        return "topics=%r timeout=%d" % (b.arr(b.s), b.i32())
    if api == "create_partitions" and v <= 1:
        ts = b.arr(lambda: (b.s(), b.i32(),
                            b.arr(lambda: b.arr(b.i32), nullable=True)))
        return "topics=%r timeout=%d validate_only=%d" % (ts, b.i32(), b.i8())
    if api == "describe_configs" and v <= 3:
        rs = b.arr(lambda: (b.i8(), b.s(), b.arr(b.s, nullable=True)))
        out = "resources=%r" % (rs,)
        if v >= 1:
            out += " include_synonyms=%d" % b.i8()
        if v >= 3:
            out += " include_documentation=%d" % b.i8()
        return out
    if api == "alter_configs" and v <= 1:
        rs = b.arr(lambda: (b.i8(), b.s(),
                            b.arr(lambda: (b.s(), b.ns()))))
        return "resources=%r validate_only=%d" % (rs, b.i8())
    raise Bad("no body walker for %s v%d" % (api, v))


def parse_header(data):
    """-> dict with the header fields and 'body_offset'."""
    if len(data) < 10:
        raise Bad("frame shorter than a v1 request header")
    api_key, api_version, corr, n = struct.unpack(">hhih", data[:10])
    pos = 10
    if n < -1:
        raise Bad("client_id length %d" % n)
    client_id = None
    if n >= 0:
        if pos + n > len(data):
            raise Bad("client_id runs past the frame")
        client_id = data[pos:pos + n].decode("utf-8")
        pos += n
    return {"api_key": api_key, "api_version": api_version,
            "correlation_id": corr, "client_id": client_id,
            "body_offset": pos}


def check_file(path):
    fname = os.path.basename(path)
    m = NAME_RE.match(fname)
    if not m:
        raise Bad("file name does not match <client>-<api>-v<N>[-<variant>]")
    api = m.group("api")
    if api not in API:
        raise Bad("unknown api name %r" % api)
    key, first_flex = API[api]
    version = int(m.group("version"))
    with open(path, "rb") as f:
        data = f.read()
    h = parse_header(data)
    if h["api_key"] != key:
        raise Bad("api_key %d, file name says %s (%d)"
                  % (h["api_key"], api, key))
    if h["api_version"] != version:
        raise Bad("api_version %d, file name says v%d"
                  % (h["api_version"], version))
    pos = h.pop("body_offset")
    flexible = first_flex is not None and version >= first_flex
    header_version = 2 if flexible else 1
    if flexible:
        count, pos = uvarint(data, pos)
        last = -1
        for _ in range(count):
            tag, pos = uvarint(data, pos)
            size, pos = uvarint(data, pos)
            if tag <= last:
                raise Bad("header tags not strictly ascending")
            last = tag
            pos += size
            if pos > len(data):
                raise Bad("header tagged field runs past the frame")
    body = len(data) - pos
    empty_ok = api == "api_versions" and version < 3
    if body < 0 or (body == 0 and not empty_ok):
        raise Bad("no body")
    if empty_ok and body != 0:
        raise Bad("ApiVersions v%d body must be empty, has %d bytes"
                  % (version, body))
    walker = Body(data, pos)
    summary = walk_body(api, version, walker)
    if walker.p != len(data):
        raise Bad("%d bytes left after the body" % (len(data) - walker.p))
    entry = {
        "file": fname,
        "client": m.group("client"),
        "api_key": key,
        "api_name": api,
        "api_version": version,
        "correlation_id": h["correlation_id"],
        "client_id": h["client_id"],
        "variant": m.group("variant"),
        "header_version": header_version,
        "body_offset": pos,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return entry, summary


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    write = "--write-manifest" in argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    d = args[0] if args else os.path.join(here, "..", "protocol")
    files = sorted(f for f in os.listdir(d) if f.endswith(".bin"))
    if not files:
        print("no .bin files in %s" % d)
        return 1
    entries = []
    failed = 0
    for f in files:
        try:
            e, summary = check_file(os.path.join(d, f))
            entries.append(e)
            print("ok   %-40s key=%-2d v%-2d hdr v%d corr=%-2d client_id=%r "
                  "%d bytes\n       %s" % (f, e["api_key"], e["api_version"],
                                           e["header_version"],
                                           e["correlation_id"],
                                           e["client_id"], e["size"],
                                           summary))
        except (Bad, UnicodeDecodeError, OSError) as ex:
            failed += 1
            print("FAIL %s: %s" % (f, ex))
    mpath = os.path.join(d, "manifest.json")
    if write and not failed:
        with open(mpath, "w") as f:
            json.dump(entries, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print("wrote %s (%d entries)" % (mpath, len(entries)))
    elif not write:
        try:
            with open(mpath) as f:
                manifest = json.load(f)
        except (OSError, ValueError) as ex:
            print("FAIL manifest: %s" % ex)
            return 1
        if manifest != entries:
            failed += 1
            want = {e["file"]: e for e in manifest}
            got = {e["file"]: e for e in entries}
            for name in sorted(set(want) | set(got)):
                if want.get(name) != got.get(name):
                    print("FAIL manifest mismatch for %s:\n  manifest %r\n"
                          "  file     %r" % (name, want.get(name),
                                             got.get(name)))
        else:
            print("manifest.json matches all %d files" % len(entries))
    if failed:
        print("%d problem(s)" % failed)
        return 1
    print("all %d frames OK" % len(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
