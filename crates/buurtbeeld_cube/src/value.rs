//! A published count, or the fact that it was withheld.

/// One cell of a police table.
///
/// An empty cell in a CBS/Politie table means the figure is withheld for privacy, never zero.
/// Keeping that distinction in the type makes it impossible to add a withheld cell as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Count(u32),
    Withheld,
}

impl Value {
    pub fn count(self) -> Option<u32> {
        match self {
            Value::Count(n) => Some(n),
            Value::Withheld => None,
        }
    }
}
