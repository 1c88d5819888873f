//! Buurt → wijk → gemeente hierarchy with inhabitants, from the bundled CBS 85984NED file.

use std::fmt;
use std::ops::Range;

/// `data/cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv`,
/// compiled in so the binary runs from any directory.
const BUNDLED_CSV: &str = include_str!(
    "../../../data/cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv"
);

const HEADER: &str = r#""","nhood_id","population""#;

/// A buurt and its inhabitants (2024).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buurt {
    /// `BU` + 4-digit gemeente + 2-character wijk + 2-character buurt, e.g. `BU16800000`.
    pub code: String,
    pub population: u32,
}

/// A wijk: a run of consecutive buurten of its gemeente.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wijk {
    /// `WK` + 6 characters, e.g. `WK168000`.
    pub code: String,
    /// Indices into [`Gemeente::buurten`].
    pub buurten: Range<usize>,
}

/// A gemeente with its wijken and buurten, all in code order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gemeente {
    /// `GM` + 4 digits, e.g. `GM1680`.
    pub code: String,
    /// The 4-digit number, used to give every gemeente its own random stream.
    pub number: u16,
    pub wijken: Vec<Wijk>,
    pub buurten: Vec<Buurt>,
}

impl Gemeente {
    pub fn population(&self) -> u64 {
        self.buurten.iter().map(|b| u64::from(b.population)).sum()
    }

    /// Areas this gemeente contributes to the output: itself, its wijken and its buurten.
    pub fn area_count(&self) -> usize {
        1 + self.wijken.len() + self.buurten.len()
    }
}

/// A line of the population file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PopulationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "population file line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for PopulationError {}

/// All 342 gemeenten of the bundled 2024 indeling, in code order.
pub fn bundled_gemeenten() -> Vec<Gemeente> {
    // The file is compiled in and checked by a test, so failure here is a build defect.
    parse_population_csv(BUNDLED_CSV).expect("bundled population file is valid")
}

/// Reads R `write.csv` output with header `"","nhood_id","population"` into gemeenten.
///
/// Rows may come in any order; the result is sorted by code at every level so the output order
/// never depends on the file's order.
pub fn parse_population_csv(text: &str) -> Result<Vec<Gemeente>, PopulationError> {
    let err = |line: usize, message: String| PopulationError { line, message };
    let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
    match lines.next() {
        Some(HEADER) => {}
        other => return Err(err(1, format!("expected header {HEADER}, found {other:?}"))),
    }
    let mut buurten = Vec::new();
    for (i, line) in lines.enumerate() {
        let line_no = i + 2;
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let [_, code, population] = fields[..] else {
            return Err(err(
                line_no,
                format!("expected 3 fields, found {}", fields.len()),
            ));
        };
        let code = code.trim_matches('"');
        if !is_buurt_code(code) {
            return Err(err(line_no, format!("not a buurt code: {code:?}")));
        }
        let population = population
            .parse::<u32>()
            .map_err(|e| err(line_no, format!("population {population:?}: {e}")))?;
        buurten.push(Buurt {
            code: code.to_owned(),
            population,
        });
    }
    buurten.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    if let Some(w) = buurten.windows(2).find(|w| w[0].code == w[1].code) {
        return Err(err(0, format!("buurt {} occurs twice", w[0].code)));
    }

    let mut gemeenten: Vec<Gemeente> = Vec::new();
    for buurt in buurten {
        let gm_digits = &buurt.code[2..6];
        if gemeenten.last().is_none_or(|g| &g.code[2..] != gm_digits) {
            gemeenten.push(Gemeente {
                code: format!("GM{gm_digits}"),
                // is_buurt_code checked these are 4 ASCII digits.
                number: gm_digits.parse().unwrap_or_default(),
                wijken: Vec::new(),
                buurten: Vec::new(),
            });
        }
        let Some(gemeente) = gemeenten.last_mut() else {
            unreachable!("a gemeente was pushed above")
        };
        let index = gemeente.buurten.len();
        let wk_chars = &buurt.code[2..8];
        match gemeente.wijken.last_mut() {
            Some(w) if &w.code[2..] == wk_chars => w.buurten.end = index + 1,
            _ => gemeente.wijken.push(Wijk {
                code: format!("WK{wk_chars}"),
                buurten: index..index + 1,
            }),
        }
        gemeente.buurten.push(buurt);
    }
    Ok(gemeenten)
}

/// `BU` + 4 digits + 4 upper-case alphanumerics (Amsterdam uses letters, e.g. `BU0363NA01`).
fn is_buurt_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 10
        && b.starts_with(b"BU")
        && b[2..6].iter().all(u8::is_ascii_digit)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_file_has_the_2024_indeling() {
        let gemeenten = bundled_gemeenten();
        assert_eq!(gemeenten.len(), 342);
        let buurten: usize = gemeenten.iter().map(|g| g.buurten.len()).sum();
        let wijken: usize = gemeenten.iter().map(|g| g.wijken.len()).sum();
        assert_eq!(buurten, 14_574);
        assert_eq!(wijken, 3_393);
        let population: u64 = gemeenten.iter().map(Gemeente::population).sum();
        assert_eq!(population, 17_942_915);
        assert!(gemeenten.windows(2).all(|w| w[0].code < w[1].code));
        let amsterdam = gemeenten.iter().find(|g| g.code == "GM0363").unwrap();
        assert_eq!(amsterdam.buurten.len(), 517);
        assert_eq!(amsterdam.population(), 931_300);
    }

    #[test]
    fn wijken_cover_their_buurten_exactly() {
        for g in bundled_gemeenten() {
            let mut next = 0;
            for w in &g.wijken {
                assert_eq!(w.buurten.start, next);
                for b in &g.buurten[w.buurten.clone()] {
                    assert_eq!(b.code[2..8], w.code[2..]);
                    assert_eq!(b.code[2..6], g.code[2..]);
                }
                next = w.buurten.end;
            }
            assert_eq!(next, g.buurten.len());
        }
    }

    #[test]
    fn rejects_malformed_lines() {
        let bad_code = "\"\",\"nhood_id\",\"population\"\n\"1\",\"WK168000\",5\n";
        assert_eq!(parse_population_csv(bad_code).unwrap_err().line, 2);
        let bad_pop = "\"\",\"nhood_id\",\"population\"\n\"1\",\"BU16800000\",NA\n";
        assert_eq!(parse_population_csv(bad_pop).unwrap_err().line, 2);
        assert!(parse_population_csv("nhood_id,population\n").is_err());
    }
}
