#!/bin/bash
# Capture real client request frames (golden bytes for the protocol codec
# tests) with the stub broker capture_requests.py, then write manifest.json
# and check every frame with verify_requests.py.
#
# Default: writes into a fresh scratch directory and prints its path; the
# committed golden files in tests/data/protocol/ are NOT touched.
#   capture-requests.sh                       capture into a scratch dir
#   capture-requests.sh --out DIR             capture into DIR
#   capture-requests.sh --overwrite-golden    replace tests/data/protocol/*.bin
#                                             and manifest.json (read
#                                             README.md first!)
#
# Each flow gets its own stub on a free 127.0.0.1 port; the stub is stopped
# by its PID (and exits by itself after --max-seconds); each client run is
# wrapped in `timeout`.  For every client, the first frame seen per
# (api, version), in flow order, is kept.
# Needs: /usr/bin/python3, kcat (librdkafka 2.0.2), python3-confluent-kafka
# 1.7.0, python3-kafka 2.0.2, timeout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GOLDEN_DIR="$(cd "$HERE/.." && pwd)/protocol"
PY=/usr/bin/python3
CLIENT_TIMEOUT=40
STUB_MAX_SECONDS=60

OUT=""
OVERWRITE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --overwrite-golden) OVERWRITE=1; shift ;;
        *) echo "usage: $0 [--out DIR | --overwrite-golden]" >&2; exit 2 ;;
    esac
done

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

# Flow table: name, client label (file-name prefix), produce variant.
# Order matters: for each client the first occurrence of an (api, version)
# wins.
FLOWS=(
    "kcat-produce kcat -"
    "kcat-consume kcat -"
    "kcat-list kcat -"
    "ck-admin confluent_kafka -"
    "ck-produce-none confluent_kafka none"
    "ck-produce-gzip confluent_kafka gzip"
    "ck-produce-snappy confluent_kafka snappy"
    "ck-produce-lz4 confluent_kafka lz4"
    "ck-produce-zstd confluent_kafka zstd"
    "kp-producer kafka_python -"
    "kp-consumer kafka_python -"
    "kp-admin kafka_python -"
)

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
    read -r name client variant <<< "$flow"
    [ "$variant" = "-" ] && variant=""
    port="$(free_port)"
    fdir="$WORK/$name"
    mkdir -p "$fdir"

    "$PY" "$HERE/capture_requests.py" "$port" "$fdir/out" --client "$client" \
        --variant "$variant" --variant-api produce \
        --max-seconds "$STUB_MAX_SECONDS" 2> "$fdir/stub.log" &
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
else
    echo "captures in $OUT (golden files untouched)"
fi
