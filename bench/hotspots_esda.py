"""Hot-spot benchmark, the esda side of ``bench/hotspots.sh``.

One run, identical to the Rust example ``crates/buurtbeeld_stats/examples/hotspot_bench.rs``:

    esda.G_Local(y, w, transform='B', star=True, permutations=999, seed=SEED, n_jobs=-1)
    esda.Moran_Local(y, w, transformation='r', permutations=999, seed=SEED, n_jobs=-1)
    statsmodels.stats.multitest.multipletests(p_sim, alpha=0.05, method='fdr_bh')  # both

The weights are built once, outside the timing; each run gets fresh deep copies (made before
the clock starts), because esda re-transforms the W it is given in place. numba's JIT and
joblib's worker pool are warmed up by one untimed run per input.

Inputs: the 123 x 122 queen lattice (``libpysal.weights.lat2W(123, 122, rook=False)``,
``y_i = ((i * 2654435761) % 2**32) % 23``) and the 108 Groningen buurten (``y`` and ``queen``
from ``crates/buurtbeeld_stats/tests/fixtures/hotspots_groningen.json``). The script checks
that the Rust side used the same values and neighbour lists, compares the analytic Gi* z and
local Moran I, and prints a Markdown table.

Usage: python bench/hotspots_esda.py RUST_JSON [--fixture PATH] [--lattice-runs 3]
       [--groningen-runs 10]

Needs: pip install esda==2.9.0 libpysal==4.14.1 numba statsmodels==0.15.0
"""

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")  # esda/libpysal deprecation and islands chatter

import esda  # noqa: E402
import libpysal  # noqa: E402
import numba  # noqa: E402
import statsmodels  # noqa: E402
from libpysal.weights import W, lat2W  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "crates/buurtbeeld_stats/tests/fixtures/hotspots_groningen.json"
SEED = 20261123
PERMUTATIONS = 999
ALPHA = 0.05
LATTICE_ROWS, LATTICE_COLS = 123, 122
TOLERANCE = 1e-9


def one_run(y, w_g, w_m):
    g = esda.G_Local(y, w_g, transform="B", star=True, permutations=PERMUTATIONS,
                     seed=SEED, n_jobs=-1)
    m = esda.Moran_Local(y, w_m, transformation="r", permutations=PERMUTATIONS,
                         seed=SEED, n_jobs=-1)
    g_bh = multipletests(g.p_sim, alpha=ALPHA, method="fdr_bh")
    m_bh = multipletests(m.p_sim, alpha=ALPHA, method="fdr_bh")
    return g, m, g_bh, m_bh


def bench(y, w, runs):
    warm = one_run(y, copy.deepcopy(w), copy.deepcopy(w))
    times = []
    for _ in range(runs):
        w_g, w_m = copy.deepcopy(w), copy.deepcopy(w)
        start = time.perf_counter()
        one_run(y, w_g, w_m)
        times.append((time.perf_counter() - start) * 1000.0)
    return times, warm


def lattice_input():
    n = LATTICE_ROWS * LATTICE_COLS
    i = np.arange(n, dtype=np.int64)
    y = ((i * 2654435761) % 4294967296 % 23).astype(np.float64)
    w = lat2W(LATTICE_ROWS, LATTICE_COLS, rook=False)
    return y, w


def groningen_input(path):
    data = json.loads(Path(path).read_text())
    y = np.asarray(data["y"], dtype=np.float64)  # esda 2.9's G_Local kernel needs float64
    w = W({i: list(nb) for i, nb in enumerate(data["queen"])})
    return y, w


def max_abs_diff(esda_values, rust_values):
    """Max |esda - rust|; None (Rust) must meet a non-finite esda value and vice versa."""
    a = np.asarray(esda_values, dtype=np.float64)
    b = np.array([np.nan if v is None else v for v in rust_values], dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    fa, fb = np.isfinite(a), np.isfinite(b)
    mismatched = int((fa != fb).sum())
    both = fa & fb
    diff = float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0
    return diff, mismatched


def check_same_input(name, y, w, rust):
    assert rust["n"] == len(y), f"{name}: n differs ({rust['n']} vs {len(y)})"
    assert np.array_equal(np.asarray(rust["y"], dtype=np.float64), y), f"{name}: y differs"
    ours = [sorted(w.neighbors[k]) for k in w.id_order]
    assert ours == rust["neighbours"], f"{name}: neighbour lists differ"


def fmt(ms):
    return f"{ms:,.2f}" if ms < 100 else f"{ms:,.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rust_json", help="the --out file of the Rust example")
    parser.add_argument("--fixture", default=str(FIXTURE))
    parser.add_argument("--lattice-runs", type=int, default=3)
    parser.add_argument("--groningen-runs", type=int, default=10)
    args = parser.parse_args()

    rust = json.loads(Path(args.rust_json).read_text())
    inputs = [
        ("lattice", "123 × 122 lattice, queen", *lattice_input(), args.lattice_runs),
        ("groningen", "Groningen buurten, queen, 2015", *groningen_input(args.fixture),
         args.groningen_runs),
    ]

    rows, ok = [], True
    for key, label, y, w, runs in inputs:
        r = rust[key]
        check_same_input(key, y, w, r)
        print(f"esda {key}: n = {len(y)}, warm-up + {runs} runs ...", file=sys.stderr, flush=True)
        times, (g, m, g_bh, m_bh) = bench(y, w, runs)
        med, mn = statistics.median(times), min(times)
        dz, dz_nan = max_abs_diff(g.Zs, r["gi_star_z"])
        di, di_nan = max_abs_diff(m.Is, r["local_moran_i"])
        dp_g, _ = max_abs_diff(g.p_sim, r["gi_star_p_sim"])
        dp_m, _ = max_abs_diff(m.p_sim, r["local_moran_p_sim"])
        ok &= dz <= TOLERANCE and di <= TOLERANCE and dz_nan == 0 and di_nan == 0
        print(f"esda {key}: times ms {[round(t, 1) for t in times]}; Rust times ms "
              f"{[round(t, 2) for t in r['times_ms']]}", file=sys.stderr)
        rows.append({
            "label": label, "n": len(y), "links": int(w.s0),
            "rust_runs": r["runs"], "rust_median": r["median_ms"], "rust_min": r["min_ms"],
            "esda_runs": runs, "esda_median": med, "esda_min": mn,
            "speedup": med / r["median_ms"],
            "dp": (dp_g, dp_m), "dz": dz, "dz_nan": dz_nan, "di": di, "di_nan": di_nan,
            "rej": (r["bh_rejected_gi_star"], int(g_bh[0].sum()),
                    r["bh_rejected_local_moran"], int(m_bh[0].sum())),
        })

    print()
    print(f"One run: Gi* (binary, star, analytic z) + local Moran (row-standardised) + "
          f"conditional permutation p_sim for both ({PERMUTATIONS} permutations) + BH on both. "
          f"Wall clock, warm-up excluded, weights built beforehand.")
    print(f"Rust: rayon {rust['rayon_threads']} threads. esda {esda.__version__}, libpysal "
          f"{libpysal.__version__}, numba {numba.__version__}, statsmodels "
          f"{statsmodels.__version__}, numpy {np.__version__}, Python "
          f"{platform.python_version()}, n_jobs=-1 ({os.cpu_count()} CPUs). "
          f"Seed {SEED} on both sides (different RNGs: the p_sim values differ within "
          f"Monte Carlo error, the analytic values must not).")
    print()
    print("| input | areas | buurtbeeld median ms (min) | esda median ms (min) | speed-up "
          "(esda / buurtbeeld, medians) | max \\|Δ Gi* z\\| | max \\|Δ local Moran I\\| "
          "| BH rejections Gi* (Rust / esda) | BH rejections Moran (Rust / esda) "
          "| max \\|Δ p_sim\\| Gi* / Moran |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        dz = f"{row['dz']:.1e}" + (f" ({row['dz_nan']} undefined on one side)" if row["dz_nan"] else "")
        di = f"{row['di']:.1e}" + (f" ({row['di_nan']} undefined on one side)" if row["di_nan"] else "")
        rej = row["rej"]
        print(f"| {row['label']} | {row['n']:,} | {fmt(row['rust_median'])} "
              f"({fmt(row['rust_min'])}; {row['rust_runs']} runs) | {fmt(row['esda_median'])} "
              f"({fmt(row['esda_min'])}; {row['esda_runs']} runs) | {row['speedup']:,.0f}× | "
              f"{dz} | {di} | {rej[0]} / {rej[1]} | {rej[2]} / {rej[3]} | "
              f"{row['dp'][0]:.3f} / {row['dp'][1]:.3f} |")
    print()
    verdict = "identical within" if ok else "NOT identical within"
    print(f"Analytic results: {verdict} |diff| ≤ {TOLERANCE:g}. The p_sim columns are for "
          f"information: independent Monte Carlo draws (standard error of a p_sim near p is "
          f"√(p(1−p)/{PERMUTATIONS})), so BH rejections may differ near the threshold.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
