//! One diagnostic shape for every stage, so that `check` can print errors and warnings
//! alike for people (miette), machines (JSON) and CI (GitHub annotations).

use std::fmt;

use miette::{LabeledSpan, Severity};
use serde::Serialize;

use crate::source::{Source, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub level: Level,
    /// A stable, kebab-case name of the kind (`unknown-field`), for machines and `--allow`.
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    pub label: String,
    /// Other places that explain this one ("first defined here").
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diag {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diag {
            level: Level::Error,
            code,
            message: message.into(),
            span,
            label: String::new(),
            related: Vec::new(),
            help: None,
        }
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// The diagnostic tied to its source, ready for miette's graphical printer.
    pub fn report(&self, source: &Source) -> miette::Report {
        miette::Report::new(self.clone()).with_source_code(source.clone())
    }

    /// A JSON object with a stable shape (documented in the README).
    pub fn to_json(&self, source: &Source) -> serde_json::Value {
        let (line, column) = source.line_col(self.span.start);
        let (end_line, end_column) = source.line_col(self.span.end);
        serde_json::json!({
            "file": source.name(),
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "label": self.label,
            "help": self.help,
        })
    }

    /// A SARIF 2.1.0 `result` (code scanning tools read these), with the related places
    /// as `relatedLocations` and the help (where the example order is) in the message.
    pub fn to_sarif(&self, source: &Source) -> serde_json::Value {
        let region = |span: Span| {
            let (line, column) = source.line_col(span.start);
            let (end_line, end_column) = source.line_col(span.end);
            serde_json::json!({
                "startLine": line, "startColumn": column,
                "endLine": end_line, "endColumn": end_column,
            })
        };
        let at = |span: Span| {
            serde_json::json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": source.name()},
                    "region": region(span),
                }
            })
        };
        let mut text = self.message.clone();
        if let Some(h) = &self.help {
            text.push('\n');
            text.push_str(h);
        }
        let related: Vec<serde_json::Value> = self
            .related
            .iter()
            .enumerate()
            .map(|(i, (span, label))| {
                let mut loc = at(*span);
                loc["id"] = serde_json::json!(i);
                loc["message"] = serde_json::json!({"text": label});
                loc
            })
            .collect();
        serde_json::json!({
            "ruleId": self.code,
            "level": match self.level {
                Level::Error => "error",
                Level::Warning => "warning",
            },
            "message": {"text": text},
            "locations": [at(self.span)],
            "relatedLocations": related,
        })
    }

    /// A GitHub Actions workflow command that annotates the line in a pull request.
    pub fn to_github(&self, source: &Source) -> String {
        let (line, col) = source.line_col(self.span.start);
        let (end_line, end_col) = source.line_col(self.span.end);
        let kind = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut text = self.message.clone();
        if let Some(h) = &self.help {
            text.push_str(" (");
            text.push_str(h);
            text.push(')');
        }
        format!(
            "::{kind} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            escape_property(source.name()),
            escape_property(self.code),
            escape_data(&text)
        )
    }
}

// GitHub's workflow commands need these characters percent-encoded.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl miette::Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            (!self.label.is_empty()).then(|| self.label.clone()),
            self.span,
        );
        let others = self
            .related
            .iter()
            .map(|(s, l)| LabeledSpan::new_with_span(Some(l.clone()), *s));
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

impl From<crate::syntax::SyntaxError> for Diag {
    fn from(e: crate::syntax::SyntaxError) -> Self {
        let d = Diag::error("syntax", e.span, e.message).label(e.label);
        match e.help {
            Some(h) => d.help(h),
            None => d,
        }
    }
}

/// Renders a diagnostic for people: the source line, a caret under the span, the help.
pub fn render(diag: &Diag, source: &Source, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let report = diag.report(source);
    handler
        .render_report(&mut out, report.as_ref())
        .expect("writing to a String cannot fail");
    out
}
