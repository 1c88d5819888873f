//! The simple rules every forecast is shown against: what an analyst does in a spreadsheet.
//!
//! # What it computes
//! A point forecast for `h` months after a monthly history by one rule: the same month last
//! year, or the mean or the median of the last 12 or 24 months. The rules have no intervals;
//! they are the bar, not methods a user is offered.
//!
//! # Assumptions
//! None beyond the rule itself. That is their strength: a method that cannot beat them out of
//! sample (on months it has not seen) adds nothing but complexity.
//!
//! # Parameters
//! Enough history for the rule: 12 months for "same month last year", 12 or 24 for the
//! means and medians.
//!
//! # Measured behaviour
//! On the Groningen bicycle thefts per buurt, trained up to 2015-06 and scored on 2015-07 …
//! 2016-06 (12 months ahead), the medians beat the means and both beat "same month last year"
//! (BENCHMARKS.md, "Forecasts on real months").
//!
//! # References
//! - Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2
//!   (simple forecasting methods as benchmarks).

use crate::forecast::SEASON;

/// A rule an analyst would use without buurtbeeld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SimpleRule {
    SameMonthLastYear,
    Mean12,
    Mean24,
    Median12,
    Median24,
}

impl SimpleRule {
    pub const ALL: [SimpleRule; 5] = [
        SimpleRule::SameMonthLastYear,
        SimpleRule::Mean12,
        SimpleRule::Mean24,
        SimpleRule::Median12,
        SimpleRule::Median24,
    ];

    /// A stable machine name (JSON, CSV).
    pub fn name(self) -> &'static str {
        match self {
            SimpleRule::SameMonthLastYear => "same_month_last_year",
            SimpleRule::Mean12 => "mean_12",
            SimpleRule::Mean24 => "mean_24",
            SimpleRule::Median12 => "median_12",
            SimpleRule::Median24 => "median_24",
        }
    }

    /// How a Dutch reader names it.
    pub fn label(self) -> &'static str {
        match self {
            SimpleRule::SameMonthLastYear => "zelfde maand vorig jaar",
            SimpleRule::Mean12 => "gemiddelde laatste 12 maanden",
            SimpleRule::Mean24 => "gemiddelde laatste 24 maanden",
            SimpleRule::Median12 => "mediaan laatste 12 maanden",
            SimpleRule::Median24 => "mediaan laatste 24 maanden",
        }
    }

    /// The forecast for `ahead` months after `history` (1 = the next month); `None` when the
    /// history is too short for the rule.
    pub fn point(self, history: &[f64], ahead: usize) -> Option<f64> {
        let n = history.len();
        let last = |k: usize| history.get(n.checked_sub(k)?..);
        match self {
            SimpleRule::SameMonthLastYear => {
                // Further than a year ahead, the same month of the last year in the history.
                let back = SEASON * ahead.div_ceil(SEASON);
                history.get((n + ahead).checked_sub(back + 1)?).copied()
            }
            SimpleRule::Mean12 | SimpleRule::Mean24 => {
                let window = last(self.window())?;
                Some(window.iter().sum::<f64>() / window.len() as f64)
            }
            SimpleRule::Median12 | SimpleRule::Median24 => last(self.window()).map(median),
        }
    }

    fn window(self) -> usize {
        match self {
            SimpleRule::Mean24 | SimpleRule::Median24 => 2 * SEASON,
            _ => SEASON,
        }
    }
}

/// The median of a non-empty slice (the mean of the middle two for an even length).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_on_a_known_history() {
        // Months 1…24: last year's same month is 12 less; means and medians of the windows.
        let history: Vec<f64> = (1..=24).map(f64::from).collect();
        assert_eq!(SimpleRule::SameMonthLastYear.point(&history, 1), Some(13.0));
        assert_eq!(
            SimpleRule::SameMonthLastYear.point(&history, 12),
            Some(24.0)
        );
        assert_eq!(
            SimpleRule::SameMonthLastYear.point(&history, 13),
            Some(13.0)
        );
        assert_eq!(SimpleRule::Mean12.point(&history, 5), Some(18.5));
        assert_eq!(SimpleRule::Mean24.point(&history, 5), Some(12.5));
        assert_eq!(SimpleRule::Median12.point(&history, 5), Some(18.5));
        assert_eq!(
            SimpleRule::Median24.point(&[1.0, 9.0, 2.0].repeat(8), 1),
            Some(2.0)
        );
        assert_eq!(SimpleRule::Mean24.point(&history[..23], 1), None);
        assert_eq!(SimpleRule::SameMonthLastYear.point(&history[..11], 1), None);
    }
}
