"""Kernel density on a grid: reference values for buurtbeeld_stats::kernel_density.

Run from the repository root after

    python3 -m venv /tmp/density-venv
    /tmp/density-venv/bin/pip install numpy==2.4.6 scipy==1.17.1 statsmodels==0.15.0

    /tmp/density-venv/bin/python crates/buurtbeeld_stats/tests/oracle/kernel_density.py

Writes crates/buurtbeeld_stats/tests/fixtures/kernel_density.json.

Gaussian cases: statsmodels `KDEMultivariate(data, var_type="cc", bw=[h, h]).pdf(cells)` (a
product of two normal kernels of standard deviation h is the isotropic normal kernel) and
scipy's `gaussian_kde` with its kernel covariance set to h²·I (`IsotropicKDE` below; scipy has
no public way to set a full covariance, so `_compute_covariance` is replaced, pinned to scipy
1.17.1). The script asserts the two agree to 1e-10 relative (measured: 3e-12) on every cell. statsmodels has no
weights, so weighted cases use scipy only. Densities are multiplied by the total weight and
10⁶ (events per km²). The quartic kernel has no pip-installable reference (QGIS and ArcGIS are
not libraries); its cases are the formula 3/(π h²)·(1 − d²/h²)² in numpy.

Counts per cell come from numpy.histogram2d on the grid's edges (half-open cells as in Rust;
numpy closes the last bin, which no point reaches because the grid extends beyond the points).

Scott bandwidths: sqrt(trace(kde._data_covariance)/2) · kde.factor of scipy's default
(`bw_method="scott"`) gaussian_kde, i.e. the pooled standard deviation times n_eff^(-1/6).
"""

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy.stats import gaussian_kde
from statsmodels.nonparametric.kernel_density import KDEMultivariate

ROOT = Path(__file__).resolve().parents[4]
FIXTURES = ROOT / "crates/buurtbeeld_stats/tests/fixtures"
FULL = ROOT / "data/groningen-fietsdiefstallen-politie-2013-2017/derived_incident_to_BU2017.csv"


class IsotropicKDE(gaussian_kde):
    """scipy's Gaussian KDE with kernel covariance h²·I instead of a multiple of the data's."""

    def __init__(self, dataset, h, weights=None):
        self._h = float(h)
        super().__init__(dataset, weights=weights)

    def _compute_covariance(self):
        self.factor = 1.0
        self.covariance = np.eye(2) * self._h**2
        self.cho_cov = np.eye(2) * self._h
        self.log_det = 2 * np.log(np.diag(self.cho_cov * np.sqrt(2 * math.pi))).sum()


def covering(points, cell, margin):
    """Grid::covering_points: origin snapped down to a multiple of the cell size."""
    lo = points.min(axis=0) - margin
    hi = points.max(axis=0) + margin
    first = np.floor(lo / cell)
    counts = (np.floor(hi / cell) - first).astype(int) + 1
    return {
        "origin_x": float(first[0] * cell),
        "origin_y": float(first[1] * cell),
        "cell_size": float(cell),
        "columns": int(counts[0]),
        "rows": int(counts[1]),
    }


def centres(grid):
    """Cell centres, row-major with row 0 in the south: shape (rows · columns, 2)."""
    cols = grid["origin_x"] + (np.arange(grid["columns"]) + 0.5) * grid["cell_size"]
    rows = grid["origin_y"] + (np.arange(grid["rows"]) + 0.5) * grid["cell_size"]
    xx, yy = np.meshgrid(cols, rows)  # yy varies along axis 0 (rows)
    return np.column_stack([xx.ravel(), yy.ravel()])


def counts(points, grid):
    xedges = grid["origin_x"] + np.arange(grid["columns"] + 1) * grid["cell_size"]
    yedges = grid["origin_y"] + np.arange(grid["rows"] + 1) * grid["cell_size"]
    hist, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins=[xedges, yedges])
    # histogram2d is indexed [x bin, y bin]; the fixture is row-major by y.
    return hist.T.astype(int).ravel().tolist()


def gaussian(points, weights, grid, h):
    cells = centres(grid)
    total = float(len(points) if weights is None else np.sum(weights))
    by_scipy = IsotropicKDE(points.T, h, weights=weights).evaluate(cells.T) * total * 1e6
    if weights is None:
        kde = KDEMultivariate(points, var_type="cc", bw=[h, h])
        by_statsmodels = kde.pdf(cells) * total * 1e6
        worst = np.max(np.abs(by_statsmodels - by_scipy) / by_statsmodels)
        assert worst < 1e-10, worst
        return by_statsmodels, "statsmodels KDEMultivariate (scipy gaussian_kde agrees)", worst
    return by_scipy, "scipy gaussian_kde, covariance h²I, weighted", None


def quartic(points, weights, grid, h):
    cells = centres(grid)
    w = np.ones(len(points)) if weights is None else np.asarray(weights)
    d2 = ((cells[:, None, :] - points[None, :, :]) ** 2).sum(axis=2) / h**2
    k = np.where(d2 < 1.0, (1.0 - d2) ** 2, 0.0) * 3.0 / (math.pi * h**2)
    return (k @ w) * 1e6, "numpy formula 3/(πh²)(1 − d²/h²)²", None


def scott(points, weights):
    kde = gaussian_kde(points.T, weights=weights)
    return float(math.sqrt(np.trace(kde._data_covariance) / 2) * kde.factor)


def main():
    with open(FIXTURES / "groningen_points/points.csv", newline="") as f:
        groningen = np.array([[float(r["x_rd"]), float(r["y_rd"])] for r in csv.DictReader(f)])
    # A small synthetic set: a tight cluster with duplicates, a line, a lone point far away.
    synthetic = np.array(
        [[155000.0, 463000.0], [155000.0, 463000.0], [155012.5, 462990.0], [155040.0, 463030.0],
         [154980.0, 463050.0], [155100.0, 462900.0], [155300.0, 463300.0], [155350.0, 463310.0],
         [155400.0, 463320.0], [155450.0, 463330.0], [154200.0, 462100.0], [155001.0, 463001.5]]
    )
    synthetic_weights = [1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 1.0, 0.0, 1.5, 4.0, 1.0]
    point_sets = {"groningen": groningen, "synthetic": synthetic}

    scott_groningen = scott(groningen, None)
    specs = [
        ("groningen_gaussian_200m", "groningen", None, "gaussian", 200.0, 250.0, 600.0),
        ("groningen_gaussian_scott", "groningen", None, "gaussian", scott_groningen, 250.0, 1000.0),
        ("groningen_quartic_400m", "groningen", None, "quartic", 400.0, 250.0, 500.0),
        ("synthetic_gaussian_150m", "synthetic", None, "gaussian", 150.0, 100.0, 400.0),
        ("synthetic_gaussian_150m_weighted", "synthetic", synthetic_weights, "gaussian", 150.0, 100.0, 400.0),
        ("synthetic_quartic_300m_weighted", "synthetic", synthetic_weights, "quartic", 300.0, 50.0, 300.0),
    ]
    cases = []
    for name, which, weights, kernel, h, cell, margin in specs:
        points = point_sets[which]
        grid = covering(points, cell, margin)
        compute = gaussian if kernel == "gaussian" else quartic
        density, reference, agreement = compute(points, weights, grid, h)
        case = {
            "name": name,
            "points": which,
            "weights": weights,
            "kernel": kernel,
            "bandwidth": h,
            "margin": margin,
            "grid": grid,
            "reference": reference,
            "per_square_kilometre": density.tolist(),
            "counts": counts(points, grid),
        }
        if agreement is not None:
            case["statsmodels_vs_scipy_max_relative"] = float(agreement)
        cases.append(case)
        print(f"{name}: {grid['columns']}x{grid['rows']} cells, max {density.max():.6g}/km²", file=sys.stderr)

    with open(FULL, newline="", encoding="utf-8") as f:
        full = np.array([[float(r["X_RD"]), float(r["Y_RD"])] for r in csv.DictReader(f)])
    scotts = [
        {"points": "groningen", "weights": None, "bandwidth": scott_groningen},
        {"points": "synthetic", "weights": None, "bandwidth": scott(synthetic, None)},
        {"points": "synthetic", "weights": synthetic_weights, "bandwidth": scott(synthetic, synthetic_weights)},
        {"points": "groningen_full", "weights": None, "bandwidth": scott(full, None), "n": len(full)},
    ]
    fixture = {
        "generated_by": "crates/buurtbeeld_stats/tests/oracle/kernel_density.py",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "source": "Bron: CBS/Politie; Gemeente Groningen (CC BY-SA 3.0 NL): tests/fixtures/groningen_points/SOURCE.md",
        "point_sets": {k: v.tolist() for k, v in point_sets.items()},
        "cases": cases,
        "scott": scotts,
    }
    out = FIXTURES / "kernel_density.json"
    out.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{len(cases)} cases, {len(scotts)} Scott bandwidths -> {out}", file=sys.stderr)
    for s in scotts:
        print(f"scott {s['points']} weights={s['weights'] is not None}: {s['bandwidth']:.3f} m", file=sys.stderr)


if __name__ == "__main__":
    main()
