#!/usr/bin/python3
"""Capture cases for the kcat golden RecordBatch files: one table drives all.

For every case this table defines the exact stdin bytes fed to kcat (written
to inputs/<input>), the extra kcat arguments, and the expected records, which
are derived from the input by applying kcat 1.7.1's producer line rules
(kcat.c, producer loop):
  * input is split on '\\n' (default -D); empty lines are skipped;
  * with -K: the key is everything before the FIRST ':' and the value
    everything after it; a line WITHOUT ':' gets a NULL key (value = line);
  * with -Z an empty key and/or an empty value is sent as NULL; without -Z
    they are sent as empty (non-null) byte strings;
  * -H name=value adds a header to EVERY message of the run, in command-line
    order; -H name (no '=') adds a header with a NULL value.
The verifier (verify_records.py) decodes the captured bytes and compares
them with these expectations, so a wrong rule here would be caught.

Usage:
  capture_cases.py --list                  case names, one per line
  capture_cases.py --input NAME            path of the case's input file
  capture_cases.py --kcat-args NAME        extra kcat args, one per line
  capture_cases.py --write-inputs          (re)write inputs/*.txt
  capture_cases.py --manifest PATH         write the manifest JSON
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_DIR = os.path.join(HERE, "inputs")

COMMON_ARGS = ["-t", "golden", "-p", "0", "-K:", "-X", "linger.ms=100"]


def _three():
    return "k1:v1\nk2:v2\nk3:v3\n"


def _repetitive20():
    # Long, repetitive values so that every codec actually shrinks the batch
    # (librdkafka sends a batch uncompressed if compression does not help).
    lines = []
    for i in range(1, 21):
        lines.append("key-%02d:value-%02d %s" % (
            i, i, "the quick brown fox jumps over the lazy dog " * 4))
    return "".join(line.rstrip() + "\n" for line in lines)


def _headers():
    return ("k1:v1\n"
            "k2:v2\n"
            "no-delimiter-means-null-key\n"
            "ключ:значение ✓\n")


def _tombstone():
    return "user-1:alice\nuser-1:\nuser-2:\n"


def _empty_value():
    return "k1:\n:v2\n:\nk4:v4\n"


CASES = [
    {"name": "kcat-none", "codec": "none", "input": "three.txt",
     "text": _three, "args": ["-z", "none"], "producer_id": -1},
    {"name": "kcat-gzip", "codec": "gzip", "input": "repetitive-20.txt",
     "text": _repetitive20, "args": ["-z", "gzip"], "producer_id": -1},
    {"name": "kcat-snappy", "codec": "snappy", "input": "repetitive-20.txt",
     "text": _repetitive20, "args": ["-z", "snappy"], "producer_id": -1},
    {"name": "kcat-lz4", "codec": "lz4", "input": "repetitive-20.txt",
     "text": _repetitive20, "args": ["-z", "lz4"], "producer_id": -1},
    {"name": "kcat-zstd", "codec": "zstd", "input": "repetitive-20.txt",
     "text": _repetitive20, "args": ["-z", "zstd"], "producer_id": -1},
    {"name": "kcat-headers", "codec": "none", "input": "headers.txt",
     "text": _headers,
     "args": ["-z", "none",
              "-H", "trace-id=7f3a9c",
              "-H", "content-type=text/plain",
              "-H", "dup=first",
              "-H", "dup=second",
              "-H", "empty=",
              "-H", "null-value",
              "-H", "utf8=héllo wörld ✓"],
     "producer_id": -1},
    {"name": "kcat-tombstone", "codec": "none", "input": "tombstone.txt",
     "text": _tombstone, "args": ["-z", "none", "-Z"], "producer_id": -1},
    {"name": "kcat-empty-value", "codec": "none", "input": "empty-value.txt",
     "text": _empty_value, "args": ["-z", "none"], "producer_id": -1},
    {"name": "kcat-idempotent", "codec": "none", "input": "idempotent.txt",
     "text": lambda: "".join("k%d:v%d\n" % (i, i) for i in range(1, 6)),
     "args": ["-z", "none", "-X", "enable.idempotence=true"],
     "producer_id": 4242},
]


def case(name):
    for c in CASES:
        if c["name"] == name:
            return c
    sys.exit("unknown case %r" % name)


def kcat_args(c):
    return COMMON_ARGS + c["args"]


def expected_records(c):
    data = c["text"]().encode("utf-8")
    if not data.endswith(b"\n"):
        raise ValueError("input must end with a newline")
    args = c["args"]
    null_empty = "-Z" in args
    headers = []
    for i, a in enumerate(args):
        if a == "-H":
            h = args[i + 1]
            if "=" in h:
                n, v = h.split("=", 1)
                headers.append([n, v])
            else:
                headers.append([h, None])
    records = []
    for line in data.split(b"\n"):
        if not line:
            continue
        if b":" in line:
            key, value = line.split(b":", 1)
            key, value = key.decode("utf-8"), value.decode("utf-8")
            if null_empty:
                key = key or None
                value = value or None
        else:
            key, value = None, line.decode("utf-8")
        records.append({"key": key, "value": value,
                        "headers": [list(h) for h in headers]})
    return records


def manifest():
    return [{"file": c["name"] + ".bin",
             "codec": c["codec"],
             "producer_id": c["producer_id"],
             "records": expected_records(c)} for c in CASES]


def write_inputs():
    os.makedirs(INPUT_DIR, exist_ok=True)
    for c in CASES:
        with open(os.path.join(INPUT_DIR, c["input"]), "wb") as f:
            f.write(c["text"]().encode("utf-8"))


def main(argv):
    if argv[:1] == ["--list"]:
        print("\n".join(c["name"] for c in CASES))
    elif argv[:1] == ["--input"] and len(argv) == 2:
        print(os.path.join(INPUT_DIR, case(argv[1])["input"]))
    elif argv[:1] == ["--kcat-args"] and len(argv) == 2:
        print("\n".join(kcat_args(case(argv[1]))))
    elif argv[:1] == ["--write-inputs"]:
        write_inputs()
    elif argv[:1] == ["--manifest"] and len(argv) == 2:
        with open(argv[1], "w", encoding="utf-8") as f:
            json.dump(manifest(), f, indent=2, ensure_ascii=False)
            f.write("\n")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
