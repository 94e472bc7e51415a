//! Profiles: a platform's export (columns, JSON paths, encodings, one row per line item)
//! mapped onto the rule file's fields. The format is in docs/PROFILES.md.
//!
//! Profiled reading is its own path beside the fast readers of `input`: rows are read by
//! those readers (every column, or each JSON value), then grouped and cleaned here into
//! the same [`RawOrder`](crate::input::RawOrder)s, which typing and deciding take as usual.

mod clean;
mod date;
mod group;
mod model;
mod rows;

use std::path::Path;

pub use clean::amount;
pub use model::{Encoding, Profile};

use crate::check::{FieldType, RuleSet};

/// Whether `name` is a tags field of `set`.
pub fn is_tags(set: &RuleSet, name: &str) -> bool {
    set.fields
        .iter()
        .any(|f| f.name == name && f.ty == FieldType::Tags)
}
use crate::input::{self, FatalError, Format, Reader};

/// The built-in profiles: name and YAML text, compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("shopify", include_str!("builtin/shopify.yaml")),
    ("amazon", include_str!("builtin/amazon.yaml")),
    ("taobao", include_str!("builtin/taobao.yaml")),
    ("jd", include_str!("builtin/jd.yaml")),
    ("tiktok", include_str!("builtin/tiktok.yaml")),
    ("woocommerce", include_str!("builtin/woocommerce.yaml")),
];

/// The YAML of a built-in profile.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The built-in profiles' names, for messages: `shopify, amazon, …`.
pub fn builtin_names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A profile by built-in name or by file path.
pub fn load(spec: &str) -> Result<Profile, FatalError> {
    if let Some(text) = builtin(spec) {
        return Profile::parse(text, &format!("built-in {spec}"), spec);
    }
    let path = Path::new(spec);
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let stem = path
                .file_stem()
                .map_or(spec.into(), |s| s.to_string_lossy());
            Profile::parse(&text, spec, &stem)
        }
        Err(e) => Err(FatalError {
            message: format!("no built-in profile `{spec}`, and no profile file by that name: {e}"),
            help: Some(format!("the built-in profiles are: {}", builtin_names())),
        }),
    }
}

/// Opens an export through a profile, for the fields the readers want (name, optional;
/// see [`input::field_specs`]); `tags` says which are tag fields, which take a list of
/// values where others take them joined. `format` (from the command line) wins over the
/// profile's, which wins over the file name's.
pub fn open(
    path: &Path,
    format: Option<Format>,
    profile: Profile,
    fields: &[(String, bool)],
    tags: impl Fn(&str) -> bool,
) -> Result<Box<dyn Reader>, FatalError> {
    let name = path.display().to_string();
    let format = format
        .or(profile.format)
        .unwrap_or_else(|| Format::from_path(path));
    let (stream, _) = input::stream(path)?;
    let (stream, transcoded) = rows::decode(stream, profile.encoding, &name)?;
    let rows = input::open_rows(stream, &name, format, profile.delimiter)?;
    let fields: Vec<(String, bool, bool)> = fields
        .iter()
        .map(|(name, optional)| (name.clone(), *optional, tags(name)))
        .collect();
    Ok(Box::new(group::ProfileReader::new(
        profile,
        rows::RowSource::new(rows),
        transcoded,
        &name,
        &fields,
    )?))
}
