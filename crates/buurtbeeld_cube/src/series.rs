//! A dense time series of cells: the unit the store keeps and the statistics read.

use crate::Value;

/// Cells of one series, indexed by period ordinal, dense from `first`.
///
/// `None` means "not published for this period", which differs from `Value::Withheld` (published
/// as suppressed). Dense storage keeps a national cube (≈170M cells) within a few GiB.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series {
    first: i64,
    cells: Vec<Option<Value>>,
}

impl Series {
    pub fn new() -> Series {
        Series::default()
    }

    pub fn from_parts(first: i64, cells: Vec<Option<Value>>) -> Series {
        Series { first, cells }
    }

    /// Sets a cell and returns what was there before.
    pub fn insert(&mut self, period: i64, value: Value) -> Option<Value> {
        if self.cells.is_empty() {
            self.first = period;
        } else if period < self.first {
            let grow = (self.first - period) as usize;
            self.cells.splice(0..0, std::iter::repeat_n(None, grow));
            self.first = period;
        }
        let index = (period - self.first) as usize;
        if index >= self.cells.len() {
            self.cells.resize(index + 1, None);
        }
        self.cells[index].replace(value)
    }

    pub fn get(&self, period: i64) -> Option<Value> {
        let index = usize::try_from(period - self.first).ok()?;
        self.cells.get(index).copied().flatten()
    }

    /// The published cells in period order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, Value)> + '_ {
        let first = self.first;
        self.cells
            .iter()
            .enumerate()
            .filter_map(move |(i, cell)| cell.map(|v| (first + i as i64, v)))
    }

    pub fn len(&self) -> usize {
        self.cells.iter().filter(|c| c.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(Option::is_none)
    }

    /// First ordinal and the dense cells, for storage codecs.
    pub fn parts(&self) -> (i64, &[Option<Value>]) {
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
