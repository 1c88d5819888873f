"""Oracle for the conditional exact test comparing two Poisson counts.

Writes ``crates/buurtbeeld_stats/tests/fixtures/poisson_exact.json``.

Environment (exact versions used to generate the committed fixture, Python 3.11):

    pip install scipy==1.17.1 statsmodels==0.15.0 numpy==2.4.6

Run from the repository root:

    python3 crates/buurtbeeld_stats/tests/oracle/poisson_exact.py

The test
--------
Counts ``c1`` (current period) and ``c2`` (previous period) with exposures
``e1`` and ``e2`` (e.g. population x months; equal when not given, stored as
1 and 1).  Conditional on ``n = c1 + c2``, under H0 (equal rates)
``c1 ~ Binomial(n, p0)`` with ``p0 = e1 / (e1 + e2)``.

``p_value`` (canonical) is
``scipy.stats.binomtest(c1, n, p0, alternative='two-sided').pvalue``, i.e.
scipy's "minlike" two-sided p-value: the sum of P(X = k) over all k whose
probability is <= P(X = c1) * (1 + 1e-7) (scipy's relative tolerance for
ties), capped at 1.0; it is exactly 1.0 when ``c1 == p0 * n``.

``statsmodels_p_value`` is
``statsmodels.stats.rates.test_poisson_2indep(c1, e1, c2, e2,
method='exact-cond', alternative='two-sided').pvalue``.  In statsmodels
0.15.0 this calls ``statsmodels.stats.proportion.binom_test``, which for the
two-sided case calls ``scipy.stats.binomtest`` itself, so the definition is
the same.  The only difference is how p0 is computed: statsmodels uses
``r_d / (1 + r_d)`` with ``r_d = 1 / (e2 / e1)``, which can differ from
``e1 / (e1 + e2)`` in the last bit.  For large n the p-value is sensitive to
p0 (d log pmf / d p0 ~ (c1 - n p0) / (p0 (1 - p0))), so that last bit can move
the p-value by more than 1e-12 relative.  The script therefore asserts:

* agreement to 1e-12 relative when both p0 values are bit-identical, and
* otherwise, that statsmodels equals scipy.binomtest evaluated at
  statsmodels' own p0 (to 1e-12 relative), i.e. any gap is only the p0
  rounding, and that the gap is small (1e-9 relative).

Convention for n == 0 (c1 == c2 == 0): there is no information, so
``p_value`` is 1.0.  Both scipy and statsmodels raise ValueError for n == 0
("n must be an integer not less than 1"), so ``statsmodels_p_value`` is
null for that case.

Tails: for some random pairs far from H0 the exact p-value is below the
smallest double (e.g. ~1e-1130) and scipy returns 0.0; one is subnormal
(~2.4e-311, few significant bits).  Compare those with an absolute floor, not
relative.  Cross-check done when generating (not part of this script): a
30-60 digit mpmath evaluation of the same minlike sum agreed with every
finite ``p_value`` to better than 1e-12 relative (worst 7.8e-13, at
802043 vs 826000).

``rate_ratio`` is ``(c1 / e1) / (c2 / e2)``, null when ``c2 == 0``
(undefined / infinite).

Random batch: ``numpy.random.default_rng(20261122)``, 30 pairs with counts in
0..5000 and exposure ratios e1/e2 in [0.8, 1.25).  The first 15 pairs draw
c1 and c2 independently and uniformly from 0..5000 (mostly far from H0, tiny
or underflowed p-values); the last 15 draw c2 uniformly and c1 from a
Poisson around c2 * e1/e2 (clipped to 0..5000), so that most p-values are
moderate.  Exposures are integers: e2 = population * 12 with population in
10_000..200_000, e1 = round(e2 * ratio).
"""

import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.rates import test_poisson_2indep

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "poisson_exact.json"))
SCRIPT_REL = "crates/buurtbeeld_stats/tests/oracle/poisson_exact.py"

RTOL = 1e-12
RTOL_P0_ROUNDING = 1e-9


def rel_close(a, b, rtol):
    if a == b:
        return True
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def scipy_p(c1, n, p0):
    if n == 0:
        return 1.0  # no information: convention
    return float(scipy.stats.binomtest(c1, n, p0, alternative="two-sided").pvalue)


def statsmodels_p(c1, e1, c2, e2):
    if c1 + c2 == 0:
        return None  # statsmodels (via scipy.binomtest) raises for n == 0
    # statsmodels also computes rate1 / rate2, which divides by zero when
    # c2 == 0; that warning does not affect the p-value.
    with np.errstate(divide="ignore", invalid="ignore"):
        res = test_poisson_2indep(
            c1, e1, c2, e2, method="exact-cond", alternative="two-sided"
        )
    return float(res.pvalue)


def statsmodels_p0(e1, e2):
    # Mirrors statsmodels 0.15.0 rates.test_poisson_2indep, compare='ratio',
    # value=1: d = n2 / n1; r_d = value / d; bp = r_d / (1 + r_d).
    d = np.asarray(e2) / np.asarray(e1)
    r_d = 1 / d
    return float(r_d / (1 + r_d))


def hand_cases():
    cases = []
    # Small counts, equal exposures.
    for c1, c2 in [
        (0, 0), (0, 1), (1, 0), (0, 5), (5, 0), (1, 1), (3, 3), (2, 7),
        (5, 12), (12, 5), (17, 4), (4, 17), (0, 20), (9, 1),
    ]:
        cases.append((c1, c2, 1, 1))
    # Medium counts, equal exposures.
    for c1, c2 in [
        (129, 122), (122, 129), (144, 102), (3691, 3380), (3576, 3380),
        (500, 500), (1000, 1100),
    ]:
        cases.append((c1, c2, 1, 1))
    # Large counts, equal exposures.
    for c1, c2 in [(802043, 826000), (100000, 100500), (100500, 100000)]:
        cases.append((c1, c2, 1, 1))
    # Unequal exposures.
    cases += [
        (40, 30, 50560 * 12, 50100 * 12),
        (30, 40, 50560 * 12, 50100 * 12),
        (10, 20, 1, 3),
        (20, 10, 1, 3),
        (3, 9, 1, 3),  # c1 == p0 * n exactly -> p = 1
        (0, 7, 2, 5),
        (7, 0, 2, 5),
        (1234, 2468, 1, 2),  # c1 == p0 * n up to rounding of p0 = 1/3
        (250, 260, 1000, 1050),
    ]
    return cases


def random_cases():
    rng = np.random.default_rng(20261122)
    cases = []
    for i in range(30):
        pop = int(rng.integers(10_000, 200_001))
        e2 = pop * 12
        ratio = float(rng.uniform(0.8, 1.25))
        e1 = int(round(e2 * ratio))
        c2 = int(rng.integers(0, 5001))
        if i < 15:
            c1 = int(rng.integers(0, 5001))
        else:
            lam = c2 * e1 / e2
            c1 = int(min(5000, max(0, rng.poisson(lam))))
        cases.append((c1, c2, e1, e2))
    return cases


def main():
    out_cases = []
    n_p0_rounding = 0
    for c1, c2, e1, e2 in hand_cases() + random_cases():
        n = c1 + c2
        p0 = e1 / (e1 + e2)
        p = scipy_p(c1, n, p0)
        sm = statsmodels_p(c1, e1, c2, e2)
        if sm is not None:
            p0_sm = statsmodels_p0(e1, e2)
            if p0_sm == p0:
                assert rel_close(p, sm, RTOL), (c1, c2, e1, e2, p, sm)
            else:
                n_p0_rounding += 1
                # Same definition, only p0 rounding differs.
                assert rel_close(scipy_p(c1, n, p0_sm), sm, RTOL), (c1, c2, e1, e2)
                assert rel_close(p, sm, RTOL_P0_ROUNDING), (c1, c2, e1, e2, p, sm)
        assert 0.0 <= p <= 1.0
        rate_ratio = None if c2 == 0 else (c1 / e1) / (c2 / e2)
        out_cases.append(
            {
                "c1": c1,
                "c2": c2,
                "e1": e1,
                "e2": e2,
                "p_value": p,
                "statsmodels_p_value": sm,
                "rate_ratio": rate_ratio,
            }
        )
    for c in out_cases:
        for k in ("p_value", "statsmodels_p_value", "rate_ratio"):
            v = c[k]
            assert v is None or math.isfinite(v), c

    doc = {
        "generated_by": SCRIPT_REL,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "cases": out_cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # json writes floats with repr(), i.e. shortest round-trip (full precision).
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(
        f"wrote {len(out_cases)} cases to {OUT} "
        f"({n_p0_rounding} with p0 differing in the last bit between "
        f"scipy-style and statsmodels-style computation)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
