#!/usr/bin/python3
"""Legacy message sets (magic 0/1, Produce v0-v2) from real clients against a real
fjord-broker, read back by a modern consumer; and librdkafka's compression, which the
advertised Produce range 0-7 switches on.

    legacy_produce_tests.py --broker PATH TEST

Each producer case writes its own topic; confluent-kafka (librdkafka 2.0.2, Fetch v11,
RecordBatch v2 only) then reads the partition from the beginning and must see every record
in order with the key, value and (magic 1) timestamp that was sent; the partition's
segment files are parsed directly (docs/formats/record-batch.md: RecordBatch v2 back to
back, codec = attributes & 7 at byte 21) to prove what was stored: magic 2 only, one batch
per produced set, the client's codec.

  legacy_kafka_python_0_8_2  kafka-python api_version=(0,8,2): Produce v0, magic 0
  legacy_kafka_python_0_9    kafka-python api_version=(0,9): Produce v1, magic 0
  legacy_kafka_python_0_10   kafka-python api_version=(0,10): Produce v2, magic 1, timestamps
  legacy_kcat_msgver0        kcat -X api.version.request=false -X broker.version.fallback=0.9.0:
                             Produce v1, MsgVer0 (its lz4 carries KAFKA-3160's header checksum)
  modern_librdkafka_compresses
                             confluent-kafka (modern config) with compression.type gzip,
                             snappy, zstd: the batches are stored compressed (with Produce 3-7
                             advertised, librdkafka 2.0.2 silently sent gzip and snappy
                             uncompressed). lz4 is left out: librdkafka also needs
                             FindCoordinator v0 advertised for it (facts §2.4), which Fjord
                             does not serve yet.
"""
import glob
import importlib.util
import os
import struct
import subprocess
import time

from harness import Broker, HarnessError, check, main, run

TS0 = 1700000000000


def messages(tag, n=6):
    """(key, value, timestamp) per message; every third key is null, one value null."""
    out = []
    for i in range(n):
        key = None if i % 3 == 1 else f"{tag}-key-{i}".encode()
        value = None if i == n - 1 else f"{tag} value {i} ".encode() * 3
        out.append((key, value, TS0 + 1000 * i))
    return out


def create_topics(bootstrap, names):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for name, fut in admin.create_topics([NewTopic(n, 1, 1) for n in names]).items():
        fut.result(30)


def consume_all(bootstrap, topic, count, timeout=30):
    """[(key, value, timestamp_type, timestamp, offset)] of partition 0 from the start."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False,
                  "enable.partition.eof": False})
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    out = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < count and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                raise HarnessError(f"consume {topic}: {m.error()}")
            ts_type, ts = m.timestamp()
            out.append((m.key(), m.value(), ts_type, ts, m.offset()))
    finally:
        c.close()
    check(len(out) == count, f"{topic}: consumed {len(out)} records, want {count}")
    return out


def stored_batches(b, topic):
    """(magic, codec, records_count) of every batch in the partition's segment files."""
    files = sorted(glob.glob(os.path.join(b.data_dir, f"{topic}-0", "*.log")))
    check(files, f"no segment files for {topic}-0 under {b.data_dir}")
    out = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        pos = 0
        while pos < len(data):
            check(len(data) - pos >= 61, f"{path}@{pos}: partial batch header")
            (length,) = struct.unpack_from(">i", data, pos + 8)
            magic = data[pos + 16]
            (attributes,) = struct.unpack_from(">h", data, pos + 21)
            (count,) = struct.unpack_from(">i", data, pos + 57)
            out.append((magic, attributes & 7, count))
            pos += 12 + length
    return out


def check_read_back(b, topic, sent, magic, codec, sets=1):
    """`sent` read back in order; the partition's segments hold only magic-2 batches of
    `codec`: exactly `sets` of them (one per produced set), or any number if None."""
    got = consume_all(b.bootstrap, topic, len(sent))
    for i, ((key, value, ts), (gkey, gvalue, gts_type, gts, goff)) in enumerate(zip(sent, got)):
        check(goff == i, f"{topic}: record {i} at offset {goff}")
        check((gkey, gvalue) == (key, value), f"{topic}: record {i} is {gkey!r}={gvalue!r}, sent {key!r}={value!r}")
        if magic == 1:
            check(gts == ts, f"{topic}: record {i} timestamp {gts}, sent {ts}")
        else:
            check(gts == -1, f"{topic}: magic-0 record {i} has timestamp {gts} (type {gts_type}), want -1")
    codec_id = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}[codec]
    batches = stored_batches(b, topic)
    check([bt[0] for bt in batches] == [2] * len(batches), f"{topic}: stored magics {batches}")
    check(batches and (sets is None or len(batches) == sets),
          f"{topic}: {len(batches)} stored batches {batches}, want {sets}")
    check(all(bt[1] == codec_id for bt in batches), f"{topic}: stored codecs {batches}, want {codec}")
    check(sum(bt[2] for bt in batches) == len(sent), f"{topic}: stored record counts {batches}")


def kafka_python_produce(bootstrap, topic, api_version, codec, sent):
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers=bootstrap, api_version=api_version,
                      compression_type=None if codec == "none" else codec, linger_ms=200, acks="all")
    futures = [p.send(topic, key=k, value=v, partition=0, timestamp_ms=ts) for k, v, ts in sent]
    p.flush(30)
    offsets = [f.get(timeout=30).offset for f in futures]
    p.close(10)
    check(offsets == list(range(len(sent))), f"{topic}: kafka-python got offsets {offsets}")


def kafka_python_case(tools, api_version, codecs, magic):
    with Broker(tools.broker) as b:
        topics = {c: f"kp-{'-'.join(map(str, api_version))}-{c}" for c in codecs}
        create_topics(b.bootstrap, topics.values())
        for codec, topic in topics.items():
            sent = messages(topic)
            kafka_python_produce(b.bootstrap, topic, api_version, codec, sent)
            check_read_back(b, topic, sent, magic, codec)
        check(b.stop() == 0, "unclean stop")


def magic0_lz4_available():
    # kafka-python writes magic-0 lz4 (the KAFKA-3160 header) only with python3-xxhash.
    return importlib.util.find_spec("xxhash") is not None


def legacy_kafka_python_0_8_2(tools):
    codecs = ["none", "gzip", "snappy"] + (["lz4"] if magic0_lz4_available() else [])
    kafka_python_case(tools, (0, 8, 2), codecs, magic=0)


def legacy_kafka_python_0_9(tools):
    kafka_python_case(tools, (0, 9), ["none", "gzip"], magic=0)


def legacy_kafka_python_0_10(tools):
    kafka_python_case(tools, (0, 10), ["none", "gzip", "snappy", "lz4"], magic=1)


def legacy_kcat_msgver0(tools):
    with Broker(tools.broker) as b:
        codecs = ["none", "gzip", "snappy", "lz4"]
        create_topics(b.bootstrap, [f"kcat0-{c}" for c in codecs])
        for codec in codecs:
            topic = f"kcat0-{codec}"
            # -K: splits key:value; a line without ':' has a null key; -Z sends the empty
            # value of "k5:" as null.
            sent = [(f"k{i}".encode(), f"kcat {codec} value {i} ".encode() * 3) for i in range(5)]
            sent.insert(2, (None, b"line without a key"))
            sent.append((b"k5", None))
            lines = "".join(f"{k.decode()}:{v.decode()}\n" if k is not None and v is not None
                            else f"{v.decode()}\n" if k is None else f"{k.decode()}:\n" for k, v in sent)
            p = subprocess.run(["kcat", "-P", "-b", b.bootstrap, "-t", topic, "-p", "0", "-K:", "-Z",
                                "-X", "linger.ms=200", "-z", codec, "-X", "api.version.request=false",
                                "-X", "broker.version.fallback=0.9.0", "-d", "msg"],
                               input=lines, capture_output=True, text=True, timeout=60)
            check(p.returncode == 0, f"kcat {codec} exited {p.returncode}:\n{p.stderr[-3000:]}")
            check_read_back(b, topic, [(k, v, None) for k, v in sent], magic=0, codec=codec)
        check(b.stop() == 0, "unclean stop")


def modern_librdkafka_compresses(tools):
    from confluent_kafka import Producer
    with Broker(tools.broker) as b:
        # Not lz4: librdkafka 2.0.2 also gates lz4 on FindCoordinator v0 being advertised
        # (facts §2.4), which Fjord does not serve yet; it still sends lz4 uncompressed.
        codecs = ["gzip", "snappy", "zstd"]
        create_topics(b.bootstrap, [f"ck-{c}" for c in codecs])
        for codec in codecs:
            topic = f"ck-{codec}"
            sent = messages(topic, 20)
            p = Producer({"bootstrap.servers": b.bootstrap, "compression.type": codec, "linger.ms": 200})
            errors = []
            for k, v, ts in sent:
                p.produce(topic, key=k, value=v, partition=0, timestamp=ts,
                          on_delivery=lambda err, msg: errors.append(err) if err else None)
            left = p.flush(30)
            check(left == 0 and not errors, f"{topic}: {left} undelivered, errors {errors}")
            # librdkafka may split the 20 messages into several batches.
            check_read_back(b, topic, sent, magic=1, codec=codec, sets=None)
        check(b.stop() == 0, "unclean stop")


TESTS = {
    "legacy_kafka_python_0_8_2": legacy_kafka_python_0_8_2,
    "legacy_kafka_python_0_9": legacy_kafka_python_0_9,
    "legacy_kafka_python_0_10": legacy_kafka_python_0_10,
    "legacy_kcat_msgver0": legacy_kcat_msgver0,
    "modern_librdkafka_compresses": modern_librdkafka_compresses,
}


if __name__ == "__main__":
    main(TESTS)
