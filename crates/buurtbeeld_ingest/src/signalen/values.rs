//! The values of a Signalen export: melding ids, category slugs, timestamps and points.

use buurtbeeld_cube::rd::looks_like_wgs84_nl;
use buurtbeeld_cube::{Day, RdPoint};

use crate::registrations::{read_point, Crs};

/// A Signalen slug: lower-case letters, digits and `-`, as Django's `slugify` makes them.
pub(crate) fn is_slug(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 100
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A category slug, or why it is not one.
pub(crate) fn read_slug(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if is_slug(raw) {
        Ok(raw.to_owned())
    } else if raw.is_empty() {
        Err("leeg; verwacht de slug van een Signalen-categorie, zoals jongerenoverlast".to_owned())
    } else {
        Err(format!(
            "'{}' is geen slug; verwacht kleine letters, cijfers en '-', zoals jongerenoverlast",
            shorten(raw)
        ))
    }
}

/// Django's `slugify` for files that give category names without slugs: accents dropped
/// (NFKD, then ASCII), other punctuation removed, lower case, runs of spaces and `-` made one `-`.
pub(crate) fn slugify(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let ascii: String = name.nfkd().filter(char::is_ascii).collect();
    let kept: String = ascii
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || c.is_whitespace())
        .collect();
    let mut slug = String::new();
    for c in kept.chars() {
        if c == '-' || c.is_whitespace() {
            if !slug.ends_with('-') {
                slug.push('-');
            }
        } else {
            slug.push(c);
        }
    }
    slug.trim_matches(|c| c == '-' || c == '_').to_owned()
}

/// A melding id: Signalen's number, also as the `SIG-123` its pages show. Nothing else is
/// accepted, so that no text reaches the store through the id.
pub(crate) fn read_id(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let digits = raw
        .strip_prefix("SIG-")
        .or_else(|| raw.strip_prefix("sig-"))
        .unwrap_or(raw);
    if !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(format!(
            "'{}' is geen meldingnummer; verwacht het nummer van de melding in Signalen, zoals \
             12345 of SIG-12345",
            shorten(raw)
        ))
    }
}

pub(crate) fn shorten(raw: &str) -> String {
    if raw.chars().count() > 40 {
        format!("{}…", raw.chars().take(40).collect::<String>())
    } else {
        raw.to_owned()
    }
}

/// The day a melding was made, in Dutch local time. Signalen writes timestamps with their UTC
/// offset (`2017-12-31 23:30:00+00`, `2018-01-01T00:30:00+01:00`): a melding made half an hour
/// into the new year belongs to 1 January, whatever offset the export wrote. Without an offset
/// the date is taken as written.
pub(crate) fn read_local_day(raw: &str) -> Result<Day, String> {
    let raw = raw.trim();
    let expected = || {
        format!(
            "'{}' is geen tijdstip; verwacht een datum met tijd zoals Signalen die schrijft \
             (2017-06-30 21:15:00+00 of 2017-06-30T23:15:00+02:00)",
            shorten(raw)
        )
    };
    if raw.len() < 10 || !raw.is_char_boundary(10) {
        return Err(expected());
    }
    let day = Day::parse_iso(&raw[..10]).map_err(|_| expected())?;
    let rest = &raw[10..];
    if rest.is_empty() {
        return Ok(day);
    }
    let rest = rest.strip_prefix(['T', ' ']).ok_or_else(expected)?;
    let (time, offset) = match rest.find(['+', '-', 'Z']) {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let mut parts = time.split(':');
    let hour: i32 = parts
        .next()
        .and_then(|h| h.parse().ok())
        .ok_or_else(expected)?;
    let minute: i32 = match parts.next() {
        Some(m) => m.parse().map_err(|_| expected())?,
        None => 0,
    };
    if let Some(seconds) = parts.next() {
        seconds
            .split('.')
            .next()
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|s| *s < 61)
            .ok_or_else(expected)?;
    }
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) {
        return Err(expected());
    }
    let Some(offset) = offset else {
        return Ok(day);
    };
    let offset_minutes = if offset == "Z" {
        0
    } else {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let digits: String = offset[1..].chars().filter(|c| *c != ':').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(expected());
        }
        let (h, m) = match digits.len() {
            2 => (digits.parse::<i32>().map_err(|_| expected())?, 0),
            4 => (
                digits[..2].parse::<i32>().map_err(|_| expected())?,
                digits[2..].parse::<i32>().map_err(|_| expected())?,
            ),
            _ => return Err(expected()),
        };
        if h > 14 || m > 59 {
            return Err(expected());
        }
        sign * (h * 60 + m)
    };
    let utc_minutes =
        i64::from(day.days_since_epoch()) * 1440 + i64::from(hour * 60 + minute - offset_minutes);
    let local = utc_minutes + i64::from(dutch_offset_minutes(utc_minutes));
    // The local day may cross into a year outside the accepted range (2100-12-31 23:30+00).
    let (year, month, day) = Day::from_days(local.div_euclid(1440) as i32).ymd();
    Day::from_ymd(year, month, day).map_err(|_| expected())
}

/// Central European (Summer) Time at a UTC moment (minutes since 1970): +2 hours from the last
/// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, else +1.
fn dutch_offset_minutes(utc_minutes: i64) -> i32 {
    let (year, _, _) = Day::from_days(utc_minutes.div_euclid(1440) as i32).ymd();
    let last_sunday = |month: u32| {
        let last = Day::from_ymd(year, month, 31).expect("March and October have 31 days");
        // 1970-01-01 was a Thursday: days since epoch + 3, mod 7, is 6 on a Sunday.
        let weekday = (last.days_since_epoch() + 3).rem_euclid(7);
        i64::from(last.days_since_epoch() - (weekday - 6).rem_euclid(7)) * 1440 + 60
    };
    if (last_sunday(3)..last_sunday(10)).contains(&utc_minutes) {
        120
    } else {
        60
    }
}

/// A point as Signalen's CSVs write a geometry: PostGIS's hex EWKB (what `COPY` writes for the
/// `geometry` column of the `signals_ext_tdo` view), or WKT with or without `SRID=…;`.
/// SRID 4326 (WGS84) and 28992 (RD New) are read; without an SRID, WGS84.
pub(crate) fn read_geometry(raw: &str) -> Result<RdPoint, String> {
    let raw = raw.trim();
    let expected = || {
        format!(
            "'{}' is geen punt; verwacht een punt als hex-EWKB (0101000020E6100000…) of WKT \
             (POINT(6.5665 53.2194))",
            shorten(raw)
        )
    };
    let upper = raw.to_ascii_uppercase();
    let (srid, wkt) = match upper.strip_prefix("SRID=") {
        Some(rest) => {
            let (srid, wkt) = rest.split_once(';').ok_or_else(expected)?;
            (srid.parse::<u32>().map_err(|_| expected())?, wkt.trim())
        }
        None => (4326, upper.as_str()),
    };
    if let Some(body) = wkt.strip_prefix("POINT") {
        let body = body.trim();
        let inner = body
            .strip_prefix('(')
            .and_then(|b| b.strip_suffix(')'))
            .ok_or_else(expected)?;
        let mut numbers = inner.split_whitespace();
        let (Some(x), Some(y), None) = (numbers.next(), numbers.next(), numbers.next()) else {
            return Err(expected());
        };
        return point_in(srid, x, y);
    }
    let bytes = decode_hex(raw).ok_or_else(expected)?;
    let (srid, x, y) = ewkb_point(&bytes).ok_or_else(expected)?;
    point_in(srid, &x.to_string(), &y.to_string())
}

fn point_in(srid: u32, x: &str, y: &str) -> Result<RdPoint, String> {
    match srid {
        4326 => read_point(x, y, Crs::Wgs84),
        28992 => read_point(x, y, Crs::RdNew),
        other => Err(format!(
            "het punt heeft SRID {other}; verwacht 4326 (WGS84) of 28992 (RD New)"
        )),
    }
}

fn decode_hex(raw: &str) -> Option<Vec<u8>> {
    if !raw.len().is_multiple_of(2) || raw.len() > 200 {
        return None;
    }
    (0..raw.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
        .collect()
}

/// (SRID, x, y) of a (E)WKB point; SRID 4326 where the WKB has none.
fn ewkb_point(bytes: &[u8]) -> Option<(u32, f64, f64)> {
    let little = match bytes.first()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let f64_at = |at: usize| -> Option<f64> {
        let b: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    };
    let kind = u32_at(1)?;
    if kind & 0xFFFF != 1 {
        return None;
    }
    let (srid, at) = if kind & 0x2000_0000 != 0 {
        (u32_at(5)?, 9)
    } else {
        (4326, 5)
    };
    if bytes.len() != at + 16 {
        return None;
    }
    Some((srid, f64_at(at)?, f64_at(at + 8)?))
}

/// The point of a pair of columns named `lat` and `lng`. Signalen's datawarehouse dump writes
/// the longitude (PostGIS `st_x`) under `lat` and the latitude under `lng`; a file that names
/// them the right way round is read too. In the Netherlands the two ranges do not overlap, so
/// the order is never ambiguous.
pub(crate) fn read_lat_lng(raw_lat: &str, raw_lng: &str) -> Result<RdPoint, String> {
    let number = |raw: &str| raw.trim().replace(',', ".").parse::<f64>().ok();
    match (number(raw_lat), number(raw_lng)) {
        (Some(a), Some(b)) if looks_like_wgs84_nl(b, a) => read_point(raw_lng, raw_lat, Crs::Wgs84),
        _ => read_point(raw_lat, raw_lng, Crs::Wgs84),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_become_the_dutch_local_day() {
        for (raw, day) in [
            ("2017-12-31 23:30:00+00", "2018-01-01"),
            ("2017-12-31 22:30:00+00", "2017-12-31"),
            ("2017-06-30 22:30:00+00", "2017-07-01"),
            ("2017-06-30 21:30:00.123456+00", "2017-06-30"),
            ("2018-01-01T00:30:00+01:00", "2018-01-01"),
            ("2017-06-30T23:15:00Z", "2017-07-01"),
            ("2017-06-30", "2017-06-30"),
            ("2017-06-30 23:59", "2017-06-30"),
        ] {
            assert_eq!(read_local_day(raw).unwrap().to_string(), day, "{raw}");
        }
        for raw in [
            "30-06-2017 21:00",
            "2017-06-30 25:00:00+00",
            "2017-06-31",
            "",
            "gisteren",
            // A multi-byte character in the offset (found by the fuzz test).
            "2017-06-30 21:00+0\u{17d}0",
        ] {
            assert!(read_local_day(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn geometries_in_ewkb_and_wkt() {
        // PostGIS: SELECT ST_AsEWKB(ST_SetSRID(ST_MakePoint(6.5665, 53.2194), 4326)).
        let mut ewkb = vec![1u8, 1, 0, 0, 0x20, 0xE6, 0x10, 0, 0];
        ewkb.extend(6.5665f64.to_le_bytes());
        ewkb.extend(53.2194f64.to_le_bytes());
        let hex: String = ewkb.iter().map(|b| format!("{b:02X}")).collect();
        let a = read_geometry(&hex).unwrap();
        let b = read_geometry("POINT(6.5665 53.2194)").unwrap();
        let c = read_geometry("SRID=28992;POINT(233880 582050)").unwrap();
        assert_eq!(a, b);
        assert!(
            (a.x - c.x).abs() < 200.0 && (a.y - c.y).abs() < 200.0,
            "{a:?} {c:?}"
        );
        assert!(read_geometry("POINT(53.2194 6.5665)").is_err());
        assert!(read_geometry("0101").is_err());
        assert!(read_geometry("SRID=3857;POINT(1 2)").is_err());
    }

    #[test]
    fn lat_and_lng_in_either_order_and_ids_and_slugs() {
        assert_eq!(
            read_lat_lng("6.5665", "53.2194").unwrap(),
            read_lat_lng("53.2194", "6.5665").unwrap()
        );
        assert_eq!(read_id("SIG-123").unwrap(), "123");
        assert!(read_id("Jan").is_err());
        assert_eq!(
            slugify("Overlast Bedrijven en Horeca"),
            "overlast-bedrijven-en-horeca"
        );
        assert_eq!(slugify("Veeg- / zwerfvuil"), "veeg-zwerfvuil");
        assert_eq!(slugify("Overig horeca/bedrijven"), "overig-horecabedrijven");
        assert_eq!(
            slugify("Scheefgezakte café-stoep"),
            "scheefgezakte-cafe-stoep"
        );
    }
}
