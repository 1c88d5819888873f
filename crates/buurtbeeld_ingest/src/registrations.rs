//! What every reader of single registrations shares (BVH incidents, Signalen reports,
//! enforcement and generic registrations): placing a point in its buurt, reading coordinates in
//! RD New or WGS84, and reading the dates such exports write.

use buurtbeeld_cube::rd::{looks_like_rd, looks_like_wgs84_nl, rd_to_wgs84, wgs84_to_rd};
use buurtbeeld_cube::{AreaCode, AreaLevel, Day, RdPoint};
use geo::{BoundingRect, Contains, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use crate::Context;

struct Buurt {
    code: AreaCode,
    shape: MultiPolygon<f64>,
}

/// The store's buurt boundaries, for point-in-polygon. Candidates come from an R-tree of their
/// bounding boxes, so a point costs a few box tests and one or two polygon tests, whether the
/// store has the 108 buurten of one gemeente or the 13.000 of the whole country.
pub(crate) struct BuurtLocator {
    buurten: Vec<Buurt>,
    boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    unknown: AreaCode,
}

impl BuurtLocator {
    pub(crate) fn new(context: &Context) -> BuurtLocator {
        let mut boxes = Vec::new();
        let buurten = context
            .buurt_geometries
            .iter()
            .filter_map(|(code, json)| {
                let geometry: geojson::Geometry = json.parse().ok()?;
                let shape: geo::Geometry<f64> = geometry.try_into().ok()?;
                let shape = match shape {
                    geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                    geo::Geometry::MultiPolygon(m) => m,
                    _ => return None,
                };
                let bounds = shape.bounding_rect()?;
                Some((code, shape, bounds))
            })
            .enumerate()
            .map(|(index, (code, shape, bounds))| {
                boxes.push(GeomWithData::new(
                    Rectangle::from_corners(bounds.min().x_y().into(), bounds.max().x_y().into()),
                    index,
                ));
                Buurt {
                    code: code.clone(),
                    shape,
                }
            })
            .collect();
        BuurtLocator {
            buurten,
            boxes: RTree::bulk_load(boxes),
            unknown: AreaCode::unknown(AreaLevel::Buurt),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buurten.is_empty()
    }

    /// The buurt codes, in the order `index` refers to.
    pub(crate) fn code(&self, index: usize) -> &AreaCode {
        &self.buurten[index].code
    }

    pub(crate) fn codes(&self) -> impl Iterator<Item = &AreaCode> {
        self.buurten.iter().map(|b| &b.code)
    }

    /// The index of the buurt containing a WGS84 point; a point on a shared edge goes to the
    /// first buurt in the store's order.
    pub(crate) fn index(&self, lon: f64, lat: f64) -> Option<usize> {
        let point = Point::new(lon, lat);
        // In the store's order, so that a point on a shared edge keeps going to the first.
        let mut candidates: Vec<usize> = self
            .boxes
            .locate_all_at_point(&[lon, lat])
            .map(|b| b.data)
            .collect();
        candidates.sort_unstable();
        let shape = |i: &&usize| &self.buurten[**i].shape;
        candidates
            .iter()
            .find(|i| shape(i).contains(&point))
            .or_else(|| candidates.iter().find(|i| shape(i).intersects(&point)))
            .copied()
    }

    /// The buurt of a point, or the unknown buurt (`AreaCode::unknown`) outside every boundary.
    pub(crate) fn buurt_of(&self, point: RdPoint) -> &AreaCode {
        let (lon, lat) = rd_to_wgs84(point.x, point.y);
        self.index(lon, lat)
            .map_or(&self.unknown, |i| &self.buurten[i].code)
    }
}

/// How a file writes its coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Crs {
    /// RD New (EPSG:28992), x and y in metres.
    RdNew,
    /// WGS84 (EPSG:4326); the pair is (longitude, latitude).
    Wgs84,
}

/// A coordinate pair read as the file's coordinate system says, checked to lie in the
/// Netherlands, and kept in RD New rounded to whole metres (finer is noise for counting per
/// buurt, and no address is more precise than that). A decimal comma is accepted.
pub(crate) fn read_point(raw_x: &str, raw_y: &str, crs: Crs) -> Result<RdPoint, String> {
    let number = |raw: &str| raw.trim().replace(',', ".").parse::<f64>().ok();
    let (Some(a), Some(b)) = (number(raw_x), number(raw_y)) else {
        return Err(match crs {
            Crs::RdNew => format!(
                "('{raw_x}', '{raw_y}') is geen coördinaat; verwacht RD New x en y in meters, \
                 zoals 233850 en 582050"
            ),
            Crs::Wgs84 => format!(
                "('{raw_x}', '{raw_y}') is geen coördinaat; verwacht WGS84 lengte- en breedtegraad, \
                 zoals 6,5665 en 53,2194"
            ),
        });
    };
    let (x, y) = match crs {
        Crs::RdNew if looks_like_rd(a, b) => (a, b),
        Crs::RdNew => {
            return Err(format!(
                "({a}, {b}) ligt niet in Nederland als RD New-coördinaat (EPSG:28992) in meters"
            ))
        }
        Crs::Wgs84 if looks_like_wgs84_nl(a, b) => wgs84_to_rd(a, b),
        Crs::Wgs84 => {
            return Err(format!(
                "({a}, {b}) ligt niet in Nederland als WGS84 lengte- en breedtegraad"
            ))
        }
    };
    Ok(RdPoint {
        x: x.round(),
        y: y.round(),
    })
}

/// A date as municipal and police exports write it: ISO `2015-03-07` (also with a time), or
/// Dutch `7-3-2015` / `07-03-2015` (also with a time, as Excel writes `20-9-2017 17:30`).
/// Only the day is kept.
pub(crate) fn read_day(raw: &str) -> Result<Day, String> {
    let raw = raw.trim();
    let expected = || {
        format!(
            "'{raw}' is geen datum; verwacht jaar-maand-dag (2015-03-07) of dag-maand-jaar \
             (7-3-2015), eventueel met een tijd"
        )
    };
    let date = raw
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .ok_or_else(expected)?;
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(expected());
    };
    let (year, month, day) = if a.len() == 4 {
        (a, b, c)
    } else if c.len() == 4 {
        (c, b, a)
    } else {
        return Err(expected());
    };
    let (Ok(year), Ok(month), Ok(day)) = (year.parse(), month.parse(), day.parse()) else {
        return Err(expected());
    };
    Day::from_ymd(year, month, day).map_err(|e| {
        format!(
            "'{raw}' is geen datum: {e}; verwacht jaar-maand-dag (2015-03-07) of dag-maand-jaar \
             (7-3-2015)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_dates_exports_write() {
        for (raw, day) in [
            ("20-9-2017 17:30", "2017-09-20"),
            ("01-01-2013", "2013-01-01"),
            ("2015-03-07T10:12:00+01:00", "2015-03-07"),
            ("2016-02-29 23:59:59", "2016-02-29"),
            ("7/3/2015", "2015-03-07"),
        ] {
            assert_eq!(read_day(raw).unwrap().to_string(), day, "{raw}");
        }
        for raw in [
            "30-2-2016",
            "1-13-2013",
            "2017/09",
            "",
            "gisteren",
            "20-9-17",
        ] {
            assert!(read_day(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn reads_points_in_either_system_and_keeps_rd_metres() {
        let rd = read_point("233850,4", "582050.6", Crs::RdNew).unwrap();
        assert_eq!((rd.x, rd.y), (233850.0, 582051.0));
        let wgs = read_point("6.5665", "53.2194", Crs::Wgs84).unwrap();
        assert!(
            (wgs.x - 233_880.0).abs() < 200.0 && (wgs.y - 582_050.0).abs() < 200.0,
            "{wgs:?}"
        );
        assert!(read_point("6.5665", "53.2194", Crs::RdNew).is_err());
        assert!(read_point("233850", "582050", Crs::Wgs84).is_err());
        assert!(read_point("", "582050", Crs::RdNew).is_err());
    }
}
