#!/usr/bin/env python3
"""SYNTHETIC enforcement registrations (handhaving) for Groningen, 2013-01..2017-12.

Writes data/groningen-handhaving-synthetisch/:
  handhaving-groningen.xlsx           ~8.000 registrations, one sheet "Registraties"
  handhaving-groningen.mapping.toml   the mapping buurtbeeld reads it with
  adressen-synthetisch.csv            a small BAG-like address lookup (synthetic addresses)
  SOURCE.md                           what this is (first line: SYNTHETIC)

Nothing here was registered by anyone. The spatial pattern is drawn around the real police
bicycle-theft points (data/groningen-fietsdiefstallen-politie-2013-2017, Bron: Politie/Gemeente
Groningen) and the real buurt populations (data/cbs-wijkbuurtkaart-2017-groningen, Bron: CBS),
so that police, enforcement and resident reports correlate moderately, not perfectly:
each buurt's intensity is police density^0.2 x population^0.8 x a per-buurt lognormal factor
(the part of enforcement that follows where residents complain, not where police register),
and each category has its own seasonal curve and spatial leaning.

Run:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy openpyxl
      /tmp/venv/bin/python scripts/make_synthetic_handhaving.py
Deterministic: seeded (SEED below); the same numpy/openpyxl give the same workbook content.
"""

import csv
import datetime as dt
import json
import pathlib

import numpy as np
from openpyxl import Workbook

SEED = 20131
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "groningen-handhaving-synthetisch"
POLICE = ROOT / "data" / "groningen-fietsdiefstallen-politie-2013-2017" / "derived_incident_to_BU2017.csv"
BUURTEN = ROOT / "data" / "cbs-wijkbuurtkaart-2017-groningen" / "buurt2017.geojson"
TOTAL = 8000

# key: (raw labels in the export with their shares, share of all registrations,
#       seasonal amplitude, peak month, spatial leaning)
# leaning: "centrum" favours the binnenstad (WK001400), "wonen" follows population,
# "politie" follows the police points.
CATEGORIES = {
    "jeugdoverlast": ([("Overlast jongeren (APV 2:48)", 1.0)], 0.16, 0.45, 7, "wonen"),
    "drugs": ([("Drugsoverlast openbare ruimte (APV 2:74a)", 1.0)], 0.05, 0.15, 8, "centrum"),
    "alcohol": ([("Alcoholgebruik openbare ruimte (APV 2:48a)", 1.0)], 0.07, 0.40, 6, "centrum"),
    "afval": (
        [("Afval naast container (Afvalstoffenverordening)", 0.7),
         ("Illegale stort / dumping", 0.3)],
        0.19, 0.20, 5, "wonen",
    ),
    "parkeren": (
        [("Foutparkeren (RVV 1990)", 0.8),
         ("Parkeren gehandicaptenplaats (RVV 1990)", 0.2)],
        0.21, -0.15, 7, "centrum",
    ),
    "overlast-personen": ([("Overlast personen (verward, dak- en thuisloos)", 1.0)], 0.09, -0.20, 7, "politie"),
    "horeca": ([("Horeca: overlast / sluitingstijd (APV 2:30)", 1.0)], 0.07, 0.25, 6, "centrum"),
    "vernieling": ([("Vernieling / graffiti (APV 2:12)", 1.0)], 0.10, 0.35, 1, "politie"),
    "cameratoezicht": ([("Camerawaarneming (cameratoezicht)", 1.0)], 0.06, 0.10, 9, "camera"),
}

LABELS = {
    "jeugdoverlast": "Overlast jongeren",
    "drugs": "Drugsoverlast",
    "alcohol": "Alcohol in de openbare ruimte",
    "afval": "Afval en dumping",
    "parkeren": "Parkeren",
    "overlast-personen": "Overlast personen",
    "horeca": "Horeca-overlast",
    "vernieling": "Vernieling en graffiti",
    "cameratoezicht": "Camerawaarnemingen",
}

TEAMS = {"WK001400": "Team Centrum"}
REMARKS = [
    "Waarschuwing gegeven",
    "Proces-verbaal opgemaakt",
    "Groep aangesproken, vertrokken",
    "Melding via 14 050, ter plaatse niets aangetroffen",
    "Doorgezet naar wijkteam",
    "Eigenaar container ingelicht",
    "Herhaalde overlast, na te lopen",
    "Samen met politie ter plaatse",
    "Beelden bekeken door cameraoperator",
    "",
]


def load_police():
    points = {}
    with POLICE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            points.setdefault(row["BU_CODE_2017"], []).append((int(row["X_RD"]), int(row["Y_RD"])))
    return points


def load_buurten():
    with BUURTEN.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    return {
        f["properties"]["BU_CODE"]: (
            f["properties"]["WK_CODE"],
            max(f["properties"]["AANT_INW"], 0),
            f["properties"]["POSTCODE"],
        )
        for f in features
    }


def seasonal(amplitude, peak, month):
    return 1.0 + amplitude * np.cos(2 * np.pi * (month - peak) / 12.0)


def main():
    rng = np.random.default_rng(SEED)
    police = load_police()
    buurten = load_buurten()
    codes = sorted(c for c in buurten if c in police and len(police[c]) >= 3)
    density = np.array([len(police[c]) for c in codes], float)
    population = np.array([buurten[c][1] for c in codes], float) + 50.0
    centrum = np.array([buurten[c][0] == "WK001400" for c in codes], float)
    # The part of enforcement that follows resident nuisance rather than police registrations.
    resident = rng.lognormal(0.0, 1.2, len(codes))
    base = density ** 0.2 * population ** 0.8 * resident
    leaning = {
        "wonen": population * resident,
        "centrum": base * (1.0 + 2.5 * centrum),
        "politie": density ** 0.7 * population ** 0.3 * rng.lognormal(0.0, 0.6, len(codes)),
        # Cameras hang in the binnenstad and at two station areas.
        "camera": base * np.where(centrum > 0, 1.0, 0.0)
        + base * np.isin(codes, ["BU00140003", "BU00140100"]),
    }

    months = [(y, m) for y in range(2013, 2018) for m in range(1, 13)]
    rows = []
    for key, (labels, share, amplitude, peak, lean) in CATEGORIES.items():
        weights = leaning[lean] / leaning[lean].sum()
        month_weights = np.array(
            [seasonal(amplitude, peak, m) * (1.05 ** (y - 2013)) for y, m in months]
        )
        month_weights /= month_weights.sum()
        n = rng.poisson(TOTAL * share)
        month_index = rng.choice(len(months), size=n, p=month_weights)
        buurt_index = rng.choice(len(codes), size=n, p=weights)
        label_names = [l for l, _ in labels]
        label_p = np.array([p for _, p in labels])
        label_index = rng.choice(len(labels), size=n, p=label_p / label_p.sum())
        for mi, bi, li in zip(month_index, buurt_index, label_index):
            year, month = months[mi]
            day = int(rng.integers(1, 29 if month == 2 else 31 if month != 12 else 32))
            day = min(day, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
            hour = int(rng.choice(24, p=hour_profile(key)))
            minute = int(rng.integers(0, 60))
            code = codes[bi]
            px, py = police[code][int(rng.integers(len(police[code])))]
            x = int(round(px + rng.normal(0, 35)))
            y = int(round(py + rng.normal(0, 35)))
            rows.append([dt.datetime(year, month, day, hour, minute), label_names[li], code, x, y])
    rows.sort(key=lambda r: (r[0], r[2], r[1]))

    # About one in sixteen rows has an address instead of coordinates (a registration entered
    # at the desk): placed through the synthetic lookup, whose points are real police points.
    lookup = []
    used = set()
    for code in codes:
        for _ in range(2):
            px, py = police[code][int(rng.integers(len(police[code])))]
            pc4 = buurten[code][2] if str(buurten[code][2]).isdigit() else "9700"
            while True:
                postcode = pc4 + "".join(rng.choice(list("ABCDEGHJKLMNPRSTVWXZ"), 2))
                number = int(rng.integers(1, 160))
                if (postcode, number) not in used:
                    used.add((postcode, number))
                    break
            letter = "A" if rng.random() < 0.1 else ""
            lookup.append((code, postcode, number, letter, px, py))
    by_buurt = {}
    for entry in lookup:
        by_buurt.setdefault(entry[0], []).append(entry)

    OUT.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registraties"
    sheet.append([
        "Registratienummer", "Datum", "Tijd", "Soort registratie", "Team", "X", "Y",
        "Postcode", "Huisnummer", "Afgehandeld", "Behandelaar", "Opmerking",
    ])
    per_year = {}
    for when, label, code, x, y in rows:
        per_year[when.year] = per_year.get(when.year, 0) + 1
        number = f"HH{when.year}-{per_year[when.year]:05d}"
        team = TEAMS.get(buurten[code][0], "Team " + ("Noord" if y > 582500 else "Zuid"))
        postcode, house = None, None
        if rng.random() < 1 / 16:
            _, pc, nr, letter, _, _ = by_buurt[code][int(rng.integers(len(by_buurt[code])))]
            postcode, house = f"{pc[:4]} {pc[4:]}", f"{nr}{letter.lower()}"
            x, y = None, None
        sheet.append([
            number,
            dt.datetime(when.year, when.month, when.day),
            when.strftime("%H:%M"),
            label,
            team,
            x,
            y,
            postcode,
            house,
            "Ja" if rng.random() < 0.85 else "Nee",
            f"BOA {int(rng.integers(1, 40)):02d}",
            REMARKS[int(rng.integers(len(REMARKS)))],
        ])
    for cell in sheet["B"][1:]:
        cell.number_format = "d-m-yyyy"
    # Fixed document dates, so that a re-run writes the same workbook.
    workbook.properties.created = dt.datetime(2018, 1, 15)
    workbook.properties.modified = dt.datetime(2018, 1, 15)
    workbook.save(OUT / "handhaving-groningen.xlsx")

    with (OUT / "adressen-synthetisch.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["openbareruimtenaam", "huisnummer", "huisletter",
                         "huisnummertoevoeging", "postcode", "woonplaatsnaam", "x", "y"])
        for i, (_, postcode, number, letter, px, py) in enumerate(sorted(lookup, key=lambda e: e[1:4])):
            writer.writerow([f"Voorbeeldstraat {i // 20 + 1}", number, letter, "", postcode,
                             "Groningen", px, py])

    write_mapping()
    write_source(len(rows), per_year)
    print(f"{len(rows)} registrations, {len(lookup)} lookup addresses -> {OUT}")


def hour_profile(key):
    hours = np.arange(24)
    if key in ("horeca", "alcohol", "drugs"):
        # A peak around 23:00 that wraps past midnight.
        p = np.exp(-(((hours - 23 + 12) % 24 - 12) ** 2) / 10.0) + 0.05
    elif key == "jeugdoverlast":
        p = np.exp(-((hours - 21) ** 2) / 12.0) + 0.05
    elif key == "parkeren":
        p = np.exp(-((hours - 13) ** 2) / 20.0) + 0.02
    else:
        p = np.exp(-((hours - 16) ** 2) / 40.0) + 0.05
    return p / p.sum()


def write_mapping():
    labels = "\n".join(
        f'"{raw}" = {{ key = "{key}", label = "{LABELS[key]}" }}' if i == 0 else f'"{raw}" = "{key}"'
        for key, (labelled, *_rest) in CATEGORIES.items()
        for i, (raw, _) in enumerate(labelled)
    )
    (OUT / "handhaving-groningen.mapping.toml").write_text(
        f'''# SYNTHETIC demo data: how buurtbeeld reads handhaving-groningen.xlsx.
# See docs/registraties-mapping.md.
source = "handhaving"
kind = "handhaving"
name = "Handhaving gemeente Groningen (BOA's, synthetisch)"
sheet = "Registraties"
# Rows with an address instead of coordinates are placed through this BAG-like file.
lookup = "adressen-synthetisch.csv"
# Free text and the officer's number: not needed, dropped unread.
drop = ["Opmerking", "Behandelaar"]

[columns]
date = "Datum"
category = "Soort registratie"
id = "Registratienummer"
x = "X"
y = "Y"
crs = "rd"
postcode = "Postcode"
house_number = "Huisnummer"

[categories]
{labels}
''',
        encoding="utf-8",
    )


def write_source(count, per_year):
    years = ", ".join(f"{y}: {n}" for y, n in sorted(per_year.items()))
    (OUT / "SOURCE.md").write_text(
        f"""SYNTHETIC: 2013-01..2017-12 Groningen enforcement registrations ({count:,} rows), made up by scripts/make_synthetic_handhaving.py; nothing here was registered by anyone.

# Synthetic enforcement registrations (handhaving), gemeente Groningen

| file | what |
|---|---|
| `handhaving-groningen.xlsx` | sheet `Registraties`: Registratienummer, Datum (Excel date), Tijd, Soort registratie (Dutch labels as a BOA system writes them), Team, X/Y (RD New) or Postcode/Huisnummer, Afgehandeld, Behandelaar, Opmerking (free text) |
| `handhaving-groningen.mapping.toml` | the mapping buurtbeeld reads the workbook with (docs/registraties-mapping.md); `Opmerking` and `Behandelaar` are dropped unread |
| `adressen-synthetisch.csv` | a BAG-like address lookup (`openbareruimtenaam;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaatsnaam;x;y`); the street names, postcodes' letters and house numbers are invented, the points are real police incident points inside real buurten |

Rows per year: {years}.

## How it was made

`python3 scripts/make_synthetic_handhaving.py` (numpy, openpyxl; seed {SEED}). Each buurt's
intensity is the density of the real police bicycle-theft points of
`data/groningen-fietsdiefstallen-politie-2013-2017` (Bron: Politie, Gemeente Groningen, CC BY-SA
3.0 NL) to the power 0.2, times the buurt's population (`AANT_INW` of
`data/cbs-wijkbuurtkaart-2017-groningen`, Bron: CBS, CC BY 3.0 NL) to the power 0.8, times a
per-buurt lognormal factor (sigma 1.2) standing for resident nuisance that police do not
register; so police, enforcement and resident reports correlate moderately. Each category has its
own spatial leaning (binnenstad for horeca, alcohol, drugs, parkeren and camera observations;
population for youth nuisance and waste; police points for vandalism and persons), its own
seasonal curve (youth nuisance and alcohol peak in summer, vandalism around the turn of the
year, parking lower in the holidays) and a 5% yearly growth (more BOA's). A point is a real police
point of the buurt moved by a normal jitter of 35 m. About one row in sixteen has a synthetic
address instead of coordinates, to exercise the lookup.

Use it to try buurtbeeld's enforcement views; never as a description of Groningen.
""",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
