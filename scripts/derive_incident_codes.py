"""Derive data/incident_codes.csv from the 47022NED SoortMisdrijf code list.

Each SoortMisdrijf description lists the police incident codes (BVH "Incidentsoort code") that CBS
rolls up into it, one per line, e.g. "A20 Gekwal. Diefstal in/uit woning". This script turns those
lines into the editable mapping buurtbeeld ships. Standard library only: `python3 scripts/derive_incident_codes.py`.
"""
import csv
import re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
rows = []
with open(root / "data/codelists/47022NED_SoortMisdrijf.tsv", newline="", encoding="utf-8") as f:
    for rec in csv.DictReader(f, delimiter="\t"):
        category = rec["Key"].strip()
        for line in (rec["Description"] or "").splitlines():
            m = re.match(r"^([A-Z][0-9A-Z]{1,4})\s+(.+)$", line.strip())
            if m and category != "0.0.0":
                rows.append((m.group(1), m.group(2).strip(), category))
seen = {}
ambiguous = []
for code, label, category in rows:
    if code in seen:
        if seen[code][1] != category:
            # The code list lists a few codes under two categories; keep the first listed and
            # say so in the file, so a municipality can choose otherwise by editing it.
            ambiguous.append(f"{code} is listed under {seen[code][1]} and {category}; mapped to {seen[code][1]}")
        continue
    seen[code] = (label, category)
with open(root / "data/incident_codes.csv", "w", newline="", encoding="utf-8") as f:
    f.write("# Police incident code (BVH 'Incidentsoort code') -> CBS/Politie SoortMisdrijf.\n")
    f.write("# Derived by scripts/derive_incident_codes.py from the 47022NED code list. Editable.\n")
    for note in ambiguous:
        f.write(f"# Note: {note}.\n")
    w = csv.writer(f, delimiter=";", lineterminator="\n")
    w.writerow(["incident_code", "label", "category"])
    for code in sorted(seen):
        w.writerow([code, seen[code][0], seen[code][1]])
print(f"{len(seen)} incident codes")
