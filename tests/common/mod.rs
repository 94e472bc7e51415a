//! Code shared by the integration tests. Each test binary includes it with `mod common;`
//! and uses only part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod rulegen;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use routebook::source::{Source, Span};
use routebook::syntax::ast::{File, Header, Item, RuleDef};

// ------------------------------------------------------------------------- the binary

/// What one run of the binary gave; `Run<Vec<u8>>` keeps standard output as bytes.
#[derive(Debug)]
pub struct Run<Stdout = String> {
    pub stdout: Stdout,
    pub stderr: String,
    pub code: i32,
}

/// Runs `routebook ARGS` in `cwd`, feeding `stdin`, and keeps standard output as bytes.
/// Colour and terminal width are fixed because no stream is a terminal and `NO_COLOR` is
/// set.
pub fn routebook_bytes_in(cwd: &Path, args: &[&str], stdin: &[u8]) -> Run<Vec<u8>> {
    let out = assert_cmd::Command::cargo_bin("routebook")
        .expect("the binary is built")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        // Every run decides as of the same moment, so that time rules give stable records.
        .env("ROUTEBOOK_NOW", NOW)
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .write_stdin(stdin.to_vec())
        .output()
        .expect("the binary runs");
    Run {
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().expect("exited normally, not by a signal"),
    }
}

/// The "now" of every run in the tests: the morning after the example exports.
pub const NOW: &str = "2026-11-05T12:00:00+08:00";

/// Runs `routebook ARGS` in `cwd`, feeding `stdin`.
pub fn routebook_in(cwd: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let Run {
        stdout,
        stderr,
        code,
    } = routebook_bytes_in(cwd, args, stdin);
    Run {
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr,
        code,
    }
}

/// Runs `routebook ARGS` from the crate root, feeding `stdin`.
pub fn routebook_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    routebook_in(crate_root(), args, stdin)
}

/// Runs `routebook ARGS` from the crate root, with empty standard input.
pub fn routebook(args: &[&str]) -> Run {
    routebook_with_stdin(args, b"")
}

/// Runs `routebook ARGS` from the crate root, with empty standard input, and keeps
/// standard output as bytes.
pub fn routebook_bytes(args: &[&str]) -> Run<Vec<u8>> {
    routebook_bytes_in(crate_root(), args, b"")
}

// ------------------------------------------------------------------------- files

/// The crate's root folder: the binary runs there unless a test says otherwise.
pub fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the crate, by its path from the crate root.
pub fn crate_file(rel: &str) -> PathBuf {
    crate_root().join(rel)
}

/// A path as a command-line argument.
pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Writes `contents` to `name` in `dir` and returns the path as a string argument.
pub fn write_file(dir: &tempfile::TempDir, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("temp file is writable");
    path_str(&path).to_string()
}

/// Replaces the temp folder's path so that a snapshot does not depend on it.
pub fn without_tmp(text: &str, dir: &tempfile::TempDir) -> String {
    text.replace(path_str(dir.path()), "[TMP]")
}

/// A rule file as a [`Source`] named by its file name, as `check` names it.
pub fn read_source(path: &Path) -> Source {
    let text = std::fs::read_to_string(path).expect("fixture is readable UTF-8");
    let name = path
        .file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned();
    Source::new(name, text)
}

// ------------------------------------------------------------------------- snapshots

/// insta's `glob!` keeps its failure count on one process-wide stack, so two globs
/// running at once in parallel tests mix up their results (a snapshot failure in one
/// test is reported by another). Every test that globs holds this lock.
static GLOB: Mutex<()> = Mutex::new(());

pub fn glob_lock() -> MutexGuard<'static, ()> {
    GLOB.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

// ------------------------------------------------------------------------- syntax trees

/// Clears the plain `Span` fields (headers and rules), which take part in equality.
pub fn unspanned_item(item: Item) -> Item {
    match item {
        Item::Header(h) => Item::Header(Header {
            span: Span::default(),
            ..h
        }),
        Item::Rule(r) => Item::Rule(RuleDef {
            span: Span::default(),
            ..r
        }),
        other => other,
    }
}

/// [`unspanned_item`] for every item of a file.
pub fn unspanned_file(file: File) -> File {
    File {
        items: file.items.into_iter().map(unspanned_item).collect(),
    }
}
