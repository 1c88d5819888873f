#!/usr/bin/env bash
# Kernel density (and report clustering), buurtbeeld_stats against scipy's gaussian_kde, side by
# side; prints a Markdown table.
#
# Rust: crates/buurtbeeld_stats/examples/density_bench.rs (100.000 points on a 200 × 200 grid of
# 50 m, Gaussian h = 200 m cut off at 8h; quartic r = 400 m; 1.000.000 reports, 50 m / 7 days),
# warm-up + RUNS runs, median (min). scipy: gaussian_kde with covariance h²I evaluated on the same
# grid for the first 10.000 points, RUNS runs, extrapolated ×10 to 100.000 points (linear in the
# points). The densities must agree within 1e-9 relative (exit 1 otherwise).
#
# Environment:
#   PYTHON=python3   interpreter with numpy and scipy (pip install numpy==2.4.6 scipy==1.17.1)
#   RUNS=5           timed runs on each side (scipy: 3 is plenty)
set -euo pipefail

PYTHON=${PYTHON:-python3}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OUT=$(mktemp /tmp/density_bench.XXXXXX.json)
trap 'rm -f "$OUT"' EXIT
echo "== buurtbeeld_stats (cargo run --release --example density_bench)" >&2
cargo run --release -p buurtbeeld_stats --example density_bench -- --out "$OUT" --runs "$RUNS" >&2
echo "== scipy ($PYTHON)" >&2
"$PYTHON" bench/density_scipy.py "$OUT" --runs 3
