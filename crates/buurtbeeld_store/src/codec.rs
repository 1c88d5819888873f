//! Encoding of a series' cells and per-cell import ids as blobs.

use buurtbeeld_cube::{Series, Value};

const WITHHELD: i32 = -1;
const ABSENT: i32 = -2;

pub(crate) fn encode_cells(series: &Series) -> Vec<u8> {
    let (_, cells) = series.parts();
    let mut out = Vec::with_capacity(cells.len() * 4);
    for cell in cells {
        let raw = match cell {
            Some(Value::Count(n)) => i32::try_from(*n).unwrap_or(i32::MAX),
            Some(Value::Withheld) => WITHHELD,
            None => ABSENT,
        };
        out.extend_from_slice(&raw.to_le_bytes());
    }
    out
}

pub(crate) fn decode_cells(first: i64, blob: &[u8]) -> Series {
    let cells = blob
        .chunks_exact(4)
        .map(|b| match i32::from_le_bytes([b[0], b[1], b[2], b[3]]) {
            WITHHELD => Some(Value::Withheld),
            n if n >= 0 => Some(Value::Count(n as u32)),
            _ => None,
        })
        .collect();
    Series::from_parts(first, cells)
}

pub(crate) fn encode_imports(ids: &[u32]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_le_bytes()).collect()
}

pub(crate) fn decode_imports(blob: &[u8]) -> Vec<u32> {
    blob.chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip() {
        let mut s = Series::new();
        s.insert(100, Value::Count(7));
        s.insert(102, Value::Withheld);
        s.insert(103, Value::Count(0));
        let back = decode_cells(100, &encode_cells(&s));
        assert_eq!(back, s);
        assert_eq!(decode_imports(&encode_imports(&[1, 2, 3])), vec![1, 2, 3]);
    }
}
