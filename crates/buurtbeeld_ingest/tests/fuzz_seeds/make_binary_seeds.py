"""Makes the Shapefile and GeoPackage seeds: the five buurten of the GeoJSON seed, cut from the
CBS wijk- en buurtkaart 2017 Shapefile that crates/buurtbeeld/tests/fixtures/formats/ holds.

Run from this folder:
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install geopandas pyogrio
    /tmp/venv/bin/python make_binary_seeds.py
"""

import geopandas

FIVE = ["BU00140000", "BU00140001", "BU00140008", "BU00140300", "BU00140301"]
SOURCE = "../../../buurtbeeld/tests/fixtures/formats/buurt2017.shp"

buurten = geopandas.read_file(SOURCE, engine="pyogrio", encoding="latin1")
buurten = buurten[buurten["BU_CODE"].isin(FIVE)]
buurten = buurten[["BU_CODE", "BU_NAAM", "WK_CODE", "GM_CODE", "GM_NAAM", "AANT_INW", "geometry"]]
# As CBS wrote it: WGS84 here, Latin-1 attributes (GDAL adds a .cpg saying so).
buurten.to_file("buurt2017_groningen.shp", engine="pyogrio", encoding="latin1")
modern = buurten.rename(
    columns={
        "BU_CODE": "buurtcode",
        "BU_NAAM": "buurtnaam",
        "WK_CODE": "wijkcode",
        "GM_CODE": "gemeentecode",
        "GM_NAAM": "gemeentenaam",
        "AANT_INW": "aantalInwoners",
    }
).to_crs(28992)
modern.to_file(
    "wijkenbuurten_2017_groningen.gpkg",
    layer="buurten",
    driver="GPKG",
    engine="pyogrio",
    SPATIAL_INDEX="NO",
)
print(len(buurten), "buurten")
