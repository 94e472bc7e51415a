//! The profile file: its YAML shape, read with unknown keys rejected, then checked.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use regex::Regex;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::date::DateSpec;
use crate::input::{FatalError, Format};

/// A checked profile, ready to map an export.
#[derive(Debug)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub format: Option<Format>,
    pub delimiter: Option<u8>,
    pub encoding: Encoding,
    pub group_by: Option<String>,
    pub spreadsheet_values: bool,
    /// The zone of dates written without an offset; `None` leaves them civil, for the rule
    /// set's zone.
    pub timezone: Option<TimeZone>,
    /// By field name.
    pub fields: BTreeMap<String, FieldSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    #[serde(rename = "utf-8", alias = "utf8")]
    Utf8,
    Gbk,
    Gb18030,
    #[default]
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    #[default]
    First,
    Collect,
    Sum,
}

/// Where one field's values come from and how they are cleaned.
#[derive(Debug)]
pub struct FieldSpec {
    pub source: Source,
    pub capture: Option<Regex>,
    pub split: Option<String>,
    pub aliases: Aliases,
    /// The decimal separator of an amount, when the value is one.
    pub amount: Option<char>,
    /// How the value is read as a date, when it is one.
    pub date: Option<DateSpec>,
    pub combine: Combine,
}

#[derive(Debug)]
pub enum Source {
    /// Columns or JSON paths, in order.
    From(Vec<String>),
    Value(String),
    FirstOf(Vec<FieldSpec>),
}

/// Value replacements: exact first, then ignoring ASCII case, then the `"*"` catch-all.
#[derive(Debug, Default)]
pub struct Aliases {
    exact: BTreeMap<String, String>,
    folded: BTreeMap<String, String>,
    other: Option<String>,
}

impl Aliases {
    fn new(map: BTreeMap<String, String>) -> Self {
        let mut aliases = Aliases::default();
        for (from, to) in map {
            if from == "*" {
                aliases.other = Some(to);
            } else {
                aliases.folded.insert(from.to_ascii_lowercase(), to.clone());
                aliases.exact.insert(from, to);
            }
        }
        aliases
    }

    /// The value `v` stands for.
    pub fn apply<'a>(&'a self, v: &'a str) -> &'a str {
        if let Some(to) = self.exact.get(v) {
            return to;
        }
        if !self.folded.is_empty()
            && let Some(to) = self.folded.get(&v.to_ascii_lowercase())
        {
            return to;
        }
        self.other.as_deref().unwrap_or(v)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    description: Option<String>,
    format: Option<FormatName>,
    delimiter: Option<String>,
    #[serde(default)]
    encoding: Encoding,
    group_by: Option<String>,
    #[serde(default)]
    spreadsheet_values: bool,
    timezone: Option<String>,
    fields: BTreeMap<String, FieldFile>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum FormatName {
    Csv,
    Tsv,
    Json,
    Jsonl,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFile {
    from: Option<OneOrMany>,
    value: Option<String>,
    first_of: Option<Vec<FieldFile>>,
    capture: Option<String>,
    split: Option<String>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
    amount: Option<AmountFile>,
    date: Option<DateFile>,
    combine: Option<Combine>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountFile {
    decimal: Option<String>,
}

/// `date: { formats: [...] }`, or the list alone: `date: ["%m/%d/%Y", ...]`.
struct DateFile {
    formats: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DateMap {
    #[serde(default)]
    formats: Vec<String>,
}

// By hand, not `#[serde(untagged)]`: an untagged enum turns `formts:` into "did not match
// any variant", where the map's own `deny_unknown_fields` names the key and its line.
impl<'de> Deserialize<'de> for DateFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateFile;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of formats, or a map with `formats`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<DateFile, A::Error> {
                let formats = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(DateFile { formats })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateFile, A::Error> {
                let m = DateMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DateFile { formats: m.formats })
            }
        }
        d.deserialize_any(V)
    }
}

impl Profile {
    /// Reads a profile's YAML; `origin` names it in errors (a path or `built-in shopify`).
    pub fn parse(text: &str, origin: &str, default_name: &str) -> Result<Self, FatalError> {
        let file: ProfileFile = serde_yaml::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" line {}, column {}:", l.line(), l.column()))
                .unwrap_or_default();
            // serde_yaml appends its own "at line … column …"; the line goes first here.
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            FatalError {
                message: format!("profile `{origin}`{at} {message}"),
                help: Some("docs/PROFILES.md lists every key a profile may have".into()),
            }
        })?;
        let bad = |what: String| FatalError::new(format!("profile `{origin}`: {what}"));
        let delimiter = match file.delimiter.as_deref() {
            None => None,
            Some("\\t" | "\t" | "tab") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some(d) => return Err(bad(format!("`delimiter` is one character, not `{d}`"))),
        };
        let timezone = match file.timezone.as_deref() {
            None => None,
            Some(name) => Some(TimeZone::get(name).map_err(|e| {
                FatalError {
                message: format!(
                    "profile `{origin}`: `timezone` `{name}` is not a time zone jiff knows: {e}"
                ),
                help: Some(
                    "give an IANA name, such as `Asia/Shanghai`, `America/Los_Angeles` or `UTC`"
                        .into(),
                ),
            }
            })?),
        };
        let mut fields = BTreeMap::new();
        for (name, spec) in file.fields {
            let spec = FieldSpec::check(spec, true, timezone.as_ref())
                .map_err(|e| bad(format!("field `{name}`: {e}")))?;
            fields.insert(name, spec);
        }
        Ok(Profile {
            name: file.name.unwrap_or_else(|| default_name.to_string()),
            description: file.description.unwrap_or_default(),
            format: file.format.map(|f| match f {
                FormatName::Csv => Format::Csv,
                FormatName::Tsv => Format::Tsv,
                FormatName::Json => Format::Json,
                FormatName::Jsonl => Format::Jsonl,
            }),
            delimiter,
            encoding: file.encoding,
            group_by: file.group_by,
            spreadsheet_values: file.spreadsheet_values,
            timezone,
            fields,
        })
    }
}

impl FieldSpec {
    fn check(f: FieldFile, top: bool, zone: Option<&TimeZone>) -> Result<Self, String> {
        let source = match (f.from, f.value, f.first_of) {
            (Some(OneOrMany::One(c)), None, None) => Source::From(vec![c]),
            (Some(OneOrMany::Many(cs)), None, None) if !cs.is_empty() => Source::From(cs),
            (None, Some(v), None) => Source::Value(v),
            (None, None, Some(specs)) if !specs.is_empty() => Source::FirstOf(
                specs
                    .into_iter()
                    .map(|s| FieldSpec::check(s, false, zone))
                    .collect::<Result<_, _>>()?,
            ),
            _ => {
                return Err(
                    "give exactly one of `from` (columns or paths), `value` or `first_of`".into(),
                );
            }
        };
        if !top && f.combine.is_some() {
            return Err("`combine` belongs to the field, not to an entry of `first_of`".into());
        }
        let capture = f
            .capture
            .map(|c| Regex::new(&c).map_err(|e| format!("`capture` is not a valid regex: {e}")))
            .transpose()?;
        if f.split.as_deref() == Some("") {
            return Err("`split` needs the text to split on".into());
        }
        let amount = match f.amount {
            None => None,
            Some(AmountFile { decimal: None }) => Some('.'),
            Some(AmountFile { decimal: Some(d) }) => match d.as_str() {
                "." => Some('.'),
                "," => Some(','),
                _ => return Err(format!("`amount.decimal` is `.` or `,`, not `{d}`")),
            },
        };
        if f.date.is_some() && amount.is_some() {
            return Err("give `date` or `amount`, not both".into());
        }
        if f.date.is_some() && f.combine == Some(Combine::Sum) {
            return Err("dates cannot be added up: `combine: sum` does not go with `date`".into());
        }
        let date = f
            .date
            .map(|d| DateSpec::new(d.formats, zone.cloned()))
            .transpose()?;
        let lists = f.split.is_some()
            || matches!(&source, Source::From(cs) if cs.iter().any(|c| c.contains("[]")));
        let combine = f.combine.unwrap_or(if lists {
            Combine::Collect
        } else {
            Combine::First
        });
        Ok(FieldSpec {
            source,
            capture,
            split: f.split,
            aliases: Aliases::new(f.aliases),
            amount,
            date,
            combine,
        })
    }
}
