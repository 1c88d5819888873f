//! Encoding of a series' cells and per-cell import ids as little-endian blobs.

use buurtbeeld_cube::Series;

/// The packed cells (`Series::packed`) as little-endian bytes.
pub(crate) fn encode_cells(series: &Series) -> Vec<u8> {
    let (_, cells) = series.packed();
    cells.iter().flat_map(|c| c.to_le_bytes()).collect()
}

pub(crate) fn decode_cells(first: i64, blob: &[u8]) -> Series {
    let cells = blob
        .chunks_exact(4)
        .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Series::from_packed(first, cells)
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
    use buurtbeeld_cube::Value;

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
