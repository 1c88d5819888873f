"""Deduplication of residents' reports by brute force: reference for
buurtbeeld_stats::report_clusters.

Plain Python, no packages needed (numpy is not used). Run from the repository root:

    python3 crates/buurtbeeld_stats/tests/oracle/report_clusters.py

Writes crates/buurtbeeld_stats/tests/fixtures/report_clusters.json.

The rule, implemented here the straightforward way (every report against every problem opened
before it, no grid, no expiry):
- reports are taken in order of (day, input index);
- a report joins a problem of the same category whose first report f has
  0 <= day - f.day <= days and (x - f.x)² + (y - f.y)² <= distance² (in float64, computed as
  dx*dx + dy*dy as in Rust);
- of several, the one with the smallest squared distance, then the smallest problem number;
- otherwise it opens a new problem, numbered in order of opening.

The reports are synthetic (random.Random(20261128)): 3.000 reports in 4 categories over 120
days around 60 places in a 3 km square (standard deviation 30 m, coordinates rounded to 0,5 m),
plus exact duplicates of earlier reports (same point and day, and same point a few days later)
and reports exactly 50 m (a 30-40-50 triangle) and exactly 7 days from an earlier one, so the
inclusive limits and the ties are exercised.
"""

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
OUT = ROOT / "crates/buurtbeeld_stats/tests/fixtures/report_clusters.json"

RULES = [(50.0, 7), (100.0, 14), (25.0, 3), (50.0, 0), (0.0, 0), (0.0, 30)]


def cluster(reports, distance, days):
    order = sorted(range(len(reports)), key=lambda i: (reports[i][3], i))
    firsts = []  # (category, x, y, day) of each problem's first report
    problem_of = [None] * len(reports)
    first_report = []
    for i in order:
        category, x, y, day = reports[i]
        best = None
        for problem, (fc, fx, fy, fday) in enumerate(firsts):
            if fc != category or not (0 <= day - fday <= days):
                continue
            dx, dy = x - fx, y - fy
            squared = dx * dx + dy * dy
            if squared <= distance * distance and (best is None or squared < best[0]):
                best = (squared, problem)  # problems are scanned in order: ties keep the first
        if best is None:
            problem_of[i] = len(firsts)
            firsts.append(reports[i])
            first_report.append(i)
        else:
            problem_of[i] = best[1]
    return problem_of, first_report


def synthetic():
    rng = random.Random(20261128)
    places = [(rng.uniform(150000, 153000), rng.uniform(460000, 463000)) for _ in range(60)]
    reports = []
    while len(reports) < 3000:
        kind = rng.random()
        if reports and kind < 0.08:
            c, x, y, d = rng.choice(reports)
            reports.append([c, x, y, d + rng.choice([0, 0, 1, 3, 7, 8])])
        elif reports and kind < 0.14:
            c, x, y, d = rng.choice(reports)
            sx, sy = rng.choice([(30.0, 40.0), (-40.0, 30.0), (50.0, 0.0), (0.0, -50.0), (25.0, 0.0)])
            reports.append([c, x + sx, y + sy, d + rng.choice([0, 3, 7, 14])])
        else:
            px, py = rng.choice(places)
            x = round((px + rng.gauss(0, 30)) * 2) / 2
            y = round((py + rng.gauss(0, 30)) * 2) / 2
            reports.append([rng.randrange(4), x, y, rng.randrange(120)])
    return reports


def main():
    reports = synthetic()
    cases = []
    for distance, days in RULES:
        problem_of, first_report = cluster(reports, distance, days)
        cases.append({
            "distance": distance,
            "days": days,
            "problems": len(first_report),
            "problem_of": problem_of,
            "first_report": first_report,
        })
        print(f"distance {distance} m, {days} days: {len(first_report)} problems", file=sys.stderr)
    fixture = {
        "generated_by": "crates/buurtbeeld_stats/tests/oracle/report_clusters.py",
        "python": sys.version.split()[0],
        "reports": reports,
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"{len(reports)} reports, {len(cases)} rules -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
