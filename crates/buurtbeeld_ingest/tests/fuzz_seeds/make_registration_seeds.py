#!/usr/bin/env python3
"""Writes the seeds of the registration readers (registrations-csv, registrations-xlsx) with
their mapping and lookup files. SYNTHETIC rows; the points are real police incident points of
the five buurten of the boundary seed (Bron: Politie, Gemeente Groningen, CC BY-SA 3.0 NL).

Run: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install openpyxl
     /tmp/venv/bin/python make_registration_seeds.py   (in this folder)
"""

import datetime as dt
import pathlib

from openpyxl import Workbook

HERE = pathlib.Path(__file__).resolve().parent

# (x, y) RD New inside BU00140301, BU00140001, BU00140300, BU00140001.
POINTS = [(233823, 583675), (233946, 581908), (233428, 583404), (233814, 581558)]
LABELS = ["Overlast jongeren (APV 2:48)", "Foutparkeren (RVV 1990)", "Afval naast container",
          "Camerawaarneming"]


def xlsx():
    book = Workbook()
    sheet = book.active
    sheet.title = "Registraties"
    sheet.append(["Registratienummer", "Datum", "Soort registratie", "X", "Y", "Postcode",
                  "Huisnummer", "Team", "Opmerking"])
    for i in range(16):
        x, y = POINTS[i % 4]
        address = i % 5 == 4
        date = dt.datetime(2016, 1 + i % 12, 1 + (7 * i) % 28)
        sheet.append([
            f"HH2016-{i + 1:05d}",
            # Two rows write the date as text, as exports sometimes do.
            date.strftime("%d-%m-%Y") if i in (3, 9) else date,
            LABELS[i % 4],
            None if address else x + i,
            None if address else y - i,
            "9712 AB" if address else None,
            "3a" if address else None,
            "Team Centrum",
            "Groep aangesproken" if i % 2 else "",
        ])
    for cell in sheet["B"][1:]:
        cell.number_format = "d-m-yyyy"
    book.properties.created = book.properties.modified = dt.datetime(2017, 1, 1)
    book.save(HERE / "registraties_handhaving.xlsx")
    (HERE / "registraties_handhaving.mapping.toml").write_text(
        """# Seed of the registrations-xlsx reader (synthetic).
source = "handhaving"
kind = "handhaving"
name = "Handhaving (seed)"
lookup = "registraties_handhaving.adressen.csv"
drop = ["Opmerking"]

[columns]
date = "Datum"
category = "Soort registratie"
id = "Registratienummer"
x = "X"
y = "Y"
postcode = "Postcode"
house_number = "Huisnummer"

[categories]
"Overlast jongeren (APV 2:48)" = { key = "jeugdoverlast", label = "Overlast jongeren" }
"Foutparkeren (RVV 1990)" = "parkeren"
"Afval naast container" = "afval"
"Camerawaarneming" = "cameratoezicht"
""", encoding="utf-8")
    (HERE / "registraties_handhaving.adressen.csv").write_text(
        "openbareruimtenaam;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaatsnaam;x;y\n"
        "Voorbeeldstraat;3;A;;9712AB;Groningen;233764;581499\n"
        "Voorbeeldstraat;5;;;9712AB;Groningen;233958;581911\n", encoding="utf-8")


def csv():
    rows = ["Datum;Soort verwijzing;Buurtcode;Leeftijdsgroep;Toelichting"]
    kinds = ["Vernieling", "Vuurwerk", "Winkeldiefstal", "Overlast café"]
    codes = ["BU00140000", "BU00140001", "BU00140008", "BU00140300", "BU00140301"]
    for i in range(20):
        rows.append(f"{1 + i % 28}-{1 + i % 12}-2015;{kinds[i % 4]};{codes[i % 5]};"
                    f"{12 + i % 6}-{13 + i % 6} jaar;{'Doorverwezen door BOA' if i % 3 == 0 else ''}")
    (HERE / "registraties_halt.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    (HERE / "registraties_halt.mapping.toml").write_text(
        """# Seed of the registrations-csv reader (synthetic Halt referrals).
source = "halt"
kind = "overig"
name = "Halt-verwijzingen (seed)"
drop = ["Toelichting"]
other = { key = "overig", label = "Overige verwijzingen" }

[columns]
date = "Datum"
date_format = "dag-maand-jaar"
category = "Soort verwijzing"
buurt = "Buurtcode"

[categories]
"Vernieling" = "vernieling"
"Vuurwerk" = "vuurwerk"
"Winkeldiefstal" = "winkeldiefstal"
""", encoding="utf-8")


xlsx()
csv()
