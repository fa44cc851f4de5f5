#!/usr/bin/python3
"""Broker process tests: start/stop, configuration errors, first client contact.

    broker_tests.py --broker PATH [--fjord PATH] TEST_NAME
Each TEST_NAME is one ctest test `integration.<TEST_NAME>` (tests/integration/CMakeLists.txt).
"""
import os
import signal
import socket
import struct
import subprocess
import time

from harness import Broker, HarnessError, check, main, run


def broker_starts_and_stops(tools):
    binary = tools.broker
    with Broker(binary) as b:
        with socket.create_connection(("127.0.0.1", b.port), timeout=5):
            pass
        code = b.stop(signal.SIGTERM)
        check(code == 0, f"exit code {code} after SIGTERM\n{b.stderr()}")
    with Broker(binary) as b:
        code = b.stop(signal.SIGINT)
        check(code == 0, f"exit code {code} after SIGINT\n{b.stderr()}")


def unknown_config_key_fails(tools):
    binary = tools.broker
    for props, args, want in [
        ({"log.retention.hour": "5"}, [], "log.retention.hour"),
        ({}, ["--set", "num.partition=3"], "num.partition"),
    ]:
        b = Broker(binary, properties=props, extra_args=args)
        try:
            b.start(wait=False)
            try:
                code = b.proc.wait(30)
            except subprocess.TimeoutExpired:
                raise HarnessError("broker kept running with an unknown key")
            err = b.stderr()
            check(code != 0, f"exit code 0 with unknown key {want}")
            check(f"'{want}'" in err, f"error does not name '{want}':\n{err}")
            check("did you mean" in err, f"error does not suggest a known key:\n{err}")
        finally:
            b.__exit__(None, None, None)


def bad_frame_sizes_close_only_that_connection(tools):
    binary = tools.broker
    with Broker(binary) as b:
        for prefix in (struct.pack(">i", -1), struct.pack(">i", 2**31 - 1)):
            with socket.create_connection(("127.0.0.1", b.port), timeout=5) as s:
                s.sendall(prefix)
                check(s.recv(1) == b"", "connection not closed after a bad size prefix")
        check("closing connection" in b.stderr(), f"no warning naming the peer:\n{b.stderr()}")
        check(b.stop() == 0, "unclean stop")


def kcat_metadata(tools):
    binary = tools.broker
    with Broker(binary) as b:
        p = run(["kcat", "-L", "-b", b.bootstrap, "-m", "10"], timeout=60)
        check("1 brokers" in p.stdout or "broker 1" in p.stdout, f"unexpected kcat output:\n{p.stdout}")
        check(b.stop() == 0, "unclean stop")


def retention_runs_in_background(tools):
    """The broker's housekeeping pass deletes segments past retention.ms without any client
    action: the log start offset moves up while the broker just runs."""
    from confluent_kafka import Producer, TopicPartition, Consumer
    from confluent_kafka.admin import AdminClient, NewTopic
    with Broker(tools.broker, properties={"log.retention.check.interval.ms": "200"}) as b:
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        fut = admin.create_topics([NewTopic("short", 1, 1, config={
            "retention.ms": "1000", "segment.bytes": "1024"})])["short"]
        fut.result(30)
        p = Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
        for i in range(20):
            p.produce("short", value=b"x" * 200)
            p.flush(10)  # one batch per record, so segments roll
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "unused"})
        tp = TopicPartition("short", 0)
        low, high = c.get_watermark_offsets(tp, timeout=10)
        check(high == 20, f"high watermark {high}, want 20")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and low == 0:
            time.sleep(0.3)
            low, high = c.get_watermark_offsets(tp, timeout=10)
        c.close()
        check(low > 0, "retention never moved the log start offset (housekeeping not running?)")
        check(high == 20, f"high watermark changed to {high}")
        check(b.stop() == 0, "unclean stop")


TESTS = {
    "broker_starts_and_stops": broker_starts_and_stops,
    "unknown_config_key_fails": unknown_config_key_fails,
    "bad_frame_sizes_close_only_that_connection": bad_frame_sizes_close_only_that_connection,
    "kcat_metadata": kcat_metadata,
    "retention_runs_in_background": retention_runs_in_background,
}


if __name__ == "__main__":
    main(TESTS)
