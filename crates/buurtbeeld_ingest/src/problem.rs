//! Import problems that name file, line and field and say what was expected.

use std::fmt;

/// At most this many problems are collected per import, so a broken file gives a useful list
/// without flooding the terminal.
pub const MAX_PROBLEMS: usize = 50;

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// The part of the file that `line` counts in, as the message names it: `laag buurten` of a
    /// GeoPackage, whose features are numbered per layer.
    pub part: Option<String>,
    /// 1-based line (or feature number for GeoJSON, see `unit`).
    pub line: Option<u64>,
    /// What `line` counts, as the message names it: "regel", "feature" or "record".
    pub unit: &'static str,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(part) = &self.part {
            write!(f, ", {part}")?;
        }
        if let Some(line) = self.line {
            write!(f, ", {} {line}", self.unit)?;
        }
        if let Some(field) = &self.field {
            write!(f, ", veld '{field}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why an import was refused: every problem found, up to `MAX_PROBLEMS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub problems: Vec<Problem>,
    /// More problems were found than listed.
    pub truncated: bool,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.truncated {
            write!(
                f,
                "\n(gestopt na {MAX_PROBLEMS} problemen; los deze op en importeer opnieuw)"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// Collects problems for one file while reading goes on.
#[derive(Debug)]
pub struct Problems {
    file: String,
    part: Option<String>,
    unit: &'static str,
    found: Vec<Problem>,
    truncated: bool,
}

impl Problems {
    pub fn new(file: &str) -> Problems {
        Problems {
            file: file.to_owned(),
            part: None,
            unit: "regel",
            found: Vec::new(),
            truncated: false,
        }
    }

    pub fn with_unit(mut self, unit: &'static str) -> Problems {
        self.unit = unit;
        self
    }

    /// Problems in a part of the file, such as one layer of a GeoPackage.
    pub fn with_part(mut self, part: String) -> Problems {
        self.part = Some(part);
        self
    }

    pub fn add(&mut self, line: Option<u64>, field: Option<&str>, message: impl Into<String>) {
        if self.found.len() >= MAX_PROBLEMS {
            self.truncated = true;
            return;
        }
        self.found.push(Problem {
            file: self.file.clone(),
            part: self.part.clone(),
            line,
            unit: self.unit,
            field: field.map(str::to_owned),
            message: message.into(),
        });
    }

    /// Records a problem and returns the error at once, for problems that stop reading.
    pub fn fatal(
        mut self,
        line: Option<u64>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> ImportError {
        self.add(line, field, message);
        self.into_error()
    }

    /// An empty collection for the same file, counting lines the same way.
    pub fn fresh(&self) -> Problems {
        Problems {
            part: self.part.clone(),
            ..Problems::new(&self.file).with_unit(self.unit)
        }
    }

    /// Puts `first` (problems of the same file) before the problems collected so far, keeping
    /// the limit: the later ones are dropped first.
    pub fn prepend(&mut self, first: Problems) {
        let later = std::mem::replace(&mut self.found, first.found);
        self.truncated |= first.truncated;
        for problem in later {
            if self.found.len() >= MAX_PROBLEMS {
                self.truncated = true;
                break;
            }
            self.found.push(problem);
        }
    }

    /// Puts `later` (problems of the same file, or of a part of it such as a GeoPackage layer)
    /// after the problems collected so far, keeping the limit.
    pub fn append(&mut self, later: Problems) {
        self.truncated |= later.truncated;
        for problem in later.found {
            if self.found.len() >= MAX_PROBLEMS {
                self.truncated = true;
                break;
            }
            self.found.push(problem);
        }
    }

    pub fn is_full(&self) -> bool {
        self.truncated
    }

    pub fn len(&self) -> usize {
        self.found.len()
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub fn into_error(self) -> ImportError {
        ImportError {
            problems: self.found,
            truncated: self.truncated,
        }
    }

    /// `Ok(value)` if nothing was found, else the collected problems.
    pub fn finish<T>(self, value: T) -> Result<T, ImportError> {
        if self.found.is_empty() {
            Ok(value)
        } else {
            Err(self.into_error())
        }
    }
}

/// The line and a plain explanation of a CSV reading error.
pub fn csv_problem(error: &csv::Error, delimiter: u8) -> (Option<u64>, String) {
    let line = error.position().map(|p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "verwacht {expected_len} velden gescheiden door '{}', gevonden {len} (een verkeerd \
             scheidingsteken, een los aanhalingsteken of een afgebroken regel)",
            char::from(delimiter)
        ),
        csv::ErrorKind::Utf8 { .. } => {
            "de regel is geen geldige UTF-8; CBS en Politie publiceren UTF-8: sla het bestand op als UTF-8"
                .to_owned()
        }
        _ => format!("onleesbare CSV: {error}"),
    };
    (line, message)
}
