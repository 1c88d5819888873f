"""Oracle for the indeling crosswalk: overlap areas of two real buurtindelingen.

Writes ``crates/buurtbeeld_stats/tests/fixtures/crosswalk_overlap.json``.

Environment:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install geopandas

(the ``versions`` object in the JSON lists what made the committed fixture.)

Run from the repository root:

    /tmp/venv/bin/python crates/buurtbeeld_stats/tests/oracle/crosswalk_overlap.py

Data
----
* Sources: ``data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson``, the 108
  CBS buurten 2017 of Groningen (GM0014), code ``BU_CODE``.  Bron: CBS, CC BY
  3.0 NL.
* Targets: ``data/groningen-buurtindeling-gemeente/buurtindeling.geojson``, the
  municipality's own buurtindeling (112), code ``CODE``.  Gemeente Groningen,
  CC BY-SA 3.0 NL.

Both are WGS84 lon/lat.  Sources and targets are sorted by code; those orders
define the indices in the fixture.

What it computes
----------------
Coordinates are projected to RD New with the same Schreutelkamp & Strang van
Hees polynomial that ``crates/buurtbeeld_cube/src/rd.rs`` uses (its
coefficient tables ``R`` and ``S`` are read from that file), so that both sides
clip the same polygons: this oracle checks the overlay, not the projection
(rd.rs has its own tests; pyproj differs from the polynomial by up to a metre).

Then ``geopandas.overlay(sources, targets, how="intersection",
keep_geom_type=True)`` (shapely/GEOS) gives every intersection; per pair
``area`` (m²) and ``weight = area / area(source)``.  Pairs with an overlap
below 1e-6 m² (shared edges) are left out.  Invalid input rings are repaired
with ``shapely.make_valid`` first and counted in ``repaired``.
"""

import json
import re
import sys
from pathlib import Path

import geopandas
import numpy
import pandas
import shapely

ROOT = Path(__file__).resolve().parents[4]
SOURCES = ROOT / "data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"
TARGETS = ROOT / "data/groningen-buurtindeling-gemeente/buurtindeling.geojson"
RD_RS = ROOT / "crates/buurtbeeld_cube/src/rd.rs"
OUT = ROOT / "crates/buurtbeeld_stats/tests/fixtures/crosswalk_overlap.json"

PHI0 = 52.15517440
LAMBDA0 = 5.38720621
X0 = 155000.0
Y0 = 463000.0


def table(name):
    """The (p, q, c) terms of the constant `name` in rd.rs."""
    text = RD_RS.read_text()
    body = re.search(rf"const {name}: \[\(i32, i32, f64\); \d+\] = \[(.*?)\];", text, re.S)
    terms = re.findall(r"\((\d+), (\d+), (-?[\d_.]+)\)", body.group(1))
    return [(int(p), int(q), float(c.replace("_", ""))) for p, q, c in terms]


R = table("R")
S = table("S")


def to_rd(lon, lat):
    dphi = 0.36 * (numpy.asarray(lat) - PHI0)
    dlam = 0.36 * (numpy.asarray(lon) - LAMBDA0)
    x = X0 + sum(c * dphi**p * dlam**q for p, q, c in R)
    y = Y0 + sum(c * dphi**p * dlam**q for p, q, c in S)
    return x, y


def load(path, code):
    frame = geopandas.read_file(path)[[code, "geometry"]].rename(columns={code: "code"})
    frame = frame.sort_values("code").reset_index(drop=True)
    projected = shapely.transform(
        frame.geometry.values, lambda xy: numpy.column_stack(to_rd(xy[:, 0], xy[:, 1]))
    )
    frame = frame.set_geometry(geopandas.GeoSeries(projected, crs=28992))
    invalid = ~frame.geometry.is_valid
    frame.loc[invalid, "geometry"] = frame.geometry[invalid].apply(shapely.make_valid)
    return frame, int(invalid.sum())


def main():
    sources, repaired_sources = load(SOURCES, "BU_CODE")
    targets, repaired_targets = load(TARGETS, "CODE")
    sources["source"] = range(len(sources))
    targets["target"] = range(len(targets))
    source_area = sources.geometry.area.to_numpy()
    pieces = geopandas.overlay(
        sources[["source", "geometry"]],
        targets[["target", "geometry"]],
        how="intersection",
        keep_geom_type=True,
    )
    pieces["area"] = pieces.geometry.area
    pieces = pieces.groupby(["source", "target"], as_index=False)["area"].sum()
    pieces = pieces[pieces["area"] > 1e-6].sort_values(["source", "target"])
    overlaps = [
        {
            "source": int(row.source),
            "target": int(row.target),
            "area": float(row.area),
            "weight": float(row.area / source_area[int(row.source)]),
        }
        for row in pieces.itertuples()
    ]
    out = {
        "sources": list(sources["code"]),
        "targets": list(targets["code"]),
        "source_areas": [float(a) for a in source_area],
        "overlaps": overlaps,
        "repaired": {"sources": repaired_sources, "targets": repaired_targets},
        "versions": {
            "python": sys.version.split()[0],
            "geopandas": geopandas.__version__,
            "shapely": shapely.__version__,
            "geos": ".".join(map(str, shapely.geos_version)),
            "pandas": pandas.__version__,
            "numpy": numpy.__version__,
        },
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(overlaps)} overlapping pairs; repaired {repaired_sources}/{repaired_targets}")


if __name__ == "__main__":
    main()
