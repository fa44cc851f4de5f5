#!/bin/bash
# Re-run every kcat golden-bytes capture against the stub broker
# (capture_produce.py) on a free 127.0.0.1 port, then build manifest.json and
# verify the result with verify_records.py.
#
# Default: writes into a fresh scratch directory and prints its path; the
# committed golden files in tests/data/record/ are NOT touched.
#   capture-all.sh                       capture into a scratch dir
#   capture-all.sh --out DIR             capture into DIR
#   capture-all.sh --overwrite-golden    replace tests/data/record/*.bin and
#                                        manifest.json (read README.md first!)
#
# Bounded in time: each kcat run is wrapped in `timeout`, each stub exits by
# itself after --max-seconds, and the stub is stopped by its PID.
# Needs: /usr/bin/python3, kcat (librdkafka 2.0.2), timeout; lz4 and zstd CLIs
# for the verification step.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GOLDEN_DIR="$(cd "$HERE/../record" && pwd)"
PY=/usr/bin/python3
KCAT_TIMEOUT=30
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

WORK="$(mktemp -d /tmp/fjord-kcat-capture.XXXXXX)"
if [ -z "$OUT" ]; then
    OUT="$WORK/record"
fi
mkdir -p "$OUT"

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

echo "kcat: $(kcat -V 2>&1 | grep -m1 '^Version')"
echo "work dir: $WORK"
"$PY" "$HERE/capture_cases.py" --write-inputs

for name in $("$PY" "$HERE/capture_cases.py" --list); do
    port="$(free_port)"
    cdir="$WORK/$name"
    mkdir -p "$cdir"
    mapfile -t args < <("$PY" "$HERE/capture_cases.py" --kcat-args "$name")
    input="$("$PY" "$HERE/capture_cases.py" --input "$name")"

    "$PY" "$HERE/capture_produce.py" "$port" "$cdir/out" \
        --max-seconds "$STUB_MAX_SECONDS" 2> "$cdir/stub.log" &
    STUB_PID=$!
    for _ in $(seq 1 100); do
        [ -f "$cdir/out/stub.ready" ] && break
        sleep 0.1
    done
    [ -f "$cdir/out/stub.ready" ] || { echo "$name: stub did not start" >&2; exit 1; }

    cmd=(kcat -P -b "127.0.0.1:$port" "${args[@]}")
    printf '%s:' "$name"; printf ' %q' "${cmd[@]}"; printf ' < %s\n' "${input#$HERE/}"
    rc=0
    timeout "$KCAT_TIMEOUT" "${cmd[@]}" -d protocol,broker,msg \
        < "$input" 2> "$cdir/kcat.log" || rc=$?

    kill "$STUB_PID" 2>/dev/null || true
    wait "$STUB_PID" 2>/dev/null || true
    STUB_PID=""

    if [ "$rc" -ne 0 ]; then
        echo "$name: kcat exited with $rc (logs in $cdir)" >&2
        exit 1
    fi
    shopt -s nullglob
    caps=("$cdir"/out/produce-*.bin)
    shopt -u nullglob
    if [ "${#caps[@]}" -ne 1 ]; then
        echo "$name: expected exactly 1 captured batch, got ${#caps[@]} (logs in $cdir)" >&2
        exit 1
    fi
    cp "${caps[0]}" "$OUT/$name.bin"
done

"$PY" "$HERE/capture_cases.py" --manifest "$OUT/manifest.json"
"$PY" "$HERE/verify_records.py" "$OUT"

if [ "$OVERWRITE" -eq 1 ]; then
    for name in $("$PY" "$HERE/capture_cases.py" --list); do
        cp "$OUT/$name.bin" "$GOLDEN_DIR/$name.bin"
    done
    cp "$OUT/manifest.json" "$GOLDEN_DIR/manifest.json"
    echo "golden files in $GOLDEN_DIR overwritten"
else
    echo "captures in $OUT (golden files untouched)"
fi
