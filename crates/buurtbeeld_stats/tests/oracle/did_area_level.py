"""Oracle for the area-level (Donald-Lang) inference of difference-in-differences.

Each area of the committed effect panel (``../fixtures/effect.json``: ``y``,
``start``, and the treated/control sets of its ``did`` and ``did_subset``
cases) is collapsed to one number, its mean from ``start`` on minus its mean
before, and statsmodels fits

    smf.ols("difference ~ treated", frame).fit()

with ordinary (non-robust) standard errors: the pooled-variance two-sample
t-test with areas - 2 degrees of freedom.  The coefficient of ``treated``
equals the two-way fixed-effects DiD coefficient of effect.json (asserted).

Writes ``crates/buurtbeeld_stats/tests/fixtures/did_area_level.json``.

    pip install statsmodels==0.15.0 pandas==3.1.1
    python3 crates/buurtbeeld_stats/tests/oracle/did_area_level.py
"""

import json
import os

import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")


def main():
    with open(os.path.join(FIXTURES, "effect.json"), encoding="utf-8") as f:
        panel = json.load(f)
    start = panel["start"]
    out = {"generated_by": "crates/buurtbeeld_stats/tests/oracle/did_area_level.py",
           "statsmodels": statsmodels.__version__}
    for case in ("did", "did_subset"):
        treated = panel[case]["treated"]
        controls = panel[case]["controls"]
        rows = []
        for area, series in zip(panel["areas"], panel["y"]):
            if area in treated or area in controls:
                after = sum(series[start:]) / len(series[start:])
                before = sum(series[:start]) / len(series[:start])
                rows.append({"difference": after - before,
                             "treated": int(area in treated)})
        fit = smf.ols("difference ~ treated", pd.DataFrame(rows)).fit()
        coef = float(fit.params["treated"])
        assert abs(coef - panel[case]["coef"]) <= 1e-9, (coef, panel[case]["coef"])
        lower, upper = (float(v) for v in fit.conf_int(alpha=0.05).loc["treated"])
        out[case] = {
            "treated": treated,
            "controls": controls,
            "coef": coef,
            "se": float(fit.bse["treated"]),
            "df": float(fit.df_resid),
            "p": float(fit.pvalues["treated"]),
            "ci95": [lower, upper],
        }
    path = os.path.join(FIXTURES, "did_area_level.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
