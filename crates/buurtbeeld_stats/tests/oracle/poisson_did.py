"""Oracle for the Poisson difference-in-differences point estimate and its model-based
standard error: pyfixest's Poisson regression with area and month fixed effects,

    pyfixest.fepois("y ~ treated_post | area + month", frame, vcov="iid",
                    fixef_tol=1e-12, iwls_tol=1e-12)

on the committed effect panel (``../fixtures/effect.json``: 12 areas x 48 months, ``start``
36), for three designs: one treated area (A00), three (A00..A02, as the ``did`` case) and the
top hotspot (the area with the most incidents) treated. Every other area is a comparison area. The tolerances are tightened from the defaults
(1e-8), at which the standard error of the three-area case is off by 1e-5 relative; the
deprecation warnings about ``fixef_tol`` in pyfixest 0.60 are harmless.

Writes ``crates/buurtbeeld_stats/tests/fixtures/poisson_did.json``.

    pip install pyfixest==0.60.0   (pulls in numpy, pandas, formulaic, ...)
    python3 crates/buurtbeeld_stats/tests/oracle/poisson_did.py
"""

import json
import os

import pandas as pd
import pyfixest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")


def main():
    with open(os.path.join(FIXTURES, "effect.json"), encoding="utf-8") as f:
        panel = json.load(f)
    start = panel["start"]
    areas = panel["areas"]
    totals = [sum(series) for series in panel["y"]]
    hotspot = areas[max(range(len(areas)), key=lambda i: totals[i])]
    designs = {
        "one_treated": ["A00"],
        "three_treated": ["A00", "A01", "A02"],
        "hotspot_treated": [hotspot],
    }
    out = {"generated_by": "crates/buurtbeeld_stats/tests/oracle/poisson_did.py",
           "pyfixest": pyfixest.__version__, "start": start, "cases": {}}
    for name, treated in designs.items():
        rows = []
        for area, series in zip(areas, panel["y"]):
            for month, count in enumerate(series):
                rows.append({"area": area, "month": month, "y": count,
                             "treated_post": int(area in treated and month >= start)})
        fit = pyfixest.fepois("y ~ treated_post | area + month", pd.DataFrame(rows),
                              vcov="iid", fixef_tol=1e-12, iwls_tol=1e-12)
        out["cases"][name] = {
            "treated": treated,
            "coef": float(fit.coef()["treated_post"]),
            "se": float(fit.se()["treated_post"]),
        }
    path = os.path.join(FIXTURES, "poisson_did.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
