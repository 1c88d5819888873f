//! Read queries, answered in cube types.

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Series, Theme};
use geo::MultiPolygon;
use rusqlite::{params, OptionalExtension, Row};

use crate::codec::decode_cells;
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AreaInfo {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
    pub indeling_year: Option<i32>,
    pub has_geometry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CategoryInfo {
    pub code: CategoryCode,
    pub label: String,
    pub description: String,
}

/// Inhabitants of an area in a year, and whether the figure is the area's own or summed from
/// its children (kerncijfers per buurt only, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PopulationFigure {
    pub year: i32,
    pub inhabitants: u64,
    pub summed_from_children: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportLogEntry {
    pub id: i64,
    pub file: String,
    pub kind: String,
    pub table_id: String,
    pub release: String,
    pub imported_at: String,
    pub rows: i64,
    pub checksum: String,
    pub summary: String,
    /// Who imported it; empty for imports made before this was recorded.
    pub imported_by: String,
}

const AREA_COLUMNS: &str = "code, name, level, parent, indeling_year, geometry IS NOT NULL";

fn area_from_row(row: &Row<'_>) -> rusqlite::Result<AreaInfo> {
    let code: String = row.get(0)?;
    let level: String = row.get(2)?;
    let parent: Option<String> = row.get(3)?;
    let corrupt = |what: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
    };
    Ok(AreaInfo {
        code: AreaCode::parse(&code).map_err(|e| corrupt(e.to_string()))?,
        name: row.get(1)?,
        level: AreaLevel::parse(&level).ok_or_else(|| corrupt(level.clone()))?,
        parent: parent.as_deref().and_then(|p| AreaCode::parse(p).ok()),
        indeling_year: row.get(4)?,
        has_geometry: row.get(5)?,
    })
}

impl Store {
    pub fn area(&self, code: &AreaCode) -> Result<Option<AreaInfo>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {AREA_COLUMNS} FROM areas WHERE code = ?1"),
                [code.as_str()],
                area_from_row,
            )
            .optional()?)
    }

    /// The area's GeoJSON geometry (WGS84), if the store has one.
    pub fn area_geometry(&self, code: &AreaCode) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT geometry FROM areas WHERE code = ?1",
                [code.as_str()],
                |row| row.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// The area's boundary as a shape (WGS84 lon/lat), for computing with it: neighbours,
    /// centroids, surface. `None` without a boundary or with one that is not a (multi)polygon.
    /// Pages and the API, which pass the geometry on as it is, read [`Store::area_geometry`].
    pub fn area_shape(&self, code: &AreaCode) -> Result<Option<MultiPolygon<f64>>> {
        Ok(self.area_geometry(code)?.as_deref().and_then(multipolygon))
    }

    /// Direct children in code order.
    pub fn children(&self, code: &AreaCode) -> Result<Vec<AreaInfo>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {AREA_COLUMNS} FROM areas WHERE parent = ?1 ORDER BY code"
        ))?;
        let rows = stmt.query_map([code.as_str()], area_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All areas of a level, in code order.
    pub fn areas_at(&self, level: AreaLevel) -> Result<Vec<AreaInfo>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {AREA_COLUMNS} FROM areas WHERE level = ?1 ORDER BY code"
        ))?;
        let rows = stmt.query_map([level.as_str()], area_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// GeoJSON (WGS84) geometries of all buurten, in code order.
    pub fn buurt_geometries(&self) -> Result<Vec<(AreaCode, String)>> {
        let rows = self.text_pairs(
            "SELECT code, geometry FROM areas WHERE level = 'buurt' AND geometry IS NOT NULL
             ORDER BY code",
            [],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(code, geometry)| Some((AreaCode::parse(&code).ok()?, geometry)))
            .collect())
    }

    /// Rows of a query that selects two text columns.
    fn text_pairs(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn series(
        &self,
        source: &str,
        area: &AreaCode,
        category: &CategoryCode,
        frequency: Frequency,
    ) -> Result<Option<Series>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT first_period, cells FROM series
                 WHERE source = ?1 AND area = ?2 AND category = ?3 AND frequency = ?4",
            )?
            .query_row(
                params![source, area.as_str(), category.as_str(), frequency.as_str()],
                |row| Ok(decode_cells(row.get(0)?, &row.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?)
    }

    /// Every source table the store holds series of, in name order.
    pub fn source_tables(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT source FROM series ORDER BY source")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The sources (tables) that have series for an area, with their frequency, in name order.
    pub fn sources_for(&self, area: &AreaCode) -> Result<Vec<(String, Frequency)>> {
        let rows = self.text_pairs(
            "SELECT DISTINCT source, frequency FROM series WHERE area = ?1 ORDER BY source, frequency",
            [area.as_str()],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(source, frequency)| Some((source, Frequency::parse(&frequency)?)))
            .collect())
    }

    /// The area's own population figure for `year`, or else the nearest year; failing that, the
    /// sum over its children (for a year all children have). Returns `None` without any figure.
    pub fn population(&self, area: &AreaCode, year: i32) -> Result<Option<PopulationFigure>> {
        let own: Option<(i32, i64)> = self
            .conn
            .prepare_cached(
                "SELECT year, inhabitants FROM population
                 WHERE area = ?1 AND inhabitants IS NOT NULL
                 ORDER BY abs(year - ?2), year DESC LIMIT 1",
            )?
            .query_row(params![area.as_str(), year], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        if let Some((year, inhabitants)) = own {
            return Ok(Some(PopulationFigure {
                year,
                inhabitants: inhabitants as u64,
                summed_from_children: false,
            }));
        }
        let children = self.children(area)?;
        if children.is_empty() {
            return Ok(None);
        }
        let mut figures = Vec::with_capacity(children.len());
        for child in children.iter().filter(|c| !c.code.is_unknown()) {
            match self.population(&child.code, year)? {
                Some(f) => figures.push(f),
                None => return Ok(None),
            }
        }
        let Some(first) = figures.first() else {
            return Ok(None);
        };
        // Only a sum over one year is a population; mixing years would be made up.
        if figures.iter().any(|f| f.year != first.year) {
            return Ok(None);
        }
        Ok(Some(PopulationFigure {
            year: first.year,
            inhabitants: figures.iter().map(|f| f.inhabitants).sum(),
            summed_from_children: true,
        }))
    }

    /// The theme set in its configured order.
    pub fn themes(&self) -> Result<Vec<Theme>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, description, bbv_indicator FROM themes ORDER BY position",
        )?;
        let mut themes: Vec<Theme> = stmt
            .query_map([], |row| {
                Ok(Theme {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    description: row.get(2)?,
                    categories: Vec::new(),
                    bbv_indicator: row.get(3)?,
                    sources: Default::default(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT category FROM theme_categories WHERE theme_id = ?1")?;
        for theme in &mut themes {
            let codes: Vec<String> = stmt
                .query_map([&theme.id], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            theme.categories = codes
                .iter()
                .filter_map(|c| CategoryCode::parse(c).ok())
                .collect();
            theme.categories.sort_by_key(CategoryCode::sort_key);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT source, category FROM theme_source_categories WHERE theme_id = ?1
             ORDER BY source, category",
        )?;
        for theme in &mut themes {
            let rows: Vec<(String, String)> = stmt
                .query_map([&theme.id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (source, category) in rows {
                theme.sources.entry(source).or_default().push(category);
            }
        }
        Ok(themes)
    }

    /// The categories in code order (2.6.9 before 2.6.10).
    pub fn categories(&self) -> Result<Vec<CategoryInfo>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, label, description FROM categories")?;
        let mut out: Vec<CategoryInfo> = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?
            .filter_map(|r| r.ok())
            .filter_map(|(code, label, description)| {
                Some(CategoryInfo {
                    code: CategoryCode::parse(&code).ok()?,
                    label,
                    description,
                })
            })
            .collect();
        out.sort_by_key(|c| c.code.sort_key());
        Ok(out)
    }

    /// The police incident code → category mapping, in incident-code order.
    pub fn incident_codes(&self) -> Result<Vec<(String, CategoryCode)>> {
        let rows = self.text_pairs(
            "SELECT incident_code, category FROM incident_codes ORDER BY incident_code",
            [],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(code, category)| Some((code, CategoryCode::parse(&category).ok()?)))
            .collect())
    }

    /// The import log, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportLogEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, file, kind, table_id, release, imported_at, rows, checksum, summary,
                 imported_by
             FROM imports ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(ImportLogEntry {
                id: row.get(0)?,
                file: row.get(1)?,
                kind: row.get(2)?,
                table_id: row.get(3)?,
                release: row.get(4)?,
                imported_at: row.get(5)?,
                rows: row.get(6)?,
                checksum: row.get(7)?,
                summary: row.get(8)?,
                imported_by: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
/// A GeoJSON Polygon or MultiPolygon as a shape; `None` for anything else.
pub(crate) fn multipolygon(text: &str) -> Option<MultiPolygon<f64>> {
    let geometry: geojson::Geometry = text.parse::<geojson::GeoJson>().ok()?.try_into().ok()?;
    match geo::Geometry::<f64>::try_from(geometry).ok()? {
        geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}
