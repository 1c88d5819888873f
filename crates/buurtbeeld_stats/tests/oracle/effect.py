"""Oracle for effect estimation on a panel of monthly counts:
difference-in-differences (two-way fixed effects, cluster-robust standard
errors) with statsmodels, and a synthetic control with an in-space placebo
test with pysyncon.

Writes ``crates/buurtbeeld_stats/tests/fixtures/effect.json``.

Environment (exact versions used to generate the committed fixture, Python 3.11):

    pip install statsmodels==0.15.0 numpy==2.4.6 scipy==1.17.1 pandas==3.1.1 pysyncon==1.7.0

(pysyncon 1.7.0 pulls in matplotlib; the committed JSON was made with
matplotlib 3.11.2, patsy 1.0.3.  matplotlib is only imported, never drawn.)

Run from the repository root:

    python3 crates/buurtbeeld_stats/tests/oracle/effect.py

The output is deterministic (fixed seed, no wall-clock data).  The script
prints a summary to stderr.

Data (synthetic, generated here; written into the JSON)
-------------------------------------------------------
A balanced panel: 12 areas ``A00`` .. ``A11`` (index i = 0..11), 48 months
t = 0..47.

    mean[i, t] = (20 + 3 i) + (0.05 i) t + 4 sin(2 pi t / 12)
    y = numpy.random.default_rng(20261123).poisson(mean)     (one call, shape
                                                               (12, 48), area-major)

Effect: for the treated areas A00, A01, A02 and the post months t >= 36,
``y[i, t] = max(y[i, t] - round(0.25 mean[i, t]), 0)``, with mean in float64
as written above and ``numpy.round`` (half to even, same as Python's
``round``).  ``reduction`` in the JSON holds the 3 x 12 subtracted integers;
``floored`` counts cells that hit 0 (none).  ``y`` is stored as integers.

Rounding caveat: for A00 (no trend) the months t = 37, 41, 43, 47 have
sin = +-1/2, so 0.25 mean is exactly 5.5 or 4.5 in real arithmetic.  In
float64 they come out as 5.499999999999999 (-> 5), 5.5000000000000036
(-> 6), 4.500000000000001 (-> 5) and 4.5 exactly (-> 4, half to even; a
half-away-from-zero rounding such as Rust's ``f64::round`` gives 5).
``reduction_near_ties`` lists them.  So the integers depend on the last bits
of ``sin`` and on the rounding rule: a consumer must read ``y`` from the
JSON, not regenerate it.

DiD (two-way fixed effects), statsmodels OLS
--------------------------------------------
Long frame (area-major rows: area A00 months 0..47, then A01, ...), columns
``y`` (float), ``area`` (name), ``month`` (int), ``d = treated_area *
(month >= 36)``, ``g`` = cluster code (0..G-1 in area order).

    smf.ols("y ~ C(area) + C(month) + d", data).fit(
        cov_type="cluster", cov_kwds={"groups": g})

``use_correction`` is left at its default (True), ``use_t`` at its default
(None).  For ``cov_type="cluster"`` statsmodels 0.15.0 resolves ``use_t=None``
to **False**: ``t``/``p``/``ci95`` use the **standard normal**
(p = 2 norm.sf(|coef / se|), ci = coef -+ norm.ppf(0.975) se).  It sets
``df_resid_inference = G - 1`` but uses it only when ``use_t=True``.  The
fixture therefore has ``use_t: false``, ``distribution: "normal"``,
``df: null``, and, for convenience, ``p_t``/``ci95_t`` from the same fit with
``use_t=True``: Student t with ``df_t = G - 1``.

CRV1 covariance with the small-sample factor

    c = G / (G - 1) * (N - 1) / (N - K),     K = number of parameters

where K counts **every** column of the dummy design (intercept, G - 1 area
dummies, 47 month dummies, d): K = 60 for 12 areas, 54 for 6.  The script
re-derives the coefficient and SE from the within (two-way demeaned)
transform: dd = d - dbar_area - dbar_month + dbar, e = OLS residuals,
coef = sum(dd y) / sum(dd^2), se^2 = c sum_g (sum_{t in g} dd e)^2 /
(sum dd^2)^2, and asserts agreement with statsmodels to 1e-9 relative.  A
within-estimator implementation that plugs K = 1 into c gets a different SE.

``means_difference`` = (mean treated post - mean treated pre) - (mean control
post - mean control pre), means over all cells of the group; equal to
``coef`` to 1e-9 (asserted): balanced panel, common timing.

``did``: treated A00, A01, A02, controls A03..A11 (12 areas).
``did_subset``: treated A00, controls A05..A09 (6 areas, all 48 months).

Synthetic control, pysyncon
---------------------------
Treated A00; donors A03..A11 (A01 and A02 are also treated and excluded);
pre t = 0..35, post t = 36..47.  The weights solve the plain problem

    min_w  sum_{t=0}^{35} (y[A00, t] - sum_j w_j y[j, t])^2
    s.t.   w_j >= 0, sum_j w_j = 1.

pysyncon call.  ``Dataprep(foo, predictors=[], predictors_op="mean",
dependent="y", unit_variable="area", time_variable="month",
treatment_identifier="A00", controls_identifier=[A03..A11],
time_predictors_prior=range(36), time_optimize_ssr=range(36),
special_predictors=[("y", [t], "mean") for t in range(36)])`` makes each
pre-period outcome one predictor row (36 x 9).  Then
``Synth().fit(dataprep=dp, custom_V=v)`` with

    v[t] = X.std(axis=1)[t] ** 2      (pandas std, ddof=1, across treated +
                                       donors of that fit)

Why not ``custom_V = ones`` (identity V)?  ``Synth.fit`` (and
``PenalizedSynth.fit``) always divide every predictor row by its standard
deviation across the treated and donor units before solving, so identity V
minimises sum_t (gap_t / sd_t)^2, not the plain sum.  Passing the row
variances as the V diagonal undoes that scaling (exact up to rounding), so
the inner problem pysyncon solves is 0.5 w'Z0'Z0 w - z1'Z0 w, the plain one.
With ``custom_V`` pysyncon skips its outer V search and solves only this
inner QP, with ``scipy.optimize.minimize(method="SLSQP")`` from equal
weights, bounds [0, 1], equality sum = 1, ``options={"maxiter": 1000}`` and
SLSQP's default ``ftol`` 1e-6 (not settable through ``fit``).
``PenalizedSynth().fit(dataprep, lambda_=0.0, custom_V=v)`` runs the same
SLSQP on the same P, q; the script asserts identical weights.  For
comparison the fixture also holds ``weights_identity_V`` (the sd-scaled
problem), which is not the target.  The placebo test needs a V per fit (the
row sds change with the units), so the script uses a tiny subclass
``OutcomePathSynth(Synth)`` whose ``fit(dataprep)`` computes ``v`` from that
dataprep and calls ``Synth.fit(dataprep=..., custom_V=v)``; the main fit uses
it too.

Independent check (``weights_check``): exact active-set enumeration in
numpy.  For every non-empty donor subset S the equality-constrained LS on S
is solved from its KKT system; among solutions with all w_S >= 0 the one
with the smallest objective is the global minimiser (the problem is convex;
Z0 has full column rank, so it is strictly convex and the minimiser is
unique).  The script then asserts the KKT conditions (multipliers of the
inactive bounds >= 0).  ``weights_slsqp`` is a second check: scipy SLSQP
with analytic gradient on the residual form 0.5 ||Z0 w - z1||^2 / (z1'z1)
(O(1); on the expanded, unscaled quadratic SLSQP stops with "Positive
directional derivative for linesearch" about 3e-6 from the minimiser),
``ftol=1e-16``, ``maxiter=10000``.  The two checks agree to 5e-16 in the
main fit and to 5e-8 in the placebo fits (``max_abs_diff_check_vs_slsqp``;
the script asserts 1e-7): near the minimum the objective is too flat for
SLSQP's function-value stopping rule to pin the weights further.  The
exact solution is the reference.
pysyncon's SLSQP (default ``ftol``, unscaled objective) stops earlier: its
weights differ from the exact ones by 6.0e-6 in the main fit and by up to
1.1e-4 in the placebo fits (``max_abs_diff_weights_check``,
``placebo.max_abs_weight_diff``); weights that are exactly 0 come out as
small positives up to about 1e-6, and their sum misses 1 by up to 4.5e-6
(``weights_sum_minus_1``; SLSQP meets the equality only to its tolerance),
so pysyncon's pre-period objective can even be slightly *below* the
constrained minimum (placebo A09, A11).

Stored for the main fit: ``donors``, ``weights`` (pysyncon), ``weights_check``,
``weights_slsqp``, ``gap`` (48 values y[A00, t] - sum_j w_j y[j, t], from
pysyncon's weights and pysyncon's ``_gaps``), ``pre_rmspe`` = sqrt(mean of
gap^2 over t = 0..35), ``post_rmspe`` (t = 36..47), ``att`` = mean post gap
(equals pysyncon ``Synth.att(range(36, 48))["att"]``, asserted), and the same
from ``weights_check`` with suffix ``_check``.

Placebo test in space
---------------------
``pysyncon.utils.PlaceboTest().fit(dataprep, scm=OutcomePathSynth())``.
pysyncon's convention (``placebo_iter``): every donor j in turn is the
placebo-treated unit and its donors are the *other* original donors
(A03..A11 minus j, 8 units); the treated unit A00 is never a donor.  The
units are A00 and A03..A11 (10).  For each unit,

    ratio = post RMSPE / pre RMSPE = sqrt(mean_{t>=36} gap^2) / sqrt(mean_{t<36} gap^2)
    p_value = #{units u (A00 included) : ratio_u >= ratio_A00} / 10.

pysyncon's own ``PlaceboTest.pvalue(treatment_time=36)``
(``pysyncon_pvalue``) differs in two ways, both read from
``pysyncon/utils.py`` 1.7.0: (a) it slices with label-based ``.loc`` on both
sides, so month 36 is in both the "pre" sum (months 0..36, divided by
t0 = 37) and the "post" sum (months 36..47, divided by 48 - 37 = 11), and it
uses the MSPE ratio (the square; same ranking); (b) its numerator counts only
placebo units (the treated unit is dropped), so it is 1/10 lower than the
share above when the treated unit ties itself.  ``pysyncon_ratios_mspe`` are
those quirky ratios; the script reproduces them and the p-value from the
gaps and asserts equality.  ``p_value`` is the clean definition.

``ratios_check``/``p_value_check``/``weights_check`` redo every placebo fit
with the exact enumeration.  ``max_abs_weight_diff`` per unit says how far
pysyncon's SLSQP weights are from the exact ones.

All Python warnings are recorded (``python_warnings``) and echoed to stderr.
"""

import contextlib
import itertools
import json
import math
import os
import sys
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")  # pysyncon imports pyplot

import numpy as np
import pandas as pd
import scipy
import scipy.optimize
import scipy.stats
import statsmodels
import statsmodels.formula.api as smf
import pysyncon
from pysyncon import Dataprep, PenalizedSynth, Synth
from pysyncon.utils import PlaceboTest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(REPO, "crates", "buurtbeeld_stats", "tests", "fixtures",
                   "effect.json")
SCRIPT_REL = "crates/buurtbeeld_stats/tests/oracle/effect.py"

SEED = 20261123
N_AREAS = 12
N_MONTHS = 48
START = 36
AREAS = [f"A{i:02d}" for i in range(N_AREAS)]
TREATED = ["A00", "A01", "A02"]
EFFECT = 0.25
SYNTH_TREATED = "A00"
SYNTH_DONORS = [f"A{i:02d}" for i in range(3, N_AREAS)]
SUBSET_TREATED = ["A00"]
SUBSET_CONTROLS = [f"A{i:02d}" for i in range(5, 10)]
PRE = list(range(START))
POST = list(range(START, N_MONTHS))


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def floats(a):
    a = np.asarray(a, dtype=np.float64).ravel()
    assert np.all(np.isfinite(a)), a
    return [float(v) for v in a]


def dumps(obj, ind=0):
    """JSON with dicts indented and every list of scalars on one line.

    Floats go through json (repr: shortest round-trip, full precision)."""
    sp = " " * ind
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{sp} {json.dumps(k)}: {dumps(v, ind + 1)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + sp + "}"
    if isinstance(obj, list):
        if all(not isinstance(x, (list, dict)) for x in obj):
            return json.dumps(obj, allow_nan=False)
        items = [f"{sp} {dumps(x, ind + 1)}" for x in obj]
        return "[\n" + ",\n".join(items) + "\n" + sp + "]"
    assert obj is None or isinstance(obj, (bool, int, float, str)), type(obj)
    if isinstance(obj, float):
        assert math.isfinite(obj), obj
    return json.dumps(obj, allow_nan=False)


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float))))


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------

def make_panel():
    rng = np.random.default_rng(SEED)
    i = np.arange(N_AREAS, dtype=np.float64)[:, None]
    t = np.arange(N_MONTHS, dtype=np.float64)[None, :]
    level = 20.0 + 3.0 * i
    trend = 0.05 * i
    season = 4.0 * np.sin(2.0 * np.pi * t / 12.0)
    mean = level + trend * t + season
    assert mean.shape == (N_AREAS, N_MONTHS)
    y = rng.poisson(mean).astype(np.int64)
    reduction = np.zeros((len(TREATED), N_MONTHS - START), dtype=np.int64)
    floored = 0
    near_ties = []
    for r, name in enumerate(TREATED):
        a = AREAS.index(name)
        for c, tt in enumerate(POST):
            x = EFFECT * mean[a, tt]
            red = int(np.round(x))  # half to even, like Python's round()
            assert red == round(float(x))
            frac = x - math.floor(x)
            if abs(frac - 0.5) <= 1e-6:
                near_ties.append({"area": name, "t": tt,
                                  "quarter_mean": float(x), "reduction": red})
            reduction[r, c] = red
            new = y[a, tt] - red
            if new < 0:
                floored += 1
                new = 0
            y[a, tt] = new
    return y, mean, reduction, floored, near_ties


def long_frame(y, areas):
    rows = {"y": [], "area": [], "month": [], "d": [], "g": []}
    for g, name in enumerate(areas):
        a = AREAS.index(name)
        for t in range(N_MONTHS):
            rows["y"].append(float(y[a, t]))
            rows["area"].append(name)
            rows["month"].append(t)
            rows["d"].append(1.0 if (name in TREATED and t >= START) else 0.0)
            rows["g"].append(g)
    df = pd.DataFrame(rows)
    df["g"] = df["g"].astype(np.int64)
    return df


# --------------------------------------------------------------------------
# DiD
# --------------------------------------------------------------------------

def did(y, treated, controls):
    areas = [a for a in AREAS if a in treated or a in controls]
    df = long_frame(y, areas)
    groups = df["g"].to_numpy()
    formula = "y ~ C(area) + C(month) + d"
    res = smf.ols(formula, df).fit(cov_type="cluster",
                                   cov_kwds={"groups": groups})
    res_t = smf.ols(formula, df).fit(cov_type="cluster",
                                     cov_kwds={"groups": groups}, use_t=True)
    assert res.use_t is False and res_t.use_t is True
    coef = float(res.params["d"])
    se = float(res.bse["d"])
    tval = float(res.tvalues["d"])
    p = float(res.pvalues["d"])
    ci = [float(v) for v in res.conf_int(alpha=0.05).loc["d"]]
    nobs = int(res.nobs)
    k = int(len(res.params))
    G = len(areas)
    df_t = int(res_t.df_resid_inference)
    assert df_t == G - 1
    assert float(res_t.params["d"]) == coef and float(res_t.bse["d"]) == se
    p_t = float(res_t.pvalues["d"])
    ci_t = [float(v) for v in res_t.conf_int(alpha=0.05).loc["d"]]

    # normal-distribution inference, as statsmodels uses with use_t=False
    assert rel(tval, coef / se) <= 1e-14
    assert rel(p, 2.0 * scipy.stats.norm.sf(abs(tval))) <= 1e-12
    z = scipy.stats.norm.ppf(0.975)
    assert abs(ci[0] - (coef - z * se)) <= 1e-12 * abs(coef) + 1e-14
    assert abs(ci[1] - (coef + z * se)) <= 1e-12 * abs(coef) + 1e-14
    assert rel(p_t, 2.0 * scipy.stats.t.sf(abs(tval), df_t)) <= 1e-12

    # 2x2 means
    yy = df["y"].to_numpy()
    post = df["month"].to_numpy() >= START
    tr = df["area"].isin(treated).to_numpy()
    m = {}
    for key, sel in (("treated_pre", tr & ~post), ("treated_post", tr & post),
                     ("control_pre", ~tr & ~post),
                     ("control_post", ~tr & post)):
        m[key] = float(np.mean(yy[sel]))
    md = (m["treated_post"] - m["treated_pre"]) - (
        m["control_post"] - m["control_pre"])
    assert abs(md - coef) <= 1e-9, (md, coef)

    # within transform: coefficient and CRV1 SE with K = all dummy columns
    D = df["d"].to_numpy().reshape(G, N_MONTHS)
    Y = yy.reshape(G, N_MONTHS)
    dd = D - D.mean(axis=1, keepdims=True) - D.mean(axis=0, keepdims=True) \
        + D.mean()
    coef_w = float(np.sum(dd * Y) / np.sum(dd * dd))
    e = np.asarray(res.resid).reshape(G, N_MONTHS)
    score = np.sum(dd * e, axis=1)
    c = G / (G - 1.0) * (nobs - 1.0) / (nobs - k)
    se_w = math.sqrt(c * np.sum(score ** 2) / np.sum(dd * dd) ** 2)
    assert rel(coef_w, coef) <= 1e-9, (coef_w, coef)
    assert rel(se_w, se) <= 1e-9, (se_w, se)
    assert k == 1 + (G - 1) + (N_MONTHS - 1) + 1
    assert nobs == G * N_MONTHS

    entry = {
        "treated": list(treated),
        "controls": list(controls),
        "formula": formula,
        "coef": coef,
        "se": se,
        "t": tval,
        "p": p,
        "use_t": bool(res.use_t),
        "distribution": "normal",
        "df": None,
        "ci95": ci,
        "df_t": df_t,
        "p_t": p_t,
        "ci95_t": ci_t,
        "nobs": nobs,
        "k": k,
        "groups": G,
        "cluster_correction": c,
        "means": m,
        "means_difference": md,
    }
    gaps = {"means_vs_coef": abs(md - coef), "within_coef": rel(coef_w, coef),
            "within_se": rel(se_w, se)}
    return entry, gaps


# --------------------------------------------------------------------------
# synthetic control
# --------------------------------------------------------------------------

def synth_frame(y):
    return pd.DataFrame({
        "area": np.repeat(AREAS, N_MONTHS),
        "month": np.tile(np.arange(N_MONTHS), N_AREAS),
        "y": y.ravel().astype(np.float64),
    })


def make_dataprep(foo, treated, donors):
    return Dataprep(
        foo=foo, predictors=[], predictors_op="mean", dependent="y",
        unit_variable="area", time_variable="month",
        treatment_identifier=treated, controls_identifier=list(donors),
        time_predictors_prior=PRE, time_optimize_ssr=PRE,
        special_predictors=[("y", [t], "mean") for t in PRE])


def row_variances(dataprep):
    """custom_V that undoes pysyncon's division of every predictor row by its
    standard deviation (pandas, ddof=1) across treated + donors."""
    X0, X1 = dataprep.make_covariate_mats()
    X = pd.concat([X0, X1], axis=1)
    return (X.std(axis=1) ** 2).to_numpy()


class OutcomePathSynth(Synth):
    """pysyncon Synth whose V undoes the row scaling, so the inner QP is the
    plain pre-period least squares.  Needed by PlaceboTest, which calls
    ``scm.fit(dataprep=...)`` once per unit with different units."""

    def fit(self, dataprep=None, **kwargs):
        assert not kwargs, kwargs
        super().fit(dataprep=dataprep, custom_V=row_variances(dataprep))


def qp_exact(Z0, z1):
    """Exact minimiser of ||z1 - Z0 w||^2, w >= 0, sum w = 1, by enumerating
    active sets (KKT system per support)."""
    n = Z0.shape[1]
    assert np.linalg.matrix_rank(Z0) == n
    best = None
    for size in range(1, n + 1):
        for S in itertools.combinations(range(n), size):
            S = list(S)
            A = Z0[:, S]
            K = np.zeros((size + 1, size + 1))
            K[:size, :size] = 2.0 * A.T @ A
            K[:size, size] = 1.0
            K[size, :size] = 1.0
            rhs = np.concatenate([2.0 * A.T @ z1, [1.0]])
            sol = np.linalg.solve(K, rhs)
            wS = sol[:size]
            if np.any(wS < 0.0):
                continue
            w = np.zeros(n)
            w[S] = wS
            r = z1 - Z0 @ w
            obj = float(r @ r)
            if best is None or obj < best[0]:
                best = (obj, w, S, sol[size])
    assert best is not None
    obj, w, S, nu = best
    # KKT: grad + nu = lambda >= 0 with lambda_S = 0
    grad = 2.0 * Z0.T @ (Z0 @ w - z1)
    lam = grad + nu
    scale = float(np.max(np.abs(grad))) + 1.0
    assert np.all(np.abs(lam[S]) <= 1e-9 * scale), lam[S]
    off = [j for j in range(n) if j not in S]
    assert np.all(lam[off] >= -1e-9 * scale), lam[off]
    assert abs(np.sum(w) - 1.0) <= 1e-12
    return w


def qp_slsqp(Z0, z1):
    """Second check: scipy SLSQP on the residual form of the objective,
    divided by z1'z1 so that it is O(1)."""
    n = Z0.shape[1]
    s = float(z1 @ z1)
    res = scipy.optimize.minimize(
        fun=lambda w: 0.5 * float(np.sum((Z0 @ w - z1) ** 2)) / s,
        jac=lambda w: Z0.T @ (Z0 @ w - z1) / s,
        x0=np.full(n, 1.0 / n), method="SLSQP",
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1.0,
                      "jac": lambda w: np.ones(n)}],
        options={"ftol": 1e-16, "maxiter": 10000})
    assert res.success, res.message
    return np.asarray(res.x)


def check_no_worse(Z0, z1, w_exact, w_other):
    """The exact minimiser's objective is not above another solver's."""
    fe = float(np.sum((z1 - Z0 @ w_exact) ** 2))
    fo = float(np.sum((z1 - Z0 @ w_other) ** 2))
    assert fe <= fo * (1.0 + 1e-13), (fe, fo)


def rmspe(gap, months):
    g = np.asarray(gap, float)[months]
    return math.sqrt(float(np.mean(g * g)))


def outcome_mats(y, treated, donors):
    Z0 = np.stack([y[AREAS.index(d)] for d in donors], axis=1).astype(float)
    z1 = y[AREAS.index(treated)].astype(float)
    return Z0, z1


def synth_main(y, foo):
    dp = make_dataprep(foo, SYNTH_TREATED, SYNTH_DONORS)
    v = row_variances(dp)
    scm = Synth()
    scm.fit(dataprep=dp, custom_V=v)
    w = np.asarray(scm.W, dtype=float)
    # the subclass used by the placebo test gives the same fit
    scm2 = OutcomePathSynth()
    scm2.fit(dataprep=dp)
    assert np.array_equal(np.asarray(scm2.W), w)
    # PenalizedSynth with lambda 0 solves the same SLSQP problem
    pen = PenalizedSynth()
    pen.fit(dataprep=dp, lambda_=0.0, custom_V=v)
    pen_diff = max_abs(pen.W, w)
    assert pen_diff <= 1e-12, pen_diff
    # identity V: the sd-scaled problem (not the target), for comparison
    ident = Synth()
    ident.fit(dataprep=dp, custom_V=np.ones(len(PRE)))
    w_ident = np.asarray(ident.W, dtype=float)

    Z0df, Z1ser = dp.make_outcome_mats(time_period=range(N_MONTHS))
    gap = np.asarray(scm._gaps(Z0=Z0df, Z1=Z1ser), dtype=float)
    Z0, z1 = outcome_mats(y, SYNTH_TREATED, SYNTH_DONORS)
    assert np.array_equal(Z0df.to_numpy(), Z0) and np.array_equal(
        Z1ser.to_numpy(), z1)
    assert max_abs(gap, z1 - Z0 @ w) <= 1e-10
    att_pysyncon = scm.att(time_period=POST)["att"]
    att = float(np.mean(gap[POST]))
    assert abs(att - att_pysyncon) <= 1e-12, (att, att_pysyncon)
    mspe_pre = scm.mspe()
    assert rel(math.sqrt(mspe_pre), rmspe(gap, PRE)) <= 1e-12

    Zp, zp = Z0[PRE], z1[PRE]
    w_exact = qp_exact(Zp, zp)
    w_slsqp = qp_slsqp(Zp, zp)
    # not against pysyncon's weights: their sum misses 1 by up to ~5e-6,
    # so their objective can be below the constrained minimum
    check_no_worse(Zp, zp, w_exact, w_slsqp)
    gap_c = z1 - Z0 @ w_exact
    entry = {
        "treated": SYNTH_TREATED,
        "donors": list(SYNTH_DONORS),
        "pre_months": [PRE[0], PRE[-1]],
        "post_months": [POST[0], POST[-1]],
        "pysyncon_call": (
            "Synth().fit(dataprep=Dataprep(foo, predictors=[], "
            "predictors_op='mean', dependent='y', unit_variable='area', "
            "time_variable='month', treatment_identifier='A00', "
            "controls_identifier=[A03..A11], time_predictors_prior=range(36), "
            "time_optimize_ssr=range(36), special_predictors=[('y', [t], "
            "'mean') for t in range(36)]), custom_V=X.std(axis=1)**2) with "
            "X = the 36 x 10 predictor matrix (donors + treated); inner QP "
            "by scipy SLSQP, maxiter 1000, default ftol 1e-6"),
        "custom_V": floats(v),
        "weights": floats(w),
        "weights_check": floats(w_exact),
        "weights_slsqp": floats(w_slsqp),
        "weights_sum_minus_1": float(np.sum(w)) - 1.0,
        "max_abs_diff_weights_check": max_abs(w, w_exact),
        "max_abs_diff_weights_slsqp": max_abs(w, w_slsqp),
        "max_abs_diff_check_vs_slsqp": max_abs(w_exact, w_slsqp),
        "weights_identity_V": floats(w_ident),
        "gap": floats(gap),
        "pre_rmspe": rmspe(gap, PRE),
        "post_rmspe": rmspe(gap, POST),
        "att": att,
        "gap_check": floats(gap_c),
        "pre_rmspe_check": rmspe(gap_c, PRE),
        "post_rmspe_check": rmspe(gap_c, POST),
        "att_check": float(np.mean(gap_c[POST])),
    }
    return dp, entry, pen_diff


def placebo(y, dp):
    units = [SYNTH_TREATED] + list(SYNTH_DONORS)
    pt = PlaceboTest()
    with contextlib.redirect_stdout(sys.stderr):
        pt.fit(dataprep=dp, scm=OutcomePathSynth(), max_workers=2,
               verbose=False)
    gaps = {SYNTH_TREATED: np.asarray(pt.treated_gap, dtype=float)}
    for j in SYNTH_DONORS:
        gaps[j] = np.asarray(pt.gaps[j], dtype=float)
    assert list(pt.gaps.index) == list(range(N_MONTHS))

    weights, weights_c, ratios, ratios_c, wdiff, donor_sets = {}, {}, {}, {}, {}, {}
    refit_gap = 0.0
    slsqp_gap = 0.0
    wsum = {}
    for u in units:
        donors = list(SYNTH_DONORS) if u == SYNTH_TREATED else [
            c for c in SYNTH_DONORS if c != u]
        donor_sets[u] = donors
        # refit in this process to read the weights PlaceboTest does not keep
        scm = OutcomePathSynth()
        scm.fit(dataprep=make_dataprep(dp.foo, u, donors))
        w = np.asarray(scm.W, dtype=float)
        Z0, z1 = outcome_mats(y, u, donors)
        refit_gap = max(refit_gap, max_abs(z1 - Z0 @ w, gaps[u]))
        wc = qp_exact(Z0[PRE], z1[PRE])
        ws = qp_slsqp(Z0[PRE], z1[PRE])
        check_no_worse(Z0[PRE], z1[PRE], wc, ws)
        wsum[u] = float(np.sum(w)) - 1.0
        slsqp_gap = max(slsqp_gap, max_abs(ws, wc))
        gc = z1 - Z0 @ wc
        weights[u] = floats(w)
        weights_c[u] = floats(wc)
        wdiff[u] = max_abs(w, wc)
        ratios[u] = rmspe(gaps[u], POST) / rmspe(gaps[u], PRE)
        ratios_c[u] = rmspe(gc, POST) / rmspe(gc, PRE)
    assert refit_gap <= 1e-10, refit_gap
    assert slsqp_gap <= 1e-7, slsqp_gap

    def share(r):
        return sum(1 for u in units if r[u] >= r[SYNTH_TREATED]) / len(units)

    p = share(ratios)
    p_c = share(ratios_c)

    # pysyncon's own p-value and its quirky windows, reproduced
    p_pys = float(pt.pvalue(treatment_time=START))
    t0 = START + 1
    quirk = {}
    for u in units:
        g = gaps[u]
        quirk[u] = (float(np.sum(g[START:] ** 2)) / (N_MONTHS - t0)) / (
            float(np.sum(g[:START + 1] ** 2)) / t0)
    p_quirk = sum(1 for u in SYNTH_DONORS
                  if quirk[u] >= quirk[SYNTH_TREATED]) / len(units)
    assert p_quirk == p_pys, (p_quirk, p_pys)

    entry = {
        "units": units,
        "donors": donor_sets,
        "convention": (
            "pysyncon PlaceboTest.placebo_iter: each original donor j is "
            "placebo-treated with donors = original donors minus j; the "
            "treated unit is never a donor. ratio = sqrt(mean_{t>=36} gap^2) "
            "/ sqrt(mean_{t<36} gap^2); p_value = #{u : ratio_u >= "
            "ratio_A00} / 10, treated included"),
        "ratios": ratios,
        "p_value": p,
        "weights": weights,
        "gaps": {u: floats(gaps[u]) for u in units},
        "ratios_check": ratios_c,
        "p_value_check": p_c,
        "weights_check": weights_c,
        "max_abs_weight_diff": wdiff,
        "max_abs_diff_check_vs_slsqp": slsqp_gap,
        "weights_sum_minus_1": wsum,
        "pysyncon_pvalue": p_pys,
        "pysyncon_pvalue_call": "PlaceboTest.pvalue(treatment_time=36)",
        "pysyncon_ratios_mspe": quirk,
        "rank_of_treated": 1 + sum(1 for u in units
                                   if ratios[u] > ratios[SYNTH_TREATED]),
    }
    return entry, refit_gap


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

# Rate-ratio intervals of the before/after estimate: (c1, e1, c2, e2) = post count and
# months, pre count and months of the same calendar months.
RATE_RATIO_CASES = [(52, 10.0, 130, 20.0), (0, 6.0, 14, 12.0), (25, 12.0, 0, 24.0),
                    (1, 1.0, 1, 1.0), (310, 12.0, 402, 24.0), (7, 3.0, 40, 9.0)]


def rate_ratios():
    """Clopper-Pearson interval of c1 / (c1 + c2), turned into the ratio (c1/e1)/(c2/e2)."""
    out = []
    for c1, e1, c2, e2 in RATE_RATIO_CASES:
        ci = scipy.stats.binomtest(c1, c1 + c2).proportion_ci(0.95, method="exact")

        def ratio(share):
            return None if share >= 1.0 else share / (1.0 - share) * e2 / e1

        out.append({"c1": c1, "e1": e1, "c2": c2, "e2": e2,
                    "lower": ratio(ci.low), "upper": ratio(ci.high)})
    return out


def main():
    caught = []
    warnings.simplefilter("always")
    orig_showwarning = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None):
        caught.append(f"{category.__name__}: {message}")
        orig_showwarning(message, category, filename, lineno, file, line)

    warnings.showwarning = record

    y, mean, reduction, floored, near_ties = make_panel()
    did_full, g_full = did(y, TREATED, [a for a in AREAS if a not in TREATED])
    did_sub, g_sub = did(y, SUBSET_TREATED, SUBSET_CONTROLS)
    foo = synth_frame(y)
    dp, synth, pen_diff = synth_main(y, foo)
    plac, refit_gap = placebo(y, dp)

    warnings.showwarning = orig_showwarning
    uniq_warnings = sorted(set(caught))

    import matplotlib
    import patsy
    doc = {
        "generated_by": SCRIPT_REL,
        "versions": {
            "python": ".".join(map(str, sys.version_info[:3])),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "pandas": pd.__version__,
            "pysyncon": pysyncon.__version__,
            "matplotlib": matplotlib.__version__,
            "patsy": patsy.__version__,
        },
        "data": (
            "rng = numpy.random.default_rng(20261123); i = 0..11 (A00..A11), "
            "t = 0..47; mean[i,t] = 20 + 3 i + 0.05 i t + 4 sin(2 pi t / 12); "
            "y = rng.poisson(mean) (one call, shape (12, 48), area-major); "
            "for i in A00, A01, A02 and t >= 36: y[i,t] = max(y[i,t] - "
            "round(0.25 mean[i,t]), 0) (reduction)"),
        "seed": SEED,
        "areas": AREAS,
        "months": N_MONTHS,
        "y": [[int(v) for v in row] for row in y],
        "treated": TREATED,
        "start": START,
        "mean": [floats(row) for row in mean],
        "reduction": [[int(v) for v in row] for row in reduction],
        "floored": floored,
        "reduction_near_ties": near_ties,
        "did": did_full,
        "did_subset": did_sub,
        "synth": synth,
        "placebo": plac,
        "rate_ratio": rate_ratios(),
        "python_warnings": uniq_warnings,
    }
    text = dumps(doc) + "\n"
    json.loads(text)  # round-trip sanity
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)

    for name, e, g in (("did", did_full, g_full), ("did_subset", did_sub, g_sub)):
        print(f"{name}: coef {e['coef']:.6f} se {e['se']:.6f} t {e['t']:.3f} "
              f"p(normal) {e['p']:.3g} p(t, df {e['df_t']}) {e['p_t']:.3g} "
              f"nobs {e['nobs']} k {e['k']} G {e['groups']}; means diff gap "
              f"{g['means_vs_coef']:.1e}, within coef/se rel "
              f"{g['within_coef']:.1e}/{g['within_se']:.1e}", file=sys.stderr)
    print("synth weights (pysyncon): "
          + ", ".join(f"{d} {w:.6f}" for d, w in
                      zip(synth["donors"], synth["weights"])), file=sys.stderr)
    print(f"synth: pysyncon vs exact {synth['max_abs_diff_weights_check']:.2e},"
          f" pysyncon vs tight SLSQP {synth['max_abs_diff_weights_slsqp']:.2e}, "
          f"exact vs tight SLSQP {synth['max_abs_diff_check_vs_slsqp']:.2e}, "
          f"PenalizedSynth(lambda 0) vs Synth {pen_diff:.1e}", file=sys.stderr)
    print(f"synth: pre RMSPE {synth['pre_rmspe']:.6f} post RMSPE "
          f"{synth['post_rmspe']:.6f} att {synth['att']:.6f}; identity-V "
          f"weights "
          + ", ".join(f"{w:.4f}" for w in synth["weights_identity_V"]),
          file=sys.stderr)
    print("placebo ratios: "
          + ", ".join(f"{u} {plac['ratios'][u]:.4f}" for u in plac["units"]),
          file=sys.stderr)
    print(f"placebo: p {plac['p_value']} (check {plac['p_value_check']}), "
          f"pysyncon pvalue(36) {plac['pysyncon_pvalue']}, max weight diff "
          f"pysyncon vs exact {max(plac['max_abs_weight_diff'].values()):.2e}, "
          f"refit vs PlaceboTest gaps {refit_gap:.1e}", file=sys.stderr)
    print(f"warnings ({len(uniq_warnings)} distinct):"
          + "".join("\n  " + w for w in uniq_warnings), file=sys.stderr)
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
