//! A dense time series of cells: the unit the store keeps and the statistics read.

use crate::Value;

/// Cells of one series, indexed by period ordinal, dense from `first`.
///
/// "Not published for this period" differs from `Value::Withheld` (published as suppressed).
/// Cells are packed as `i32` (a count, `WITHHELD` or `ABSENT`), the same encoding the store
/// writes: a national cube of ≈170M cells then takes about 0.7 GB in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series {
    first: i64,
    cells: Vec<i32>,
}

/// Packed cell meaning "published as withheld".
pub const WITHHELD: i32 = -1;
/// Packed cell meaning "not published for this period".
pub const ABSENT: i32 = -2;

fn pack(value: Value) -> i32 {
    match value {
        // Counts above i32::MAX do not occur in police tables (the national total is ~1M/yr).
        Value::Count(n) => i32::try_from(n).unwrap_or(i32::MAX),
        Value::Withheld => WITHHELD,
    }
}

fn unpack(cell: i32) -> Option<Value> {
    match cell {
        WITHHELD => Some(Value::Withheld),
        n if n >= 0 => Some(Value::Count(n as u32)),
        _ => None,
    }
}

impl Series {
    pub fn new() -> Series {
        Series::default()
    }

    /// From packed cells (see `WITHHELD` and `ABSENT`), as the store keeps them.
    pub fn from_packed(first: i64, cells: Vec<i32>) -> Series {
        Series { first, cells }
    }

    /// Sets a cell and returns what was there before.
    pub fn insert(&mut self, period: i64, value: Value) -> Option<Value> {
        if self.cells.is_empty() {
            self.first = period;
        } else if period < self.first {
            let grow = (self.first - period) as usize;
            self.cells.splice(0..0, std::iter::repeat_n(ABSENT, grow));
            self.first = period;
        }
        let index = (period - self.first) as usize;
        if index >= self.cells.len() {
            self.cells.resize(index + 1, ABSENT);
        }
        unpack(std::mem::replace(&mut self.cells[index], pack(value)))
    }

    pub fn get(&self, period: i64) -> Option<Value> {
        let index = usize::try_from(period - self.first).ok()?;
        self.cells.get(index).copied().and_then(unpack)
    }

    /// The published cells in period order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, Value)> + '_ {
        let first = self.first;
        self.cells
            .iter()
            .enumerate()
            .filter_map(move |(i, &cell)| unpack(cell).map(|v| (first + i as i64, v)))
    }

    pub fn len(&self) -> usize {
        self.cells.iter().filter(|&&c| c != ABSENT).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// First ordinal and the packed cells, for storage codecs.
    pub fn packed(&self) -> (i64, &[i32]) {
        (self.first, &self.cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_both_ways_and_reports_replaced_cells() {
        let mut s = Series::new();
        assert_eq!(s.insert(10, Value::Count(3)), None);
        assert_eq!(s.insert(8, Value::Withheld), None);
        assert_eq!(s.insert(12, Value::Count(0)), None);
        assert_eq!(s.insert(10, Value::Count(4)), Some(Value::Count(3)));
        let cells: Vec<_> = s.iter().collect();
        assert_eq!(
            cells,
            vec![
                (8, Value::Withheld),
                (10, Value::Count(4)),
                (12, Value::Count(0))
            ]
        );
        assert_eq!(s.get(9), None);
        assert_eq!(s.get(7), None);
        assert_eq!(s.len(), 3);
    }
}
