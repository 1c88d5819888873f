//! The budget file (CSV): a plan's deelproducten per year with begroot, begroot na wijziging
//! and realisatie, and the TOTAAL lines of the source, checked against the lines.

use std::collections::BTreeMap;

use buurtbeeld_cube::dutch::{integer, signed};
use buurtbeeld_cube::{
    AmountUnit, Amounts, BudgetColumn, BudgetLine, BudgetYear, ImportBatch, Plan, Taakveld,
    TotalMismatch, ROUNDING_TOLERANCE,
};
use csv::StringRecord;

use crate::actions::{known, outside_plan, unknown_plan};
use crate::personal::ContentScan;
use crate::problem::{csv_problem, ImportError, Problems};
use crate::{text, Context, Input, ReadOptions};

pub(crate) const HEADER: [&str; 9] = [
    "plan",
    "jaar",
    "deelproduct",
    "taakveld",
    "themas",
    "begroot",
    "begroot_na_wijziging",
    "realisatie",
    "eenheid",
];

/// The deelproduct name of a line that states a year's total.
const TOTAL: &str = "TOTAAL";

/// The largest amount a line may state, in the file's unit: far beyond any municipal budget
/// (10^15 thousand euro), and small enough that a year's sums fit an `i64` with room.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// The largest a year's lines may add up to at any step of their sum, so that the sum and its
/// difference with the TOTAAL line fit an `i64`.
const MAX_SUM: i64 = 1_000 * MAX_AMOUNT;

/// The budget years read so far, and what later lines are checked against.
#[derive(Default)]
struct Collected {
    /// (plan, year) → the year's budget.
    years: BTreeMap<(String, i32), BudgetYear>,
    /// (plan, year, deelproduct in capitals) → the line it first appeared on.
    seen: BTreeMap<(String, i32, String), u64>,
    /// The file's unit and the line that first stated it.
    unit: Option<(AmountUnit, u64)>,
}

/// One budget line's fields as read, before the line is filed under its plan and year.
struct LineRead<'r> {
    plan_id: &'r str,
    year: Option<i32>,
    product: &'r str,
    /// None on a TOTAAL line, and on a line whose taakveld is unknown (a problem already).
    taakveld: Option<Taakveld>,
    themes: Vec<String>,
    amounts: Amounts,
}

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let mut problems = Problems::new(input.name);
    let mut csv = text::own_csv(input.name, text, input.delimiter, &HEADER)?;
    let mut collected = Collected::default();
    // Of the fixed columns only the deelproduct is free text; the others are parsed.
    let parsed: Vec<usize> = (0..HEADER.len())
        .filter(|&i| HEADER[i] != "deelproduct")
        .collect();
    let mut scan = ContentScan::new(&HEADER.map(str::to_owned), &parsed);
    let mut rows = 0u64;
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, input.delimiter);
                problems.add(line, None, message);
                continue;
            }
        };
        rows += 1;
        scan.observe_record(&record);
        let line = record.position().map_or(0, |p| p.line());
        let before = problems.len();
        let fields = collected.read_line(&mut problems, context, &record, line);
        collected.file(&mut problems, line, before, fields);
    }
    if rows == 0 && problems.is_empty() {
        problems.add(None, None, "geen begrotingsregels na de kopregel");
    }
    let (budgets, notes) = collected.finish(&mut problems);
    scan.report_first(&mut problems, None);
    let batch = ImportBatch {
        source: Some(input.source_info("budget-csv", "budget", options, rows)),
        notes,
        budgets,
        ..ImportBatch::default()
    };
    problems.finish(batch)
}

impl Collected {
    /// The line's fields, with a problem recorded for each that is wrong.
    fn read_line<'r>(
        &mut self,
        problems: &mut Problems,
        context: &Context,
        record: &'r StringRecord,
        line: u64,
    ) -> LineRead<'r> {
        let at = Some(line);
        let plan_id = cell(record, 0);
        let plan = context.plans.get(plan_id);
        if plan.is_none() {
            problems.add(at, Some("plan"), unknown_plan(plan_id, context));
        }
        let year = line_year(problems, at, plan_id, plan, cell(record, 1));
        let product = cell(record, 2);
        if product.is_empty() {
            problems.add(
                at,
                Some("deelproduct"),
                "leeg; verwacht de naam van het deelproduct",
            );
        }
        let is_total = product.eq_ignore_ascii_case(TOTAL);
        self.check_unit(problems, line, cell(record, 8));
        let amounts = line_amounts(problems, at, record, is_total);
        let taakveld = if is_total {
            None
        } else {
            line_taakveld(problems, at, cell(record, 3))
        };
        let themes = line_themes(problems, at, plan, cell(record, 4));
        LineRead {
            plan_id,
            year,
            product,
            taakveld,
            themes,
            amounts,
        }
    }

    /// Records a unit that is none, or that differs from the one the file started with.
    fn check_unit(&mut self, problems: &mut Problems, line: u64, raw: &str) {
        let at = Some(line);
        let line_unit = match raw {
            "euro" => Some(AmountUnit::Euro),
            "x1000" => Some(AmountUnit::Thousand),
            other => {
                problems.add(
                    at,
                    Some("eenheid"),
                    format!("'{other}' is geen eenheid; verwacht euro of x1000"),
                );
                None
            }
        };
        match (self.unit, line_unit) {
            (None, Some(u)) => self.unit = Some((u, line)),
            (Some((u, first)), Some(v)) if u != v => problems.add(
                at,
                Some("eenheid"),
                format!(
                    "{} wijkt af van {} op regel {first}; verwacht één eenheid voor het hele bestand",
                    v.file_word(),
                    u.file_word()
                ),
            ),
            _ => {}
        }
    }

    /// Files a line under its plan and year, unless it repeats a deelproduct or has problems
    /// (recorded since `before`).
    fn file(&mut self, problems: &mut Problems, line: u64, before: usize, fields: LineRead<'_>) {
        let Some(year) = fields.year else { return };
        let (plan_id, product) = (fields.plan_id, fields.product);
        let key = (plan_id.to_owned(), year, product.to_uppercase());
        if let Some(first) = self.seen.get(&key) {
            problems.add(
                Some(line),
                Some("deelproduct"),
                format!("'{product}' komt twee keer voor in {year} (eerst op regel {first})"),
            );
            return;
        }
        self.seen.insert(key, line);
        if problems.len() > before {
            return;
        }
        let entry = self
            .years
            .entry((plan_id.to_owned(), year))
            .or_insert_with(|| BudgetYear {
                plan: plan_id.to_owned(),
                year,
                unit: AmountUnit::Thousand,
                lines: Vec::new(),
                stated_total: None,
            });
        match fields.taakveld {
            None => entry.stated_total = Some(fields.amounts),
            Some(taakveld) => entry.lines.push(BudgetLine {
                product: product.to_owned(),
                taakveld,
                themes: fields.themes,
                amounts: fields.amounts,
            }),
        }
    }

    /// The budget years in the file's unit and the notes on them, after recording years that
    /// have a TOTAAL line only.
    fn finish(self, problems: &mut Problems) -> (Vec<BudgetYear>, Vec<String>) {
        let unit = self.unit.map_or(AmountUnit::Thousand, |(u, _)| u);
        let mut budgets: Vec<BudgetYear> = self.years.into_values().collect();
        let mut notes = Vec::new();
        for budget in &mut budgets {
            budget.unit = unit;
            if budget.lines.is_empty() {
                problems.add(
                    None,
                    Some("deelproduct"),
                    format!(
                        "{} heeft een TOTAAL-regel maar geen begrotingsregels; verwacht de deelproducten",
                        budget.year
                    ),
                );
            }
            if let Some(column) = overflowing_column(budget) {
                problems.add(
                    None,
                    Some(HEADER[5 + column]),
                    format!(
                        "de regels van {} tellen op tot meer dan {}; verwacht de bedragen van de \
                         begroting",
                        budget.year,
                        integer(MAX_SUM.unsigned_abs())
                    ),
                );
                continue;
            }
            notes.extend(budget.mismatches().iter().map(mismatch_note));
        }
        let lines: usize = budgets.iter().map(|b| b.lines.len()).sum();
        notes.insert(
            0,
            format!(
                "{} over {} jaar ({})",
                text::count(lines as u64, "begrotingsregel", "begrotingsregels"),
                integer(budgets.len() as u64),
                unit.label()
            ),
        );
        (budgets, notes)
    }
}

/// The first column (0 begroot, 1 begroot na wijziging, 2 realisatie) whose lines add up beyond
/// `MAX_SUM` at some step, adding them in the order `BudgetYear::sum` does.
fn overflowing_column(budget: &BudgetYear) -> Option<usize> {
    BudgetColumn::ALL.into_iter().position(|column| {
        budget
            .lines
            .iter()
            .filter_map(|l| l.amounts.get(column))
            .try_fold(0i64, |sum, amount| {
                sum.checked_add(amount)
                    .filter(|s| s.unsigned_abs() <= MAX_SUM.unsigned_abs())
            })
            .is_none()
    })
}

/// The trimmed field in a column, empty where the line is short.
fn cell(record: &StringRecord, column: usize) -> &str {
    record.get(column).unwrap_or("").trim()
}

/// The line's year, or None if it is no year or lies outside the plan's period.
fn line_year(
    problems: &mut Problems,
    at: Option<u64>,
    plan_id: &str,
    plan: Option<&Plan>,
    raw: &str,
) -> Option<i32> {
    match raw.parse::<i32>() {
        Ok(year) => match plan.and_then(|plan| outside_plan(plan_id, plan, year)) {
            Some(message) => {
                problems.add(at, Some("jaar"), message);
                None
            }
            None => Some(year),
        },
        Err(_) => {
            let found = match raw {
                "" => "leeg".to_owned(),
                other => format!("'{other}' is geen jaar"),
            };
            problems.add(
                at,
                Some("jaar"),
                format!("{found}; verwacht een jaar zoals 2023"),
            );
            None
        }
    }
}

/// The line's amounts; a deelproduct (not a TOTAAL line) must state what was budgeted.
fn line_amounts(
    problems: &mut Problems,
    at: Option<u64>,
    record: &StringRecord,
    is_total: bool,
) -> Amounts {
    let mut amount = |column: usize| -> Option<i64> {
        let raw = cell(record, column);
        if raw.is_empty() {
            return None;
        }
        parse_amount(raw)
            .map_err(|message| problems.add(at, Some(HEADER[column]), message))
            .ok()
    };
    let amounts = Amounts {
        budgeted: amount(5),
        amended: amount(6),
        realised: amount(7),
    };
    if !is_total && amounts.budgeted.is_none() && cell(record, 5).is_empty() {
        problems.add(at, Some("begroot"), "leeg; verwacht het begrote bedrag");
    }
    amounts
}

/// The taakveld a deelproduct's code names, if it names one of Veiligheid.
fn line_taakveld(problems: &mut Problems, at: Option<u64>, code: &str) -> Option<Taakveld> {
    let taakveld = Taakveld::from_code(code);
    if taakveld.is_none() {
        problems.add(
            at,
            Some("taakveld"),
            format!(
                "'{code}' is geen taakveld van Veiligheid; verwacht 1.1 (Crisisbeheersing \
                 en brandweer) of 1.2 (Openbare orde en veiligheid)"
            ),
        );
    }
    taakveld
}

/// The comma-separated themes of a line, each checked against the plan's.
fn line_themes(
    problems: &mut Problems,
    at: Option<u64>,
    plan: Option<&Plan>,
    raw: &str,
) -> Vec<String> {
    let themes: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(plan) = plan {
        for theme in themes.iter().filter(|t| plan.theme(t).is_none()) {
            problems.add(
                at,
                Some("themas"),
                format!(
                    "onbekend thema '{theme}'; verwacht thema's van plan '{}': {}",
                    plan.id,
                    known(plan.themes.iter().map(|t| &t.id))
                ),
            );
        }
    }
    themes
}

/// A note on a year whose lines do not add up to its TOTAAL line.
fn mismatch_note(mismatch: &TotalMismatch) -> String {
    format!(
        "{} {}: de regels tellen op tot {}, de TOTAAL-regel zegt {} ({} {}; meer dan \
         {ROUNDING_TOLERANCE} verschil, dus geen afronding). Ingelezen zoals het er staat; het \
         verschil wordt bij de begroting getoond.",
        mismatch.year,
        mismatch.column.label(),
        signed(mismatch.lines_sum),
        signed(mismatch.stated),
        signed((mismatch.lines_sum - mismatch.stated).abs()),
        if mismatch.lines_sum > mismatch.stated {
            "te veel"
        } else {
            "te weinig"
        },
    )
}

/// A whole amount, optionally with `.` grouping thousands as in Dutch documents (`17.198`).
fn parse_amount(raw: &str) -> Result<i64, String> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    let groups: Vec<&str> = digits.split('.').collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let all_digits = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if !(grouped_well && all_digits) {
        return Err(format!(
            "'{raw}' is geen bedrag; verwacht een geheel getal zoals 17198 of 17.198 (in de \
             eenheid van het bestand, zonder decimalen of valutateken)"
        ));
    }
    let value: i64 = groups
        .concat()
        .parse()
        .ok()
        .filter(|v| *v <= MAX_AMOUNT)
        .ok_or_else(|| format!("'{raw}' is te groot voor een bedrag"))?;
    Ok(if raw.starts_with('-') { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_printed() {
        assert_eq!(parse_amount("17.198"), Ok(17_198));
        assert_eq!(parse_amount("-71"), Ok(-71));
        assert_eq!(parse_amount("4736"), Ok(4_736));
        assert_eq!(parse_amount("1.234.567"), Ok(1_234_567));
        assert_eq!(
            parse_amount("-1.000.000.000.000.000"),
            Ok(-1_000_000_000_000_000)
        );
        for bad in ["17,5", "1.23", "€ 12", "twaalf", "12.3456", ".123", "-"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
        // An amount whose sum with the others overflowed an i64 panicked (#16, fuzzing).
        for too_large in [
            "9223372036854775807",
            "1.000.000.000.000.001",
            "-9223372036854775808",
        ] {
            assert!(parse_amount(too_large).is_err(), "{too_large}");
        }
    }

    #[test]
    fn a_sum_beyond_any_budget_is_found_before_it_overflows() {
        let line = |amount: i64| BudgetLine {
            product: "Brandweerzorg".to_owned(),
            taakveld: Taakveld::Crisisbeheersing,
            themes: Vec::new(),
            amounts: Amounts {
                budgeted: Some(1),
                amended: None,
                realised: Some(amount),
            },
        };
        let mut year = BudgetYear {
            plan: "p".to_owned(),
            year: 2024,
            unit: AmountUnit::Thousand,
            lines: vec![line(MAX_AMOUNT); 1_000],
            stated_total: None,
        };
        assert_eq!(overflowing_column(&year), None);
        year.lines.push(line(1));
        assert_eq!(overflowing_column(&year), Some(2));
    }
}
