#!/usr/bin/python3
"""Idempotent acks=all producer process for client_tests.py kill9_during_idempotent_load.

    idem_producer.py BOOTSTRAP TOPIC COUNT PARTITIONS OUT_FILE SECONDS

Sends values v000000, v000001, ... (COUNT of them) with value i to partition
i % PARTITIONS, paced over about SECONDS, through confluent-kafka with
enable.idempotence, acks=all, unlimited retries and a message timeout long enough to
outlive broker restarts. Every delivery report is appended to OUT_FILE as one line:
    OK <value> <partition> <offset>
    FAIL <value> <error code> <error text>
then `DONE <delivered> <failed> <still queued>`. Exit code 0 only if every message was
delivered. The test kills and restarts the broker while this runs.
"""
import sys
import time

from confluent_kafka import Producer


def main():
    bootstrap, topic, count, partitions, out_path, seconds = sys.argv[1:7]
    count, partitions, seconds = int(count), int(partitions), float(seconds)
    out = open(out_path, "w", buffering=1)
    stats = {"ok": 0, "fail": 0}

    def report(err, msg):
        value = msg.value().decode()
        if err is not None:
            stats["fail"] += 1
            out.write(f"FAIL {value} {err.code()} {err.str().replace(chr(10), ' ')}\n")
        else:
            stats["ok"] += 1
            out.write(f"OK {value} {msg.partition()} {msg.offset()}\n")

    p = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "retries": 2147483647,
        "message.timeout.ms": 60000,
        "max.in.flight.requests.per.connection": 5,
        "linger.ms": 5,
        "batch.num.messages": 200,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 500,
        "socket.connection.setup.timeout.ms": 5000,
    })
    chunk = 10  # small steps: produce requests are in flight almost all the time
    start = time.monotonic()
    for i in range(count):
        p.produce(topic, value=f"v{i:06d}".encode(), partition=i % partitions, on_delivery=report)
        if i % chunk == chunk - 1:
            p.poll(0)
            due = start + seconds * (i + 1) / count
            while time.monotonic() < due:
                p.poll(min(0.05, max(0.0, due - time.monotonic())))
    left = p.flush(90)
    out.write(f"DONE {stats['ok']} {stats['fail']} {left}\n")
    out.close()
    sys.exit(0 if stats["ok"] == count and left == 0 else 3)


if __name__ == "__main__":
    main()
