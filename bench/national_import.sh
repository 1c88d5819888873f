#!/usr/bin/env bash
# Import benchmark: the synthetic national 47022NED file (buurtbeeld-gen) loaded by
# `buurtbeeld import` and, as a baseline, by DuckDB; prints a Markdown table row per tool.
#
# Environment:
#   MONTHS=156          months to generate (156 = 2012-01..2024-12, ~170 M rows, ~4.6 GB)
#   SEED=42             generator seed
#   KEEP=1              keep target/bench/national.* (CSV, store, DuckDB file) afterwards
#   SKIP_BUURTBEELD=1   skip building and timing buurtbeeld (to test the generator and DuckDB alone)
#   DUCKDB_THREADS=N    pass --threads N to DuckDB (default: DuckDB's own, i.e. all cores)
#
# Needs: cargo, GNU time at /usr/bin/time, python3 with duckdb (`pip install duckdb`).
# Both tools read the CSV right after it is written, so both see it in the page cache.
set -euo pipefail

MONTHS=${MONTHS:-156}
SEED=${SEED:-42}
KEEP=${KEEP:-0}
SKIP_BUURTBEELD=${SKIP_BUURTBEELD:-0}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

[[ -x /usr/bin/time ]] || { echo "national_import.sh: GNU time (/usr/bin/time) is required" >&2; exit 2; }
python3 -c 'import duckdb' 2>/dev/null || {
    echo "national_import.sh: python3 package duckdb missing; run: pip install duckdb" >&2
    exit 2
}

# 1. Release binaries.
if [[ $SKIP_BUURTBEELD == 1 ]]; then
    cargo build --release -p buurtbeeld_gen
else
    cargo build --release -p buurtbeeld -p buurtbeeld_gen
fi

mkdir -p target/bench
WORK=$(mktemp -d "$ROOT/target/bench/national.XXXXXX")
if [[ $KEEP != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi
CSV="$WORK/47022NED_synthetic_${MONTHS}m_seed${SEED}.csv"
STORE="$WORK/store"

# Seconds from GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): ..." line.
wall_seconds() {
    grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' |
        awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'
}
max_rss_kib() {
    grep 'Maximum resident set size' "$1" | awk '{print $NF}'
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }

# 2. Generate the national file.
echo "== generating $MONTHS months into $CSV" >&2
target/release/buurtbeeld-gen --out "$CSV" --months "$MONTHS" --seed "$SEED"
ROWS=$(($(wc -l <"$CSV") - 1))
CSV_BYTES=$(stat -c %s "$CSV")
echo "== input: $ROWS rows, $CSV_BYTES bytes ($(mib "$CSV_BYTES") MiB)" >&2

ROW_LINES=()

# 3. buurtbeeld import.
if [[ $SKIP_BUURTBEELD != 1 ]]; then
    echo "== buurtbeeld import" >&2
    mkdir -p "$STORE"
    /usr/bin/time -v -o "$WORK/buurtbeeld.time" \
        target/release/buurtbeeld --data-dir "$STORE" import "$CSV"
    BB_SECONDS=$(wall_seconds "$WORK/buurtbeeld.time")
    BB_RSS_KIB=$(max_rss_kib "$WORK/buurtbeeld.time")
    BB_STORE_BYTES=$(du -sb "$STORE" | cut -f1)
    echo "== buurtbeeld store: $BB_STORE_BYTES bytes (du -b $STORE)" >&2
    ROW_LINES+=("| buurtbeeld import | $ROWS | $BB_SECONDS | $(per_second "$ROWS" "$BB_SECONDS") | $(mib $((BB_RSS_KIB * 1024))) | $(mib "$BB_STORE_BYTES") MiB |")
fi

# 4. DuckDB baseline on the same file.
echo "== duckdb load" >&2
DUCK_ARGS=(--workdir "$WORK/duckdb")
if [[ -n ${DUCKDB_THREADS:-} ]]; then
    DUCK_ARGS+=(--threads "$DUCKDB_THREADS")
fi
DUCK_JSON=$(python3 bench/duckdb_load.py "$CSV" "${DUCK_ARGS[@]}")
echo "$DUCK_JSON" >&2
read -r DK_ROWS DK_SECONDS DK_RSS DK_BYTES DK_THREADS DK_VERSION < <(
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(d["rows"], d["seconds"], d["peak_rss_mib"], d["db_bytes"], d["threads"], d["duckdb_version"])' "$DUCK_JSON"
)
if [[ $DK_ROWS != "$ROWS" ]]; then
    echo "national_import.sh: DuckDB loaded $DK_ROWS rows, the CSV has $ROWS" >&2
    exit 1
fi
ROW_LINES+=("| DuckDB $DK_VERSION CREATE TABLE AS read_csv ($DK_THREADS threads) | $DK_ROWS | $DK_SECONDS | $(per_second "$DK_ROWS" "$DK_SECONDS") | $DK_RSS | $(mib "$DK_BYTES") MiB |")

# 5. Results.
echo
echo "Input: synthetic 47022NED, $MONTHS months, seed $SEED, $ROWS rows, $(mib "$CSV_BYTES") MiB CSV."
echo
echo "| tool | rows | seconds | rows/s | peak RSS MiB | output size |"
echo "|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROW_LINES[@]}"
if [[ $KEEP == 1 ]]; then
    echo >&2
    echo "kept $WORK" >&2
fi
