//! Every imported wijk- en buurtindeling kept with its year (`area_boundaries`), and the series
//! of an area together with the indeling its code meant when the series was written: what
//! putting a series on another indeling starts from.

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Series};
use geo::MultiPolygon;
use rusqlite::{params, OptionalExtension, Row};

use crate::codec::decode_cells;
use crate::query::multipolygon;
use crate::{Result, Store};

/// One indeling present in the store: its year, a level, and how many areas it has there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndelingInfo {
    pub year: i32,
    pub level: AreaLevel,
    pub areas: usize,
}

/// The boundary of one area in one indeling (GeoJSON in WGS84, as imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boundary {
    pub code: AreaCode,
    pub indeling_year: i32,
    pub level: AreaLevel,
    pub name: String,
    pub parent: Option<AreaCode>,
    pub geometry: String,
}

impl Boundary {
    /// The boundary as a shape (WGS84 lon/lat); `None` if it is not a (multi)polygon.
    pub fn shape(&self) -> Option<MultiPolygon<f64>> {
        multipolygon(&self.geometry)
    }
}

/// A series of one area and category, with the indeling its area code belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesInIndeling {
    pub area: AreaCode,
    pub category: CategoryCode,
    pub series: Series,
    /// The year of the indeling the code meant when the series was written; `None` when the
    /// store has no boundary of the code in any indeling.
    pub indeling_year: Option<i32>,
}

const BOUNDARY_COLUMNS: &str = "code, indeling_year, level, name, parent, geometry";

fn boundary_from_row(row: &Row<'_>) -> rusqlite::Result<Boundary> {
    let corrupt = |what: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
    };
    let code: String = row.get(0)?;
    let level: String = row.get(2)?;
    let parent: Option<String> = row.get(4)?;
    Ok(Boundary {
        code: AreaCode::parse(&code).map_err(|e| corrupt(e.to_string()))?,
        indeling_year: row.get(1)?,
        level: AreaLevel::parse(&level).ok_or_else(|| corrupt(level.clone()))?,
        name: row.get(3)?,
        parent: parent.as_deref().and_then(|p| AreaCode::parse(p).ok()),
        geometry: row.get(5)?,
    })
}

/// The indeling a series' code meant: the boundary of the code the store held when the series
/// was written (the newest one imported no later than the series, which is the one a BVH
/// import located its incidents with); failing that, the code's earliest indeling.
const OWN_INDELING: &str = "
    coalesce(
        (SELECT b.indeling_year FROM area_boundaries b
         WHERE b.code = s.area AND b.import_id <= s.import_id
         ORDER BY b.import_id DESC LIMIT 1),
        (SELECT min(b.indeling_year) FROM area_boundaries b WHERE b.code = s.area))";

impl Store {
    /// Every indeling in the store: year and level with their number of areas, by year, then
    /// level from land to buurt.
    pub fn indelingen(&self) -> Result<Vec<IndelingInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT indeling_year, level, count(*) FROM area_boundaries
             GROUP BY indeling_year, level",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, i32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;
        let mut found = Vec::new();
        for row in rows {
            let (year, level, areas) = row?;
            if let Some(level) = AreaLevel::parse(&level) {
                found.push(IndelingInfo {
                    year,
                    level,
                    areas: areas as usize,
                });
            }
        }
        found.sort_by_key(|i| (i.year, i.level));
        Ok(found)
    }

    /// The boundaries of one indeling at one level, in code order; with `gemeente`, only the
    /// areas whose code lies in it (the gemeente's four digits follow the prefix in every
    /// wijk and buurt code).
    pub fn indeling_boundaries(
        &self,
        year: i32,
        level: AreaLevel,
        gemeente: Option<&AreaCode>,
    ) -> Result<Vec<Boundary>> {
        let digits = gemeente.map(|g| g.as_str().get(2..6).unwrap_or_default().to_owned());
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BOUNDARY_COLUMNS} FROM area_boundaries
             WHERE indeling_year = ?1 AND level = ?2 AND (?3 IS NULL OR substr(code, 3, 4) = ?3)
             ORDER BY code"
        ))?;
        let rows = stmt.query_map(params![year, level.as_str(), digits], boundary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The boundary of `code` in the indeling of `year`.
    pub fn boundary(&self, code: &AreaCode, year: i32) -> Result<Option<Boundary>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {BOUNDARY_COLUMNS} FROM area_boundaries
                 WHERE code = ?1 AND indeling_year = ?2"
            ))?
            .query_row(params![code.as_str(), year], boundary_from_row)
            .optional()?)
    }

    /// Every series of `source` at `frequency` for areas of `level` and one of `categories`,
    /// each with the indeling its code meant when it was written, in (area, category) order.
    pub fn series_with_indeling(
        &self,
        source: &str,
        frequency: Frequency,
        level: AreaLevel,
        categories: &[CategoryCode],
    ) -> Result<Vec<SeriesInIndeling>> {
        let prefix = match level {
            AreaLevel::Land => "NL",
            AreaLevel::Gemeente => "GM",
            AreaLevel::Wijk => "WK",
            AreaLevel::Buurt => "BU",
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.area, s.category, s.first_period, s.cells, {OWN_INDELING}
             FROM series s
             WHERE s.source = ?1 AND s.frequency = ?2 AND substr(s.area, 1, 2) = ?3
             ORDER BY s.area, s.category"
        ))?;
        let rows = stmt.query_map(params![source, frequency.as_str(), prefix], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                decode_cells(row.get(2)?, &row.get::<_, Vec<u8>>(3)?),
                row.get::<_, Option<i32>>(4)?,
            ))
        })?;
        let mut found = Vec::new();
        for row in rows {
            let (area, category, series, indeling_year) = row?;
            let (Ok(area), Ok(category)) = (AreaCode::parse(&area), CategoryCode::parse(&category))
            else {
                continue;
            };
            if categories.contains(&category) {
                found.push(SeriesInIndeling {
                    area,
                    category,
                    series,
                    indeling_year,
                });
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use buurtbeeld_cube::{AreaRecord, ImportBatch, SeriesKey, SourceInfo, Value};

    use super::*;

    fn square(x: f64) -> String {
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{x},53.0],[{},53.0],[{},53.01],[{x},53.01],[{x},53.0]]]}}"#,
            x + 0.01,
            x + 0.01
        )
    }

    fn boundaries(file: &str, year: i32, shapes: &[(&str, f64)]) -> ImportBatch {
        ImportBatch {
            source: Some(source(file)),
            areas: shapes
                .iter()
                .map(|(code, x)| AreaRecord {
                    code: AreaCode::parse(code).unwrap(),
                    name: format!("Buurt {code}"),
                    level: AreaLevel::Buurt,
                    parent: Some(AreaCode::parse("WK001400").unwrap()),
                    indeling_year: Some(year),
                    geometry: Some(square(*x)),
                    authoritative: true,
                })
                .collect(),
            ..ImportBatch::default()
        }
    }

    fn source(file: &str) -> SourceInfo {
        SourceInfo {
            file: file.to_owned(),
            kind: "test".to_owned(),
            table_id: "BVH".to_owned(),
            release: String::new(),
            checksum: file.to_owned(),
            rows: 1,
            imported_by: "test".to_owned(),
        }
    }

    fn counts(file: &str, area: &str) -> ImportBatch {
        let mut series = Series::new();
        series.insert(24_156, Value::Count(3));
        let key = SeriesKey {
            source: "BVH".to_owned(),
            area: AreaCode::parse(area).unwrap(),
            category: CategoryCode::parse("1.2.3").unwrap(),
            frequency: Frequency::Month,
        };
        ImportBatch {
            source: Some(source(file)),
            series: [(key, series)].into_iter().collect(),
            ..ImportBatch::default()
        }
    }

    #[test]
    fn a_reused_code_keeps_both_boundaries_and_series_know_which_they_meant() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let none = &();
        store
            .import(
                &[boundaries(
                    "2017.geojson",
                    2017,
                    &[("BU00140000", 6.50), ("BU00140001", 6.51)],
                )],
                none,
            )
            .unwrap();
        store
            .import(&[counts("a.csv", "BU00140000")], none)
            .unwrap();
        store
            .import(
                &[boundaries(
                    "2019.geojson",
                    2019,
                    &[("BU00140000", 6.505), ("BU00140002", 6.60)],
                )],
                none,
            )
            .unwrap();
        store
            .import(&[counts("b.csv", "BU00140002")], none)
            .unwrap();

        let indelingen = store.indelingen().unwrap();
        assert_eq!(
            indelingen,
            vec![
                IndelingInfo {
                    year: 2017,
                    level: AreaLevel::Buurt,
                    areas: 2
                },
                IndelingInfo {
                    year: 2019,
                    level: AreaLevel::Buurt,
                    areas: 2
                }
            ]
        );
        let code = AreaCode::parse("BU00140000").unwrap();
        let old = store.boundary(&code, 2017).unwrap().unwrap();
        let new = store.boundary(&code, 2019).unwrap().unwrap();
        assert_ne!(old.geometry, new.geometry);
        assert!(old.shape().is_some());
        // `areas` keeps its meaning: the latest boundary per code.
        assert_eq!(store.area_geometry(&code).unwrap(), Some(new.geometry));

        let gm = AreaCode::parse("GM0014").unwrap();
        let in_2019: Vec<String> = store
            .indeling_boundaries(2019, AreaLevel::Buurt, Some(&gm))
            .unwrap()
            .into_iter()
            .map(|b| b.code.to_string())
            .collect();
        assert_eq!(in_2019, ["BU00140000", "BU00140002"]);
        let elsewhere = AreaCode::parse("GM0017").unwrap();
        assert!(store
            .indeling_boundaries(2019, AreaLevel::Buurt, Some(&elsewhere))
            .unwrap()
            .is_empty());

        let series = store
            .series_with_indeling(
                "BVH",
                Frequency::Month,
                AreaLevel::Buurt,
                &[CategoryCode::parse("1.2.3").unwrap()],
            )
            .unwrap();
        let own: Vec<(String, Option<i32>)> = series
            .iter()
            .map(|s| (s.area.to_string(), s.indeling_year))
            .collect();
        assert_eq!(
            own,
            [
                ("BU00140000".to_owned(), Some(2017)),
                ("BU00140002".to_owned(), Some(2019))
            ]
        );
        assert!(store
            .dump()
            .unwrap()
            .contains("area_boundaries\t\"BU00140000\"\t2017"));
    }
}
