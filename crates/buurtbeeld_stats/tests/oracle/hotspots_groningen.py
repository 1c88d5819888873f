"""Oracle for local hot-spot statistics on Groningen bicycle thefts per CBS buurt.

Writes ``crates/buurtbeeld_stats/tests/fixtures/hotspots_groningen.json``.

Environment (exact versions used to generate the committed fixture, Python 3.11):

    pip install esda==2.9.0 libpysal==4.14.1 numba geopandas==1.2.0 numpy==2.4.6 scipy==1.17.1 statsmodels==0.15.0 pyproj

(the committed fixture was made with numba 0.68.1, shapely 2.2.0, pyproj 3.7.2 /
PROJ 9.5.1 without transformation grids, pyogrio 0.13.0 / GDAL 3.12.4,
pandas 3.1.1; the ``versions`` object in the JSON lists them.)

Run from the repository root:

    python3 crates/buurtbeeld_stats/tests/oracle/hotspots_groningen.py

Data (Bron: CBS/Politie)
------------------------
* ``data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson``: the 108 CBS
  buurten (indeling 2017) of the old municipality Groningen (GM0014), WGS84
  lon/lat, with ``BU_CODE`` and ``AANT_INW`` (inhabitants on 1 Jan 2017, some
  0).  CBS Wijk- en buurtkaart 2017, CC BY 3.0 NL.
* ``data/groningen-fietsdiefstallen-politie-2013-2017/``: police (BVH)
  bicycle-theft registrations, data owner Gemeente Groningen, CC BY-SA 3.0 NL.
  ``fietsdiefstallen_groningen_BVH_2013-2017.csv`` (``;``, cp1252, quoted
  fields with embedded newlines) gives ``Kennisnamedatum/tijd`` (registration
  moment, ``d-m-yyyy H:MM``); ``derived_incident_to_BU2017.csv`` (``,``,
  UTF-8) gives ``BU_CODE_2017`` (empty when the point lies outside every
  buurt).  The two files are joined one-to-one on ``Incident Identificatie``.

What it computes
----------------
Areas are the 108 buurten sorted by ``BU_CODE`` ascending; that order defines
the indices 0..107 used everywhere in the fixture.

* ``y``: incidents *registered* (Kennisname) in calendar year 2015 per buurt;
  ``y_by_year`` the same for 2013, 2014, 2015.  Incidents outside every buurt
  are dropped (counted under ``incidents``).
* ``population``: ``AANT_INW`` as published.
* Weights (neighbour-index lists, ascending, self excluded):
  - ``queen`` / ``rook``: ``libpysal.weights.Queen/Rook.from_dataframe(gdf,
    use_index=False)`` on the WGS84 geometries exactly as read (no
    reprojection).  libpysal's contiguity is vertex-exact: queen = the two
    boundaries share at least one vertex (bit-identical coordinates); rook =
    they share at least one segment between consecutive vertices (either
    direction).  The script re-derives both from the raw JSON coordinates
    (parsed by Python's ``json``) and asserts they agree.
  - ``centroids_rd``: shapely polygon centroids after ``gdf.to_crs(28992)``.
    Without PROJ grids pyproj uses the Helmert pipeline recorded in
    ``proj_pipeline`` (EPSG:4833 inverse + RD New); the script asserts that.
  - ``knn5``: ``libpysal.weights.KNN.from_array(centroids_rd, k=5)``;
    ``knn5_ties`` are the areas whose 5th and 6th nearest distances are equal
    (relative 1e-9); ``knn5_min_gap_m`` is the smallest 6th-minus-5th gap and
    ``knn5_near_ties`` lists [i, d5, d6] where that gap is below 5 m.
  - ``distance_band_1500``: ``libpysal.weights.DistanceBand.from_array(
    centroids_rd, threshold=1500, binary=True)`` (pairs with distance <= 1500
    m); ``distance_band_1500_min_margin_m`` is min |d - 1500| over all pairs
    and ``distance_band_1500_near_pairs`` lists [i, j, d] with |d - 1500| < 5.
  - ``islands``: areas without neighbours, per weights type.
* On ``y`` with queen weights:
  - ``gi_star``: ``esda.G_Local(y, w, transform='B', star=True,
    permutations=999, seed=20261123)``: Gs, EGs, VGs, Zs, p_norm, p_sim.
  - ``gi_star_rook``: the same with rook weights: Gs, Zs, p_norm, p_sim.
  - ``local_moran``: ``esda.Moran_Local(y, w, transformation='r',
    permutations=999, seed=20261123)``: Is, q, EI, VI, p_sim.
* Empirical Bayes: ``esda.smoothing.Empirical_Bayes(y, population)`` on the
  areas with population > 0 (``eb_rate``; null where population == 0),
  ``eb_subset_r_mean`` = sum y / sum pop over that subset, ``eb_subset_r_var``
  (the method-of-moments prior variance, not clamped).
  A rate per inhabitant is undefined where nobody lives (six buurten here,
  among them UMCG with 60 thefts), so the rate analysis runs on the inhabited
  buurten only: ``rate_areas`` (indices into the 108), ``rate_queen`` (queen
  contiguity built anew on just those polygons, as buurtbeeld does),
  ``rate_per_1000`` = 1000 * eb_rate on them, and ``gi_star_rate`` /
  ``local_moran_rate`` on that subset.
* ``multiple_testing``: p2 = min(1, 2 * gi_star.p_norm) and
  ``statsmodels.stats.multitest.multipletests(p2, alpha=0.05,
  method='fdr_bh' | 'bonferroni')``.
* ``lattice``: ``libpysal.weights.lat2W(4, 3, rook=True/False)`` neighbour
  lists and the analytic G_Local (transform 'B', star=True) and Moran_Local
  (transformation 'r') outputs for a fixed 12-value y on the rook lattice.

Conventions
-----------
* ``p_norm`` is esda's ``scipy.stats.norm.sf(abs(Z))``: ONE-sided.
* ``p_sim`` is esda's default ("directed") pseudo p-value:
  ``(min(larger, P - larger) + 1) / (P + 1)`` with ``larger`` = number of the
  P = 999 conditional permutations whose statistic is >= the observed one.
  G_Local returns it as float32 (stored here widened to float64, e.g.
  0.0010000000474974513); Moran_Local recomputes it in float64.
  The permutations come from numba's RNG seeded with ``seed``; another
  implementation will not reproduce them draw for draw.
* y is handed to esda as float64 (same values): esda 2.9.0's numba kernel for
  the G_Local permutations does not compile for int64 y.
* Each statistic gets a fresh deep copy of the weights, because esda sets
  ``w.transform`` on the object it is given.
* All Python warnings are recorded (``python_warnings``) and echoed to stderr.

Formulas (re-derived in numpy and asserted to 1e-12 relative)
-------------------------------------------------------------
Gi* (binary, self weight 1; N_i = neighbours of i, c_i = |N_i| + 1, n = 108):
  Gs_i = (y_i + sum_{j in N_i} y_j) / sum(y);  EGs_i = c_i / n;
  VGs_i = c_i (n - c_i) / ((n - 1) n^2) * s^2 / ybar^2 with ybar = mean(y),
  s^2 = mean(y^2) - ybar^2 (population variance);
  Zs = (Gs - EGs) / sqrt(VGs);  p_norm = norm.sf(|Zs|).
Local Moran (row-standardised): z = (y - mean) / std (ddof 0),
  lag_i = mean of z over N_i (0 for an island), Is_i = (n - 1) z_i lag_i /
  sum(z^2); q = 1 if z>0 & lag>0, 2 if z<=0 & lag>0, 3 if z<=0 & lag<=0,
  4 if z>0 & lag<=0; EI_i = -w_i / (n - 1) with w_i = row sum (1, or 0 for an
  island); with w2_i = sum_j w_ij^2 = 1/|N_i|, m2 = sum(z^2)/n,
  b2 = (sum(z^4)/n) / m2^2:
  VI_i = w2_i (n - b2) / (n - 1) + (w_i^2 - w2_i)(2 b2 - n) / ((n - 1)(n - 2))
         - (w_i / (n - 1))^2.
Empirical Bayes (esda): r_mean = sum e / sum b; rate = e / b;
  r_var = sum(b (rate - r_mean)^2) / sum(b) - r_mean / mean(b);
  weight = r_var / (r_var + r_mean / b); eb = weight rate + (1 - weight) r_mean.

The output is deterministic.  The script prints the number of areas (and a
short summary) to stderr.
"""

import copy
import datetime
import json
import os
import sys
import time
import warnings

T0 = time.perf_counter()

import esda  # noqa: E402
import geopandas as gpd  # noqa: E402
import libpysal  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import pyproj  # noqa: E402
import scipy  # noqa: E402
import scipy.stats  # noqa: E402
import shapely  # noqa: E402
import statsmodels  # noqa: E402
from esda.smoothing import Empirical_Bayes  # noqa: E402
from libpysal.weights import KNN, DistanceBand, Queen, Rook, lat2W  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(REPO, "crates", "buurtbeeld_stats", "tests", "fixtures",
                   "hotspots_groningen.json")
SCRIPT_REL = "crates/buurtbeeld_stats/tests/oracle/hotspots_groningen.py"
GEOJSON = os.path.join(REPO, "data", "cbs-wijkbuurtkaart-2017-groningen",
                       "buurt2017.geojson")
DATA_DIR = os.path.join(REPO, "data",
                        "groningen-fietsdiefstallen-politie-2013-2017")
INCIDENTS = os.path.join(DATA_DIR, "fietsdiefstallen_groningen_BVH_2013-2017.csv")
INCIDENT_TO_BU = os.path.join(DATA_DIR, "derived_incident_to_BU2017.csv")

SEED = 20261123
PERMUTATIONS = 999
YEAR = 2015
YEARS = (2013, 2014, 2015)
K = 5
BAND = 1500.0
ATTRIBUTION = "Bron: CBS/Politie; Gemeente Groningen (CC BY-SA 3.0 NL)"
LATTICE_Y = [3, 0, 7, 1, 4, 4, 9, 2, 0, 5, 6, 1]
RTOL = 1e-12
NEAR_M = 5.0  # report knn / band decisions that a shift this small could flip

ID = "Incident Identificatie"
KENNISNAME = "Kennisnamedatum/tijd"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def close(a, b, rtol=RTOL, atol=1e-14):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


def neighbour_lists(w, n):
    """W -> list of sorted neighbour-index lists (ids must be 0..n-1)."""
    assert sorted(w.id_order) == list(range(n)), "ids must be positional"
    out = []
    for i in range(n):
        nb = sorted(int(j) for j in w.neighbors[i])
        assert i not in nb
        assert all(w.weights[i][k] == 1 for k in range(len(nb)))
        out.append(nb)
    # symmetric for contiguity / distance band; knn need not be
    return out


def floats(a):
    a = np.asarray(a, dtype=np.float64).ravel()
    assert np.all(np.isfinite(a)), a
    return [float(v) for v in a]


def ints(a):
    a = np.asarray(a).ravel()
    return [int(v) for v in a]


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
    return json.dumps(obj, allow_nan=False)


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------

def load_areas():
    gdf = gpd.read_file(GEOJSON)
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326, gdf.crs
    gdf = gdf.sort_values("BU_CODE", kind="stable").reset_index(drop=True)
    assert len(gdf) == 108 and gdf["BU_CODE"].is_unique
    assert (gdf.geom_type == "Polygon").all()
    assert (gdf["AANT_INW"] >= 0).all()
    return gdf


def raw_rings(codes):
    """Rings straight from the GeoJSON text (Python json, correctly rounded),
    in BU_CODE order, for the independent contiguity check."""
    with open(GEOJSON, encoding="utf-8") as f:
        fc = json.load(f)
    by_code = {}
    for feat in fc["features"]:
        geom = feat["geometry"]
        assert geom["type"] == "Polygon"
        by_code[feat["properties"]["BU_CODE"]] = [
            [tuple(pt) for pt in ring] for ring in geom["coordinates"]
        ]
    return [by_code[c] for c in codes]


def contiguity_from_rings(rings_per_area, rook):
    n = len(rings_per_area)
    owners = {}
    for i, rings in enumerate(rings_per_area):
        for ring in rings:
            if rook:
                keys = [tuple(sorted((ring[k], ring[k + 1])))
                        for k in range(len(ring) - 1)]
            else:
                keys = ring
            for key in keys:
                owners.setdefault(key, set()).add(i)
    nb = [set() for _ in range(n)]
    for s in owners.values():
        if len(s) > 1:
            for i in s:
                nb[i] |= s - {i}
    return [sorted(x) for x in nb]


def load_counts(codes):
    inc = pd.read_csv(INCIDENTS, sep=";", encoding="cp1252", dtype=str,
                      keep_default_na=False)
    loc = pd.read_csv(INCIDENT_TO_BU, sep=",", encoding="utf-8", dtype=str,
                      keep_default_na=False)
    assert inc[ID].is_unique and loc[ID].is_unique
    m = inc[[ID, KENNISNAME]].merge(loc[[ID, "BU_CODE_2017"]], on=ID,
                                    how="inner", validate="one_to_one")
    assert len(m) == len(inc) == len(loc), (len(m), len(inc), len(loc))
    years = [datetime.datetime.strptime(s, "%d-%m-%Y %H:%M").year
             for s in m[KENNISNAME]]
    m["year"] = years
    code_set = set(codes)
    placed = m["BU_CODE_2017"] != ""
    assert set(m.loc[placed, "BU_CODE_2017"]) <= code_set
    index = {c: i for i, c in enumerate(codes)}
    y_by_year = {}
    summary = {"rows": int(len(m)), "registered_by_year": {},
               "placed_by_year": {}, "outside_by_year": {}}
    for yr in sorted(set(years)):
        sel = m["year"] == yr
        summary["registered_by_year"][str(yr)] = int(sel.sum())
        summary["placed_by_year"][str(yr)] = int((sel & placed).sum())
        summary["outside_by_year"][str(yr)] = int((sel & ~placed).sum())
    for yr in YEARS:
        counts = np.zeros(len(codes), dtype=np.int64)
        for c in m.loc[(m["year"] == yr) & placed, "BU_CODE_2017"]:
            counts[index[c]] += 1
        y_by_year[str(yr)] = counts
    return y_by_year, summary


# --------------------------------------------------------------------------
# independent re-derivations (asserted, not stored)
# --------------------------------------------------------------------------

def check_gi_star(res, y, nb):
    y = np.asarray(y, dtype=float)
    n = len(y)
    card = np.array([len(x) + 1 for x in nb], dtype=float)  # self weight 1
    lag = np.array([y[i] + y[x].sum() for i, x in enumerate(nb)])
    gs = lag / y.sum()
    ybar = y.mean()
    s2 = (y * y).mean() - ybar * ybar
    eg = card / n
    vg = card * (n - card) / ((n - 1) * n * n) * s2 / (ybar * ybar)
    zs = (gs - eg) / np.sqrt(vg)
    assert close(res.Gs, gs) and close(res.EGs, eg) and close(res.VGs, vg)
    assert close(res.Zs, zs, rtol=1e-9, atol=1e-12)
    assert close(res.p_norm, scipy.stats.norm.sf(np.abs(res.Zs)))


def check_local_moran(res, y, nb):
    y = np.asarray(y, dtype=float)
    n = len(y)
    z = (y - y.mean()) / y.std()
    lag = np.array([z[x].mean() if x else 0.0 for x in nb])
    wi = np.array([1.0 if x else 0.0 for x in nb])
    wi2 = np.array([1.0 / len(x) if x else 0.0 for x in nb])
    Is = (n - 1) * z * lag / (z * z).sum()
    q = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    m2 = (z * z).sum() / n
    b2 = ((z ** 4).sum() / n) / m2 ** 2
    ei = -wi / (n - 1)
    vi = (wi2 * (n - b2) / (n - 1)
          + (wi ** 2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
          - (wi / (n - 1)) ** 2)
    assert close(res.Is, Is, atol=1e-13), np.max(np.abs(res.Is - Is))
    assert (np.asarray(res.q) == q).all()
    assert close(res.EI, ei) and close(res.VI, vi, atol=1e-13)


def check_p_sim(p_sim):
    k = np.rint(np.asarray(p_sim, dtype=float) * (PERMUTATIONS + 1))
    assert close(p_sim, k / (PERMUTATIONS + 1), rtol=1e-6)
    assert k.min() >= 1 and k.max() <= (PERMUTATIONS + 1) // 2


# --------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------

def gi_star(y, w, nb, full):
    # float64: esda 2.9.0's numba permutation kernel fails to compile for
    # int64 y (no integer BLAS dot); integer-valued sums stay exact.
    y = np.asarray(y, dtype=np.float64)
    res = esda.G_Local(y, copy.deepcopy(w), transform="B", star=True,
                       permutations=PERMUTATIONS, seed=SEED)
    check_gi_star(res, y, nb)
    check_p_sim(res.p_sim)
    out = {"Gs": floats(res.Gs)}
    if full:
        out["EGs"] = floats(res.EGs)
        out["VGs"] = floats(res.VGs)
    out["Zs"] = floats(res.Zs)
    out["p_norm"] = floats(res.p_norm)
    out["p_sim"] = floats(res.p_sim)
    return out, res


def local_moran(y, w, nb):
    y = np.asarray(y, dtype=np.float64)
    res = esda.Moran_Local(y, copy.deepcopy(w), transformation="r",
                           permutations=PERMUTATIONS, seed=SEED)
    check_local_moran(res, y, nb)
    check_p_sim(res.p_sim)
    return {"Is": floats(res.Is), "q": ints(res.q), "EI": floats(res.EI),
            "VI": floats(res.VI), "p_sim": floats(res.p_sim)}


def lattice_case():
    y = np.array(LATTICE_Y, dtype=np.float64)
    w_rook = lat2W(4, 3, rook=True)
    w_queen = lat2W(4, 3, rook=False)
    nb_rook = neighbour_lists(w_rook, 12)
    nb_queen = neighbour_lists(w_queen, 12)
    g = esda.G_Local(y, copy.deepcopy(w_rook), transform="B", star=True,
                     permutations=0)
    check_gi_star(g, y, nb_rook)
    lm = esda.Moran_Local(y, copy.deepcopy(w_rook), transformation="r",
                          permutations=0)
    check_local_moran(lm, y, nb_rook)
    return {
        "nrows": 4,
        "ncols": 3,
        "id_rule": "id = row * ncols + col",
        "rook": nb_rook,
        "queen": nb_queen,
        "y": [int(v) for v in y],
        "gi_star": {"Gs": floats(g.Gs), "EGs": floats(g.EGs),
                    "VGs": floats(g.VGs), "Zs": floats(g.Zs),
                    "p_norm": floats(g.p_norm)},
        "local_moran": {"Is": floats(lm.Is), "q": ints(lm.q),
                        "EI": floats(lm.EI), "VI": floats(lm.VI)},
    }


def main():
    caught = []
    warnings.simplefilter("always")
    orig_showwarning = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None):
        caught.append(f"{category.__name__}: {message}")
        orig_showwarning(message, category, filename, lineno, file, line)

    warnings.showwarning = record

    gdf = load_areas()
    n = len(gdf)
    print(f"areas: {n}", file=sys.stderr)
    codes = gdf["BU_CODE"].tolist()
    population = np.asarray(gdf["AANT_INW"], dtype=np.int64)
    y_by_year, inc_summary = load_counts(codes)
    y = y_by_year[str(YEAR)]
    assert int(y.sum()) == inc_summary["placed_by_year"][str(YEAR)]

    # --- contiguity on WGS84 as read -----------------------------------
    w_queen = Queen.from_dataframe(gdf, use_index=False)
    w_rook = Rook.from_dataframe(gdf, use_index=False)
    queen = neighbour_lists(w_queen, n)
    rook = neighbour_lists(w_rook, n)
    rings = raw_rings(codes)
    assert queen == contiguity_from_rings(rings, rook=False)
    assert rook == contiguity_from_rings(rings, rook=True)
    for nb in (queen, rook):
        for i, x in enumerate(nb):
            for j in x:
                assert i in nb[j]
    assert all(set(r) <= set(q) for r, q in zip(rook, queen))

    # --- centroids in RD New ------------------------------------------
    gdf_rd = gdf.to_crs(28992)
    cent = np.column_stack([gdf_rd.geometry.centroid.x,
                            gdf_rd.geometry.centroid.y])
    group = pyproj.transformer.TransformerGroup(4326, 28992, always_xy=True)
    tr = group.transformers[0]
    x0, y0 = shapely.get_coordinates(gdf.geometry.iloc[0])[0]
    xr, yr = shapely.get_coordinates(gdf_rd.geometry.iloc[0])[0]
    assert (xr, yr) == tr.transform(x0, y0), "unexpected PROJ pipeline"
    proj_pipeline = tr.definition

    # --- distance-based weights ----------------------------------------
    d = np.sqrt(((cent[:, None, :] - cent[None, :, :]) ** 2).sum(axis=2))
    w_knn = KNN.from_array(cent, k=K)
    knn = neighbour_lists(w_knn, n)
    knn_ties = []
    knn_near = []
    gaps = []
    for i in range(n):
        others = np.sort(np.delete(d[i], i))
        dk, dk1 = others[K - 1], others[K]
        gaps.append(dk1 - dk)
        if dk1 - dk < NEAR_M:
            knn_near.append([i, float(dk), float(dk1)])
        if abs(dk1 - dk) <= 1e-9 * dk:
            knn_ties.append(i)
        else:
            order = [j for j in np.argsort(d[i], kind="stable") if j != i][:K]
            assert sorted(order) == knn[i], (i, order, knn[i])
    w_band = DistanceBand.from_array(cent, threshold=BAND, binary=True)
    band = neighbour_lists(w_band, n)
    for i in range(n):
        assert band[i] == [j for j in range(n) if j != i and d[i, j] <= BAND]
    off = d[~np.eye(n, dtype=bool)]
    band_margin = float(np.min(np.abs(off - BAND)))
    band_near = [[i, j, float(d[i, j])] for i in range(n) for j in range(i + 1, n)
                 if abs(d[i, j] - BAND) < NEAR_M]

    islands = {
        "queen": sorted(int(i) for i in w_queen.islands),
        "rook": sorted(int(i) for i in w_rook.islands),
        "knn5": sorted(int(i) for i in w_knn.islands),
        "distance_band_1500": sorted(int(i) for i in w_band.islands),
    }
    for name, nb in (("queen", queen), ("rook", rook), ("knn5", knn),
                     ("distance_band_1500", band)):
        assert islands[name] == [i for i, x in enumerate(nb) if not x]

    # --- statistics on counts --------------------------------------------
    gi_q, gi_q_res = gi_star(y, w_queen, queen, full=True)
    gi_r, _ = gi_star(y, w_rook, rook, full=False)
    lm_q = local_moran(y, w_queen, queen)

    # --- empirical Bayes ----------------------------------------------
    pos = population > 0
    eb = Empirical_Bayes(y[pos], population[pos])
    eb_sub = np.asarray(eb.r, dtype=float).ravel()
    e = y[pos].astype(float)
    b = population[pos].astype(float)
    r_mean = e.sum() / b.sum()
    r_var = ((b * (e / b - r_mean) ** 2).sum() / b.sum()) - r_mean / b.mean()
    weight = r_var / (r_var + r_mean / b)
    assert close(eb_sub, weight * (e / b) + (1 - weight) * r_mean)
    eb_rate = [None] * n
    for i, v in zip(np.flatnonzero(pos), eb_sub):
        eb_rate[int(i)] = float(v)
    # Rates only where people live: weights anew on the inhabited buurten.
    rate_areas = [int(i) for i in np.flatnonzero(pos)]
    inhabited = gdf[pos].reset_index(drop=True)
    w_rate = Queen.from_dataframe(inhabited, use_index=False)
    rate_queen = neighbour_lists(w_rate, len(rate_areas))
    rate = 1000.0 * eb_sub
    gi_rate, _ = gi_star(rate, w_rate, rate_queen, full=False)
    lm_rate = local_moran(rate, w_rate, rate_queen)

    # --- multiple testing on two-sided analytic Gi* p-values --------------
    p2 = np.minimum(1.0, 2.0 * np.asarray(gi_q_res.p_norm, dtype=float))
    rej_bh, p_bh, _, _ = multipletests(p2, alpha=0.05, method="fdr_bh")
    rej_bo, p_bo, _, _ = multipletests(p2, alpha=0.05, method="bonferroni")

    lattice = lattice_case()

    warnings.showwarning = orig_showwarning
    uniq_warnings = sorted(set(caught))

    doc = {
        "generated_by": SCRIPT_REL,
        "attribution": ATTRIBUTION,
        "versions": {
            "python": ".".join(map(str, sys.version_info[:3])),
            "esda": esda.__version__,
            "libpysal": libpysal.__version__,
            "numba": numba.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "geopandas": gpd.__version__,
            "shapely": shapely.__version__,
            "pyproj": pyproj.__version__,
            "proj": pyproj.proj_version_str,
            "pandas": pd.__version__,
            "pyogrio": pyogrio.__version__,
            "gdal": pyogrio.__gdal_version_string__,
        },
        "seed": SEED,
        "permutations": PERMUTATIONS,
        "n": n,
        "bu_code": codes,
        "bu_naam": gdf["BU_NAAM"].tolist(),
        "population": [int(v) for v in population],
        "year": YEAR,
        "y": [int(v) for v in y],
        "y_by_year": {k: [int(v) for v in a] for k, a in y_by_year.items()},
        "incidents": inc_summary,
        "queen": queen,
        "rook": rook,
        "proj_pipeline": proj_pipeline,
        "centroids_rd": [[float(a), float(b)] for a, b in cent],
        "knn5": knn,
        "knn5_ties": knn_ties,
        "knn5_min_gap_m": float(min(gaps)),
        "knn5_near_ties": knn_near,
        "distance_band_1500": band,
        "distance_band_1500_min_margin_m": band_margin,
        "distance_band_1500_near_pairs": band_near,
        "islands": islands,
        "gi_star": gi_q,
        "gi_star_rook": gi_r,
        "local_moran": lm_q,
        "eb_rate": eb_rate,
        "eb_subset_r_mean": float(r_mean),
        "eb_subset_r_var": float(r_var),
        "population_zero": [int(i) for i in np.flatnonzero(~pos)],
        "rate_areas": rate_areas,
        "rate_queen": rate_queen,
        "rate_per_1000": floats(rate),
        "gi_star_rate": gi_rate,
        "local_moran_rate": lm_rate,
        "multiple_testing": {
            "source": "gi_star.p_norm",
            "alpha": 0.05,
            "p2": floats(p2),
            "p_bh": floats(p_bh),
            "reject_bh": [bool(v) for v in rej_bh],
            "p_bonferroni": floats(p_bo),
            "reject_bonferroni": [bool(v) for v in rej_bo],
        },
        "lattice": lattice,
        "python_warnings": uniq_warnings,
    }
    text = dumps(doc) + "\n"
    json.loads(text)  # round-trip sanity
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)

    zs = np.asarray(gi_q_res.Zs)
    print(
        f"incidents {YEAR}: registered "
        f"{inc_summary['registered_by_year'][str(YEAR)]}, placed {int(y.sum())}\n"
        f"islands: {islands}\n"
        f"knn5 ties: {knn_ties} (min 6th-5th gap {min(gaps):.3f} m); "
        f"band margin {band_margin:.3f} m\n"
        f"gi_star Zs min {zs.min():.6f} max {zs.max():.6f}\n"
        f"EB r_mean {r_mean:.9g} r_var {r_var:.9g}"
        f"{' (NEGATIVE)' if r_var < 0 else ''}; population 0: "
        f"{[(codes[i], int(y[i])) for i in np.flatnonzero(~pos)]}\n"
        f"reject BH {int(np.sum(rej_bh))}, Bonferroni {int(np.sum(rej_bo))}\n"
        f"warnings ({len(uniq_warnings)} distinct):\n  "
        + "\n  ".join(uniq_warnings)
        + f"\nwrote {OUT} in {time.perf_counter() - T0:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
