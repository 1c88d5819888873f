//! Spatial weights: who is whose neighbour, as plain data.
//!
//! The constructors live one per file (`contiguity`, `knn`, `distance_band`); the local
//! statistics read a [`SpatialWeights`]. All weights here are binary (1 for a neighbour, 0
//! otherwise); the statistics apply their own transform (Gi* uses binary weights with a self
//! weight of 1, local Moran row-standardises), so no transform state is carried around.

/// Binary spatial weights in compressed rows: the neighbours of area `i` are
/// `neighbours[offsets[i]..offsets[i + 1]]`, ascending, never `i` itself.
///
/// Rows need not be symmetric (k-nearest neighbours are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpatialWeights {
    offsets: Vec<usize>,
    neighbours: Vec<u32>,
}

impl SpatialWeights {
    /// Builds weights from one neighbour list per area. Lists are sorted and deduplicated;
    /// an area listed as its own neighbour is dropped (the statistics add self weights where
    /// their definition asks for it).
    ///
    /// # Panics
    /// If a neighbour index is out of range.
    pub fn from_lists(lists: Vec<Vec<usize>>) -> SpatialWeights {
        let n = lists.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbours = Vec::new();
        offsets.push(0);
        for (i, mut list) in lists.into_iter().enumerate() {
            list.sort_unstable();
            list.dedup();
            for j in list {
                assert!(j < n, "neighbour {j} of area {i} is out of range (n = {n})");
                if j != i {
                    neighbours.push(u32::try_from(j).expect("fewer than 2^32 areas"));
                }
            }
            offsets.push(neighbours.len());
        }
        SpatialWeights {
            offsets,
            neighbours,
        }
    }

    /// The number of areas.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// True when there are no areas.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The neighbours of area `i`, ascending.
    pub fn neighbours(&self, i: usize) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.neighbours[self.offsets[i]..self.offsets[i + 1]]
            .iter()
            .map(|&j| j as usize)
    }

    /// The number of neighbours of area `i` (its cardinality).
    pub fn cardinality(&self, i: usize) -> usize {
        self.offsets[i + 1] - self.offsets[i]
    }

    /// The largest cardinality.
    pub fn max_cardinality(&self) -> usize {
        (0..self.len())
            .map(|i| self.cardinality(i))
            .max()
            .unwrap_or(0)
    }

    /// Areas without neighbours ("islands"), ascending. Local statistics report them as
    /// not tested rather than inventing a neighbourhood.
    pub fn islands(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.cardinality(i) == 0)
            .collect()
    }

    /// The sum of `values` over the neighbours of `i` (the binary spatial lag).
    pub fn lag_sum(&self, i: usize, values: &[f64]) -> f64 {
        self.neighbours(i).map(|j| values[j]).sum()
    }

    /// The neighbour lists, for tests and exports.
    pub fn to_lists(&self) -> Vec<Vec<usize>> {
        (0..self.len())
            .map(|i| self.neighbours(i).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_deduplicated_and_without_self() {
        let w = SpatialWeights::from_lists(vec![vec![2, 1, 1, 0], vec![0], vec![], vec![0]]);
        assert_eq!(w.to_lists(), vec![vec![1, 2], vec![0], vec![], vec![0]]);
        assert_eq!(w.islands(), vec![2]);
        assert_eq!(w.max_cardinality(), 2);
        assert_eq!(w.lag_sum(0, &[10.0, 1.0, 2.0, 3.0]), 3.0);
    }
}
