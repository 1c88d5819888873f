"""Oracle for the trend test, multiple-testing corrections and count tail
probabilities.

Writes ``crates/buurtbeeld_stats/tests/fixtures/trend_and_tests.json``.

Environment (exact versions used to generate the committed fixture, Python 3.11):

    pip install scipy==1.17.1 statsmodels==0.15.0 numpy==2.4.6 pymannkendall==1.4.3

Run from the repository root:

    python3 crates/buurtbeeld_stats/tests/oracle/trend_and_tests.py

The output is deterministic (fixed seeds, no wall-clock data).  The script
prints the number of cases per section to stderr.

Sections of the JSON
--------------------
Every case in ``mann_kendall`` and ``multipletests`` has a ``label``
(a short name used only to identify the case).

``mann_kendall``
    ``pymannkendall.original_test(x, alpha=0.05)``.  Stored fields:
    ``s`` (S, an integer), ``var_s`` (tie-corrected Var(S)), ``z`` (with the
    continuity correction: (S - 1)/sqrt(Var S) for S > 0, 0 for S == 0,
    (S + 1)/sqrt(Var S) for S < 0), ``p``, ``tau``, ``trend``.

    * ``var_s``: pymannkendall 1.4.3 uses exactly the textbook formula
      Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18, summed over the tie
      groups (groups of equal values, found with ``np.unique``).  The script
      recomputes it with exact integer arithmetic and asserts bit-equality.
      (Without ties it uses n(n-1)(2n+5)/18, the same formula.)
    * ``p`` is what pymannkendall returns: ``2 * (1 - norm.cdf(|z|))``.  The
      ``1 - cdf`` cancels: relative error ~2e-5 at p ~ 3e-12, ~0.6% at
      p ~ 1e-14, and p == 0.0 exactly once |z| > ~8.3.  ``p_sf`` (extra field) is
      ``2 * scipy.stats.norm.sf(|z|)``, the accurate value of the same
      quantity.  Compare an erfc-based implementation with ``p_sf``
      (relative) or with ``p`` (absolute, ~1e-15).
    * ``tau`` is pymannkendall's ``Tau = S / (n(n-1)/2)``, i.e. Kendall's
      tau-a: no tie adjustment in the denominator.
    * ``trend``: "increasing" / "decreasing" when |z| > norm.ppf(0.975),
      else "no trend".
    * Constant series: S = 0, Var(S) = 0, z = 0, p = 1.0, tau = 0,
      "no trend" (no division by zero, since z is set to 0 when S == 0).
    * n == 2: Var(S) = 1 and |S| <= 1, so z = 0 and p = 1 always.
    * n == 0 and n == 1 raise ``ZeroDivisionError`` in pymannkendall (tau
      divides by n(n-1)/2 = 0); they are not in the fixture.  The script
      asserts that they raise.
    * 0.0 and -0.0 compare equal, so they are one tie group.  One case holds
      both; ``json`` writes -0.0 as ``-0.0``.
    * ``x`` is always written as floats (pymannkendall converts to float).

``multipletests``
    ``statsmodels.stats.multitest.multipletests(p, alpha, method=...)`` with
    ``fdr_bh`` (key ``bh``) and ``bonferroni``.  Results are in input order.
    ``p_adjusted`` is capped at 1.  statsmodels 0.15.0 computes
    BH as ``p_(k) / (k / m)`` followed by a running minimum from the largest
    rank down, and rejects ranks 1..K with K the largest k with
    ``p_(k) <= (k / m) * alpha``; Bonferroni rejects ``p <= alpha / m`` and
    adjusts ``p * m``.  Because BH divides by ``k / m``, the adjusted value
    can differ in the last bit from ``p * m / k``: in the case
    ``boundary_equal_thresholds`` (``[0.01, 0.02, 0.03, 0.04, 0.05]``, every
    p-value exactly on its BH threshold) statsmodels gives
    0.049999999999999996 where ``p * m / k`` gives 0.05.  Compare
    ``p_adjusted`` with a small relative tolerance.  The script asserts that
    ``reject == (p_adjusted <= alpha)`` in every case and for both methods,
    so a Rust test can derive ``reject`` either way.

``poisson_exceedance``
    ``p_upper = P(X >= k) = scipy.stats.poisson.sf(k - 1, mu)``.

``negbin_exceedance``
    Method-of-moments negative binomial from mean ``m`` and variance ``v > m``:
    ``n = r = m**2 / (v - m)``, ``p = r / (r + m)`` (both computed in that
    order in float64 and stored), ``p_upper = scipy.stats.nbinom.sf(k - 1, r, p)``.

``normal_two_sided``
    ``p = 2 * scipy.stats.norm.sf(abs(z))``.

Tails: ``poisson_exceedance`` has ``mu = 0`` cases (P(X >= 0) = 1,
P(X >= 1) = 0) and one case (k = 2000, mu = 500, true value ~7e-555) that
underflows to 0.0.  Cross-check done when generating (not part of this
script): a 60-digit ``decimal`` summation of the pmf (pmf recurrence from
exp(-mu), resp. p**r) agreed with every non-zero ``p_upper`` to better than
2.3e-13 relative for the Poisson cases (worst: k = 900, mu = 500) and
1.7e-14 for the negative binomial cases.
"""

import json
import math
import os
import platform
import sys
from collections import Counter
from fractions import Fraction

import numpy as np
import pymannkendall
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "trend_and_tests.json"))
SCRIPT_REL = "crates/buurtbeeld_stats/tests/oracle/trend_and_tests.py"


def fl(v):
    """numpy/python number -> python float (asserting finiteness)."""
    f = float(v)
    assert math.isfinite(f), v
    return f


# ---------------------------------------------------------------- Mann-Kendall


def mk_inputs():
    cases = []  # (label, list of numbers)
    # n == 2 (edge: z is always 0).
    cases += [("n2_up", [1, 2]), ("n2_down", [2, 1]), ("n2_tie", [4, 4])]
    # Short series without ties.
    cases += [
        ("n3_up", [1, 2, 3]),
        ("n3_mixed_a", [3, 1, 2]),
        ("n3_mixed_b", [2, 3, 1]),
        ("n4_mixed", [1, 3, 2, 4]),
        ("n4_down", [4, 3, 2, 1]),
        ("n5_mixed_a", [5, 1, 4, 2, 3]),
        ("n5_mixed_b", [1, 2, 3, 5, 4]),
        ("n10_float", [3.1, 4.7, 2.2, 5.9, 6.3, 5.0, 7.8, 8.1, 6.6, 9.4]),
        ("n10_no_trend", [5.5, 2.25, 9.0, 1.5, 7.75, 3.0, 8.5, 4.0, 6.125, 0.5]),
    ]
    # Series with ties (integer data with repeats).
    cases += [
        ("ties_steps", [1, 2, 2, 3, 3, 3, 4]),
        ("ties_down", [5, 5, 4, 4, 4, 3, 2, 2, 1, 1]),
        ("ties_alternating", [0, 1, 0, 1, 0, 1, 0, 1]),
        ("ties_one_outlier", [2, 2, 2, 3, 2, 2, 2, 2, 2, 2]),
        ("ties_monthly_counts", [12, 15, 12, 18, 20, 15, 22, 25, 20, 25, 30, 28]),
        ("ties_counts_flat", [3, 4, 3, 5, 4, 3, 4, 5, 3, 4, 4, 3]),
    ]
    # Constant series.
    cases += [
        ("const_n3", [3.5, 3.5, 3.5]),
        ("const_n5", [7, 7, 7, 7, 7]),
        ("const_zeros_n12", [0] * 12),
    ]
    # Strictly monotone.
    cases += [
        ("inc_n10", list(range(1, 11))),
        ("inc_n25", [0.5 * i for i in range(25)]),
        ("inc_n60", list(range(60))),  # pymannkendall p underflows to 0.0
        ("dec_n12", [100 - 3 * i for i in range(12)]),
        ("dec_n30", [-(i ** 1.5) for i in range(30)]),
    ]
    rng = np.random.default_rng(20261123)
    # n = 60 Gaussian random walk.
    cases.append(("random_walk_n60", np.cumsum(rng.normal(size=60)).tolist()))
    # n = 60 integer random walk (many ties).
    cases.append(
        ("int_random_walk_n60", np.cumsum(rng.integers(-1, 2, size=60)).tolist())
    )
    # n = 100 Poisson counts with a weak upward trend (ties, large groups).
    lam = 3.0 + 0.02 * np.arange(100)
    cases.append(("poisson_counts_n100", rng.poisson(lam).tolist()))
    # Float z-scores.
    raw = rng.normal(size=12)
    cases.append(("zscores_n12", ((raw - raw.mean()) / raw.std(ddof=1)).tolist()))
    raw = rng.normal(size=24) + 0.08 * np.arange(24)
    cases.append(("zscores_trend_n24", ((raw - raw.mean()) / raw.std(ddof=1)).tolist()))
    # Series containing exact zeros.
    cases += [
        ("zeros_counts", [0, 0, 1, 0, 2, 0, 0, 3, 1, 0]),
        ("zeros_signed", [0.0, -0.0, 0.5, -1.25, 0.0, 2.0]),
        ("zeros_zscores", [-1.5, 0.0, 0.0, 0.75, 1.2, 0.0, 2.1]),
    ]
    return [(label, [float(v) for v in x]) for label, x in cases]


def mk_reference(x):
    """Independent S and textbook tie-corrected Var(S) (exact)."""
    n = len(x)
    s = 0
    for i in range(n - 1):
        for j in range(i + 1, n):
            s += (x[j] > x[i]) - (x[j] < x[i])
    counts = Counter(x)  # 0.0 and -0.0 hash/compare equal -> one group
    num = n * (n - 1) * (2 * n + 5) - sum(
        t * (t - 1) * (2 * t + 5) for t in counts.values()
    )
    return s, Fraction(num, 18), num


def mk_cases():
    out = []
    n_ties = 0
    for label, x in mk_inputs():
        r = pymannkendall.original_test(x, alpha=0.05)
        s_ref, var_ref, num = mk_reference(x)
        s = fl(r.s)
        assert s == int(s) and int(s) == s_ref, (label, r.s, s_ref)
        var_s = fl(r.var_s)
        # Textbook formula, evaluated as float(num) / 18, bit-identical.
        assert var_s == num / 18, (label, var_s, num / 18)
        # float(num) / 18 is the correctly rounded value of the exact Var(S).
        assert abs(Fraction(var_s) - var_ref) <= var_ref / 2**53, label
        if len(set(x)) < len(x):
            n_ties += 1
        z = fl(r.z)
        sd = math.sqrt(var_s)
        z_ref = 0.0 if s_ref == 0 else (s_ref - math.copysign(1, s_ref)) / sd
        assert z == z_ref, (label, z, z_ref)
        p = fl(r.p)
        p_sf = fl(2 * scipy.stats.norm.sf(abs(z)))
        assert abs(p - p_sf) <= 1e-15, (label, p, p_sf)
        tau = fl(r.Tau)
        n = len(x)
        assert tau == s_ref / (0.5 * n * (n - 1)), label
        assert r.trend in ("increasing", "decreasing", "no trend")
        assert bool(r.h) == (r.trend != "no trend")
        out.append(
            {
                "label": label,
                "x": x,
                "s": int(s),
                "var_s": var_s,
                "z": z,
                "p": p,
                "p_sf": p_sf,
                "tau": tau,
                "trend": str(r.trend),
            }
        )
    # n < 2: pymannkendall raises (tau = S / (n(n-1)/2) with n(n-1) = 0).
    for x in ([], [1.0]):
        try:
            pymannkendall.original_test(x, alpha=0.05)
        except ZeroDivisionError:
            pass
        else:
            raise AssertionError(f"expected ZeroDivisionError for n={len(x)}")
    return out, n_ties


# --------------------------------------------------------- multiple testing


def mt_inputs():
    rng = np.random.default_rng(20261124)
    mix = np.concatenate(
        [rng.beta(0.25, 12.0, size=30), rng.uniform(size=170)]
    )  # 30 "signals" with small p, 170 nulls
    rng.shuffle(mix)
    bh1995 = [
        0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
        0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0,
    ]
    return [
        ("sorted_five", [0.001, 0.008, 0.039, 0.041, 0.042], 0.05),
        ("boundary_equal_thresholds", [0.01, 0.02, 0.03, 0.04, 0.05], 0.05),
        ("ties", [0.01, 0.01, 0.03, 0.03, 0.2, 0.2, 0.2], 0.05),
        ("ties_all_equal", [0.02, 0.02, 0.02, 0.02], 0.05),
        ("ones", [1.0, 1.0, 0.5, 0.001], 0.05),
        ("all_ones", [1.0, 1.0, 1.0], 0.05),
        ("zeros", [0.0, 0.0, 0.5, 0.9], 0.05),
        ("single_small", [0.03], 0.05),
        ("single_large", [0.5], 0.05),
        ("single_one", [1.0], 0.05),
        ("unsorted", [0.2, 0.001, 0.04, 0.03, 0.8, 0.012, 0.5], 0.05),
        ("unsorted_alpha_0.1", [0.2, 0.001, 0.04, 0.03, 0.8, 0.012, 0.5], 0.1),
        ("bh1995_alpha_0.1", bh1995, 0.1),
        ("bh1995", bh1995, 0.05),
        ("mixture_200", mix.tolist(), 0.05),
    ]


def mt_cases():
    out = []
    boundary_disagree = []
    for label, p, alpha in mt_inputs():
        p = [fl(v) for v in p]
        entry = {"label": label, "p": p, "alpha": alpha}
        for key, method in (("bh", "fdr_bh"), ("bonferroni", "bonferroni")):
            reject, padj, _, _ = multipletests(np.array(p), alpha=alpha, method=method)
            reject = [bool(v) for v in reject]
            padj = [fl(v) for v in padj]
            assert all(0.0 <= v <= 1.0 for v in padj)
            # Does "reject" equal "p_adjusted <= alpha" here?
            alt = [v <= alpha for v in padj]
            if alt != reject:
                boundary_disagree.append((label, key))
            entry[key] = {"reject": reject, "p_adjusted": padj}
        out.append(entry)
    return out, boundary_disagree


# ------------------------------------------------------------ count tails


def poisson_cases():
    pairs = [
        (0, 0.2), (1, 0.2), (2, 0.2), (5, 0.2), (20, 0.2),
        (0, 0.0), (1, 0.0),
        (1, 1.0), (3, 1.0),
        (0, 5.0), (3, 5.0), (5, 5.0), (10, 5.0), (20, 5.0), (40, 5.0),
        (2, 3.7), (8, 3.7),
        (8, 12.5), (12, 12.5), (13, 12.5), (30, 12.5),
        (30, 47.25), (60, 47.25),
        (0, 500.0), (450, 500.0), (500, 500.0), (501, 500.0), (550, 500.0),
        (600, 500.0), (700, 500.0), (900, 500.0), (1200, 500.0),
        (2000, 500.0),  # underflows to 0.0
    ]
    out = []
    for k, mu in pairs:
        pu = fl(scipy.stats.poisson.sf(k - 1, mu))
        assert 0.0 <= pu <= 1.0
        out.append({"k": k, "mu": mu, "p_upper": pu})
    return out


def negbin_cases():
    triples = [
        # (k, mean, variance)
        (0, 2.0, 3.0), (1, 2.0, 3.0), (2, 2.0, 3.0), (5, 2.0, 3.0),
        (12, 2.0, 3.0), (60, 2.0, 3.0),  # r = 4 (integer)
        (0, 2.5, 4.0), (1, 2.5, 4.0), (4, 2.5, 4.0), (15, 2.5, 4.0),
        (0, 0.3, 0.5), (1, 0.3, 0.5), (3, 0.3, 0.5), (10, 0.3, 0.5),  # r < 1
        (5, 10.0, 25.0), (10, 10.0, 25.0), (20, 10.0, 25.0), (100, 10.0, 25.0),
        (30, 50.0, 400.0), (120, 50.0, 400.0), (400, 50.0, 400.0),
        (480, 500.0, 2500.0), (600, 500.0, 2500.0), (800, 500.0, 2500.0),
        (520, 500.0, 600.0), (560, 500.0, 600.0),
        (10, 5.0, 5.0001), (15, 5.0, 5.0001),  # near-Poisson, r = 250000
        (0, 7.3, 19.1), (7, 7.3, 19.1), (40, 7.3, 19.1),
    ]
    out = []
    for k, m, v in triples:
        assert v > m
        r = m * m / (v - m)
        prob = r / (r + m)
        pu = fl(scipy.stats.nbinom.sf(k - 1, r, prob))
        assert 0.0 <= pu <= 1.0
        if k == 0:
            assert pu == 1.0
        out.append(
            {"k": k, "mean": m, "variance": v, "n": r, "p": prob, "p_upper": pu}
        )
    return out


def normal_cases():
    zs = [0.0, 0.5, -1.0, 1.959963984540054, -2.5, 3.0, 5.0, -8.0, 8.5,
          10.0, -12.0, 12.0]
    return [{"z": z, "p": fl(2 * scipy.stats.norm.sf(abs(z)))} for z in zs]


def main():
    mk, mk_ties = mk_cases()
    mt, boundary = mt_cases()
    # reject must equal p_adjusted <= alpha (see the docstring).
    assert not boundary, boundary
    po = poisson_cases()
    nb = negbin_cases()
    no = normal_cases()

    doc = {
        "generated_by": SCRIPT_REL,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "pymannkendall": pymannkendall.__version__,
        },
        "mann_kendall": mk,
        "multipletests": mt,
        "poisson_exceedance": po,
        "negbin_exceedance": nb,
        "normal_two_sided": no,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # json writes floats with repr(), i.e. shortest round-trip (full precision).
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(
        f"wrote {OUT}: mann_kendall={len(mk)} ({mk_ties} with ties), "
        f"multipletests={len(mt)}, "
        f"poisson_exceedance={len(po)}, negbin_exceedance={len(nb)}, "
        f"normal_two_sided={len(no)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
