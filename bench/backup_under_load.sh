#!/usr/bin/env bash
# A backup taken while `buurtbeeld serve` is under a wrk load, restored into an empty data
# directory: the restored store must dump exactly as the original (apart from the audit line of
# the restore itself), and no request of the load may fail. Prints the backup's duration and
# size and the load's throughput during it.
#
# Usage: bench/backup_under_load.sh [STORE_DIR]
#   STORE_DIR  a store to back up (e.g. the national store of bench/national_import.sh); without
#              it the demo store is made in target/bench/backup.XXXX.
# Environment: BIN (default: a release build of buurtbeeld), DURATION=20s, CONNECTIONS=16.
# Needs: wrk (apt-get install wrk), python3.
set -euo pipefail

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v wrk >/dev/null || { echo "backup_under_load.sh: wrk is required" >&2; exit 2; }
if [[ -z ${BIN:-} ]]; then
    cargo build --release -p buurtbeeld
    BIN="$ROOT/target/release/buurtbeeld"
fi
mkdir -p target/bench
WORK=$(mktemp -d "$ROOT/target/bench/backup.XXXXXX")
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
STORE=${1:-$WORK/store}
[[ -n ${1:-} ]] || "$BIN" --data-dir "$STORE" demo >/dev/null

"$BIN" --data-dir "$STORE" serve --addr 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 120); do grep -q "draait op" "$WORK/serve.log" && break; sleep 1; done
ADDRESS=$(grep -o "http://[0-9.:]*" "$WORK/serve.log" | head -n 1)

wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$ADDRESS/api/v1/areas?level=buurt" >"$WORK/wrk.txt" &
LOAD=$!
sleep 3
START=$(date +%s.%N)
"$BIN" --data-dir "$STORE" backup "$WORK/backup.sqlite" >/dev/null
END=$(date +%s.%N)
wait "$LOAD"

"$BIN" --data-dir "$STORE" dump >"$WORK/original.txt"
"$BIN" --data-dir "$WORK/restored" restore "$WORK/backup.sqlite" >/dev/null
"$BIN" --data-dir "$WORK/restored" dump | grep -v $'^audit_log\t.*"herstel"' >"$WORK/restored.txt"
if cmp -s "$WORK/original.txt" "$WORK/restored.txt"; then same="yes"; else same="NO"; fi
errors=$(grep -Eo "Non-2xx or 3xx responses: [0-9]+|Socket errors: .*" "$WORK/wrk.txt" || true)
python3 - "$START" "$END" "$WORK/backup.sqlite" "$WORK/original.txt" "$same" "$errors" "$WORK/wrk.txt" <<'PY'
import os, sys
start, end, backup, dump, same, errors, wrk = sys.argv[1:8]
requests = next((l.split()[1] for l in open(wrk) if l.startswith("Requests/sec")), "?")
print(f"backup: {float(end) - float(start):.2f} s, {os.path.getsize(backup) / 2**20:.1f} MiB, "
      f"dump {sum(1 for _ in open(dump))} lines")
print(f"restored dump identical to the original: {same}")
print(f"wrk during the backup: {requests} requests/s; errors: {errors or 'none'}")
PY
[[ $same == yes && -z $errors ]]
