//! Whole numbers written the Dutch way (`16.848`, `-71`), for every crate that talks to users.

/// A whole number with `.` between thousands.
pub fn integer(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A signed whole number with `.` between thousands: `-71`, `17.198`.
pub fn signed(n: i64) -> String {
    let body = integer(n.unsigned_abs());
    if n < 0 {
        format!("-{body}")
    } else {
        body
    }
}
