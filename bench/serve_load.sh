#!/usr/bin/env bash
# Serving benchmark: `buurtbeeld serve` on the national store under wrk, server pinned to one
# core and the load generator to the other; each figure the median of RUNS runs. Then the
# server's memory, and an import while it serves under load (no request may fail, and the first
# request after the commit must show the new import).
#
# Usage: bench/serve_load.sh [STORE_DIR]
#   STORE_DIR  a national store (`KEEP=1 bench/national_import.sh`); without it the synthetic
#              national file is generated (MONTHS, SEED as in national_import.sh) and imported
#              into target/bench/serve.XXXX, with the demo's Groningen boundaries and BVH file.
# Environment: RUNS=3, DURATION=10s, CONNECTIONS=16, KEEP=0.
# Needs: wrk (apt-get install wrk), taskset, curl, python3.
set -euo pipefail

RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
MONTHS=${MONTHS:-156}
SEED=${SEED:-42}
KEEP=${KEEP:-0}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
for tool in wrk taskset curl python3; do
    command -v "$tool" >/dev/null || { echo "serve_load.sh: $tool is required" >&2; exit 2; }
done
cargo build --release -p buurtbeeld -p buurtbeeld_gen
BIN="$ROOT/target/release/buurtbeeld"

STORE=${1:-}
if [[ -z $STORE ]]; then
    mkdir -p target/bench
    WORK=$(mktemp -d "$ROOT/target/bench/serve.XXXXXX")
    [[ $KEEP == 1 ]] || trap 'rm -rf "$WORK"' EXIT
    STORE="$WORK/store"
    CSV="$WORK/47022NED_synthetic_${MONTHS}m_seed${SEED}.csv"
    echo "== generating and importing the national file ($MONTHS months)" >&2
    target/release/buurtbeeld-gen --out "$CSV" --months "$MONTHS" --seed "$SEED"
    "$BIN" --data-dir "$STORE" import "$CSV" >&2
    rm -f "$CSV"
    "$BIN" --data-dir "$STORE" import \
        data/cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv \
        data/cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson \
        data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson \
        data/groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv >&2
fi

PORT=${PORT:-18089}
BASE="http://127.0.0.1:$PORT"
LOG=$(mktemp)
RUST_LOG=warn taskset -c 1 "$BIN" --data-dir "$STORE" serve --addr "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$LOG"; [[ $KEEP == 1 ]] || rm -rf "${WORK:-/nonexistent}"' EXIT
for _ in $(seq 120); do grep -q "draait op" "$LOG" && break; sleep 1; done
grep -q "draait op" "$LOG" || { cat "$LOG" >&2; exit 1; }

# "requests/s p99-ms" of one wrk run.
wrk_run() {
    local threads=$1 url=$2
    taskset -c 0 wrk -t"$threads" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" |
        python3 -c '
import re, sys
out = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
sock = re.search(r"Socket errors: (.*)", out)
if errors or sock:
    print("wrk reported errors:", out, file=sys.stderr)
    sys.exit(1)
print(f"{rps:.0f} {ms:.2f}")'
}

median() { python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "| request | cold ms (first) | req/s (median of $RUNS) | p99 ms (median) | runs (req/s) |"
echo "|---|---:|---:|---:|---|"
while read -r label threads path; do
    cold=$(curl -s -o /dev/null -w '%{time_total}' "$BASE$path" | awk '{printf "%.0f", $1 * 1000}')
    rates=() p99s=()
    for _ in $(seq "$RUNS"); do
        read -r rps p99 < <(wrk_run "$threads" "$BASE$path")
        rates+=("$rps") p99s+=("$p99")
    done
    echo "| $label \`$path\` | $cold | $(median "${rates[@]}" | cut -d. -f1) | $(median "${p99s[@]}") | ${rates[*]} |"
done <<'REQUESTS'
picture-API 1 /api/v1/picture?area=GM0363&theme=totaal&year=2023
themes-API 1 /api/v1/themes
Groningen-home 1 /?gemeente=GM0014
hotspot-page 1 /actie?gemeente=GM0014
Amsterdam-gemeente-page 1 /gebied/GM0363
REQUESTS

rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"; }
hwm() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"; }
echo
echo "Server memory after the runs: resident $(rss) MiB, peak $(hwm) MiB."

# An import while serving under load: wrk must see no error, and the import log must show the
# new import at the first request after the import command returned.
before=$(curl -s "$BASE/api/v1/imports" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d20s "$BASE/api/v1/picture?area=GM0363&theme=totaal&year=2023" >"$LOG.wrk" &
LOAD=$!
sleep 3
"$BIN" --data-dir "$STORE" import \
    data/politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv >/dev/null
after=$(curl -s "$BASE/api/v1/imports" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
wait $LOAD
served=$(awk '/requests in/ {print $1}' "$LOG.wrk")
if grep -qE "Non-2xx|Socket errors" "$LOG.wrk"; then
    failed=$(grep -E "Non-2xx|Socket errors" "$LOG.wrk")
else
    failed="none"
fi
rm -f "$LOG.wrk"
echo "Import while serving: $served requests in 20 s, failed: $failed; import log $before → $after entries at the first request after the import."
[[ $after -gt $before && $failed == none ]]
