//! The safety plan as plain data: themes, goals with KPIs, yearly action points, changes, and
//! the budget per deelproduct with its consistency check against the stated totals.
//!
//! The model is what the plan, action and budget files say (docs/plan-files.md) and what the
//! store keeps per version; web editing will write the same values.

use serde::{Deserialize, Serialize};

use crate::AreaCode;

/// A safety plan over a period of years, e.g. "Veiligheidsplan 2022-2026".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: String,
    pub name: String,
    /// The gemeente the plan is about; KPIs default to it.
    pub municipality: AreaCode,
    pub first_year: i32,
    pub last_year: i32,
    /// The document the plan comes from, when stated.
    pub source: Option<String>,
    pub themes: Vec<PlanTheme>,
    pub goals: Vec<Goal>,
    pub changes: Vec<PlanChange>,
}

impl Plan {
    pub fn theme(&self, id: &str) -> Option<&PlanTheme> {
        self.themes.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTheme {
    pub id: String,
    pub name: String,
    /// A priority theme of the period (as opposed to a core task).
    pub priority: bool,
    /// What the problem is.
    pub opgave: String,
    /// What the plan wants to reach.
    pub ambitie: String,
    pub pillars: Vec<String>,
}

/// A goal whose progress is measured by an indicator computed from the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    /// The plan theme it belongs to.
    pub theme: String,
    pub description: String,
    /// A buurtbeeld theme id or a police category code.
    pub indicator: String,
    pub area: AreaCode,
    pub measure: KpiMeasure,
    pub baseline_year: i32,
    pub target: f64,
    pub target_year: i32,
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KpiMeasure {
    /// Registered incidents in the year.
    Count,
    /// Registered incidents per 1.000 inwoners.
    Per1000,
}

impl KpiMeasure {
    /// The word the plan file uses.
    pub fn file_word(self) -> &'static str {
        match self {
            KpiMeasure::Count => "aantal",
            KpiMeasure::Per1000 => "per_1000",
        }
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Down,
    Up,
}

impl Direction {
    pub fn file_word(self) -> &'static str {
        match self {
            Direction::Down => "omlaag",
            Direction::Up => "omhoog",
        }
    }
}

/// A change to the plan during its period: a project added, dropped or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanChange {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub kind: ChangeKind,
    pub subject: String,
    pub theme: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Added,
    Dropped,
    Changed,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 3] = [ChangeKind::Added, ChangeKind::Dropped, ChangeKind::Changed];

    /// The Dutch word of files and documents.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "toegevoegd",
            ChangeKind::Dropped => "vervallen",
            ChangeKind::Changed => "gewijzigd",
        }
    }
}

/// The action points of one plan and year: "wat wilden we doen, wat hebben we gedaan".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSet {
    pub plan: String,
    pub year: i32,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub number: u32,
    pub themes: Vec<String>,
    /// Wat wilden we doen.
    pub planned: String,
    /// Wat hebben we gedaan.
    pub done: String,
    pub status: ActionStatus,
    pub owner: Option<String>,
    pub partners: Vec<String>,
    pub areas: Vec<AreaCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActionStatus {
    Realised,
    Partly,
    NotRealised,
    Ongoing,
    Dropped,
    Planned,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 6] = [
        ActionStatus::Realised,
        ActionStatus::Partly,
        ActionStatus::NotRealised,
        ActionStatus::Ongoing,
        ActionStatus::Dropped,
        ActionStatus::Planned,
    ];

    /// The Dutch word of files and documents.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Realised => "gerealiseerd",
            ActionStatus::Partly => "deels",
            ActionStatus::NotRealised => "niet gerealiseerd",
            ActionStatus::Ongoing => "doorlopend",
            ActionStatus::Dropped => "vervallen",
            ActionStatus::Planned => "gepland",
        }
    }

    pub fn from_label(label: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// The unit budget amounts are stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountUnit {
    Euro,
    Thousand,
}

impl AmountUnit {
    pub fn file_word(self) -> &'static str {
        match self {
            AmountUnit::Euro => "euro",
            AmountUnit::Thousand => "x1000",
        }
    }

    /// How documents head an amount column.
    pub fn label(self) -> &'static str {
        match self {
            AmountUnit::Euro => "bedragen in €",
            AmountUnit::Thousand => "bedragen × € 1.000",
        }
    }
}

/// The Iv3 taakvelden of the BBV chapter Veiligheid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Taakveld {
    /// 1.1 Crisisbeheersing en brandweer.
    Crisisbeheersing,
    /// 1.2 Openbare orde en veiligheid.
    OpenbareOrde,
}

impl Taakveld {
    pub const ALL: [Taakveld; 2] = [Taakveld::Crisisbeheersing, Taakveld::OpenbareOrde];

    pub fn code(self) -> &'static str {
        match self {
            Taakveld::Crisisbeheersing => "1.1",
            Taakveld::OpenbareOrde => "1.2",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Taakveld::Crisisbeheersing => "Crisisbeheersing en brandweer",
            Taakveld::OpenbareOrde => "Openbare orde en veiligheid",
        }
    }

    pub fn from_code(code: &str) -> Option<Taakveld> {
        Taakveld::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// The budget columns: begroot, begroot na wijziging, realisatie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BudgetColumn {
    Budgeted,
    Amended,
    Realised,
}

impl BudgetColumn {
    pub const ALL: [BudgetColumn; 3] = [
        BudgetColumn::Budgeted,
        BudgetColumn::Amended,
        BudgetColumn::Realised,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BudgetColumn::Budgeted => "begroot",
            BudgetColumn::Amended => "begroot na wijziging",
            BudgetColumn::Realised => "realisatie",
        }
    }
}

/// The three amounts of a budget line or a stated total; `None` where not (yet) known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    pub budgeted: Option<i64>,
    pub amended: Option<i64>,
    pub realised: Option<i64>,
}

impl Amounts {
    pub fn get(&self, column: BudgetColumn) -> Option<i64> {
        match column {
            BudgetColumn::Budgeted => self.budgeted,
            BudgetColumn::Amended => self.amended,
            BudgetColumn::Realised => self.realised,
        }
    }
}

/// One deelproduct's budget in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub product: String,
    pub taakveld: Taakveld,
    pub themes: Vec<String>,
    pub amounts: Amounts,
}

/// A plan's budget for one year, as the file states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetYear {
    pub plan: String,
    pub year: i32,
    pub unit: AmountUnit,
    pub lines: Vec<BudgetLine>,
    /// The TOTAAL line of the source, kept as printed.
    pub stated_total: Option<Amounts>,
}

/// Lines that do not add up to the stated total of their column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalMismatch {
    pub year: i32,
    pub column: BudgetColumn,
    pub lines_sum: i64,
    pub stated: i64,
}

/// Differences up to this many units are rounding in the source, not a mismatch.
pub const ROUNDING_TOLERANCE: i64 = 1;

impl BudgetYear {
    /// The sum of the lines in a column; `None` when no line has an amount there.
    pub fn sum(&self, column: BudgetColumn) -> Option<i64> {
        self.lines
            .iter()
            .filter_map(|l| l.amounts.get(column))
            .fold(None, |sum, a| Some(sum.unwrap_or(0) + a))
    }

    /// Every column whose stated total differs from the sum of the lines by more than
    /// [`ROUNDING_TOLERANCE`].
    pub fn mismatches(&self) -> Vec<TotalMismatch> {
        let Some(stated) = self.stated_total else {
            return Vec::new();
        };
        BudgetColumn::ALL
            .into_iter()
            .filter_map(|column| {
                let stated = stated.get(column)?;
                let lines_sum = self.sum(column).unwrap_or(0);
                ((lines_sum - stated).abs() > ROUNDING_TOLERANCE).then_some(TotalMismatch {
                    year: self.year,
                    column,
                    lines_sum,
                    stated,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64) -> BudgetLine {
        BudgetLine {
            product: "x".into(),
            taakveld: Taakveld::OpenbareOrde,
            themes: vec![],
            amounts: Amounts {
                budgeted: Some(amount),
                ..Amounts::default()
            },
        }
    }

    #[test]
    fn a_difference_of_one_unit_is_rounding() {
        let mut year = BudgetYear {
            plan: "p".into(),
            year: 2023,
            unit: AmountUnit::Thousand,
            lines: vec![line(570), line(15_407)],
            stated_total: Some(Amounts {
                budgeted: Some(15_978),
                ..Amounts::default()
            }),
        };
        assert!(year.mismatches().is_empty());
        year.stated_total = Some(Amounts {
            budgeted: Some(15_979),
            ..Amounts::default()
        });
        assert_eq!(
            year.mismatches(),
            vec![TotalMismatch {
                year: 2023,
                column: BudgetColumn::Budgeted,
                lines_sum: 15_977,
                stated: 15_979
            }]
        );
    }
}
