#!/usr/bin/python3
"""Independent decoder/verifier for the golden RecordBatch v2 files.

For every entry of tests/data/record/manifest.json it checks the .bin file:
  * size == batchLength + 12, exactly one batch, baseOffset 0, magic 2;
  * CRC-32C (Castagnoli, reflected poly 0x82F63B78) over bytes [21:end];
  * attributes: codec bits (0-2) match the manifest codec, timestamp type
    CreateTime, not transactional, not control, no other bits;
  * lastOffsetDelta == recordsCount - 1 == number of manifest records - 1;
  * producerId as in the manifest; epoch/baseSequence -1/-1 without a
    producer id, 0/0 with one;
  * maxTimestamp == the largest record timestamp, baseTimestamp == first;
  * decompresses the records section (gzip: zlib; snappy: built-in raw
    snappy decoder, xerial framing accepted; lz4 / zstd: the `lz4` / `zstd`
    command-line tools) and decodes every record, requiring each record to
    consume exactly its length and nothing to be left over;
  * offsetDelta == index, and key / value / headers equal the manifest.

Usage: verify_records.py [RECORD_DIR]   (default: ../record next to this file)
Exit status 0 only if every file passes.  Standard library only.
"""

import json
import os
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}

# ---------------------------------------------------------------- CRC-32C
_CRC32C_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C_TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _CRC32C_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # standard check value


# ---------------------------------------------------------------- codecs
def snappy_raw_decompress(data):
    pos = 0
    length = shift = 0
    while True:
        b = data[pos]
        pos += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            n = tag >> 2
            if n >= 60:
                nb = n - 59
                n = int.from_bytes(data[pos:pos + nb], "little")
                pos += nb
            n += 1
            out += data[pos:pos + n]
            pos += n
            continue
        if kind == 1:
            n = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            off = int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            n = (tag >> 2) + 1
            off = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if off == 0 or off > len(out):
            raise ValueError("snappy: bad copy offset")
        for _ in range(n):
            out.append(out[-off])
    if len(out) != length:
        raise ValueError("snappy: length %d != %d" % (len(out), length))
    return bytes(out)


def snappy_decompress(data):
    xerial = b"\x82SNAPPY\x00"
    if data.startswith(xerial):
        pos, out = 16, b""
        while pos < len(data):
            n = struct.unpack(">i", data[pos:pos + 4])[0]
            out += snappy_raw_decompress(data[pos + 4:pos + 4 + n])
            pos += 4 + n
        return out
    return snappy_raw_decompress(data)


def tool_decompress(tool, data):
    p = subprocess.run([tool, "-d", "-c", "-q"], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if p.returncode != 0:
        raise ValueError("%s -d failed: %s" % (tool, p.stderr.decode()))
    return p.stdout


def decompress(codec, data):
    if codec == 0:
        return data
    if codec == 1:
        return zlib.decompress(data, 47)   # gzip or zlib header
    if codec == 2:
        return snappy_decompress(data)
    if codec == 3:
        return tool_decompress("lz4", data)
    if codec == 4:
        return tool_decompress("zstd", data)
    raise ValueError("unknown codec %d" % codec)


# ---------------------------------------------------------------- records
class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("short read at %d" % self.pos)
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def varint(self):
        shift = value = 0
        while True:
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift > 63:
                raise ValueError("varint too long")
        return (value >> 1) ^ -(value & 1)     # zigzag

    def nbytes(self):
        n = self.varint()
        return None if n < 0 else self.take(n)


def text(b):
    return None if b is None else b.decode("utf-8")


def decode_records(data, count):
    r = Reader(data)
    recs = []
    for _ in range(count):
        length = r.varint()
        end = r.pos + length
        rec = {"attributes": r.take(1)[0], "ts_delta": r.varint(),
               "offset_delta": r.varint(), "key": text(r.nbytes()),
               "value": text(r.nbytes())}
        nh = r.varint()
        if nh < 0:
            raise ValueError("negative header count")
        hs = []
        for _ in range(nh):
            hk = r.nbytes()
            if hk is None:
                raise ValueError("null header key")
            hs.append([text(hk), text(r.nbytes())])
        rec["headers"] = hs
        if r.pos != end:
            raise ValueError("record length mismatch (%d != %d)"
                             % (r.pos, end))
        recs.append(rec)
    if r.pos != len(data):
        raise ValueError("%d trailing bytes after records"
                         % (len(data) - r.pos))
    return recs


def verify(path, entry):
    data = open(path, "rb").read()
    errs = []

    def check(cond, msg):
        if not cond:
            errs.append(msg)

    (base_offset, batch_len, leader_epoch, magic, crc, attrs, last_delta,
     base_ts, max_ts, pid, epoch, base_seq, count) = struct.unpack(
        ">qiibIhiqqqhii", data[:61])
    check(len(data) == batch_len + 12,
          "size %d != batchLength+12 = %d" % (len(data), batch_len + 12))
    check(base_offset == 0, "baseOffset %d != 0" % base_offset)
    check(leader_epoch == 0, "partitionLeaderEpoch %d != 0" % leader_epoch)
    check(magic == 2, "magic %d != 2" % magic)
    calc = crc32c(data[21:])
    check(crc == calc, "crc %08x != computed CRC-32C %08x" % (crc, calc))
    codec = attrs & 7
    check(codec == CODECS[entry["codec"]],
          "codec bits %d != %s" % (codec, entry["codec"]))
    check(attrs & ~7 == 0, "unexpected attribute bits 0x%x" % attrs)
    n = len(entry["records"])
    check(count == n, "recordsCount %d != %d" % (count, n))
    check(last_delta == count - 1,
          "lastOffsetDelta %d != count-1" % last_delta)
    check(pid == entry["producer_id"], "producerId %d != %d"
          % (pid, entry["producer_id"]))
    if pid == -1:
        check(epoch == -1 and base_seq == -1,
              "epoch/baseSequence %d/%d != -1/-1" % (epoch, base_seq))
    else:
        check(epoch == 0 and base_seq == 0,
              "epoch/baseSequence %d/%d != 0/0" % (epoch, base_seq))
    try:
        raw = decompress(codec, data[61:])
        recs = decode_records(raw, count)
    except Exception as e:               # noqa: BLE001 - report any failure
        errs.append("decode failed: %s" % e)
        recs = []
    for i, (got, want) in enumerate(zip(recs, entry["records"])):
        check(got["attributes"] == 0, "record %d attributes" % i)
        check(got["offset_delta"] == i, "record %d offsetDelta %d"
              % (i, got["offset_delta"]))
        for f in ("key", "value", "headers"):
            check(got[f] == want[f], "record %d %s %r != %r"
                  % (i, f, got[f], want[f]))
    if recs:
        ts = [base_ts + r["ts_delta"] for r in recs]
        check(recs[0]["ts_delta"] == 0, "first timestampDelta != 0")
        check(max(ts) == max_ts, "maxTimestamp %d != max record ts %d"
              % (max_ts, max(ts)))
    summary = ("%d bytes, codec %s (records %d -> %d bytes), %d records, "
               "crc %08x, pid %d epoch %d seq %d, ts %d..%d"
               % (len(data), entry["codec"], len(data) - 61,
                  len(raw) if recs else -1, count, crc, pid, epoch, base_seq,
                  base_ts, max_ts))
    return errs, summary


def main():
    rec_dir = (sys.argv[1] if len(sys.argv) > 1
               else os.path.join(HERE, "..", "record"))
    manifest = json.load(open(os.path.join(rec_dir, "manifest.json"),
                              encoding="utf-8"))
    listed = {e["file"] for e in manifest}
    on_disk = {f for f in os.listdir(rec_dir) if f.endswith(".bin")}
    failed = 0
    for extra in sorted(on_disk - listed):
        print("FAIL %s: not in manifest" % extra)
        failed += 1
    for entry in manifest:
        path = os.path.join(rec_dir, entry["file"])
        if not os.path.exists(path):
            print("FAIL %s: missing" % entry["file"])
            failed += 1
            continue
        errs, summary = verify(path, entry)
        if errs:
            failed += 1
            print("FAIL %s: %s" % (entry["file"], summary))
            for e in errs:
                print("     - " + e)
        else:
            print("ok   %s: %s" % (entry["file"], summary))
    print("%d file(s), %d failed" % (len(manifest), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
