"""Writes the derived long tables of this folder in the official forms buurtbeeld reads.

Input (see SOURCE.md; not committed, 2,8 MB): misdrijven_gemeente_jaar_long.csv and
bevolking_gemeente_jaar_70072ned.csv from ../../shared/data/real/politie-gemeenten-jaar-47018ned/.
Output, committed:
- 47018NED_gemeenten_2012-2024_coded.csv: the CBS "TypedDataSet" CSV form of 47018NED
  (SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1), years 2012-2024. 2025 is
  left out: the source fetched it before the year was complete, and a yearly figure must be a
  whole year.
- bevolking_gemeenten_2012-2024.csv: buurtbeeld's documented population form code;year;inhabitants
  for the gemeenten of the crime table, plus NL00 = the sum over every gemeente CBS lists for that
  year (70072NED includes gemeenten that merged later, so the national total is complete while
  the 2024 gemeenten alone are not before 2023).
Run: python3 make_official_forms.py <folder with the two long CSVs>  (standard library only)
"""

import csv
import sys
from collections import defaultdict

source = sys.argv[1] if len(sys.argv) > 1 else "."
LAST_YEAR = 2024

codes = set()
with open(f"{source}/misdrijven_gemeente_jaar_long.csv", encoding="utf-8") as f, open(
    "47018NED_gemeenten_2012-2024_coded.csv", "w", encoding="utf-8", newline=""
) as out:
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1"])
    rows = [r for r in csv.DictReader(f) if int(r["Jaar"]) <= LAST_YEAR]
    rows.sort(key=lambda r: (r["SoortMisdrijf"], r["RegioCode"], int(r["Jaar"])))
    for r in rows:
        codes.add(r["RegioCode"])
        writer.writerow([r["SoortMisdrijf"], r["RegioCode"], f"{r['Jaar']}JJ00", r["GeregistreerdeMisdrijven"]])

national = defaultdict(int)
own = []
with open(f"{source}/bevolking_gemeente_jaar_70072ned.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        year = int(r["Jaar"])
        if year > LAST_YEAR:
            continue
        national[year] += int(r["GemiddeldeBevolking"])
        if r["RegioCode"] in codes:
            own.append((r["RegioCode"], year, int(r["GemiddeldeBevolking"])))
with open("bevolking_gemeenten_2012-2024.csv", "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["code", "year", "inhabitants"])
    for year in sorted(national):
        writer.writerow(["NL00", year, national[year]])
    for row in sorted(own):
        writer.writerow(row)
