"""scipy side of bench/density.sh: times scipy.stats.gaussian_kde.evaluate on the grid and
points written by `cargo run --release -p buurtbeeld_stats --example density_bench -- --out
PATH`, checks the values against buurtbeeld's, and prints a Markdown table.

scipy is timed on the first 10.000 of the 100.000 points (the Rust JSON holds those) and its
time multiplied by 10 for 100.000 points: evaluate costs points × cells kernel evaluations, so
the time is linear in the points (measured: 2.000 vs 10.000 points, printed). Its kernel is
the isotropic Gaussian h²I (the same subclass as tests/oracle/kernel_density.py).

    pip install numpy==2.4.6 scipy==1.17.1
    python bench/density_scipy.py /tmp/density-bench.json [--runs 3]
"""

import argparse
import json
import math
import statistics
import sys
import time

import numpy as np
import scipy
from scipy.stats import gaussian_kde


class IsotropicKDE(gaussian_kde):
    def __init__(self, dataset, h, weights=None):
        self._h = float(h)
        super().__init__(dataset, weights=weights)

    def _compute_covariance(self):
        self.factor = 1.0
        self.covariance = np.eye(2) * self._h**2
        self.cho_cov = np.eye(2) * self._h
        self.log_det = 2 * np.log(np.diag(self.cho_cov * np.sqrt(2 * math.pi))).sum()


def cell_centres(grid):
    cols = grid["origin_x"] + (np.arange(grid["columns"]) + 0.5) * grid["cell_size"]
    rows = grid["origin_y"] + (np.arange(grid["rows"]) + 0.5) * grid["cell_size"]
    xx, yy = np.meshgrid(cols, rows)
    return np.vstack([xx.ravel(), yy.ravel()])


def timed(runs, f):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = f()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rust_json")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = json.load(open(args.rust_json))
    points = np.array(data["points"]).T
    cells = cell_centres(data["grid"])
    n = points.shape[1]
    kde = IsotropicKDE(points, data["bandwidth"])
    small = IsotropicKDE(points[:, : n // 5], data["bandwidth"])
    small_ms, _, _ = timed(args.runs, lambda: small.evaluate(cells))
    median, low, density = timed(args.runs, lambda: kde.evaluate(cells))
    ours = np.array(data["per_square_kilometre"])
    theirs = density * n * 1e6
    worst = float(np.max(np.abs(ours - theirs) / theirs))
    ms = data["ms"]
    print(f"scipy {scipy.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}", file=sys.stderr)
    print(f"scipy {n // 5} points: {small_ms:.0f} ms, {n} points: {median:.0f} ms "
          f"(ratio {median / small_ms:.2f}, linear would be 5)", file=sys.stderr)
    print(f"max relative difference buurtbeeld (no cut-off) vs scipy on {n} points: {worst:.1e}", file=sys.stderr)
    print("| | buurtbeeld ms | scipy ms | scipy / buurtbeeld |")
    print("|---|---:|---:|---:|")
    print(f"| KDE, 10.000 points, 200 × 200 grid, cut-off 8h | {ms['kde_10k_median']:.1f} | {median:.0f} ({low:.0f}) | "
          f"{median / ms['kde_10k_median']:.0f}× |")
    print(f"| KDE, 10.000 points, 200 × 200 grid, no cut-off (every point meets every cell, as scipy) | "
          f"{ms['kde_10k_no_cutoff_median']:.1f} | {median:.0f} ({low:.0f}) | {median / ms['kde_10k_no_cutoff_median']:.0f}× |")
    print(f"| KDE, 100.000 points, 200 × 200 grid, cut-off 8h | {ms['kde_100k_median']:.1f} ({ms['kde_100k_min']:.1f}) | "
          f"≈ {10 * median:.0f} (10 × the above, extrapolated) | ≈ {10 * median / ms['kde_100k_median']:.0f}× |")
    print(f"| quartic, 100.000 points, r = 400 m | {ms['quartic_100k_median']:.1f} | – | – |")
    print(f"| report clusters, 1.000.000 reports ({ms['problems']} problems) | "
          f"{ms['reports_1m_median']:.0f} ({ms['reports_1m_min']:.0f}) | – | – |")
    if worst > 1e-9:
        sys.exit(f"densities differ: {worst}")


if __name__ == "__main__":
    main()
