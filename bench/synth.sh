#!/usr/bin/env bash
# Synthetic-control benchmark: one treated area, 500 donor areas, 60 months, with the placebo
# test in space (501 fits), buurtbeeld (crates/buurtbeeld_stats/examples/synth_bench.rs)
# against pysyncon in the same run (bench/synth_pysyncon.py) on the same panel. Prints Markdown.
#
# Environment: PYTHON=python3 (with pysyncon==1.7.0), PLACEBOS=2 (pysyncon placebo fits timed; one takes ~1,5 min).
set -euo pipefail
PYTHON=${PYTHON:-python3}
PLACEBOS=${PLACEBOS:-2}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
"$PYTHON" -c 'import pysyncon' 2>/dev/null || {
    echo "synth.sh: $PYTHON lacks pysyncon; run: pip install pysyncon==1.7.0" >&2
    exit 2
}
cargo build --release -p buurtbeeld_stats --example synth_bench
mkdir -p target/bench
WORK=$(mktemp -d "$ROOT/target/bench/synth.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
target/release/examples/synth_bench --out "$WORK"
"$PYTHON" bench/synth_pysyncon.py "$WORK" --placebos "$PLACEBOS"
