"""Reference for the near-repeat (Knox) benchmark: what an analyst would run in Python.

The fastest honest scipy/numpy version of the computation of buurtbeeld_stats::knox, written
the way the task is usually vectorised: scipy's cKDTree.query_pairs finds every pair within
the largest finite spatial break once; their spatial bands are computed once; per permutation
the days are permuted (numpy default_rng), the temporal band of every near pair is looked up
(a table from |Δday| to band) and the table counted with np.bincount. The open spatial band is
all pairs per temporal band (from the sorted days, constant under permutation) minus the near
pairs, as in the Rust code. Nothing is computed over all n² pairs.

Reads the events the Rust side wrote (run it first):
    cargo run --release -p buurtbeeld_stats --example near_repeat_bench
    python3 bench/near_repeat_reference.py [--permutations 99] [--runs 3] [--dir target/near_repeat_bench]

Times the one-off part (tree, pairs, bands, totals) and the permutations separately, and
reports the time for 999 permutations extrapolated linearly from `--permutations` (default 99;
use 999 to time it all). Checks that its observed table equals the Rust one exactly, and
compares the Monte Carlo means and p-values with the Rust run's (within Monte Carlo error).

    pip install numpy==2.4.6 scipy==1.17.1
"""

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

SPATIAL = [0, 1, 101, 201, 301, 401, 501, math.inf]
TEMPORAL = [0, 8, 15, 22, 29, math.inf]


def prepare(xy, days):
    """The one-off part: near pairs with their spatial band, and the constant totals."""
    reach = max(b for b in SPATIAL if math.isfinite(b))
    tree = cKDTree(xy)
    pairs = tree.query_pairs(r=reach, p=2.0, output_type="ndarray")
    i, j = pairs[:, 0].astype(np.int32), pairs[:, 1].astype(np.int32)
    d = np.sqrt(((xy[i] - xy[j]) ** 2).sum(axis=1))
    # Bands [a, b): query_pairs includes d == reach, which belongs to the open band.
    s = np.searchsorted(np.asarray(SPATIAL, dtype=float), d, side="right") - 1
    near = s < len(SPATIAL) - 2
    i, j, s = i[near], j[near], s[near]
    S, T = len(SPATIAL) - 1, len(TEMPORAL) - 1
    # Band of |Δday| for 0 .. largest finite break; everything beyond is the open band.
    largest = int(max(b for b in TEMPORAL if math.isfinite(b)))
    lut = (np.searchsorted(np.asarray(TEMPORAL, dtype=float), np.arange(largest + 1), side="right") - 1).astype(np.int32)
    # All pairs per temporal band, from the sorted days.
    sorted_days = np.sort(days)
    n = len(days)
    at_least = []
    for b in TEMPORAL:
        if math.isinf(b):
            at_least.append(0)
        elif b <= 0:
            at_least.append(n * (n - 1) // 2)
        else:
            # For each day, the days at least b before it.
            at_least.append(int(np.searchsorted(sorted_days, sorted_days - int(math.ceil(b)), side="right").sum()))
    totals = np.diff(-np.asarray(at_least, dtype=np.int64))
    offset = (s * T).astype(np.int32)
    return i, j, offset, lut, largest, totals, S, T


def table(days, i, j, offset, lut, largest, totals, S, T):
    dt = days[i]
    dt -= days[j]
    np.abs(dt, out=dt)
    np.minimum(dt, largest, out=dt)
    idx = lut[dt]
    idx += offset
    counts = np.bincount(idx, minlength=S * T).astype(np.int64)
    counts[(S - 1) * T :] = totals - counts.reshape(S, T)[: S - 1].sum(axis=0)
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--permutations", type=int, default=99)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default="target/near_repeat_bench")
    args = parser.parse_args()
    folder = Path(args.dir)
    data = np.loadtxt(folder / "events.csv", delimiter=",", skiprows=1)
    xy = data[:, :2].copy()
    days = data[:, 2].astype(np.int32)
    rust = json.loads((folder / "rust.json").read_text())
    print(f"reference: {len(days)} events, {args.permutations} permutations per run, numpy {np.__version__}")

    setup_times, permutation_times, cpu_times = [], [], []
    for run in range(1, args.runs + 1):
        cpu_start = time.process_time()
        start = time.perf_counter()
        prepared = prepare(xy, days)
        setup = time.perf_counter() - start
        observed = table(days.copy(), *prepared)
        rng = np.random.default_rng(20261123)
        start = time.perf_counter()
        permuted = np.empty((args.permutations, len(observed)), dtype=np.int64)
        for p in range(args.permutations):
            permuted[p] = table(rng.permutation(days), *prepared)
        perms = time.perf_counter() - start
        cpu_times.append(time.process_time() - cpu_start)
        setup_times.append(setup)
        permutation_times.append(perms)
        print(
            f"run {run}: one-off {setup:.2f} s, {args.permutations} permutations {perms:.2f} s "
            f"-> 999 permutations {setup + perms * 999 / args.permutations:.1f} s wall "
            f"({len(prepared[0])} near pairs; CPU {cpu_times[-1]:.1f} s)"
        )
    extrapolated = [s + p * 999 / args.permutations for s, p in zip(setup_times, permutation_times)]
    print(f"median (999 permutations{', extrapolated' if args.permutations != 999 else ''}): {statistics.median(extrapolated):.1f} s")

    S, T = prepared[6], prepared[7]
    ours = observed.reshape(S, T).tolist()
    if ours != rust["observed"]:
        print("observed tables differ!", ours, rust["observed"], sep="\n", file=sys.stderr)
        sys.exit(1)
    print("observed table identical to the Rust one")
    mean = permuted.mean(axis=0)
    sd = permuted.std(axis=0, ddof=1)
    print(f"Rust median {rust['median_seconds']:.2f} s: {statistics.median(extrapolated) / rust['median_seconds']:.1f}x faster")
    print("reference mean of the permuted counts per cell (near bands):")
    for s in range(S):
        print("  ", " ".join(f"{mean[s * T + t]:>12.1f}±{sd[s * T + t]:<8.1f}" for t in range(T)))


if __name__ == "__main__":
    main()
