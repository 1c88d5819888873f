#!/usr/bin/env bash
# Forecast benchmark: `buurtbeeld forecast` (every method backtested, the best chosen) for every
# buurt series of one theme on the national-scale store, against a statsmodels
# ExponentialSmoothing loop over the same series in the same run; prints Markdown tables of time
# and hold-out MASE.
#
# The store is the synthetic national 47022NED file (buurtbeeld-gen, 2012-01..2024-12)
# imported once; the forecast starts 2024-01, so its 12 months are in the store and both sides
# are scored on them. statsmodels takes ~0,2-0,4 s per series, so by default it runs on every
# 10th series (EVERY=1 for all, about an hour); its total is then projected per series.
#
# Environment:
#   STORE=dir         reuse a store made by an earlier run (KEEP=1 prints its path)
#   THEME=fietsdiefstal
#   CATEGORY=1.2.3    the theme's police category (the NL00 series is built for it)
#   EVERY=10          statsmodels on every k-th series
#   PROCESSES=2       statsmodels worker processes (buurtbeeld uses all cores too)
#   PYTHON=python3    interpreter with statsmodels (pip install statsmodels==0.15.0)
#   KEEP=1            keep the store and the forecast JSON
set -euo pipefail

THEME=${THEME:-fietsdiefstal}
# The police category of THEME, for the country's series (fietsdiefstal = 1.2.3).
CATEGORY=${CATEGORY:-1.2.3}
EVERY=${EVERY:-10}
PROCESSES=${PROCESSES:-2}
PYTHON=${PYTHON:-python3}
KEEP=${KEEP:-0}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

"$PYTHON" -c 'import statsmodels' 2>/dev/null || {
    echo "forecast_national.sh: $PYTHON lacks statsmodels; run: pip install statsmodels==0.15.0" >&2
    exit 2
}
cargo build --release -p buurtbeeld -p buurtbeeld_gen

mkdir -p target/bench
WORK=$(mktemp -d "$ROOT/target/bench/forecast.XXXXXX")
if [[ $KEEP != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi

if [[ -z ${STORE:-} ]]; then
    STORE="$WORK/store"
    CSV="$WORK/47022NED_synthetic.csv"
    echo "== generating and importing the national store" >&2
    target/release/buurtbeeld-gen --out "$CSV" --months 156 --seed 42
    # The generator writes gemeenten, wijken and buurten; the country's own series (the parent
    # the buurten may borrow season and trend from) is the sum of the gemeenten.
    awk -F';' -v c="$CATEGORY" '$1 == c && substr($2, 1, 2) == "GM" { s[$3] += $4 }
        END { print "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1"
              for (p in s) print c ";NL00;" p ";" s[p] }' "$CSV" >"$WORK/nl00.csv"
    target/release/buurtbeeld --data-dir "$STORE" import "$CSV" "$WORK/nl00.csv" >&2
    rm -f "$CSV"
fi

echo "== buurtbeeld forecast" >&2
JSON="$WORK/forecast.json"
START=$(date +%s.%N)
target/release/buurtbeeld --data-dir "$STORE" forecast --area NL00 --level buurt \
    --theme "$THEME" --from 2024-01 --horizon 12 --format json >"$JSON"
END=$(date +%s.%N)
SECONDS_BB=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.2f", b - a }')

echo "== statsmodels ($PYTHON, every ${EVERY}th series, $PROCESSES processes)" >&2
"$PYTHON" bench/forecast_statsmodels.py "$JSON" --every "$EVERY" --processes "$PROCESSES" \
    --buurtbeeld-seconds "$SECONDS_BB"
if [[ $KEEP == 1 ]]; then
    echo >&2
    echo "kept $WORK (store: $STORE)" >&2
fi
