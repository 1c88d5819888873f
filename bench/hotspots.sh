#!/usr/bin/env bash
# Hot-spot statistics, buurtbeeld_stats against PySAL esda, side by side; prints a Markdown table.
#
# One run (identical on both sides): Gi* (binary weights, self included, analytic z) + local
# Moran (row-standardised) + conditional permutation p-values for both (999 permutations) +
# Benjamini-Hochberg on both p_sim vectors. Weights are built once, outside the timing. Inputs:
# a 123 × 122 queen lattice (15,006 areas, about the number of buurten in NL) and the 108
# Groningen buurten of crates/buurtbeeld_stats/tests/fixtures/hotspots_groningen.json.
# Rust: warm-up + 10 (lattice) / 20 (Groningen) runs; esda: numba warm-up + 3 / 10 runs; median
# and min wall-clock ms. The analytic Gi* z and local Moran I must agree within 1e-9 (exit 1
# otherwise).
#
# Environment:
#   PYTHON=python3          interpreter with esda (e.g. a venv's bin/python)
#   ESDA_LATTICE_RUNS=3     timed esda runs on the lattice
#   ESDA_GRONINGEN_RUNS=10  timed esda runs on Groningen
#   KEEP=1                  keep the Rust JSON (analytic values, inputs, times) afterwards
#   RAYON_NUM_THREADS=N     threads of the Rust side (default: all cores)
#   CARGO_TARGET_DIR        as usual for cargo
#
# Needs: cargo, and for the baseline (versions used in BENCHMARKS.md):
#   pip install esda==2.9.0 libpysal==4.14.1 numba statsmodels==0.15.0
set -euo pipefail

PYTHON=${PYTHON:-python3}
ESDA_LATTICE_RUNS=${ESDA_LATTICE_RUNS:-3}
ESDA_GRONINGEN_RUNS=${ESDA_GRONINGEN_RUNS:-10}
KEEP=${KEEP:-0}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

FIXTURE=crates/buurtbeeld_stats/tests/fixtures/hotspots_groningen.json
[[ -f $FIXTURE ]] || { echo "hotspots.sh: $FIXTURE missing (made by tests/oracle/hotspots_groningen.py)" >&2; exit 2; }
"$PYTHON" -c 'import esda, libpysal, numba, statsmodels' 2>/dev/null || {
    echo "hotspots.sh: $PYTHON lacks esda/libpysal/numba/statsmodels; run:" >&2
    echo "  pip install esda==2.9.0 libpysal==4.14.1 numba statsmodels==0.15.0" >&2
    exit 2
}

OUT=$(mktemp /tmp/hotspot_bench.XXXXXX.json)
if [[ $KEEP != 1 ]]; then
    trap 'rm -f "$OUT"' EXIT
fi

# 1. buurtbeeld_stats (release build, then the timed runs).
echo "== buurtbeeld_stats (cargo run --release --example hotspot_bench)" >&2
cargo run --release -p buurtbeeld_stats --example hotspot_bench -- --out "$OUT" --fixture "$FIXTURE" >&2

# 2. esda on the same inputs; checks the inputs match, compares and prints the table.
echo "== esda ($PYTHON)" >&2
"$PYTHON" bench/hotspots_esda.py "$OUT" --fixture "$FIXTURE" \
    --lattice-runs "$ESDA_LATTICE_RUNS" --groningen-runs "$ESDA_GRONINGEN_RUNS"
if [[ $KEEP == 1 ]]; then
    echo >&2
    echo "kept $OUT" >&2
fi
