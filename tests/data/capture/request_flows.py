#!/usr/bin/python3
"""Client-side flows for the request-frame capture (capture-requests.sh).

    request_flows.py FLOW BOOTSTRAP

Runs one flow of a Python Kafka client against the stub broker
(capture_requests.py) at BOOTSTRAP (127.0.0.1:PORT) and exits 0 only if
every operation succeeded.  Flows:

  ck-admin            confluent-kafka AdminClient: create_topics,
                      create_partitions, describe_configs, alter_configs,
                      delete_topics (topic "fjord-admin")
  ck-produce-CODEC    confluent-kafka Producer, compression.type=CODEC
                      (none, gzip, snappy, lz4, zstd), one message
  kp-producer         kafka-python KafkaProducer, one message
  kp-consumer         kafka-python KafkaConsumer: assign, seek_to_beginning,
                      poll until the one record arrives
  kp-admin            kafka-python KafkaAdminClient: create_topics,
                      create_partitions, describe_configs, alter_configs,
                      delete_topics (topic "fjord-admin")
  legacy-kcat-input   prints the stdin of the kcat legacy flows (BOOTSTRAP
                      is ignored)
  kp-legacy-VER-CODEC kafka-python KafkaProducer with api_version=VER
                      (0.8.2 -> Produce v0, 0.9 -> v1: magic 0;
                      0.10 -> v2: magic 1) and compression_type=CODEC
                      (none, gzip, snappy, lz4): the LEGACY_MESSAGES in one
                      batch.  lz4 with magic 0 needs python3-xxhash.

Message contents are fixed (and so is the record timestamp), so that a
re-capture changes as few bytes as possible.
"""

import sys
import time

TOPIC = "golden"
ADMIN_TOPIC = "fjord-admin"
TIMESTAMP_MS = 1700000000000
KEY = b"key-1"
VALUE = b"fjord golden request value " * 4
TIMEOUT = 20

# The legacy-message-set flows (kp-legacy-*, and the kcat legacy flows of
# capture-requests.sh, whose stdin is LEGACY_KCAT_INPUT) send these three
# records in one message set: (key, value, timestamp); None = null.  The
# unit tests (tests/unit/record/legacy_message_set_golden_test.cc) expect
# exactly these.
LEGACY_VALUE_1 = b"legacy value one, legacy value one, legacy value one"
LEGACY_MESSAGES = [
    (b"key-1", LEGACY_VALUE_1, TIMESTAMP_MS),
    (None, b"value without key", TIMESTAMP_MS + 1),
    (b"key-3", None, TIMESTAMP_MS + 2),
]
# kcat -K: -Z: a line without ':' has a null key; "key-3:" has an empty
# value, which -Z sends as null.
LEGACY_KCAT_INPUT = ("key-1:%s\nvalue without key\nkey-3:\n"
                     % LEGACY_VALUE_1.decode())
LEGACY_API_VERSIONS = {"0.8.2": (0, 8, 2), "0.9": (0, 9), "0.10": (0, 10)}


def fail(msg):
    sys.stderr.write("FLOW FAILED: %s\n" % msg)
    sys.exit(1)


def ck_admin(bootstrap):
    from confluent_kafka.admin import (AdminClient, NewTopic, NewPartitions,
                                       ConfigResource)
    a = AdminClient({"bootstrap.servers": bootstrap})

    def wait(what, fs):
        for k, f in fs.items():
            r = f.result(timeout=TIMEOUT)
            print("%s %s -> %r" % (what, k, r))

    wait("create_topics", a.create_topics(
        [NewTopic(ADMIN_TOPIC, num_partitions=1, replication_factor=1,
                  config={"cleanup.policy": "delete"})],
        operation_timeout=5, request_timeout=TIMEOUT))
    wait("create_partitions", a.create_partitions(
        [NewPartitions(ADMIN_TOPIC, 2)],
        operation_timeout=5, request_timeout=TIMEOUT))
    wait("describe_configs", a.describe_configs(
        [ConfigResource("topic", ADMIN_TOPIC)],
        request_timeout=TIMEOUT))
    wait("alter_configs", a.alter_configs(
        [ConfigResource("topic", ADMIN_TOPIC,
                        set_config={"retention.ms": "3600000"})],
        request_timeout=TIMEOUT))
    wait("delete_topics", a.delete_topics(
        [ADMIN_TOPIC], operation_timeout=5, request_timeout=TIMEOUT))


def ck_produce(bootstrap, codec):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap,
                  "compression.type": codec,
                  "linger.ms": 10})
    results = []
    p.produce(TOPIC, key=KEY, value=VALUE, partition=0,
              timestamp=TIMESTAMP_MS,
              on_delivery=lambda err, msg: results.append(err))
    left = p.flush(TIMEOUT)
    if left or results != [None]:
        fail("produce: %d left in queue, delivery results %r"
             % (left, results))
    print("produced 1 message with compression.type=%s" % codec)


def kp_producer(bootstrap):
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers=bootstrap)
    md = p.send(TOPIC, key=KEY, value=VALUE, partition=0,
                timestamp_ms=TIMESTAMP_MS).get(timeout=TIMEOUT)
    print("produced: %r" % (md,))
    p.close(timeout=5)


def kp_legacy(bootstrap, version, codec):
    from kafka import KafkaProducer
    api_version = LEGACY_API_VERSIONS[version]
    p = KafkaProducer(bootstrap_servers=bootstrap, api_version=api_version,
                      compression_type=None if codec == "none" else codec,
                      linger_ms=100)
    futures = [p.send(TOPIC, key=k, value=v, partition=0, timestamp_ms=ts)
               for k, v, ts in LEGACY_MESSAGES]
    p.flush(timeout=TIMEOUT)
    for f in futures:
        md = f.get(timeout=TIMEOUT)
        print("produced: %r" % (md,))
    p.close(timeout=5)


def kp_consumer(bootstrap):
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                      enable_auto_commit=False)
    tp = TopicPartition(TOPIC, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    deadline = time.monotonic() + TIMEOUT
    got = []
    while not got and time.monotonic() < deadline:
        got = c.poll(timeout_ms=1000).get(tp, [])
    c.close()
    if not got:
        fail("consumer: no record")
    print("consumed: %r" % (got,))


def kp_admin(bootstrap):
    from kafka.admin import (KafkaAdminClient, NewTopic, NewPartitions,
                             ConfigResource, ConfigResourceType)
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    r = a.create_topics([NewTopic(ADMIN_TOPIC, 1, 1,
                                  topic_configs={"cleanup.policy": "delete"})],
                        timeout_ms=5000)
    print("create_topics -> %r" % (r,))
    if any(t[1] for t in r.topic_errors):
        fail("create_topics errors %r" % (r.topic_errors,))
    r = a.create_partitions({ADMIN_TOPIC: NewPartitions(2)},
                            timeout_ms=5000)
    print("create_partitions -> %r" % (r,))
    if any(t[1] for t in r.topic_errors):
        fail("create_partitions errors %r" % (r.topic_errors,))
    r = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC,
                                           ADMIN_TOPIC)])
    print("describe_configs -> %r" % (r,))
    if any(res[0] for resp in r for res in resp.resources):
        fail("describe_configs errors %r" % (r,))
    r = a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, ADMIN_TOPIC,
                                        configs={"retention.ms": "3600000"})])
    print("alter_configs -> %r" % (r,))
    if any(res[0] for res in r.resources):
        fail("alter_configs errors %r" % (r,))
    r = a.delete_topics([ADMIN_TOPIC], timeout_ms=5000)
    print("delete_topics -> %r" % (r,))
    if any(t[1] for t in r.topic_error_codes):
        fail("delete_topics errors %r" % (r.topic_error_codes,))
    a.close()


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    flow, bootstrap = argv[1], argv[2]
    if flow == "ck-admin":
        ck_admin(bootstrap)
    elif flow.startswith("ck-produce-"):
        ck_produce(bootstrap, flow[len("ck-produce-"):])
    elif flow == "kp-producer":
        kp_producer(bootstrap)
    elif flow == "kp-consumer":
        kp_consumer(bootstrap)
    elif flow == "kp-admin":
        kp_admin(bootstrap)
    elif flow.startswith("kp-legacy-"):
        version, _, codec = flow[len("kp-legacy-"):].rpartition("-")
        if version not in LEGACY_API_VERSIONS:
            sys.stderr.write("unknown api version in %r\n" % flow)
            return 2
        kp_legacy(bootstrap, version, codec)
    elif flow == "legacy-kcat-input":
        sys.stdout.write(LEGACY_KCAT_INPUT)
    else:
        sys.stderr.write("unknown flow %r\n" % flow)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
