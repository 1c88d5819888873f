"""Oracle for buurtbeeld_stats::knox (the near-repeat / Knox test).

An independent implementation, as plain as possible: every pair i < j of the events is
enumerated (numpy triu indices), its spatial and temporal band found with
np.searchsorted(breaks, d, side="right") - 1 (intervals [a, b), closed left, open right: R's
cut(right = FALSE, include.lowest = FALSE), the defaults of the R package NearRepeat), pairs
outside every interval dropped, and the table counted with np.bincount. The Monte Carlo part
permutes the days with numpy's own generator (default_rng(20261123)), 9,999 times, and stores
per cell the mean, the standard deviation and the p-value (1 + #{permuted >= observed}) /
(permutations + 1), NearRepeat's definition.

Cases:
- `synthetic_euclidean`: 400 events made here (seeded) over 3 x 3 km and 365 days, a quarter of
  them "near repeats" planted within 150 m and 10 days of an earlier event, some at exactly the
  same place; integer coordinates. Default bands: [0, 1, 101, ..., 501, inf) m and
  [0, 8, 15, 22, 29, inf) days.
- `synthetic_manhattan`: the same events, Manhattan distance, finite last breaks (pairs beyond
  are not counted): [0, 50, 200, 400) m and [0, 3, 7, 14) days.
- `groningen_euclidean`: 400 real bicycle thefts in Groningen (fixture knox_groningen.csv; see
  tests/fixtures/SOURCE_knox_groningen.md), default bands.
- `groningen_offset`: the same with first breaks above 0: [25, 100, 250, inf) m and
  [1, 8, 31, inf) days (pairs closer than 25 m or on the same day are not counted).

Run from the repository root (writes tests/fixtures/knox_oracle.json):

    python3 -m venv /tmp/knox-venv
    /tmp/knox-venv/bin/pip install numpy==2.4.6
    /tmp/knox-venv/bin/python crates/buurtbeeld_stats/tests/oracle/knox_oracle.py

With `--extract` it first rewrites tests/fixtures/knox_groningen.csv from
data/groningen-fietsdiefstallen-politie-2013-2017/ (only X, Y and the registration date).
"""

import csv
import datetime
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[4]
FIXTURES = ROOT / "crates/buurtbeeld_stats/tests/fixtures"
GRONINGEN_CSV = FIXTURES / "knox_groningen.csv"
SOURCE = ROOT / "data/groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv"
PERMUTATIONS = 9999
SEED = 20261123
EPOCH = datetime.date(1970, 1, 1)
INF = math.inf


def extract_groningen():
    """The first 400 registrations from 2015-01-01 on within 1 km of the Grote Markt."""
    centre = (233900, 582150)
    rows = []
    with open(SOURCE, newline="", encoding="cp1252") as f:
        for row in csv.DictReader(f, delimiter=";"):
            x, y = int(row["X"]), int(row["Y"])
            date_part = row["Kennisnamedatum/tijd"].split()[0]
            d, m, yy = (int(v) for v in date_part.split("-"))
            date = datetime.date(yy, m, d)
            if date < datetime.date(2015, 1, 1):
                continue
            if max(abs(x - centre[0]), abs(y - centre[1])) > 1000:
                continue
            rows.append((date, x, y))
    rows.sort()
    rows = rows[:400]
    with open(GRONINGEN_CSV, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["x", "y", "kennisnamedatum"])
        for date, x, y in rows:
            w.writerow([x, y, date.isoformat()])


def read_groningen():
    xs, ys, days = [], [], []
    with open(GRONINGEN_CSV, newline="") as f:
        for row in csv.DictReader(f):
            xs.append(float(row["x"]))
            ys.append(float(row["y"]))
            days.append((datetime.date.fromisoformat(row["kennisnamedatum"]) - EPOCH).days)
    return np.array(xs), np.array(ys), np.array(days, dtype=np.int64)


def synthetic():
    rng = np.random.default_rng(20261124)
    n_parents, n_children = 300, 100
    x = np.round(rng.uniform(0, 3000, n_parents))
    y = np.round(rng.uniform(0, 3000, n_parents))
    day = rng.integers(0, 365, n_parents)
    parent = rng.integers(0, n_parents, n_children)
    same_place = rng.random(n_children) < 0.2
    angle = rng.uniform(0, 2 * np.pi, n_children)
    radius = np.where(same_place, 0.0, rng.uniform(5, 150, n_children))
    cx = x[parent] + np.round(radius * np.cos(angle))
    cy = y[parent] + np.round(radius * np.sin(angle))
    cday = day[parent] + rng.integers(0, 11, n_children)
    return (
        np.concatenate([x, cx]),
        np.concatenate([y, cy]),
        np.concatenate([day, cday]).astype(np.int64),
    )


def band(breaks, values):
    """Band index of each value for intervals [b_k, b_k+1), or -1 outside every interval."""
    k = np.searchsorted(np.asarray(breaks, dtype=float), values, side="right") - 1
    return np.where((k >= 0) & (k < len(breaks) - 1), k, -1)


def knox(x, y, days, spatial, temporal, metric):
    n = len(x)
    i, j = np.triu_indices(n, k=1)
    dx, dy = x[i] - x[j], y[i] - y[j]
    if metric == "euclidean":
        dist = np.sqrt(dx * dx + dy * dy)
    else:
        dist = np.abs(dx) + np.abs(dy)
    s = band(spatial, dist)
    keep = s >= 0
    i, j, s = i[keep], j[keep], s[keep]
    S, T = len(spatial) - 1, len(temporal) - 1

    def table(d):
        t = band(temporal, np.abs(d[i] - d[j]).astype(float))
        ok = t >= 0
        return np.bincount(s[ok] * T + t[ok], minlength=S * T)

    observed = table(days)
    rng = np.random.default_rng(SEED)
    permuted = np.empty((PERMUTATIONS, S * T), dtype=np.int64)
    for p in range(PERMUTATIONS):
        permuted[p] = table(rng.permutation(days))
    at_least = (permuted >= observed).sum(axis=0)
    return {
        "observed": observed.reshape(S, T).tolist(),
        "permuted_mean": permuted.mean(axis=0).reshape(S, T).tolist(),
        "permuted_sd": permuted.std(axis=0, ddof=1).reshape(S, T).tolist(),
        "p_value": ((1 + at_least) / (PERMUTATIONS + 1)).reshape(S, T).tolist(),
    }


def finite(breaks):
    return [b if b != INF else None for b in breaks]


def main():
    if "--extract" in sys.argv:
        extract_groningen()
    default_s = [0, 1, 101, 201, 301, 401, 501, INF]
    default_t = [0, 8, 15, 22, 29, INF]
    sx, sy, sd = synthetic()
    gx, gy, gd = read_groningen()
    cases = [
        ("synthetic_euclidean", sx, sy, sd, default_s, default_t, "euclidean"),
        ("synthetic_manhattan", sx, sy, sd, [0, 50, 200, 400], [0, 3, 7, 14], "manhattan"),
        ("groningen_euclidean", gx, gy, gd, default_s, default_t, "euclidean"),
        ("groningen_offset", gx, gy, gd, [25, 100, 250, INF], [1, 8, 31, INF], "euclidean"),
    ]
    out = {
        "generated_by": "crates/buurtbeeld_stats/tests/oracle/knox_oracle.py",
        "versions": {"numpy": np.__version__, "python": sys.version.split()[0]},
        "permutations": PERMUTATIONS,
        "seed": SEED,
        "infinite_break": "null",
        "cases": [],
    }
    for name, x, y, days, spatial, temporal, metric in cases:
        result = knox(x, y, days, spatial, temporal, metric)
        out["cases"].append(
            {
                "name": name,
                "metric": metric,
                "spatial": finite(spatial),
                "temporal": finite(temporal),
                "points": [[float(a), float(b)] for a, b in zip(x, y)],
                "days": [int(d) for d in days],
                **result,
            }
        )
        print(name, len(x), "events; observed", result["observed"], file=sys.stderr)
    with open(FIXTURES / "knox_oracle.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
