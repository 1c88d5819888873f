//! Interventions: what a municipality and its partners did, where, from when, and how much of
//! it (the dosage), so that its effect on the registered crime can be measured.

use serde::{Deserialize, Serialize};

use crate::{AreaCode, Period};

/// One registered intervention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    pub id: String,
    pub name: String,
    pub municipality: AreaCode,
    pub kind: InterventionKind,
    /// What it should change: a buurtbeeld theme id or a police category code.
    pub indicator: String,
    /// Where it applies (buurten or wijken).
    pub areas: Vec<AreaCode>,
    /// First month (written `YYYY-MM`).
    pub start: Period,
    /// Last month; `None` while it runs.
    pub end: Option<Period>,
    pub partners: Vec<String>,
    pub description: Option<String>,
    /// How much was done per month (hours of surveillance, number of controls, …).
    pub dosage: Vec<Dosage>,
}

impl Intervention {
    /// The months it ran, in Dutch: `maart–december 2015`, `vanaf maart 2015` while it runs.
    pub fn period_text(&self) -> String {
        self.end.map_or_else(
            || format!("vanaf {}", crate::dutch::period::period(self.start)),
            |end| crate::dutch::period::range(self.start, end),
        )
    }
}

/// The amount of an intervention in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dosage {
    /// `YYYY-MM`.
    pub month: String,
    pub amount: f64,
    /// What `amount` counts, e.g. `uren extra toezicht`.
    pub unit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InterventionKind {
    Preventive,
    Repressive,
    Administrative,
    Care,
    Other,
}

impl InterventionKind {
    pub const ALL: [InterventionKind; 5] = [
        InterventionKind::Preventive,
        InterventionKind::Repressive,
        InterventionKind::Administrative,
        InterventionKind::Care,
        InterventionKind::Other,
    ];

    /// The Dutch word of files and documents.
    pub fn label(self) -> &'static str {
        match self {
            InterventionKind::Preventive => "preventief",
            InterventionKind::Repressive => "repressief",
            InterventionKind::Administrative => "bestuurlijk",
            InterventionKind::Care => "zorg",
            InterventionKind::Other => "overig",
        }
    }

    pub fn from_label(label: &str) -> Option<InterventionKind> {
        InterventionKind::ALL
            .into_iter()
            .find(|k| k.label() == label)
    }
}
