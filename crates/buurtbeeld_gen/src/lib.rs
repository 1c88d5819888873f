//! Seeded national-scale generator of Politie table 47022NED ("Geregistreerde misdrijven; soort
//! misdrijf, wijk, buurt, maandcijfers") in the coded CSV format, for benchmarks.
//!
//! # Output
//!
//! `;`-separated UTF-8 without BOM, LF line ends, header
//! `SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1`, then one row per area ×
//! SoortMisdrijf code × month, e.g. `1.2.3;BU16800000;2023MM01;4`. The cube is complete: every
//! gemeente, wijk and buurt of the bundled 2024 indeling (or of the first N gemeenten) × 59 codes ×
//! every month.
//!
//! Row order is area-major and hierarchical, fixed and independent of any hash order:
//! gemeenten in code order; for each gemeente first its `GM` block, then for each of its wijken in
//! code order the `WK` block followed by the `BU` blocks of that wijk's buurten in code order.
//! Within an area block the codes follow the 47022NED code list (`0.0.0` first, then `1.1.1` …
//! `3.9.3`, so `2.6.10` comes after `2.6.9`), and within a code the months ascend.
//!
//! # Model
//!
//! Each buurt × offence code × month is a Poisson draw with mean = national 2023 count per
//! inhabitant × inhabitants × gemeente and buurt lognormal multipliers (larger gemeenten get a
//! higher rate) × a per-buurt mix multiplier × a seasonal factor × a −2 %/year trend (see
//! [`GEMEENTE_SIGMA`], [`BUURT_SIGMA`], [`BUURT_CODE_SIGMA`], [`URBAN_EXPONENT`], [`YEARLY_TREND`]).
//! Multipliers are scaled so the expected national counts for 2023 equal the real ones. Buurten
//! without inhabitants (478 in 2024, mostly business parks) therefore always have 0. Wijk and
//! gemeente counts are exact sums of their buurten. `0.0.0` is the sum of all 58 true counts,
//! while `1.4.1`, `3.2.1`, `3.2.2` and `3.7.3` are always published empty, so the total exceeds
//! the sum of the published codes as in the real table.
//!
//! Same seed and options give byte-identical output. Every gemeente draws from its own random
//! streams, so with the same seed and months the output for `gemeenten: Some(n)` is a prefix of
//! the national output.

pub mod areas;
pub mod codes;
mod emit;
mod model;
mod sample;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use areas::Gemeente;
use codes::{is_suppressed, NATIONAL_2023, OFFENCE_COUNT, TOTAL_CODE};
pub use emit::HEADER;
pub use model::{BUURT_CODE_SIGMA, BUURT_SIGMA, GEMEENTE_SIGMA, URBAN_EXPONENT, YEARLY_TREND};

/// Number of SoortMisdrijf codes per area and month, including the total.
pub const CODES_PER_AREA: usize = OFFENCE_COUNT + 1;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: u16,
    /// 1 = January.
    pub month: u8,
}

impl YearMonth {
    /// `None` unless `month` is 1–12 and the year has four digits (CBS period codes need that).
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month `n` months later; may run past year 9999, which [`GenConfig`] validation rejects.
    pub fn plus_months(self, n: u32) -> Self {
        let index = u32::from(self.year) * 12 + u32::from(self.month) - 1 + n;
        Self {
            year: u16::try_from(index / 12).unwrap_or(u16::MAX),
            month: (index % 12) as u8 + 1,
        }
    }

    /// The CBS period code, e.g. `2023MM01`.
    pub fn period_code(self) -> String {
        format!("{:04}MM{:02}", self.year, self.month)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = ConfigError;

    /// Parses `YYYY-MM`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ConfigError(format!("expected a month as YYYY-MM, got {s:?}"));
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Self::new(year, month).ok_or_else(bad)
    }
}

/// Invalid generator options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenConfig {
    pub seed: u64,
    pub first_month: YearMonth,
    pub months: u32,
    /// Only the first N gemeenten in code order; `None` or more than exist means all 342.
    pub gemeenten: Option<usize>,
}

impl Default for GenConfig {
    /// The national benchmark file: 2012-01 to 2024-12, seed 42.
    fn default() -> Self {
        Self {
            seed: 42,
            first_month: YearMonth {
                year: 2012,
                month: 1,
            },
            months: 156,
            gemeenten: None,
        }
    }
}

/// Totals of a finished run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Data rows, without the header.
    pub rows: u64,
    pub areas: usize,
    pub months: u32,
    /// Bytes written, including the header.
    pub bytes: u64,
}

/// Reported after each gemeente.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub rows_written: u64,
    pub rows_total: u64,
}

/// A validated configuration with its areas and spatial model, ready to write.
#[derive(Debug, Clone)]
pub struct Generator {
    config: GenConfig,
    gemeenten: Vec<Gemeente>,
    spatial: model::SpatialModel,
}

impl Generator {
    pub fn new(config: GenConfig) -> Result<Self, ConfigError> {
        if config.months == 0 {
            return Err(ConfigError("months must be at least 1".into()));
        }
        if YearMonth::new(config.first_month.year, config.first_month.month).is_none() {
            return Err(ConfigError(format!(
                "invalid first month {}",
                config.first_month
            )));
        }
        let last = config.first_month.plus_months(config.months - 1);
        if last.year > 9999 {
            return Err(ConfigError(format!(
                "{} months from {} runs past year 9999",
                config.months, config.first_month
            )));
        }
        if config.gemeenten == Some(0) {
            return Err(ConfigError("gemeenten must be at least 1".into()));
        }
        let mut gemeenten = areas::bundled_gemeenten();
        // Normalisation is national, so it sees every gemeente before the selection is cut.
        let spatial = model::SpatialModel::new(&gemeenten, config.seed);
        if let Some(n) = config.gemeenten {
            gemeenten.truncate(n);
        }
        Ok(Self {
            config,
            gemeenten,
            spatial,
        })
    }

    pub fn config(&self) -> &GenConfig {
        &self.config
    }

    /// The selected gemeenten, in output order.
    pub fn gemeenten(&self) -> &[Gemeente] {
        &self.gemeenten
    }

    /// Gemeenten, wijken and buurten in the output.
    pub fn area_count(&self) -> usize {
        self.gemeenten.iter().map(Gemeente::area_count).sum()
    }

    /// Data rows the output will have.
    pub fn total_rows(&self) -> u64 {
        self.area_count() as u64 * CODES_PER_AREA as u64 * u64::from(self.config.months)
    }

    /// Streams the whole file to `out`, calling `progress` after each gemeente.
    ///
    /// `out` receives large writes only; wrapping it in a `BufWriter` is harmless but not needed.
    pub fn write<W: Write>(
        &self,
        out: W,
        mut progress: impl FnMut(Progress),
    ) -> io::Result<Summary> {
        let months = self.config.months as usize;
        let periods: Vec<[u8; 9]> = (0..self.config.months)
            .map(|i| {
                let ym = self.config.first_month.plus_months(i);
                emit::period_field(ym.year, ym.month)
            })
            .collect();
        let factors = model::month_factors(self.config.first_month, self.config.months);
        let rows_total = self.total_rows();
        let block = OFFENCE_COUNT * months;

        let mut sink = emit::RowSink::new(out);
        // Reused across gemeenten; Amsterdam, the largest, needs about 20 MB for 156 months.
        let mut buurt_counts: Vec<u32> = Vec::new();
        let mut wijk_counts: Vec<u32> = Vec::new();
        let mut gemeente_counts: Vec<u32> = vec![0; block];
        let mut totals: Vec<u32> = vec![0; months];

        for (index, gemeente) in self.gemeenten.iter().enumerate() {
            let means = self.spatial.yearly_means(index, gemeente);
            let mut rng =
                model::stream_rng(self.config.seed, gemeente.number, model::Stream::Counts);

            // Layout [buurt][code][month], so a series is one contiguous slice.
            buurt_counts.clear();
            buurt_counts.resize(gemeente.buurten.len() * block, 0);
            for (j, (series, &mean)) in buurt_counts
                .chunks_exact_mut(months)
                .zip(&means)
                .enumerate()
            {
                if mean <= 0.0 {
                    continue;
                }
                let code = j % OFFENCE_COUNT;
                let shape = &factors[code * months..(code + 1) * months];
                for (count, &f) in series.iter_mut().zip(shape) {
                    *count = sample::poisson(&mut rng, mean * f);
                }
            }

            wijk_counts.clear();
            wijk_counts.resize(gemeente.wijken.len() * block, 0);
            for (wijk, sums) in gemeente
                .wijken
                .iter()
                .zip(wijk_counts.chunks_exact_mut(block))
            {
                for b in wijk.buurten.clone() {
                    add_into(sums, &buurt_counts[b * block..(b + 1) * block]);
                }
            }
            gemeente_counts.fill(0);
            for sums in wijk_counts.chunks_exact(block) {
                add_into(&mut gemeente_counts, sums);
            }

            write_area(
                &mut sink,
                &gemeente.code,
                &periods,
                &gemeente_counts,
                &mut totals,
            )?;
            for (w, wijk) in gemeente.wijken.iter().enumerate() {
                let sums = &wijk_counts[w * block..(w + 1) * block];
                write_area(&mut sink, &wijk.code, &periods, sums, &mut totals)?;
                for b in wijk.buurten.clone() {
                    let counts = &buurt_counts[b * block..(b + 1) * block];
                    write_area(
                        &mut sink,
                        &gemeente.buurten[b].code,
                        &periods,
                        counts,
                        &mut totals,
                    )?;
                }
            }
            progress(Progress {
                rows_written: sink.rows(),
                rows_total,
            });
        }
        let (rows, bytes) = sink.finish()?;
        Ok(Summary {
            rows,
            areas: self.area_count(),
            months: self.config.months,
            bytes,
        })
    }
}

fn add_into(sums: &mut [u32], counts: &[u32]) {
    for (sum, &count) in sums.iter_mut().zip(counts) {
        *sum += count;
    }
}

/// Writes one area's 59 series; `counts` is `[code][month]` for the 58 offence codes.
fn write_area<W: Write>(
    sink: &mut emit::RowSink<W>,
    area: &str,
    periods: &[[u8; 9]],
    counts: &[u32],
    totals: &mut [u32],
) -> io::Result<()> {
    let months = periods.len();
    // The total includes the suppressed codes' true counts, which is why it is computed here
    // from the full array rather than from what gets published.
    totals.fill(0);
    for series in counts.chunks_exact(months) {
        add_into(totals, series);
    }
    sink.series(TOTAL_CODE, area, periods, Some(totals))?;
    for (&(code, _, _), series) in NATIONAL_2023.iter().zip(counts.chunks_exact(months)) {
        let published = (!is_suppressed(code)).then_some(series);
        sink.series(code, area, periods, published)?;
    }
    Ok(())
}
