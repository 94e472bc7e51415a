//! Snapshots of every diagnostic the checker gives for the planted-error fixtures, and a
//! guard that the valid fixtures and the shipped example rule sets load cleanly.
//!
//! Each fixture under `fixtures/check/` starts with `# PLANTED: ... -- line N`; the
//! snapshot of its rendered diagnostics is reviewed by hand against that line, and
//! `planted_line_is_pointed_at` checks mechanically that some error starts on line N.

mod common;

use routebook::diag::{Diag, render};
use routebook::source::Source;

use common::{crate_file, glob_lock, read_source};

fn errors_of(src: &Source) -> Vec<Diag> {
    match routebook::load(src) {
        Ok(_) => panic!(
            "{} was expected to have errors but loads cleanly",
            src.name()
        ),
        Err(errs) => {
            assert!(
                !errs.is_empty(),
                "{}: load returned Err with no diagnostics",
                src.name()
            );
            errs
        }
    }
}

fn rendered(src: &Source, errs: &[Diag]) -> String {
    errs.iter()
        .map(|d| render(d, src, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The line numbers named by `-- line N` / `-- lines N, M, ...` in the PLANTED header.
fn planted_lines(src: &Source) -> Vec<usize> {
    let first = src.text().lines().next().unwrap_or("");
    let Some((_, tail)) = first.rsplit_once("-- line") else {
        return Vec::new();
    };
    tail.trim_start_matches('s')
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

#[test]
fn check_fixtures() {
    let _lock = glob_lock();
    insta::glob!("fixtures/check/*.rules", |path| {
        let src = read_source(path);
        let errs = errors_of(&src);
        insta::assert_snapshot!(rendered(&src, &errs));
    });
}

#[test]
fn planted_line_is_pointed_at() {
    let _lock = glob_lock();
    let mut failures = Vec::new();
    insta::glob!("fixtures/check/*.rules", |path| {
        let src = read_source(path);
        let errs = errors_of(&src);
        let lines: Vec<usize> = errs.iter().map(|d| src.line_col(d.span.start).0).collect();
        for want in planted_lines(&src) {
            if !lines.contains(&want) {
                failures.push(format!(
                    "{}: planted on line {want}, diagnostics on lines {lines:?}",
                    src.name()
                ));
            }
        }
    });
    assert!(
        failures.is_empty(),
        "misplaced diagnostics:\n{}",
        failures.join("\n")
    );
}

#[test]
fn check_fixtures_report_only_errors_with_a_label() {
    let _lock = glob_lock();
    insta::glob!("fixtures/check/*.rules", |path| {
        let src = read_source(path);
        for d in errors_of(&src) {
            assert_eq!(
                d.level,
                routebook::diag::Level::Error,
                "{}: {d:?}",
                src.name()
            );
            assert!(!d.message.is_empty(), "{}: empty message {d:?}", src.name());
            assert!(
                d.span.end <= src.text().len(),
                "{}: span past the end {d:?}",
                src.name()
            );
        }
    });
}

#[test]
fn valid_fixtures_load() {
    let _lock = glob_lock();
    insta::glob!("fixtures/valid/*.rules", |path| {
        let src = read_source(path);
        if let Err(errs) = routebook::load(&src) {
            panic!("{} should load:\n{}", src.name(), rendered(&src, &errs));
        }
    });
}

#[test]
fn shipped_rule_sets_load() {
    let _lock = glob_lock();
    insta::glob!("../rules", "*.rules", |path| {
        let src = read_source(path);
        if let Err(errs) = routebook::load(&src) {
            panic!("{} should load:\n{}", src.name(), rendered(&src, &errs));
        }
    });
}

fn five_errors() -> (Source, Vec<Diag>) {
    let path = crate_file("tests/fixtures/check/41-five-errors.rules");
    let src = read_source(&path);
    let errs = errors_of(&src);
    (src, errs)
}

#[test]
fn five_errors_as_json() {
    let (src, errs) = five_errors();
    assert_eq!(errs.len(), 5, "one error per planted rule");
    let json: Vec<serde_json::Value> = errs.iter().map(|d| d.to_json(&src)).collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&json).expect("JSON serializes"));
}

#[test]
fn five_errors_as_github_annotations() {
    let (src, errs) = five_errors();
    let lines: Vec<String> = errs.iter().map(|d| d.to_github(&src)).collect();
    for l in &lines {
        assert!(
            l.starts_with("::error file=41-five-errors.rules,line="),
            "{l}"
        );
        assert!(!l.contains('\n'), "a workflow command is one line: {l:?}");
    }
    insta::assert_snapshot!(lines.join("\n"));
}
