//! Fast writer for 47022NED coded CSV rows (`code;area;period;count\n`).
//!
//! Rows are formatted by hand into one reusable buffer: at ~170 M rows, `write!` and per-row
//! `write_all` calls would cost more than generating the numbers.

use std::io::{self, Write};

/// Header line of the coded CSV, as the importer expects it.
pub const HEADER: &str = "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n";

/// Buffer size at which rows are handed to the underlying writer.
const FLUSH_AT: usize = 256 * 1024;

/// Counts rows and bytes while writing, so the summary is right even for stdout.
#[derive(Debug)]
pub(crate) struct RowSink<W: Write> {
    out: W,
    buf: Vec<u8>,
    prefix: Vec<u8>,
    rows: u64,
    bytes: u64,
}

impl<W: Write> RowSink<W> {
    pub(crate) fn new(out: W) -> Self {
        let mut buf = Vec::with_capacity(FLUSH_AT + 64 * 1024);
        buf.extend_from_slice(HEADER.as_bytes());
        Self {
            out,
            buf,
            prefix: Vec::with_capacity(32),
            rows: 0,
            bytes: 0,
        }
    }

    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// One row per period for `code` in `area`; `counts: None` writes the empty (suppressed) cell.
    ///
    /// `periods` hold `YYYYMMnn;` so each row needs only a few slice copies.
    pub(crate) fn series(
        &mut self,
        code: &str,
        area: &str,
        periods: &[[u8; 9]],
        counts: Option<&[u32]>,
    ) -> io::Result<()> {
        self.prefix.clear();
        self.prefix.extend_from_slice(code.as_bytes());
        self.prefix.push(b';');
        self.prefix.extend_from_slice(area.as_bytes());
        self.prefix.push(b';');
        match counts {
            Some(counts) => {
                for (period, &count) in periods.iter().zip(counts) {
                    self.buf.extend_from_slice(&self.prefix);
                    self.buf.extend_from_slice(period);
                    push_u32(&mut self.buf, count);
                    self.buf.push(b'\n');
                }
            }
            None => {
                for period in periods {
                    self.buf.extend_from_slice(&self.prefix);
                    self.buf.extend_from_slice(period);
                    self.buf.push(b'\n');
                }
            }
        }
        self.rows += periods.len() as u64;
        if self.buf.len() >= FLUSH_AT {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Writes what is buffered, flushes, and returns (rows, bytes) including the header.
    pub(crate) fn finish(mut self) -> io::Result<(u64, u64)> {
        self.drain()?;
        self.out.flush()?;
        Ok((self.rows, self.bytes))
    }
}

/// `YYYYMMnn;` for a year and month (1–12); years are always four digits here.
pub(crate) fn period_field(year: u16, month: u8) -> [u8; 9] {
    let mut f = *b"0000MM00;";
    let mut y = year;
    for slot in f[..4].iter_mut().rev() {
        *slot = b'0' + (y % 10) as u8;
        y /= 10;
    }
    f[6] = b'0' + month / 10;
    f[7] = b'0' + month % 10;
    f
}

fn push_u32(buf: &mut Vec<u8>, n: u32) {
    // Most buurt counts are single digits.
    if n < 10 {
        buf.push(b'0' + n as u8);
        return;
    }
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    buf.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rows_and_counts_bytes() {
        let mut out = Vec::new();
        let mut sink = RowSink::new(&mut out);
        let periods = [period_field(2023, 1), period_field(2023, 12)];
        sink.series("1.2.3", "BU16800000", &periods, Some(&[4, 1_234_567_890]))
            .unwrap();
        sink.series("1.4.1", "GM1680", &periods, None).unwrap();
        let (rows, bytes) = sink.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
             1.2.3;BU16800000;2023MM01;4\n\
             1.2.3;BU16800000;2023MM12;1234567890\n\
             1.4.1;GM1680;2023MM01;\n\
             1.4.1;GM1680;2023MM12;\n"
        );
        assert_eq!(rows, 4);
        assert_eq!(bytes, text.len() as u64);
    }

    #[test]
    fn formats_edge_numbers() {
        for n in [0, 9, 10, 99, 100, u32::MAX] {
            let mut buf = Vec::new();
            push_u32(&mut buf, n);
            assert_eq!(buf, n.to_string().as_bytes());
        }
        assert_eq!(&period_field(987, 7), b"0987MM07;");
    }
}
