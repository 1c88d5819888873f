"""Spearman and Pearson correlations with p-values: reference values for
buurtbeeld_stats::rank_correlation.

Run from the repository root after

    python3 -m venv /tmp/density-venv
    /tmp/density-venv/bin/pip install numpy==2.4.6 scipy==1.17.1

    /tmp/density-venv/bin/python crates/buurtbeeld_stats/tests/oracle/rank_correlation.py

Writes crates/buurtbeeld_stats/tests/fixtures/rank_correlation.json: for each case the two
series as given (`x`, `y`), which changes to take (`changes`: levels, month_to_month = x[t] −
x[t−1], year_on_year = x[t] − x[t−12], computed here with numpy and stored as `x_used`,
`y_used`), and `scipy.stats.spearmanr(x_used, y_used)` and `scipy.stats.pearsonr(x_used,
y_used)`: statistic and two-sided p-value, and n. Also `rankdata(x_used)` (average ranks).
"""

import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy.stats import pearsonr, rankdata, spearmanr

ROOT = Path(__file__).resolve().parents[4]
OUT = ROOT / "crates/buurtbeeld_stats/tests/fixtures/rank_correlation.json"

LAGS = {"levels": 0, "month_to_month": 1, "year_on_year": 12}


def main():
    rng = np.random.default_rng(20261128)
    months = np.arange(48)
    season = 20 * (1 + 0.4 * np.sin(2 * np.pi * months / 12))
    thefts = rng.poisson(season).astype(float)
    nuisance = rng.poisson(season * 1.5).astype(float)
    linked = (thefts + rng.poisson(3, size=48)).astype(float)
    cases = [
        ("small_with_ties", [1, 2, 2, 3, 4, 4, 4, 7], [2, 1, 3, 3, 5, 6, 5, 9], "levels"),
        ("negative", [3, 8, 1, 9, 4, 12, 7, 2, 11, 5], [40, 22, 51, 18, 33, 9, 30, 47, 12, 35], "levels"),
        ("negative_with_ties", [5, 5, 6, 7, 7, 7, 9, 10], [9, 9, 8, 8, 6, 6, 5, 1], "levels"),
        ("three_pairs", [1, 2, 3], [1, 3, 2], "levels"),
        ("perfect_monotone", [1, 2, 3, 4, 5, 6], [1, 4, 9, 16, 25, 36], "levels"),
        ("weak", [0.5, -1.25, 3.0, 2.0, 0.0, 1.5, -0.5, 2.5, 1.0, -2.0, 4.0],
         [1.0, 0.0, 0.5, 3.5, -1.0, 0.0, 2.0, -0.5, 1.5, 1.0, 0.0], "levels"),
        ("counts_many_ties", [0, 1, 0, 2, 1, 0, 3, 1, 0, 0, 2, 1, 4, 0, 1],
         [1, 1, 0, 2, 2, 0, 2, 1, 1, 0, 3, 1, 2, 0, 0], "levels"),
        ("seasonal_levels", thefts.tolist(), nuisance.tolist(), "levels"),
        ("seasonal_month_to_month", thefts.tolist(), nuisance.tolist(), "month_to_month"),
        ("seasonal_year_on_year", thefts.tolist(), nuisance.tolist(), "year_on_year"),
        ("linked_year_on_year", thefts.tolist(), linked.tolist(), "year_on_year"),
        ("large_values", [1e9 + 1, 1e9 + 4, 1e9 + 2, 1e9 + 8, 1e9 + 5], [3.0, 7.0, 4.0, 9.0, 8.0], "levels"),
    ]
    out = []
    for name, x, y, changes in cases:
        lag = LAGS[changes]
        x_used = np.asarray(x, dtype=float)
        y_used = np.asarray(y, dtype=float)
        if lag:
            x_used = x_used[lag:] - x_used[:-lag]
            y_used = y_used[lag:] - y_used[:-lag]
        s = spearmanr(x_used, y_used)
        p = pearsonr(x_used, y_used)
        out.append({
            "name": name,
            "x": [float(v) for v in x],
            "y": [float(v) for v in y],
            "changes": changes,
            "x_used": x_used.tolist(),
            "y_used": y_used.tolist(),
            "ranks_x": rankdata(x_used).tolist(),
            "n": len(x_used),
            "spearman": {"r": float(s.statistic), "p": float(s.pvalue)},
            "pearson": {"r": float(p.statistic), "p": float(p.pvalue)},
        })
        print(f"{name}: n={len(x_used)} rho={s.statistic:.4f} p={s.pvalue:.3g} "
              f"r={p.statistic:.4f} p={p.pvalue:.3g}", file=sys.stderr)
    fixture = {
        "generated_by": "crates/buurtbeeld_stats/tests/oracle/rank_correlation.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "cases": out,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{len(out)} cases -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
