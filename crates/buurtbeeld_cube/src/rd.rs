//! Conversion between Rijksdriehoek (RD New, EPSG:28992) metres and WGS84 degrees.
//!
//! # What it computes
//!
//! [`rd_to_wgs84`] turns an RD New coordinate `(x, y)` in metres into WGS84
//! `(lon, lat)` in decimal degrees; [`wgs84_to_rd`] does the reverse. Both use
//! the published polynomial approximation of Schreutelkamp and Strang van Hees
//! (2001), which folds the RD map projection (oblique stereographic on the
//! Bessel 1841 ellipsoid) and the datum shift Bessel → WGS84 into one pair of
//! power series around the reference point Amersfoort:
//!
//! * RD → WGS84, with `dX = (x - X0) · 10⁻⁵` and `dY = (y - Y0) · 10⁻⁵`:
//!   `φ = φ0 + (Σ K_pq · dXᵖ · dYᑫ) / 3600` and
//!   `λ = λ0 + (Σ L_pq · dXᵖ · dYᑫ) / 3600` (the sums are in arc seconds).
//! * WGS84 → RD, with `dφ = 0.36 · (φ - φ0)` and `dλ = 0.36 · (λ - λ0)`
//!   (units of 10⁴ arc seconds):
//!   `x = X0 + Σ R_pq · dφᵖ · dλᑫ` and `y = Y0 + Σ S_pq · dφᵖ · dλᑫ`.
//!
//! [`looks_like_rd`] and [`looks_like_wgs84_nl`] are cheap plausibility checks
//! for telling the two kinds of coordinate apart in input files.
//!
//! # Assumptions
//!
//! * The approximation is accurate to about 1 m inside the Netherlands
//!   (mainland, Wadden islands and the near coastal waters). It is **not** for
//!   use outside the Netherlands: the series are fitted around Amersfoort and
//!   diverge quickly beyond the RD area.
//! * The two directions are separate fits, not exact inverses; a round trip
//!   RD → WGS84 → RD reproduces the input to well under a metre inside NL.
//! * Heights are ignored (2D only, no NAP), and "WGS84" here means the
//!   ETRS89/WGS84 realisation the formulas were fitted to, which is what web
//!   maps and `GeoJSON` use at metre level.
//! * No RDNAPTRANS™ correction grid is applied. For sub-metre work use
//!   RDNAPTRANS™ (e.g. PROJ with the official grid files).
//!
//! # Parameters
//!
//! * Reference point Amersfoort: `X0 = 155000`, `Y0 = 463000` (RD metres),
//!   `φ0 = 52.15517440°`, `λ0 = 5.38720621°` (WGS84).
//! * Coefficient sets `K_pq`, `L_pq` (RD → WGS84, arc seconds) and `R_pq`,
//!   `S_pq` (WGS84 → RD, metres) as published; see the constants below.
//! * Plausibility boxes: RD `x ∈ [-7000, 300000]`, `y ∈ [289000, 629000]`
//!   (the RD New area of validity in/near NL); WGS84 `lon ∈ [2.5, 7.5]`,
//!   `lat ∈ [50.5, 54.0]`.
//!
//! # Why hand-written
//!
//! No well-kept pure-Rust crate implements RD New. The `proj` crate binds the
//! C library PROJ and needs it (plus its grid files for RDNAPTRANS™) at build
//! and run time, which is a heavy native dependency for a conversion that the
//! published polynomial does to about a metre in a few dozen lines.
//!
//! # References
//!
//! * F.H. Schreutelkamp and G.L. Strang van Hees, "Benaderingsformules voor de
//!   transformatie tussen RD- en WGS84-kaartcoördinaten", Stichting De
//!   Koepel / NGT Geodesia, 2001.
//! * EPSG:28992 "Amersfoort / RD New", <https://epsg.io/28992>.
//! * Kadaster / NSGI, RDNAPTRANS™ (the exact, grid-based transformation).

/// RD x of the reference point Amersfoort, metres.
const X0: f64 = 155_000.0;
/// RD y of the reference point Amersfoort, metres.
const Y0: f64 = 463_000.0;
/// WGS84 latitude of the reference point Amersfoort, degrees.
const PHI0: f64 = 52.155_174_40;
/// WGS84 longitude of the reference point Amersfoort, degrees.
const LAMBDA0: f64 = 5.387_206_21;

/// `K_pq` as `(p, q, K)`: latitude term in arc seconds for `dXᵖ · dYᑫ`.
const K: [(i32, i32, f64); 11] = [
    (0, 1, 3_235.653_89),
    (2, 0, -32.582_97),
    (0, 2, -0.247_50),
    (2, 1, -0.849_78),
    (0, 3, -0.065_50),
    (2, 2, -0.017_09),
    (1, 0, -0.007_38),
    (4, 0, 0.005_30),
    (2, 3, -0.000_39),
    (4, 1, 0.000_33),
    (1, 1, -0.000_12),
];

/// `L_pq` as `(p, q, L)`: longitude term in arc seconds for `dXᵖ · dYᑫ`.
const L: [(i32, i32, f64); 12] = [
    (1, 0, 5_260.529_16),
    (1, 1, 105.946_84),
    (1, 2, 2.456_56),
    (3, 0, -0.818_85),
    (1, 3, 0.055_94),
    (3, 1, -0.056_07),
    (0, 1, 0.011_99),
    (3, 2, -0.002_56),
    (1, 4, 0.001_28),
    (0, 2, 0.000_22),
    (2, 0, -0.000_22),
    (5, 0, 0.000_26),
];

/// `R_pq` as `(p, q, R)`: RD x term in metres for `dφᵖ · dλᑫ`.
const R: [(i32, i32, f64); 9] = [
    (0, 1, 190_094.945),
    (1, 1, -11_832.228),
    (2, 1, -114.221),
    (0, 3, -32.391),
    (1, 0, -0.705),
    (3, 1, -2.340),
    (1, 3, -0.608),
    (0, 2, -0.008),
    (2, 3, 0.148),
];

/// `S_pq` as `(p, q, S)`: RD y term in metres for `dφᵖ · dλᑫ`.
const S: [(i32, i32, f64); 10] = [
    (1, 0, 309_056.544),
    (0, 2, 3_638.893),
    (2, 0, 73.077),
    (1, 2, -157.984),
    (3, 0, 59.788),
    (0, 1, 0.433),
    (2, 2, -6.439),
    (1, 1, -0.032),
    (0, 4, 0.092),
    (1, 4, -0.054),
];

/// Evaluates `Σ c · aᵖ · bᑫ` over a coefficient table.
fn series(terms: &[(i32, i32, f64)], a: f64, b: f64) -> f64 {
    terms
        .iter()
        .map(|&(p, q, c)| c * a.powi(p) * b.powi(q))
        .sum()
}

/// Converts an RD New coordinate (metres) to WGS84, returning `(lon, lat)` in
/// degrees. Accurate to about 1 m inside the Netherlands; meaningless far
/// outside it (check with [`looks_like_rd`] first).
#[must_use]
pub fn rd_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    let dx = (x - X0) * 1e-5;
    let dy = (y - Y0) * 1e-5;
    let lat = PHI0 + series(&K, dx, dy) / 3600.0;
    let lon = LAMBDA0 + series(&L, dx, dy) / 3600.0;
    (lon, lat)
}

/// Converts a WGS84 coordinate (`lon`, `lat` in degrees) to RD New, returning
/// `(x, y)` in metres. Accurate to about 1 m inside the Netherlands;
/// meaningless far outside it (check with [`looks_like_wgs84_nl`] first).
#[must_use]
pub fn wgs84_to_rd(lon: f64, lat: f64) -> (f64, f64) {
    let dphi = 0.36 * (lat - PHI0);
    let dlambda = 0.36 * (lon - LAMBDA0);
    let x = X0 + series(&R, dphi, dlambda);
    let y = Y0 + series(&S, dphi, dlambda);
    (x, y)
}

/// Whether `(x, y)` is a plausible RD New coordinate in or near the
/// Netherlands: `x ∈ [-7000, 300000]`, `y ∈ [289000, 629000]` metres.
/// NaN gives `false`.
#[must_use]
pub fn looks_like_rd(x: f64, y: f64) -> bool {
    (-7_000.0..=300_000.0).contains(&x) && (289_000.0..=629_000.0).contains(&y)
}

/// Whether `(lon, lat)` is a plausible WGS84 coordinate in or near the
/// Netherlands: `lon ∈ [2.5, 7.5]`, `lat ∈ [50.5, 54.0]` degrees.
/// NaN gives `false`.
#[must_use]
pub fn looks_like_wgs84_nl(lon: f64, lat: f64) -> bool {
    (2.5..=7.5).contains(&lon) && (50.5..=54.0).contains(&lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amersfoort_reference_point_maps_both_ways() {
        let (lon, lat) = rd_to_wgs84(X0, Y0);
        assert!((lon - LAMBDA0).abs() < 1e-9, "lon {lon}");
        assert!((lat - PHI0).abs() < 1e-9, "lat {lat}");
        let (x, y) = wgs84_to_rd(LAMBDA0, PHI0);
        assert!((x - X0).abs() < 1e-6, "x {x}");
        assert!((y - Y0).abs() < 1e-6, "y {y}");
        assert!(looks_like_rd(X0, Y0));
        assert!(looks_like_wgs84_nl(LAMBDA0, PHI0));
    }

    #[test]
    fn plausibility_checks() {
        // Dam, Amsterdam.
        assert!(looks_like_rd(121_000.0, 487_000.0));
        assert!(looks_like_wgs84_nl(4.893, 52.373));
        // WGS84 degrees are not RD metres and vice versa.
        assert!(!looks_like_rd(4.893, 52.373));
        assert!(!looks_like_wgs84_nl(121_000.0, 487_000.0));
        // Swapped lon/lat, edges and NaN.
        assert!(!looks_like_wgs84_nl(52.373, 4.893));
        assert!(looks_like_rd(-7_000.0, 629_000.0));
        assert!(!looks_like_rd(300_000.5, 400_000.0));
        assert!(!looks_like_rd(f64::NAN, 400_000.0));
        assert!(!looks_like_wgs84_nl(5.0, f64::NAN));
    }

    /// Compares with the independent conversion shipped in the data folder
    /// (lon/lat rounded to 6 decimals there).
    #[test]
    fn matches_derived_groningen_file() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/groningen-fietsdiefstallen-politie-2013-2017/derived_incident_to_BU2017.csv"
        );
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let mut lines = text.lines();
        let header = lines.next().expect("header line");
        assert!(
            header.starts_with("Incident Identificatie,X_RD,Y_RD,lon_wgs84,lat_wgs84"),
            "unexpected header: {header}"
        );

        let (mut rows, mut max_dlon, mut max_dlat) = (0usize, 0.0f64, 0.0f64);
        let (mut worst_lon_row, mut worst_lat_row) = (String::new(), String::new());
        for line in lines.filter(|l| !l.trim().is_empty()) {
            // The first five fields never contain commas or quotes.
            let f: Vec<&str> = line.splitn(6, ',').collect();
            assert!(f.len() >= 5, "short row: {line}");
            let num = |s: &str| -> f64 {
                s.trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("bad number {s:?} in {line}: {e}"))
            };
            let (x, y, lon_ref, lat_ref) = (num(f[1]), num(f[2]), num(f[3]), num(f[4]));
            let (lon, lat) = rd_to_wgs84(x, y);
            let (dlon, dlat) = ((lon - lon_ref).abs(), (lat - lat_ref).abs());
            if dlon > max_dlon {
                max_dlon = dlon;
                worst_lon_row = line.to_owned();
            }
            if dlat > max_dlat {
                max_dlat = dlat;
                worst_lat_row = line.to_owned();
            }
            rows += 1;
        }
        assert!(rows > 10_000, "only {rows} rows read from {path}");
        assert!(
            max_dlon <= 2e-6 && max_dlat <= 2e-6,
            "over {rows} rows: max |dlon| = {max_dlon:e}° ({worst_lon_row}), \
             max |dlat| = {max_dlat:e}° ({worst_lat_row})"
        );
    }

    #[test]
    fn round_trip_rd_wgs84_rd_over_nl() {
        let mut max_err = 0.0f64;
        let mut worst = (0.0, 0.0);
        let mut points = 0usize;
        // 10 km grid over the RD New box around NL (mainland, Wadden, Zeeland,
        // Limburg), including North Sea corners.
        for ix in 0..=28 {
            for iy in 0..=32 {
                let x = f64::from(ix) * 10_000.0;
                let y = 300_000.0 + f64::from(iy) * 10_000.0;
                let (lon, lat) = rd_to_wgs84(x, y);
                assert!(
                    looks_like_wgs84_nl(lon, lat),
                    "({x}, {y}) -> ({lon}, {lat})"
                );
                let (x2, y2) = wgs84_to_rd(lon, lat);
                let err = (x2 - x).hypot(y2 - y);
                if err > max_err {
                    max_err = err;
                    worst = (x, y);
                }
                points += 1;
            }
        }
        assert!(
            max_err <= 0.5,
            "round trip over {points} points: max error {max_err:.4} m at RD {worst:?}"
        );
    }
}
