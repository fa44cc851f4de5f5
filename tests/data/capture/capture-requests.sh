#!/bin/bash
# Capture real client request frames (golden bytes for the protocol codec
# tests) with the stub broker capture_requests.py, then write manifest.json
# and check every frame with verify_requests.py.
#
# Default: writes into a fresh scratch directory and prints its path; the
# committed golden files in tests/data/protocol/ are NOT touched.
#   capture-requests.sh                       capture into a scratch dir
#   capture-requests.sh --out DIR             capture into DIR
#   capture-requests.sh --legacy-only         only the legacy-message-set
#                                             flows (Produce v0-v2)
#   capture-requests.sh --add-golden          copy only the frames whose file
#                                             is not in tests/data/protocol/
#                                             yet, and add their manifest
#                                             entries; existing files and
#                                             entries stay byte-identical
#   capture-requests.sh --overwrite-golden    replace tests/data/protocol/*.bin
#                                             and manifest.json (read
#                                             README.md first!)
#
# Each flow gets its own stub on a free 127.0.0.1 port; the stub is stopped
# by its PID (and exits by itself after --max-seconds); each client run is
# wrapped in `timeout`.  For every client, the first frame seen per
# (api, version), in flow order, is kept.
# Needs: /usr/bin/python3, kcat (librdkafka 2.0.2), python3-confluent-kafka
# 1.7.0, python3-kafka 2.0.2, timeout; the legacy flows also python3-snappy,
# python3-lz4 and python3-xxhash (kafka-python's magic-0 lz4 writer).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GOLDEN_DIR="$(cd "$HERE/.." && pwd)/protocol"
PY=/usr/bin/python3
CLIENT_TIMEOUT=40
STUB_MAX_SECONDS=60

OUT=""
OVERWRITE=0
ADD=0
LEGACY_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --overwrite-golden) OVERWRITE=1; shift ;;
        --add-golden) ADD=1; shift ;;
        --legacy-only) LEGACY_ONLY=1; shift ;;
        *) echo "usage: $0 [--out DIR] [--legacy-only] [--add-golden | --overwrite-golden]" >&2; exit 2 ;;
    esac
done
if [ "$OVERWRITE" -eq 1 ] && { [ "$ADD" -eq 1 ] || [ "$LEGACY_ONLY" -eq 1 ]; }; then
    echo "--overwrite-golden replaces every file: it needs a full capture, without --add-golden / --legacy-only" >&2
    exit 2
fi

WORK="$(mktemp -d /tmp/fjord-request-capture.XXXXXX)"
if [ -z "$OUT" ]; then
    OUT="$WORK/protocol"
fi
mkdir -p "$OUT"
if compgen -G "$OUT/*.bin" > /dev/null; then
    echo "$OUT already holds .bin files; use an empty directory" >&2
    exit 1
fi

STUB_PID=""
cleanup() {
    if [ -n "$STUB_PID" ] && kill -0 "$STUB_PID" 2>/dev/null; then
        kill "$STUB_PID" 2>/dev/null || true
        wait "$STUB_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Flow table: name, client label (file-name prefix), produce variant, extra
# stub flag ("-" = none).  Order matters: for each client the first
# occurrence of an (api, version) wins.
MODERN_FLOWS=(
    "kcat-produce kcat - -"
    "kcat-consume kcat - -"
    "kcat-list kcat - -"
    "ck-admin confluent_kafka - -"
    "ck-produce-none confluent_kafka none -"
    "ck-produce-gzip confluent_kafka gzip -"
    "ck-produce-snappy confluent_kafka snappy -"
    "ck-produce-lz4 confluent_kafka lz4 -"
    "ck-produce-zstd confluent_kafka zstd -"
    "kp-producer kafka_python - -"
    "kp-consumer kafka_python - -"
    "kp-admin kafka_python - -"
)
# Legacy message sets (magic 0/1, Produce v0-v2), each codec:
#   kp-legacy-VER-CODEC       kafka-python api_version=VER: 0.8.2 -> Produce
#                             v0, 0.9 -> v1 (magic 0), 0.10 -> v2 (magic 1)
#   kcat-legacy-0.9.0-CODEC   kcat with api.version.request=false and
#                             broker.version.fallback=0.9.0 -> Produce v1,
#                             MsgVer0 (magic 0)
#   kcat-legacy-msgv1-CODEC   kcat against the stub's --old-broker ranges
#                             (Produce 0-2, Fetch 0-3) -> Produce v2, MsgVer1
LEGACY_FLOWS=()
for ver in 0.8.2 0.9 0.10; do
    for codec in none gzip snappy lz4; do
        LEGACY_FLOWS+=("kp-legacy-$ver-$codec kafka_python $codec -")
    done
done
for codec in none gzip snappy lz4; do
    LEGACY_FLOWS+=("kcat-legacy-0.9.0-$codec kcat $codec -")
done
for codec in none gzip snappy lz4; do
    LEGACY_FLOWS+=("kcat-legacy-msgv1-$codec kcat $codec --old-broker")
done
if [ "$LEGACY_ONLY" -eq 1 ]; then
    FLOWS=("${LEGACY_FLOWS[@]}")
else
    FLOWS=("${MODERN_FLOWS[@]}" "${LEGACY_FLOWS[@]}")
fi

# Sets CMD to the client command of a flow (BOOTSTRAP = 127.0.0.1:PORT).
flow_cmd() {
    local name="$1" bs="$2"
    case "$name" in
        kcat-produce)
            CMD=(kcat -P -b "$bs" -t golden -p 0 -K: -X linger.ms=10
                 -X enable.idempotence=true) ;;
        kcat-consume)
            CMD=(kcat -C -b "$bs" -t golden -o beginning -c 1 -e) ;;
        kcat-list)
            CMD=(kcat -L -b "$bs") ;;
        kcat-legacy-0.9.0-*)
            CMD=(kcat -P -b "$bs" -t golden -p 0 -K: -Z -X linger.ms=100
                 -z "${name##*-}" -X api.version.request=false
                 -X broker.version.fallback=0.9.0) ;;
        kcat-legacy-msgv1-*)
            CMD=(kcat -P -b "$bs" -t golden -p 0 -K: -Z -X linger.ms=100
                 -z "${name##*-}") ;;
        *)
            CMD=("$PY" "$HERE/request_flows.py" "$name" "$bs") ;;
    esac
}

echo "kcat: $(kcat -V 2>&1 | grep -m1 '^Version')"
echo "confluent-kafka: $("$PY" -c 'import confluent_kafka as c; print(c.version()[0], "librdkafka", c.libversion()[0])')"
echo "kafka-python: $("$PY" -c 'import kafka; print(kafka.__version__)')"
echo "work dir: $WORK"

failed=0
for flow in "${FLOWS[@]}"; do
    read -r name client variant stubflag <<< "$flow"
    [ "$variant" = "-" ] && variant=""
    stubflags=()
    [ "$stubflag" != "-" ] && stubflags=("$stubflag")
    port="$(free_port)"
    fdir="$WORK/$name"
    mkdir -p "$fdir"

    "$PY" "$HERE/capture_requests.py" "$port" "$fdir/out" --client "$client" \
        --variant "$variant" --variant-api produce \
        --max-seconds "$STUB_MAX_SECONDS" "${stubflags[@]}" 2> "$fdir/stub.log" &
    STUB_PID=$!
    for _ in $(seq 1 100); do
        [ -f "$fdir/out/stub.ready" ] && break
        sleep 0.1
    done
    [ -f "$fdir/out/stub.ready" ] || { echo "$name: stub did not start" >&2; exit 1; }

    flow_cmd "$name" "127.0.0.1:$port"
    cmd=("${CMD[@]}")
    printf '%s:' "$name"; printf ' %q' "${cmd[@]}"
    rc=0
    if [ "$name" = kcat-produce ]; then
        printf " <<< 'key-1:fjord golden request value'\n"
        timeout "$CLIENT_TIMEOUT" "${cmd[@]}" <<< 'key-1:fjord golden request value' \
            > "$fdir/client.out" 2> "$fdir/client.err" || rc=$?
    elif [[ "$name" == kcat-legacy-* ]]; then
        "$PY" "$HERE/request_flows.py" legacy-kcat-input - > "$fdir/stdin"
        printf ' < <(request_flows.py legacy-kcat-input -)\n'
        timeout "$CLIENT_TIMEOUT" "${cmd[@]}" < "$fdir/stdin" \
            > "$fdir/client.out" 2> "$fdir/client.err" || rc=$?
    else
        printf '\n'
        timeout "$CLIENT_TIMEOUT" "${cmd[@]}" < /dev/null \
            > "$fdir/client.out" 2> "$fdir/client.err" || rc=$?
    fi

    kill "$STUB_PID" 2>/dev/null || true
    wait "$STUB_PID" 2>/dev/null || true
    STUB_PID=""

    if [ "$rc" -ne 0 ]; then
        echo "  FAILED: exit code $rc (logs in $fdir)" >&2
        failed=1
        continue
    fi
    if grep -q "error:" "$fdir/stub.log"; then
        echo "  note: stub logged a connection error (see $fdir/stub.log):" >&2
        grep "error:" "$fdir/stub.log" | sed 's/^/    /' >&2
    fi
    # Keep the first occurrence per client/api/version across flows.
    for f in "$fdir"/out/*.bin; do
        [ -e "$f" ] || continue
        b="$(basename "$f")"
        if [ -e "$OUT/$b" ]; then
            continue
        fi
        cp "$f" "$OUT/$b"
        echo "  + $b"
    done
done

if [ "$failed" -ne 0 ]; then
    echo "some flows failed; golden files untouched; partial capture in $OUT" >&2
    exit 1
fi

"$PY" "$HERE/verify_requests.py" "$OUT" --write-manifest
"$PY" "$HERE/verify_requests.py" "$OUT"

# Compare the file set with the committed one (a client or stub change shows
# up here first).
if [ -f "$GOLDEN_DIR/manifest.json" ]; then
    if ! diff <(cd "$GOLDEN_DIR" && ls -1 ./*.bin | sort) \
              <(cd "$OUT" && ls -1 ./*.bin | sort) > "$WORK/names.diff"; then
        echo "NOTE: file set differs from $GOLDEN_DIR:" >&2
        cat "$WORK/names.diff" >&2
    else
        echo "same file set as $GOLDEN_DIR"
    fi
fi

if [ "$OVERWRITE" -eq 1 ]; then
    mkdir -p "$GOLDEN_DIR"
    rm -f "$GOLDEN_DIR"/*.bin
    cp "$OUT"/*.bin "$OUT/manifest.json" "$GOLDEN_DIR/"
    echo "golden files in $GOLDEN_DIR overwritten"
elif [ "$ADD" -eq 1 ]; then
    # Only new file names; the committed frames and their manifest entries
    # must come out of this byte-identical (checked below).
    cp "$GOLDEN_DIR/manifest.json" "$WORK/manifest.before.json"
    added=0
    for f in "$OUT"/*.bin; do
        b="$(basename "$f")"
        if [ ! -e "$GOLDEN_DIR/$b" ]; then
            cp "$f" "$GOLDEN_DIR/$b"
            echo "  added $b"
            added=$((added + 1))
        fi
    done
    "$PY" "$HERE/verify_requests.py" "$GOLDEN_DIR" --write-manifest > /dev/null
    "$PY" - "$WORK/manifest.before.json" "$GOLDEN_DIR/manifest.json" <<'PYEOF'
import json, sys
before = json.load(open(sys.argv[1]))
after = {e["file"]: e for e in json.load(open(sys.argv[2]))}
changed = [e["file"] for e in before if after.get(e["file"]) != e]
if changed:
    sys.exit("existing manifest entries changed: %r" % changed)
print("existing %d manifest entries unchanged, %d now" % (len(before), len(after)))
PYEOF
    "$PY" "$HERE/verify_requests.py" "$GOLDEN_DIR" > /dev/null
    echo "$added frame(s) added to $GOLDEN_DIR"
else
    echo "captures in $OUT (golden files untouched)"
fi
