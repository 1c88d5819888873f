"""Oracle for monthly forecasting: Holt-Winters (additive trend, additive
season, fixed parameters) and a Poisson GLM with trend + month dummies.

Writes ``crates/buurtbeeld_stats/tests/fixtures/forecast.json``.

Environment (exact versions used to generate the committed fixture, Python 3.11):

    pip install statsmodels==0.15.0 numpy==2.4.6 scipy==1.17.1 pandas==3.1.1

Run from the repository root:

    python3 crates/buurtbeeld_stats/tests/oracle/forecast.py

The output is deterministic (fixed seed, no wall-clock data).  The script
prints a summary per case to stderr.

Data (Bron: Politie (BVH), Gemeente Groningen (CC BY-SA 3.0 NL))
----------------------------------------------------------------
``data/groningen-fietsdiefstallen-politie-2013-2017/``: police (BVH)
bicycle-theft registrations, data owner Gemeente Groningen, CC BY-SA 3.0 NL.
``fietsdiefstallen_groningen_BVH_2013-2017.csv`` (``;``, cp1252, quoted
fields with embedded newlines) gives ``Kennisnamedatum/tijd`` (registration
moment, ``d-m-yyyy H:MM``); ``derived_incident_to_BU2017.csv`` (``,``, UTF-8)
gives ``BU_CODE_2017`` (empty when the point lies outside every buurt).  The
two are joined one-to-one on ``Incident Identificatie``.  The copy in the
repository ends with registrations on 2016-06-30.

Series (``y`` of each case, monthly, starting 2013-01)
------------------------------------------------------
* ``city``: incidents with a non-empty ``BU_CODE_2017``, counted by
  registration month, 2013-01 .. 2016-06 (42 months).
* ``BU00140000`` (Binnenstad-Noord) and ``BU00140105`` (sparse; months
  without incidents are 0): the same, restricted to that buurt.
* ``synthetic``: 48 months, ``t = 0..47``,
  ``y_t = round(20 + 0.3 t + 5 sin(2 pi t / 12) + e_t, 2)`` with
  ``e = numpy.random.default_rng(20261123).normal(0, 1.5, 48)`` (one call,
  one vector) and ``numpy.round``.  Stored as the rounded float64 values.

Holt-Winters (A)
----------------
``ExponentialSmoothing(y, trend='add', seasonal='add', seasonal_periods=12,
initialization_method='known', initial_level=l0, initial_trend=b0,
initial_seasonal=s0).fit(smoothing_level=alpha, smoothing_trend=beta,
smoothing_seasonal=gamma, optimized=False)`` for (alpha, beta, gamma) in
(0.3, 0.1, 0.2) and (0.6, 0.05, 0.4), with

    l0 = (y_0 + ... + y_11) / 12                  (left-to-right float sum)
    b0 = ((y_12 + ... + y_23) / 12 - l0) / 12
    s0[k] = y_k - l0,  k = 0..11

(plain left-to-right sums, not ``numpy.mean``, whose pairwise/unrolled
summation can differ in the last bit; l0, b0 and s0 are stored anyway).

The recursion, read from ``statsmodels/tsa/holtwinters/model.py``
(``ExponentialSmoothing._predict``, branch ``seasonal == "add"``) and
re-derived below by a plain loop, with 0-based observation index
t = 0..n-1, m = 12:

    yhat_t = l_{t-1} + b_{t-1} + s_{t-m}                     (fittedvalues[t])
    l_t    = alpha (y_t - s_{t-m}) + (1 - alpha) (l_{t-1} + b_{t-1})
    b_t    = beta  (l_t - l_{t-1}) + (1 - beta) b_{t-1}
    s_t    = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}

    start: l_{-1} = l0, b_{-1} = b0, s_{k-m} = s0[k] (k = 0..m-1), so
    initial_seasonal[0] is the season used for y_0 (January here) and
    initial_seasonal[k] the one used for y_k.

* The seasonal update smooths y_t - l_{t-1} - b_{t-1} (the one-step error
  plus the old season: s_t = s_{t-m} + gamma e_t with e_t = y_t - yhat_t),
  not y_t - l_t.
* ``smoothing_trend`` is the coefficient of (l_t - l_{t-1}) itself, i.e.
  Hyndman's component-form beta* (FPP2 7.3).  In error-correction / ETS form
  the recursion is l_t = l_{t-1} + b_{t-1} + alpha e_t,
  b_t = b_{t-1} + alpha*beta e_t, s_t = s_{t-m} + gamma e_t, so the ETS
  "beta" equals alpha * smoothing_trend.
* Results: ``level[t] = l_t``, ``trend[t] = b_t``, ``season[t] = s_t`` for
  t = 0..n-1 (the states after observation t; l0, b0, s0 are not included),
  ``sse = sum_t (y_t - yhat_t)^2``.
* ``forecast`` = ``res.forecast(12)``: for h = 1..11 it is
  l_{n-1} + h b_{n-1} + s_{n-1+h-m}.  For h = 12 statsmodels 0.15.0 uses
  s_{n-1-m} -- the season state *before* the last update -- instead of
  s_{n-1}: ``_predict`` overwrites ``s[nobs + m - 1]`` with ``s[nobs - 1]``
  when it extends the seasonal array.  This is statsmodels issue #9538,
  fixed by PR #10230 after 0.15.0.  The fixture keeps statsmodels' value in
  ``forecast`` and adds ``forecast_latest_season``, the textbook forecast
  l_{n-1} + h b_{n-1} + s_{n-1+h-m(1+floor((h-1)/m))}; the two differ only
  at h = 12.

The script asserts that the loop reproduces fittedvalues, level, trend,
season and sse to 1e-10 (absolute), forecast for h = 1..11 and, with the
stale season, h = 12.  It also asserts that three wrong readings do *not*
reproduce statsmodels (they miss by more than 1e-6): seasonal update on
y_t - l_t; trend coefficient beta/alpha; s0 shifted by one month.

Poisson GLM (B), integer series only
------------------------------------
``statsmodels.api.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-12,
maxiter=100)`` (IRLS, log link).  Columns of X (``exog_names``): ``const``
(1), ``t`` (t = 0..n-1 as float), ``m2`` .. ``m12`` (1.0 when the calendar
month of t, (t mod 12) + 1, equals 2..12; January is the baseline).
Stored: ``params``, ``bse`` (scale 1), ``deviance``, ``llf`` (full Poisson
log-likelihood, sum y log mu - mu - lgamma(y + 1)), ``pearson_chi2``,
``df_resid``, ``dispersion = pearson_chi2 / df_resid``, ``mu``
(= exp(X params)), ``mu_future`` for t = n..n+11 (with their month dummies),
``converged``, ``iterations``, and ``bse_final_mu`` =
sqrt(diag((X' diag(mu) X)^-1)) at the stored ``mu``.  statsmodels' ``bse``
comes from the last IRLS weighted least-squares solve, whose weights are the
*previous* iterate's mu, so it differs from ``bse_final_mu`` by up to about
1e-9 relative (9.0e-10 for BU00140105); the final params are a full Newton
step and are accurate to about 1e-12.  The script re-fits with a plain
Newton loop in numpy and asserts params agree to 1e-9 relative, bse to
``bse_final_mu`` to 1e-8, and recomputes llf, deviance and Pearson chi2.

All Python warnings are recorded (``python_warnings``) and echoed to stderr.
"""

import datetime
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.special
import statsmodels
import statsmodels.api as sm
from statsmodels.tsa.holtwinters import ExponentialSmoothing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(REPO, "crates", "buurtbeeld_stats", "tests", "fixtures",
                   "forecast.json")
SCRIPT_REL = "crates/buurtbeeld_stats/tests/oracle/forecast.py"
DATA_DIR = os.path.join(REPO, "data",
                        "groningen-fietsdiefstallen-politie-2013-2017")
INCIDENTS = os.path.join(DATA_DIR, "fietsdiefstallen_groningen_BVH_2013-2017.csv")
INCIDENT_TO_BU = os.path.join(DATA_DIR, "derived_incident_to_BU2017.csv")

ATTRIBUTION = "Bron: Politie (BVH), Gemeente Groningen (CC BY-SA 3.0 NL)"
ID = "Incident Identificatie"
KENNISNAME = "Kennisnamedatum/tijd"
START = (2013, 1)
END = (2016, 6)  # inclusive
BUURTEN = ("BU00140000", "BU00140105")
SEED = 20261123
N_SYNTH = 48
M = 12
H = 12
HW_PARAMS = ((0.3, 0.1, 0.2), (0.6, 0.05, 0.4))
HW_ATOL = 1e-10
GLM_RTOL = 1e-9
GLM_BSE_RTOL = 1e-8

HW_RECURSION = (
    "statsmodels 0.15.0 ExponentialSmoothing(trend='add', seasonal='add', "
    "seasonal_periods=m=12, initialization_method='known'), fit(optimized="
    "False); 0-based t = 0..n-1: "
    "yhat_t = l_{t-1} + b_{t-1} + s_{t-m} (fittedvalues[t]); "
    "l_t = alpha*(y_t - s_{t-m}) + (1-alpha)*(l_{t-1} + b_{t-1}); "
    "b_t = beta*(l_t - l_{t-1}) + (1-beta)*b_{t-1}; "
    "s_t = gamma*(y_t - l_{t-1} - b_{t-1}) + (1-gamma)*s_{t-m}; "
    "start l_{-1} = l0 (initial_level), b_{-1} = b0 (initial_trend), "
    "s_{k-m} = s0[k] = initial_seasonal[k] for k = 0..m-1, so s0[0] is the "
    "season of y_0 and s0[k] the season of y_k. "
    "beta = smoothing_trend is used as is on (l_t - l_{t-1}) (Hyndman's "
    "component-form beta*; the ETS error-correction beta is "
    "alpha*smoothing_trend: l_t = l_{t-1} + b_{t-1} + alpha*e_t, "
    "b_t = b_{t-1} + alpha*beta*e_t, s_t = s_{t-m} + gamma*e_t, "
    "e_t = y_t - yhat_t). The seasonal update smooths "
    "y_t - l_{t-1} - b_{t-1}, not y_t - l_t. "
    "level[t] = l_t, trend[t] = b_t, season[t] = s_t (t = 0..n-1), "
    "sse = sum (y_t - yhat_t)^2. "
    "forecast[h-1] (h = 1..12) = l_{n-1} + h*b_{n-1} + s_{n-1+h-m} for "
    "h <= 11; for h = 12 statsmodels 0.15.0 uses the stale s_{n-1-m} "
    "instead of s_{n-1} (statsmodels issue #9538, fixed after 0.15.0 by PR "
    "#10230); forecast_latest_season holds the textbook value with s_{n-1}."
)


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


def max_rel(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def plain_mean(v):
    s = 0.0
    for x in v:
        s += float(x)
    return s / len(v)


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------

def months():
    out = []
    y, m = START
    while (y, m) <= END:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def load_series():
    inc = pd.read_csv(INCIDENTS, sep=";", encoding="cp1252", dtype=str,
                      keep_default_na=False)
    loc = pd.read_csv(INCIDENT_TO_BU, sep=",", encoding="utf-8", dtype=str,
                      keep_default_na=False)
    assert inc[ID].is_unique and loc[ID].is_unique
    j = inc[[ID, KENNISNAME]].merge(loc[[ID, "BU_CODE_2017"]], on=ID,
                                    how="inner", validate="one_to_one")
    assert len(j) == len(inc) == len(loc), (len(j), len(inc), len(loc))
    stamps = [datetime.datetime.strptime(s, "%d-%m-%Y %H:%M")
              for s in j[KENNISNAME]]
    j["ym"] = [(d.year, d.month) for d in stamps]
    ms = months()
    assert len(ms) == 42
    # every registration lies inside 2013-01 .. 2016-06
    assert min(j["ym"]) == ms[0] and max(j["ym"]) == ms[-1], (
        min(j["ym"]), max(j["ym"]))
    placed = j["BU_CODE_2017"] != ""
    info = {"rows": int(len(j)), "placed": int(placed.sum()),
            "outside_every_buurt": int((~placed).sum())}

    def count(sel):
        vc = j.loc[sel, "ym"].value_counts()
        return [int(vc.get(ym, 0)) for ym in ms]

    series = {"city": count(placed)}
    for code in BUURTEN:
        assert (j["BU_CODE_2017"] == code).any(), code
        series[code] = count(j["BU_CODE_2017"] == code)
    assert sum(series["city"]) == info["placed"]
    return series, info


def synthetic():
    rng = np.random.default_rng(SEED)
    t = np.arange(N_SYNTH, dtype=np.float64)
    e = rng.normal(0.0, 1.5, N_SYNTH)
    y = np.round(20.0 + 0.3 * t + 5.0 * np.sin(2.0 * np.pi * t / 12.0) + e, 2)
    return [float(v) for v in y]


# --------------------------------------------------------------------------
# Holt-Winters
# --------------------------------------------------------------------------

def hw_loop(y, alpha, beta, gamma, l0, b0, s0, variant="statsmodels"):
    """Plain loop of the recursion in the docstring.  ``variant`` selects a
    deliberately wrong reading, used to show it does not match."""
    n = len(y)
    s0 = list(s0)
    if variant == "s0_shift":
        s0 = s0[-1:] + s0[:-1]
    bcoef = beta / alpha if variant == "beta_over_alpha" else beta
    lprev, bprev = l0, b0
    s = list(s0)  # s[k] is the season used for observation k (k < n + m)
    fitted, level, trend = [], [], []
    for t in range(n):
        fitted.append(lprev + bprev + s[t])
        lt = alpha * (y[t] - s[t]) + (1.0 - alpha) * (lprev + bprev)
        bt = bcoef * (lt - lprev) + (1.0 - bcoef) * bprev
        if variant == "season_on_y_minus_l_t":
            st = gamma * (y[t] - lt) + (1.0 - gamma) * s[t]
        else:
            st = gamma * (y[t] - lprev - bprev) + (1.0 - gamma) * s[t]
        s.append(st)
        level.append(lt)
        trend.append(bt)
        lprev, bprev = lt, bt
    season = s[M:M + n]
    sse = 0.0
    for t in range(n):
        sse += (y[t] - fitted[t]) ** 2
    latest = []
    stale = []
    for h in range(1, H + 1):
        # list index: s[j] is the season used for observation j, so the
        # latest state for future observation n - 1 + h is s[n - 1 + h - m k]
        idx = n - 1 + h - M * ((h - 1) // M)
        latest.append(lprev + h * bprev + s[idx])
        # statsmodels 0.15.0 replaces s[n + m - 1] (and every m-th after
        # it) by s[n - 1] before forecasting
        stale.append(lprev + h * bprev + (s[n - 1] if h % M == 0 else s[idx]))
    return {"fitted": fitted, "level": level, "trend": trend,
            "season": season, "sse": sse, "forecast_latest": latest,
            "forecast_stale": stale}


def holt_winters(y, alpha, beta, gamma):
    yy = np.asarray(y, dtype=np.float64)
    n = len(yy)
    l0 = plain_mean(yy[:M])
    b0 = (plain_mean(yy[M:2 * M]) - l0) / M
    s0 = [float(v) - l0 for v in yy[:M]]
    mod = ExponentialSmoothing(
        yy, trend="add", seasonal="add", seasonal_periods=M,
        initialization_method="known", initial_level=l0, initial_trend=b0,
        initial_seasonal=s0)
    res = mod.fit(smoothing_level=alpha, smoothing_trend=beta,
                  smoothing_seasonal=gamma, optimized=False)
    fitted = np.asarray(res.fittedvalues, dtype=float)
    fc = np.asarray(res.forecast(H), dtype=float)
    fc_pred = np.asarray(res.predict(start=n, end=n + H - 1), dtype=float)
    assert np.array_equal(fc, fc_pred)
    level = np.asarray(res.level, dtype=float)
    trend = np.asarray(res.trend, dtype=float)
    season = np.asarray(res.season, dtype=float)
    assert len(fitted) == len(level) == len(trend) == len(season) == n
    assert len(fc) == H
    sse = float(res.sse)
    # statsmodels echoes the initial values it used
    assert res.params["initial_level"] == l0
    assert res.params["initial_trend"] == b0
    assert np.array_equal(np.asarray(res.params["initial_seasons"]), s0)

    ref = hw_loop(list(map(float, yy)), alpha, beta, gamma, l0, b0, s0)
    gaps = {
        "fittedvalues": max_abs(ref["fitted"], fitted),
        "level": max_abs(ref["level"], level),
        "trend": max_abs(ref["trend"], trend),
        "season": max_abs(ref["season"], season),
        "sse": abs(ref["sse"] - sse),
        "forecast_h1_11": max_abs(ref["forecast_latest"][:M - 1], fc[:M - 1]),
        "forecast_stale": max_abs(ref["forecast_stale"], fc),
    }
    for k, g in gaps.items():
        assert g <= HW_ATOL, (k, g)
    # h = 12 really differs (the stale season), and by exactly s_{n-1} - s_{n-1-m}
    d12 = ref["forecast_latest"][M - 1] - fc[M - 1]
    assert abs(d12 - (season[n - 1] - season[n - 1 - M])) <= HW_ATOL, d12
    assert abs(d12) > 1e-9, d12
    # wrong readings must not match
    misses = {}
    for variant in ("season_on_y_minus_l_t", "beta_over_alpha", "s0_shift"):
        alt = hw_loop(list(map(float, yy)), alpha, beta, gamma, l0, b0, s0,
                      variant=variant)
        misses[variant] = max_abs(alt["fitted"], fitted)
        assert misses[variant] > 1e-6, (variant, misses[variant])

    entry = {
        "alpha": alpha, "beta": beta, "gamma": gamma,
        "l0": l0, "b0": b0, "s0": floats(s0),
        "fittedvalues": floats(fitted),
        "forecast": floats(fc),
        "forecast_latest_season": floats(ref["forecast_latest"]),
        "sse": sse,
        "level": floats(level),
        "trend": floats(trend),
        "season": floats(season),
    }
    return entry, gaps, misses, d12


# --------------------------------------------------------------------------
# Poisson GLM
# --------------------------------------------------------------------------

EXOG_NAMES = ["const", "t"] + [f"m{k}" for k in range(2, 13)]


def design(ts):
    rows = []
    for t in ts:
        month = (t % 12) + 1
        rows.append([1.0, float(t)] + [1.0 if month == k else 0.0
                                       for k in range(2, 13)])
    return np.asarray(rows, dtype=np.float64)


def newton_poisson(y, X):
    """Independent Poisson ML fit: Newton-Raphson from the log of the mean."""
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(np.mean(y))
    for _ in range(200):
        mu = np.exp(X @ beta)
        grad = X.T @ (y - mu)
        hess = X.T @ (X * mu[:, None])
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-15 * max(1.0, np.max(np.abs(beta))):
            break
    mu = np.exp(X @ beta)
    hess = X.T @ (X * mu[:, None])
    return beta, np.sqrt(np.diag(np.linalg.inv(hess))), mu


def poisson_glm(y):
    yy = np.asarray(y, dtype=np.float64)
    n = len(yy)
    X = design(range(n))
    Xf = design(range(n, n + H))
    res = sm.GLM(yy, X, family=sm.families.Poisson()).fit(tol=1e-12,
                                                          maxiter=100)
    params = np.asarray(res.params, dtype=float)
    bse = np.asarray(res.bse, dtype=float)
    mu = np.asarray(res.mu, dtype=float)
    mu_future = np.asarray(res.predict(Xf), dtype=float)
    assert max_rel(np.exp(X @ params), mu) <= 1e-13
    assert max_rel(np.exp(Xf @ params), mu_future) <= 1e-13
    deviance = float(res.deviance)
    llf = float(res.llf)
    pearson = float(res.pearson_chi2)
    df_resid = float(res.df_resid)
    assert df_resid == n - X.shape[1]
    # independent checks
    nb, nbse, nmu = newton_poisson(yy, X)
    gap_params = max_rel(params, nb)
    assert gap_params <= GLM_RTOL, gap_params
    # bse at the final mu; statsmodels' bse comes from the last IRLS WLS
    # solve, whose weights are the previous iterate's mu, so it is only
    # accurate to about 1e-9 relative
    bse_final = np.sqrt(np.diag(np.linalg.inv(X.T @ (X * mu[:, None]))))
    assert max_rel(bse_final, nbse) <= 1e-12
    gap_bse = max_rel(bse, bse_final)
    assert gap_bse <= GLM_BSE_RTOL, gap_bse
    ll = float(np.sum(yy * np.log(mu) - mu - scipy.special.gammaln(yy + 1)))
    assert abs(ll - llf) <= 1e-10 * abs(llf), (ll, llf)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(yy > 0, yy * np.log(yy / mu), 0.0)
    dev = float(2.0 * np.sum(term - (yy - mu)))
    assert abs(dev - deviance) <= 1e-9 * max(1.0, deviance), (dev, deviance)
    pc = float(np.sum((yy - mu) ** 2 / mu))
    assert abs(pc - pearson) <= 1e-10 * pearson, (pc, pearson)
    entry = {
        "exog_names": EXOG_NAMES,
        "params": floats(params),
        "bse": floats(bse),
        "bse_final_mu": floats(bse_final),
        "deviance": deviance,
        "llf": llf,
        "pearson_chi2": pearson,
        "df_resid": df_resid,
        "dispersion": pearson / df_resid,
        "mu": floats(mu),
        "t_future": list(range(n, n + H)),
        "mu_future": floats(mu_future),
        "converged": bool(res.converged),
        "iterations": int(res.fit_history["iteration"]),
    }
    assert entry["converged"], "GLM did not converge"
    return entry, gap_params, gap_bse


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main():
    caught = []
    warnings.simplefilter("always")
    orig_showwarning = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None):
        caught.append(f"{category.__name__}: {message}")
        orig_showwarning(message, category, filename, lineno, file, line)

    warnings.showwarning = record

    series, info = load_series()
    specs = [
        ("city", series["city"], True,
         "all registrations placed in a CBS buurt 2017 (non-empty "
         "BU_CODE_2017), by registration month"),
        ("BU00140000", series["BU00140000"], True,
         "registrations in BU00140000 Binnenstad-Noord, by registration "
         "month"),
        ("BU00140105", series["BU00140105"], True,
         "registrations in BU00140105 (sparse), by registration month; "
         "months without registrations are 0"),
        ("synthetic", synthetic(), False,
         "round(20 + 0.3 t + 5 sin(2 pi t / 12) + e_t, 2), "
         "e = default_rng(20261123).normal(0, 1.5, 48)"),
    ]
    cases = []
    log = []
    for name, y, integer, desc in specs:
        hw = []
        for alpha, beta, gamma in HW_PARAMS:
            entry, gaps, misses, d12 = holt_winters(y, alpha, beta, gamma)
            hw.append(entry)
            log.append(
                f"{name} HW({alpha},{beta},{gamma}): sse {entry['sse']:.6f}, "
                f"loop gap {max(gaps.values()):.2e}, h=12 stale-vs-latest "
                f"{d12:+.6f}, wrong readings miss by "
                + ", ".join(f"{k} {v:.3g}" for k, v in misses.items()))
        glm = None
        if integer:
            glm, gp, gb = poisson_glm(y)
            log.append(
                f"{name} GLM: {glm['iterations']} it, deviance "
                f"{glm['deviance']:.6f}, dispersion {glm['dispersion']:.4f}, "
                f"params vs Newton {gp:.1e}, bse vs bse_final_mu {gb:.1e}")
        case = {
            "name": name,
            "description": desc,
            "start": "2013-01",
            "n": len(y),
            "y": [int(v) for v in y] if integer else floats(y),
            "holt_winters": hw,
            "glm": glm,
        }
        cases.append(case)

    warnings.showwarning = orig_showwarning
    uniq_warnings = sorted(set(caught))

    doc = {
        "generated_by": SCRIPT_REL,
        "versions": {
            "python": ".".join(map(str, sys.version_info[:3])),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "pandas": pd.__version__,
        },
        "attribution": ATTRIBUTION,
        "hw_recursion": HW_RECURSION,
        "glm_design": (
            "statsmodels GLM(y, X, family=Poisson()) (log link), "
            "fit(tol=1e-12, maxiter=100) (IRLS); X columns exog_names: "
            "const = 1, t = 0..n-1 (float), m2..m12 = 1.0 if calendar month "
            "(t mod 12) + 1 equals 2..12 (January is the baseline); "
            "bse with scale 1; llf = sum(y log mu - mu - lgamma(y + 1)); "
            "dispersion = pearson_chi2 / df_resid; mu_future = "
            "exp(X(t) params) for t = n..n+11"),
        "incidents": info,
        "cases": cases,
        "python_warnings": uniq_warnings,
    }
    text = dumps(doc) + "\n"
    json.loads(text)  # round-trip sanity
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("\n".join(log), file=sys.stderr)
    print(f"incidents: {info}", file=sys.stderr)
    print(f"warnings ({len(uniq_warnings)} distinct):"
          + "".join("\n  " + w for w in uniq_warnings), file=sys.stderr)
    print(f"wrote {OUT}: {len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
