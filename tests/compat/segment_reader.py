"""Reads a partition's segment files straight from a broker's data dir.

A segment `.log` is Kafka RecordBatch v2 batches back to back (docs/formats/segment.md,
docs/formats/record-batch.md). This module parses them independently of the broker, so
tests can prove what was really stored: which codec a batch uses, its producer id and
sequence, and (after decompressing) every record.

    for b in read_partition(data_dir, "topic", 0):
        b.codec, b.base_offset, b.records()     # records(): list of Record

Only the standard library is needed for headers and gzip; snappy, lz4 and zstd records
need python3-snappy, python3-lz4 and python3-zstandard.
"""
import glob
import gzip
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "capture"))
from kafka_wire import crc32c  # noqa: E402  (one CRC-32C for every test tool)

CODEC_NONE, CODEC_GZIP, CODEC_SNAPPY, CODEC_LZ4, CODEC_ZSTD = range(5)
CODEC_NAMES = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}
CODEC_BY_NAME = {v: k for k, v in CODEC_NAMES.items()}

HEADER_SIZE = 61
_HDR = struct.Struct(">qiibIhiqqqhii")  # baseOffset .. recordsCount, 61 bytes


class SegmentError(Exception):
    pass


class Record:
    __slots__ = ("offset", "timestamp", "key", "value", "headers")

    def __init__(self, offset, timestamp, key, value, headers):
        self.offset, self.timestamp, self.key, self.value, self.headers = offset, timestamp, key, value, headers

    def __repr__(self):
        return f"Record(offset={self.offset}, ts={self.timestamp}, key={self.key!r}, value={self.value!r}, headers={self.headers!r})"


class Batch:
    def __init__(self, path, position, raw):
        (self.base_offset, self.batch_length, self.leader_epoch, self.magic, self.crc, self.attributes,
         self.last_offset_delta, self.base_timestamp, self.max_timestamp, self.producer_id,
         self.producer_epoch, self.base_sequence, self.records_count) = _HDR.unpack_from(raw, 0)
        self.path, self.position, self.raw = path, position, raw

    @property
    def codec(self):
        return self.attributes & 0x7

    @property
    def codec_name(self):
        return CODEC_NAMES.get(self.codec, f"codec{self.codec}")

    @property
    def last_offset(self):
        return self.base_offset + self.last_offset_delta

    @property
    def timestamp_type(self):
        return "logappend" if self.attributes & 0x8 else "create"

    def crc_ok(self):
        return crc32c(self.raw[21:]) == self.crc

    def record_bytes(self):
        """The decompressed record array."""
        body = self.raw[HEADER_SIZE:]
        return decompress(self.codec, body)

    def records(self):
        data = self.record_bytes()
        out = []
        pos = 0
        for _ in range(self.records_count):
            length, pos = _varint(data, pos)
            end = pos + length
            pos += 1  # attributes
            ts_delta, pos = _varint(data, pos)
            off_delta, pos = _varint(data, pos)
            key, pos = _bytes(data, pos)
            value, pos = _bytes(data, pos)
            n, pos = _varint(data, pos)
            headers = []
            for _ in range(n):
                hk, pos = _bytes(data, pos)
                hv, pos = _bytes(data, pos)
                headers.append((hk.decode("utf-8"), hv))
            if pos != end:
                raise SegmentError(f"{self.path}@{self.position}: record length {length} but used {pos - end + length}")
            out.append(Record(self.base_offset + off_delta, self.base_timestamp + ts_delta, key, value, headers))
        if pos != len(data):
            raise SegmentError(f"{self.path}@{self.position}: {len(data) - pos} bytes after the last record")
        return out


def _varint(data, pos):
    shift = 0
    v = 0
    while True:
        b = data[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            break
        shift += 7
        if shift > 63:
            raise SegmentError("varint too long")
    return (v >> 1) ^ -(v & 1), pos


def _bytes(data, pos):
    n, pos = _varint(data, pos)
    if n < 0:
        return None, pos
    if pos + n > len(data):
        raise SegmentError("field runs past the record array")
    return bytes(data[pos:pos + n]), pos + n


_XERIAL_MAGIC = b"\x82SNAPPY\x00"


def decompress(codec, body):
    if codec == CODEC_NONE:
        return body
    if codec == CODEC_GZIP:
        return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else zlib.decompress(body)
    if codec == CODEC_SNAPPY:
        import snappy
        if body.startswith(_XERIAL_MAGIC):  # Java / kafka-python framing
            pos, out = 16, []
            while pos < len(body):
                (n,) = struct.unpack_from(">i", body, pos)
                out.append(snappy.uncompress(body[pos + 4:pos + 4 + n]))
                pos += 4 + n
            return b"".join(out)
        return snappy.uncompress(body)  # raw (librdkafka)
    if codec == CODEC_LZ4:
        import lz4.frame
        return lz4.frame.decompress(body)
    if codec == CODEC_ZSTD:
        import zstandard
        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    raise SegmentError(f"unknown codec {codec}")


def segment_files(data_dir, topic, partition):
    return sorted(glob.glob(os.path.join(data_dir, f"{topic}-{partition}", "*.log")))


def read_segment(path):
    """Every batch of one .log file, checking framing and CRCs. A torn tail is an error
    here: the tests read logs of a running or cleanly stopped broker."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    out = []
    while pos < len(data):
        if len(data) - pos < HEADER_SIZE:
            raise SegmentError(f"{path}@{pos}: {len(data) - pos} trailing bytes, less than a batch header")
        (length,) = struct.unpack_from(">i", data, pos + 8)
        if length < HEADER_SIZE - 12 or pos + 12 + length > len(data):
            raise SegmentError(f"{path}@{pos}: batchLength {length} runs past the end ({len(data)} bytes)")
        b = Batch(path, pos, data[pos:pos + 12 + length])
        if b.magic != 2:
            raise SegmentError(f"{path}@{pos}: magic {b.magic}")
        if not b.crc_ok():
            raise SegmentError(f"{path}@{pos}: CRC mismatch")
        out.append(b)
        pos += 12 + length
    return out


def read_partition(data_dir, topic, partition):
    """Every batch of a partition, segments in offset order."""
    files = segment_files(data_dir, topic, partition)
    if not files:
        raise SegmentError(f"no segment files under {os.path.join(data_dir, f'{topic}-{partition}')}")
    batches = []
    for path in files:
        batches.extend(read_segment(path))
    for a, b in zip(batches, batches[1:]):
        if b.base_offset <= a.last_offset:
            raise SegmentError(f"{b.path}@{b.position}: base offset {b.base_offset} after last offset {a.last_offset}")
    return batches
