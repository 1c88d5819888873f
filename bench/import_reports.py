#!/usr/bin/env python3
"""Import of 1.000.000 Signalen meldingen: `buurtbeeld import` against what a user would do
otherwise, side by side in one run; prints a Markdown table of medians.

buurtbeeld (release build): `buurtbeeld --data-dir D import meldingen.csv` into a store that
already has the 2017 Groningen buurt boundaries (imported before the timing): reads and checks
every row, converts the hex EWKB point to RD New, places it in its buurt (point-in-polygon),
writes every melding to SQLite in one transaction.

Reference (pandas/geopandas): `pd.read_csv` + `shapely.from_wkb` of the hex points +
`gpd.sjoin(predicate="within")` against the same buurten + `groupby` counts per buurt,
category and month. It writes nothing and checks nothing, so it does less than the import.

Usage:
    python3 -m venv /tmp/signalen-venv
    /tmp/signalen-venv/bin/pip install numpy pandas geopandas pyogrio shapely
    cargo build --release -p buurtbeeld
    /tmp/signalen-venv/bin/python bench/import_reports.py [--rows 1000000] [--runs 3]

The input is made by `scripts/make_synthetic_signalen.py --rows N --out /tmp/signalen_<N>.csv`
(SYNTHETIC, seeded) if it does not exist yet.
"""

import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUURTEN = ROOT / "data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"


def run_buurtbeeld(binary, csv_path):
    data_dir = tempfile.mkdtemp(prefix="signalen_bench_")
    try:
        subprocess.run([binary, "--data-dir", data_dir, "import", str(BUURTEN)],
                       check=True, capture_output=True)
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-v", binary, "--data-dir", data_dir, "import", str(csv_path)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"buurtbeeld import failed:\n{done.stdout}\n{done.stderr}")
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
        return seconds, rss, done.stdout
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


REFERENCE = r"""
import sys, time, resource
start = time.perf_counter()
import pandas as pd, geopandas as gpd, shapely
csv_path, buurten_path = sys.argv[1], sys.argv[2]
frame = pd.read_csv(csv_path, usecols=["id", "created_at", "geometry", "main_slug", "sub_slug"])
points = shapely.from_wkb(frame["geometry"].to_numpy())
meldingen = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=points, crs="EPSG:4326")
buurten = gpd.read_file(buurten_path)[["BU_CODE", "geometry"]].to_crs("EPSG:4326")
joined = gpd.sjoin(meldingen, buurten, how="left", predicate="within")
joined["month"] = joined["created_at"].str[:7]
counts = joined.groupby([joined["BU_CODE"].fillna("onbekend"), "main_slug", "sub_slug", "month"]).size()
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(joined), int((joined["BU_CODE"].isna()).sum()), len(counts))
"""


def run_reference(csv_path):
    done = subprocess.run([sys.executable, "-c", REFERENCE, str(csv_path), str(BUURTEN)],
                          check=True, capture_output=True, text=True)
    seconds, rss, rows, outside, cells = done.stdout.split()
    return float(seconds), float(rss), int(rows), int(outside), int(cells)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default=str(ROOT / "target/release/buurtbeeld"))
    args = parser.parse_args()
    csv_path = pathlib.Path(f"/tmp/signalen_{args.rows}.csv")
    if not csv_path.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts/make_synthetic_signalen.py"),
                        "--rows", str(args.rows), "--out", str(csv_path)], check=True)
    size = csv_path.stat().st_size / 2**20
    ours, theirs = [], []
    summary = ""
    for run in range(1, args.runs + 1):
        seconds, rss, summary = run_buurtbeeld(args.binary, csv_path)
        ours.append((seconds, rss))
        print(f"run {run}: buurtbeeld {seconds:.2f} s, {rss:.0f} MiB", file=sys.stderr)
        ref = run_reference(csv_path)
        theirs.append(ref)
        print(f"run {run}: pandas/geopandas {ref[0]:.2f} s, {ref[1]:.0f} MiB, {ref[3]} outside", file=sys.stderr)
    print(summary.strip().splitlines()[-5:] if summary else "", file=sys.stderr)
    median = lambda values: statistics.median(values)
    print(f"Input: {args.rows:,} meldingen, {size:.0f} MiB; {args.runs} runs each, interleaved; medians.\n")
    print("| tool | seconds | meldingen/s | peak RSS MiB |")
    print("|---|---:|---:|---:|")
    s = median([o[0] for o in ours])
    print(f"| buurtbeeld import (release) | {s:.2f} | {args.rows / s:,.0f} | {median([o[1] for o in ours]):.0f} |")
    s = median([t[0] for t in theirs])
    print(f"| pandas read_csv + geopandas sjoin + groupby | {s:.2f} | {args.rows / s:,.0f} | {median([t[1] for t in theirs]):.0f} |")
    print(f"\nAll runs, seconds: buurtbeeld {[round(o[0], 2) for o in ours]}, "
          f"pandas/geopandas {[round(t[0], 2) for t in theirs]}")


if __name__ == "__main__":
    main()
