//! Numbers written the Dutch way (`16.848`, `3,5`, `-17,2%`, `p < 0,001`), for every crate that talks to users.
//! Periods and days are in [`period`].

pub mod period;

/// A count with its noun in Dutch singular or plural: `1 maand`, `12 maanden`, `1.296 rijen`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", integer(n as u64), if n == 1 { one } else { many })
}

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

/// A decimal number with a decimal comma and thousands dots.
pub fn decimal(x: f64, places: usize) -> String {
    let text = format!("{:.*}", places, x.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if x < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        "-"
    } else {
        ""
    };
    let whole = integer(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{fraction}")
    }
}

/// A signed percentage with one decimal: `-17,2%`, `+4,0%`.
pub fn percent(x: f64) -> String {
    let body = decimal(x, 1);
    if x > 0.0 && body != "0,0" {
        format!("+{body}%")
    } else {
        format!("{body}%")
    }
}

/// A p-value in a sentence: `p = 0,017`, `p < 0,001`.
pub fn p_phrase(p: f64) -> String {
    let value = p_value(p);
    if value.starts_with('<') {
        format!("p {value}")
    } else {
        format!("p = {value}")
    }
}

/// A p-value as people read it: `0,003`, `< 0,001`.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0,001".to_owned()
    } else {
        decimal(p, 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_dutch_way() {
        assert_eq!(integer(16_848), "16.848");
        assert_eq!(integer(1_234_567), "1.234.567");
        assert_eq!(integer(999), "999");
        assert_eq!(decimal(3.456, 1), "3,5");
        assert_eq!(decimal(1234.5, 2), "1.234,50");
        assert_eq!(decimal(-0.04, 1), "0,0");
        assert_eq!(percent(-17.24), "-17,2%");
        assert_eq!(percent(4.0), "+4,0%");
        assert_eq!(p_value(0.0004), "< 0,001");
        assert_eq!(p_value(0.0412), "0,041");
    }
}
