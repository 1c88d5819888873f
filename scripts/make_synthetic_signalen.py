#!/usr/bin/env python3
"""SYNTHETIC Signalen meldingen (meldingen openbare ruimte) for Groningen, 2013-2017.

No real resident reports are public, so this writes made-up ones in the flat CSV layout of
Signalen's `signals_ext_tdo` view (id, created_at, updated_at, geometry as PostGIS hex EWKB,
status, main_slug, sub_slug), which `buurtbeeld import` reads as `signalen-csv`.

Where: half of the points are real police bicycle-theft points (BVH, 2013-2017, in
data/groningen-fietsdiefstallen-politie-2013-2017/) jittered by about 60 m, so reports cluster
where the police registrations do (city centre, station); the other half are drawn uniformly
inside CBS buurt polygons (data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson) weighted by
the buurt's inhabitants (AANT_INW). Categories near nightlife lean on the police points, waste
and green on inhabitants.
When: per category a month profile (youth nuisance and music in summer, fireworks from mid
December to 2 January, street lighting in winter, waste steady), an hour profile (youth and
horeca in the evening and night, waste by day) and a yearly growth of reporting.
Duplicates: about 15% of meldingen get one to three extra reports of the same problem by other
residents, within three days and 30 m, so that deduplication has something to find.

Usage (numpy only; seeded, so the output is the same on every run):
    python3 scripts/make_synthetic_signalen.py                 # data/groningen-meldingen-synthetisch/
    python3 scripts/make_synthetic_signalen.py --rows 1000000 --out /tmp/meldingen.csv
"""

import argparse
import calendar
import csv
import datetime as dt
import json
import pathlib
import struct

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BVH_POINTS = ROOT / "data/groningen-fietsdiefstallen-politie-2013-2017/derived_incident_to_BU2017.csv"
BUURTEN = ROOT / "data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"
OUT_DIR = ROOT / "data/groningen-meldingen-synthetisch"
SEED = 20171231
BASE_MELDINGEN = 13_000  # plus ~15% duplicates: ~15.000 rows
YEARS = np.arange(2013, 2018)
YEAR_GROWTH = np.array([0.7, 0.85, 1.0, 1.1, 1.2])

FLAT = np.ones(12)
SUMMER = np.array([0.5, 0.5, 0.7, 0.9, 1.2, 1.5, 1.8, 1.7, 1.2, 0.9, 0.6, 0.5])
WINTER = np.array([1.6, 1.4, 1.1, 0.8, 0.6, 0.5, 0.5, 0.6, 0.8, 1.1, 1.5, 1.7])
AUTUMN = np.array([0.8, 0.8, 0.7, 0.8, 0.9, 0.9, 0.9, 1.0, 1.2, 1.6, 1.5, 1.0])
SPRING = np.array([0.8, 0.8, 1.2, 1.4, 1.3, 1.1, 0.9, 0.9, 1.0, 1.0, 0.9, 0.7])
DAY = np.array([0.2] * 7 + [1.0] * 12 + [0.5] * 5)
EVENING = np.array([0.8, 0.6, 0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4,
                    0.5, 0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.0, 1.8, 1.2])
NIGHT = np.array([2.0, 2.0, 1.8, 1.2, 0.5, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2,
                  0.2, 0.2, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.4, 1.8])

P = "overlast-van-en-door-personen-of-groepen"
O = "overlast-in-de-openbare-ruimte"
H = "overlast-bedrijven-en-horeca"
W = "wegen-verkeer-straatmeubilair"
# (main_slug, sub_slug, weight, month profile, hour profile, share of points near police points)
CATEGORIES = [
    ("afval", "veeg-zwerfvuil", 16, FLAT, DAY, 0.4),
    ("afval", "grofvuil", 13, SPRING, DAY, 0.2),
    ("afval", "huisafval", 6, FLAT, DAY, 0.2),
    ("afval", "overig-afval", 4, FLAT, DAY, 0.3),
    (O, "parkeeroverlast", 9, FLAT, DAY, 0.5),
    (O, "fietswrak", 6, SPRING, DAY, 0.7),
    (O, "graffiti-wildplak", 4, FLAT, DAY, 0.6),
    (O, "hondenpoep", 3, WINTER, DAY, 0.2),
    (O, "auto-scooter-bromfietswrak", 2, FLAT, DAY, 0.3),
    (O, "stank-geluidsoverlast", 3, SUMMER, EVENING, 0.5),
    (P, "jongerenoverlast", 6, SUMMER, EVENING, 0.5),
    (P, "overige-overlast-door-personen", 4, SUMMER, EVENING, 0.7),
    (P, "drank-en-drugsoverlast", 3, SUMMER, NIGHT, 0.8),
    (P, "wildplassen-poepen-overgeven", 2, SUMMER, NIGHT, 0.9),
    (P, "overlast-door-afsteken-vuurwerk", 2, None, NIGHT, 0.4),
    (P, "daklozen-bedelen", 1, FLAT, DAY, 0.9),
    (H, "geluidsoverlast-muziek", 3, SUMMER, NIGHT, 0.9),
    (H, "overlast-door-bezoekers-niet-op-terras", 2, SUMMER, NIGHT, 0.9),
    (H, "overlast-terrassen", 1.5, SUMMER, EVENING, 0.9),
    (W, "straatverlichting-openbare-klok", 5, WINTER, EVENING, 0.3),
    (W, "onderhoud-stoep-straat-en-fietspad", 6, FLAT, DAY, 0.4),
    (W, "gladheid", 1, np.array([3, 2.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0.5, 2.5]), DAY, 0.3),
    ("openbaar-groen-en-water", "boom", 4, AUTUMN, DAY, 0.2),
    ("overlast-van-dieren", "ratten", 2, AUTUMN, DAY, 0.3),
]


def last_sunday(year, month):
    day = calendar.monthrange(year, month)[1]
    while dt.date(year, month, day).weekday() != 6:
        day -= 1
    return day


def local_to_utc(moment):
    """Dutch local time to UTC: CEST from the last Sunday of March to that of October."""
    start = dt.datetime(moment.year, 3, last_sunday(moment.year, 3), 2)
    end = dt.datetime(moment.year, 10, last_sunday(moment.year, 10), 3)
    return moment - dt.timedelta(hours=2 if start <= moment < end else 1)


def load_police_points():
    lon, lat = [], []
    with open(BVH_POINTS, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lon.append(float(row["lon_wgs84"]))
            lat.append(float(row["lat_wgs84"]))
    return np.array(lon), np.array(lat)


def load_buurten():
    features = json.loads(BUURTEN.read_text(encoding="utf-8"))["features"]
    rings, weights = [], []
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        outer = [np.array(polygon[0]) for polygon in polygons]
        inhabitants = feature["properties"].get("AANT_INW") or 0
        rings.append(outer)
        weights.append(max(inhabitants, 0))
    weights = np.array(weights, dtype=float)
    return rings, weights / weights.sum()


def inside(ring, x, y):
    """Ray casting: which of the points (x, y) lie inside the closed ring."""
    result = np.zeros(x.shape, dtype=bool)
    x0, y0 = ring[:-1, 0], ring[:-1, 1]
    x1, y1 = ring[1:, 0], ring[1:, 1]
    for a, b, c, d in zip(x0, y0, x1, y1):
        crosses = ((b > y) != (d > y)) & (x < (c - a) * (y - b) / np.where(d == b, 1e-12, d - b) + a)
        result ^= crosses
    return result


def population_points(rng, rings, weights, n):
    """n points uniform inside buurten chosen by inhabitants."""
    chosen = rng.choice(len(rings), size=n, p=weights)
    lon, lat = np.empty(n), np.empty(n)
    for buurt in np.unique(chosen):
        where = np.flatnonzero(chosen == buurt)
        ring = max(rings[buurt], key=len)
        (xmin, ymin), (xmax, ymax) = ring.min(axis=0), ring.max(axis=0)
        got_x, got_y = [], []
        need = len(where)
        while need > 0:
            x = rng.uniform(xmin, xmax, need * 3 + 10)
            y = rng.uniform(ymin, ymax, need * 3 + 10)
            keep = inside(ring, x, y)
            got_x.extend(x[keep][:need])
            got_y.extend(y[keep][:need])
            need = len(where) - len(got_x)
        lon[where], lat[where] = got_x, got_y
    return lon, lat


def days_of(rng, months, year_choice):
    days = np.array([rng.integers(1, calendar.monthrange(int(y), int(m))[1] + 1)
                     for y, m in zip(year_choice, months)])
    return days


def fireworks_dates(rng, n, years):
    """Mid December to 2 January, most on New Year's Eve and night."""
    offsets = np.array([-16, -12, -8, -5, -3, -2, -1, 0, 1, 2])
    weights = np.array([1, 1, 2, 2, 3, 4, 6, 20, 8, 2], dtype=float)
    chosen = rng.choice(offsets, size=n, p=weights / weights.sum())
    out = []
    for year, offset in zip(rng.choice(years, size=n), chosen):
        out.append(dt.date(int(year), 12, 31) + dt.timedelta(days=int(offset)))
    return out


def generate(rng, base_count):
    police_lon, police_lat = load_police_points()
    rings, weights = load_buurten()
    category_weights = np.array([c[2] for c in CATEGORIES], dtype=float)
    per_category = rng.multinomial(base_count, category_weights / category_weights.sum())
    rows = []
    for (main, sub, _, months_profile, hours, near_police), n in zip(CATEGORIES, per_category):
        if n == 0:
            continue
        year_p = YEAR_GROWTH / YEAR_GROWTH.sum()
        if months_profile is None:
            dates = fireworks_dates(rng, n, np.arange(2012, 2018))
        else:
            years = rng.choice(YEARS, size=n, p=year_p)
            months = rng.choice(np.arange(1, 13), size=n, p=months_profile / months_profile.sum())
            days = days_of(rng, months, years)
            dates = [dt.date(int(y), int(m), int(d)) for y, m, d in zip(years, months, days)]
        hour = rng.choice(24, size=n, p=hours / hours.sum())
        minute = rng.integers(0, 60, n)
        second = rng.integers(0, 60, n)
        micro = rng.integers(0, 1_000_000, n)
        from_police = rng.random(n) < near_police
        k = int(from_police.sum())
        pick = rng.integers(0, len(police_lon), k)
        lon, lat = np.empty(n), np.empty(n)
        lon[from_police] = police_lon[pick] + rng.normal(0, 0.0009, k)
        lat[from_police] = police_lat[pick] + rng.normal(0, 0.00054, k)
        plon, plat = population_points(rng, rings, weights, n - k)
        lon[~from_police], lat[~from_police] = plon, plat
        for i in range(n):
            local = dt.datetime.combine(dates[i], dt.time(int(hour[i]), int(minute[i]), int(second[i]), int(micro[i])))
            rows.append((local_to_utc(local), lon[i], lat[i], main, sub))
    # Other residents report the same problem: same category, within three days and 30 m.
    duplicates = []
    for row in rows:
        if rng.random() < 0.15:
            for _ in range(int(rng.choice([1, 1, 1, 2, 2, 3]))):
                later = row[0] + dt.timedelta(minutes=int(rng.integers(5, 3 * 24 * 60)))
                duplicates.append((later, row[1] + rng.normal(0, 0.00045), row[2] + rng.normal(0, 0.00027), row[3], row[4]))
    rows.extend(duplicates)
    first, last = dt.datetime(2012, 12, 31, 23), dt.datetime(2017, 12, 31, 23)
    rows = [r for r in rows if first <= r[0] < last]
    rows.sort(key=lambda r: r[0])
    return rows


def ewkb_hex(lon, lat):
    """A point as PostGIS writes a geometry(Point, 4326) in a CSV COPY: hex EWKB."""
    return struct.pack("<BIIdd", 1, 0x20000001, 4326, lon, lat).hex().upper()


def write(rows, path, rng, first_id=1):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "created_at", "updated_at", "geometry", "status", "main_slug", "sub_slug"])
        for i, (created, lon, lat, main, sub) in enumerate(rows):
            updated = created + dt.timedelta(hours=int(rng.integers(1, 24 * 14)))
            writer.writerow([
                first_id + i,
                created.strftime("%Y-%m-%d %H:%M:%S.%f") + "+00",
                updated.strftime("%Y-%m-%d %H:%M:%S.%f") + "+00",
                ewkb_hex(round(lon, 7), round(lat, 7)),
                "o",
                main,
                sub,
            ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, help="write about this many rows (for benchmarks)")
    parser.add_argument("--out", type=pathlib.Path, help="the CSV to write (with --rows)")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    if args.rows:
        rows = generate(rng, int(args.rows / 1.05))
        # Exactly the rows asked for, spread over the whole period.
        keep = np.sort(rng.choice(len(rows), size=min(args.rows, len(rows)), replace=False))
        rows = [rows[i] for i in keep]
        write(rows, args.out or pathlib.Path("/tmp/signalen_meldingen.csv"), rng)
        print(f"{len(rows)} rows -> {args.out}")
        return
    rows = generate(rng, BASE_MELDINGEN)
    out = OUT_DIR / "signalen_meldingen_groningen_2013-2017.csv"
    write(rows, out, rng, first_id=100_001)
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main()
