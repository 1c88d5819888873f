//! The budget file (CSV): a plan's deelproducten per year with begroot, begroot na wijziging
//! and realisatie, and the TOTAAL lines of the source, checked against the lines.

use std::collections::BTreeMap;

use buurtbeeld_cube::dutch::signed;
use buurtbeeld_cube::{
    AmountUnit, Amounts, BudgetLine, BudgetYear, ImportBatch, Taakveld, ROUNDING_TOLERANCE,
};

use crate::actions::known;
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

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let mut problems = Problems::new(input.name);
    let mut csv = text::own_csv(input.name, text, input.delimiter, &HEADER)?;
    // (plan, year) → the year's budget; (plan, year, deelproduct) → first line.
    let mut years: BTreeMap<(String, i32), BudgetYear> = BTreeMap::new();
    let mut seen: BTreeMap<(String, i32, String), u64> = BTreeMap::new();
    let mut unit: Option<(AmountUnit, u64)> = None;
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
        let line = record.position().map_or(0, |p| p.line());
        let at = Some(line);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let before = problems.len();

        let plan_id = field(0);
        let plan = context.plans.get(plan_id);
        if plan.is_none() {
            problems.add(
                at,
                Some("plan"),
                format!(
                    "unknown plan '{plan_id}'; import its plan file first (or in the same \
                     command); known plans: {}",
                    known(context.plans.keys())
                ),
            );
        }
        let year = match field(1).parse::<i32>() {
            Ok(year) => match plan {
                Some(plan) if !(plan.first_year..=plan.last_year).contains(&year) => {
                    problems.add(
                        at,
                        Some("jaar"),
                        format!(
                            "{year} is outside the period of plan '{plan_id}'; expected {}–{}",
                            plan.first_year, plan.last_year
                        ),
                    );
                    None
                }
                _ => Some(year),
            },
            Err(_) => {
                let found = match field(1) {
                    "" => "empty".to_owned(),
                    other => format!("'{other}' is not a year"),
                };
                problems.add(
                    at,
                    Some("jaar"),
                    format!("{found}; expected a year like 2023"),
                );
                None
            }
        };
        let product = field(2);
        if product.is_empty() {
            problems.add(
                at,
                Some("deelproduct"),
                "empty; expected the deelproduct's name",
            );
        }
        let is_total = product.eq_ignore_ascii_case(TOTAL);
        let line_unit = match field(8) {
            "euro" => Some(AmountUnit::Euro),
            "x1000" => Some(AmountUnit::Thousand),
            other => {
                problems.add(
                    at,
                    Some("eenheid"),
                    format!("'{other}' is not a unit; expected euro or x1000"),
                );
                None
            }
        };
        match (unit, line_unit) {
            (None, Some(u)) => unit = Some((u, line)),
            (Some((u, first)), Some(v)) if u != v => problems.add(
                at,
                Some("eenheid"),
                format!(
                    "{} differs from {} on line {first}; expected one unit for the whole file",
                    v.file_word(),
                    u.file_word()
                ),
            ),
            _ => {}
        }
        let mut amount = |column: usize| -> Option<i64> {
            let raw = field(column);
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
        if !is_total && amounts.budgeted.is_none() && field(5).is_empty() {
            problems.add(at, Some("begroot"), "empty; expected the budgeted amount");
        }
        let taakveld = if is_total {
            None
        } else {
            let code = field(3);
            let taakveld = Taakveld::from_code(code);
            if taakveld.is_none() {
                problems.add(
                    at,
                    Some("taakveld"),
                    format!(
                        "'{code}' is not a taakveld of Veiligheid; expected 1.1 (Crisisbeheersing \
                         en brandweer) or 1.2 (Openbare orde en veiligheid)"
                    ),
                );
            }
            taakveld
        };
        let themes: Vec<String> = field(4)
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
                        "unknown theme '{theme}'; expected themes of plan '{}': {}",
                        plan.id,
                        known(plan.themes.iter().map(|t| &t.id))
                    ),
                );
            }
        }
        let Some(year) = year else { continue };
        let key = (plan_id.to_owned(), year, product.to_uppercase());
        if let Some(first) = seen.get(&key) {
            problems.add(
                at,
                Some("deelproduct"),
                format!("'{product}' appears twice in {year} (first on line {first})"),
            );
            continue;
        }
        seen.insert(key, line);
        if problems.len() > before {
            continue;
        }
        let entry = years
            .entry((plan_id.to_owned(), year))
            .or_insert_with(|| BudgetYear {
                plan: plan_id.to_owned(),
                year,
                unit: AmountUnit::Thousand,
                lines: Vec::new(),
                stated_total: None,
            });
        match taakveld {
            None => entry.stated_total = Some(amounts),
            Some(taakveld) => entry.lines.push(BudgetLine {
                product: product.to_owned(),
                taakveld,
                themes,
                amounts,
            }),
        }
    }
    if rows == 0 && problems.is_empty() {
        problems.add(None, None, "no budget lines after the header");
    }
    let unit = unit.map_or(AmountUnit::Thousand, |(u, _)| u);
    let mut budgets: Vec<BudgetYear> = years.into_values().collect();
    let mut notes = Vec::new();
    for budget in &mut budgets {
        budget.unit = unit;
        if budget.lines.is_empty() {
            problems.add(
                None,
                Some("deelproduct"),
                format!(
                    "{} has a TOTAAL line but no budget lines; expected the deelproducten",
                    budget.year
                ),
            );
        }
        for mismatch in budget.mismatches() {
            notes.push(format!(
                "{} {}: the lines add up to {}, the TOTAAL line says {} ({} {}; more than \
                 {ROUNDING_TOLERANCE} off, so not rounding). Imported as written; the difference \
                 is shown with the budget.",
                mismatch.year,
                mismatch.column.label(),
                signed(mismatch.lines_sum),
                signed(mismatch.stated),
                if mismatch.lines_sum > mismatch.stated {
                    "over by"
                } else {
                    "short by"
                },
                signed((mismatch.lines_sum - mismatch.stated).abs()),
            ));
        }
    }
    let lines: usize = budgets.iter().map(|b| b.lines.len()).sum();
    notes.insert(
        0,
        format!(
            "{lines} budget lines over {} years ({})",
            budgets.len(),
            unit.label()
        ),
    );
    let batch = ImportBatch {
        source: Some(input.source_info("budget-csv", "budget", options, rows)),
        notes,
        budgets,
        ..ImportBatch::default()
    };
    problems.finish(batch)
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
            "'{raw}' is not an amount; expected a whole number like 17198 or 17.198 (in the \
             file's eenheid, no decimals or currency sign)"
        ));
    }
    let value: i64 = groups
        .concat()
        .parse()
        .map_err(|_| format!("'{raw}' is too large for an amount"))?;
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
        for bad in ["17,5", "1.23", "€ 12", "twaalf", "12.3456", ".123", "-"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }
}
