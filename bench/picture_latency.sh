#!/usr/bin/env bash
# Latency of `buurtbeeld picture` on a national store: whole process (start, open the store,
# answer, print), mean over RUNS runs after one warm-up run.
#
# Usage: bench/picture_latency.sh STORE_DIR   (a store made by `KEEP=1 bench/national_import.sh`,
#        plus `buurtbeeld --data-dir STORE_DIR import data/cbs-85984ned-bevolking-buurt-2024/*.csv`)
set -euo pipefail
STORE=${1:?usage: bench/picture_latency.sh STORE_DIR}
RUNS=${RUNS:-20}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/target/release/buurtbeeld"
[[ -x $BIN ]] || cargo build --release -p buurtbeeld --manifest-path "$ROOT/Cargo.toml"

echo "| request | areas in answer | mean ms |"
echo "|---|---:|---:|"
while read -r label args; do
    # shellcheck disable=SC2086
    rows=$("$BIN" --data-dir "$STORE" picture $args --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))')
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        "$BIN" --data-dir "$STORE" picture $args >/dev/null
    done
    end=$(date +%s%N)
    echo "| \`$label\` | $rows | $(((end - start) / RUNS / 1000000)) |"
done <<'REQUESTS'
GM0363-totaal-2023 --area GM0363 --theme totaal --year 2023
GM0363-geweld-2023 --area GM0363 --theme geweld --year 2023
GM0344-woninginbraak-2023-11 --area GM0344 --theme woninginbraak --year 2023 --month 2023-11
GM0014-fietsdiefstal-2020 --area GM0014 --theme fietsdiefstal --year 2020
REQUESTS
