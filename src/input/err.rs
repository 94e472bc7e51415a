//! Bad input in one order: which line, which field, what value, and why.

use std::fmt;

/// One thing wrong with an order.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// `None` for a problem with the whole record (e.g. its column count).
    pub field: Option<String>,
    pub raw: Option<String>,
    pub reason: String,
}

impl Problem {
    pub fn record(reason: impl Into<String>) -> Self {
        Problem {
            field: None,
            raw: None,
            reason: reason.into(),
        }
    }

    pub fn field(field: &str, raw: Option<&str>, reason: impl Into<String>) -> Self {
        Problem {
            field: Some(field.to_string()),
            raw: raw.map(str::to_string),
            reason: reason.into(),
        }
    }

    /// A short category for summaries: `amount: not a decimal`.
    pub fn category(&self) -> String {
        match &self.field {
            Some(f) => format!("{f}: {}", self.reason),
            None => self.reason.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.field, &self.raw) {
            (Some(field), Some(raw)) => {
                write!(f, "field `{field}`, value `{raw}`: {}", self.reason)
            }
            (Some(field), None) => write!(f, "field `{field}`: {}", self.reason),
            _ => f.write_str(&self.reason),
        }
    }
}

/// Everything wrong with one order, and where it stands in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub line: u64,
    pub problems: Vec<Problem>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}
