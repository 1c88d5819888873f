//! End-to-end checks of generated 47022NED files: determinism, shape, suppression and additivity.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use buurtbeeld_gen::codes::{all_codes, SUPPRESSED, TOTAL_CODE};
use buurtbeeld_gen::{GenConfig, Generator, HEADER};

/// Read independently of the crate's parser, so the expected area counts are not circular.
const POPULATION_CSV: &str = include_str!(
    "../../../data/cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv"
);

fn small_config(seed: u64) -> GenConfig {
    GenConfig {
        seed,
        months: 3,
        gemeenten: Some(2),
        ..GenConfig::default()
    }
}

fn generate(config: GenConfig) -> Vec<u8> {
    let generator = Generator::new(config).unwrap();
    let mut out = Vec::new();
    let summary = generator.write(&mut out, |_| {}).unwrap();
    assert_eq!(summary.bytes, out.len() as u64);
    assert_eq!(summary.rows, generator.total_rows());
    out
}

/// (code, area, period) → count, `None` for an empty cell.
type Cube = BTreeMap<(String, String, String), Option<u64>>;

fn parse(bytes: &[u8]) -> Cube {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut lines = text.split_terminator('\n');
    assert_eq!(lines.next(), Some(HEADER.trim_end()));
    let mut cube = Cube::new();
    for line in lines {
        let f: Vec<&str> = line.split(';').collect();
        assert_eq!(f.len(), 4, "{line}");
        let count = (!f[3].is_empty()).then(|| f[3].parse::<u64>().unwrap());
        let key = (f[0].to_owned(), f[1].to_owned(), f[2].to_owned());
        assert!(cube.insert(key, count).is_none(), "duplicate row {line}");
    }
    cube
}

fn first_two_gemeenten_areas() -> (usize, usize, usize) {
    let buurten: Vec<&str> = POPULATION_CSV
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().trim_matches('"'))
        .collect();
    let gemeenten: BTreeSet<&str> = buurten.iter().map(|b| &b[2..6]).collect();
    let first_two: Vec<&str> = gemeenten.into_iter().take(2).collect();
    let selected: Vec<&str> = buurten
        .into_iter()
        .filter(|b| first_two.contains(&&b[2..6]))
        .collect();
    let wijken: BTreeSet<&str> = selected.iter().map(|b| &b[2..8]).collect();
    (selected.len(), wijken.len(), first_two.len())
}

#[test]
fn same_seed_gives_identical_bytes_and_other_seed_differs() {
    let a = generate(small_config(42));
    let b = generate(small_config(42));
    assert!(a == b, "two runs with seed 42 differ");
    let c = generate(small_config(43));
    assert!(a != c, "seed 43 gave the same file as seed 42");
}

#[test]
fn header_row_count_and_format() {
    let bytes = generate(small_config(42));
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    assert!(!bytes.contains(&b'\r'), "LF only");
    assert!(bytes.ends_with(b"\n"));
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with("SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"));

    let (buurten, wijken, gemeenten) = first_two_gemeenten_areas();
    let expected = (buurten + wijken + gemeenten) * 59 * 3;
    assert_eq!(text.lines().count() - 1, expected);

    let cube = parse(&bytes);
    assert_eq!(cube.len(), expected, "every row is a distinct cell");
    let periods: BTreeSet<&str> = cube.keys().map(|k| k.2.as_str()).collect();
    assert_eq!(
        periods.into_iter().collect::<Vec<_>>(),
        ["2012MM01", "2012MM02", "2012MM03"]
    );
    let codes: BTreeSet<&str> = cube.keys().map(|k| k.0.as_str()).collect();
    assert_eq!(codes, all_codes().collect::<BTreeSet<_>>());
    let areas: BTreeSet<&str> = cube.keys().map(|k| k.1.as_str()).collect();
    assert_eq!(areas.len(), buurten + wijken + gemeenten);
}

#[test]
fn suppressed_codes_are_empty_everywhere_and_others_never() {
    let cube = parse(&generate(small_config(42)));
    for ((code, area, period), count) in &cube {
        let suppressed = SUPPRESSED.contains(&code.as_str());
        assert_eq!(count.is_none(), suppressed, "{code};{area};{period}");
    }
}

#[test]
fn wijken_and_gemeenten_are_sums_of_their_buurten() {
    let cube = parse(&generate(small_config(42)));
    let mut sums: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for ((code, area, period), count) in &cube {
        if let (Some(rest), Some(n)) = (area.strip_prefix("BU"), count) {
            for parent in [format!("WK{}", &rest[..6]), format!("GM{}", &rest[..4])] {
                *sums
                    .entry((code.clone(), parent, period.clone()))
                    .or_default() += n;
            }
        }
    }
    let mut checked = 0;
    for ((code, area, period), count) in &cube {
        if area.starts_with("BU") || count.is_none() {
            continue;
        }
        let key = (code.clone(), area.clone(), period.clone());
        assert_eq!(*count, Some(sums[&key]), "{code};{area};{period}");
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn total_is_at_least_the_sum_of_published_codes() {
    let cube = parse(&generate(small_config(42)));
    let mut published: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for ((code, area, period), count) in &cube {
        if code != TOTAL_CODE {
            *published.entry((area, period)).or_default() += count.unwrap_or(0);
        }
    }
    let mut strictly_greater = 0;
    for ((area, period), sum) in published {
        let key = (TOTAL_CODE.to_owned(), area.to_owned(), period.to_owned());
        let total = cube[&key].unwrap();
        assert!(
            total >= sum,
            "{area} {period}: total {total} < published {sum}"
        );
        if total > sum {
            strictly_greater += 1;
        }
    }
    // At gemeente level the hidden codes (e.g. 1.4.1 with ~8,000 a year nationally) show up.
    assert!(strictly_greater > 0);
}

#[test]
fn fewer_gemeenten_give_a_prefix_of_the_output() {
    let one = generate(GenConfig {
        gemeenten: Some(1),
        ..small_config(42)
    });
    let two = generate(small_config(42));
    assert!(two.len() > one.len());
    assert!(two.starts_with(&one));
}

#[test]
fn cli_writes_the_same_bytes_as_the_library() {
    let output = Command::new(env!("CARGO_BIN_EXE_buurtbeeld-gen"))
        .args([
            "--out",
            "-",
            "--gemeenten",
            "2",
            "--months",
            "3",
            "--seed",
            "42",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout == generate(small_config(42)));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(" rows, "), "summary line missing: {stderr}");
}

#[test]
fn cli_rejects_bad_options() {
    for args in [
        &["--out", "-", "--months", "0"][..],
        &["--out", "-", "--first-month", "2012-13"],
        &["--out", "-", "--gemeenten", "0"],
    ] {
        let status = Command::new(env!("CARGO_BIN_EXE_buurtbeeld-gen"))
            .args(args)
            .output()
            .unwrap()
            .status;
        assert!(!status.success(), "{args:?} was accepted");
    }
}
