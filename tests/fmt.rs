//! `routebook fmt`: the formatter keeps the syntax tree and every comment, and formatting
//! twice changes nothing. Checked on every rule file in the repository, on a messy
//! hand-written file (snapshot), on small cases, and on random rule files with random
//! layout and comments.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;
use routebook::fmt::{comments, format};
use routebook::syntax::parse;

use common::{crate_file, path_str, routebook, routebook_with_stdin, unspanned_file, write_file};

fn comment_texts(text: &str) -> Vec<String> {
    comments::scan(text).into_iter().map(|c| c.text).collect()
}

/// The three properties: idempotent, same tree, same comments in the same order.
fn check_properties(name: &str, text: &str) -> Result<String, String> {
    let once = format(text).map_err(|e| format!("{name}: does not format: {e:?}"))?;
    let twice =
        format(&once).map_err(|e| format!("{name}: output does not parse: {e:?}\n{once}"))?;
    if once != twice {
        return Err(format!(
            "{name}: not idempotent\n--- once\n{once}\n--- twice\n{twice}"
        ));
    }
    let before = unspanned_file(parse(text).map_err(|e| format!("{name}: {e:?}"))?);
    let after = unspanned_file(parse(&once).map_err(|e| format!("{name}: {e:?}"))?);
    if before != after {
        return Err(format!(
            "{name}: the syntax tree changed\n{text}\n---\n{once}"
        ));
    }
    if comment_texts(text) != comment_texts(&once) {
        return Err(format!(
            "{name}: comments changed\n{:?}\n{:?}\n---\n{once}",
            comment_texts(text),
            comment_texts(&once)
        ));
    }
    Ok(once)
}

fn rule_files(dir: &str) -> Vec<PathBuf> {
    let dir = crate_file(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_file_in_the_repository_keeps_its_tree_and_comments() {
    let mut files = rule_files("rules");
    files.extend(rule_files("tests/fixtures/valid"));
    files.extend(rule_files("tests/fixtures/fmt"));
    files.extend(rule_files("tests/fixtures/analysis"));
    assert!(files.len() >= 7, "found {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        let formatted =
            check_properties(&f.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"));
        // Formatting never turns a valid rule set into an invalid one.
        let a = routebook::load(&routebook::source::Source::new("a", text.as_str())).is_ok();
        let b = routebook::load(&routebook::source::Source::new("b", formatted.as_str())).is_ok();
        assert_eq!(a, b, "{}", f.display());
    }
}

#[test]
fn a_messy_file_gets_the_canonical_layout() {
    let text =
        std::fs::read_to_string(crate_file("tests/fixtures/fmt/messy.rules")).expect("readable");
    insta::assert_snapshot!(format(&text).expect("formats"));
}

/// Each case: a rule file and exactly what `fmt` makes of it.
macro_rules! fmt_case {
    ($($name:ident: $src:expr => $want:expr;)*) => {$(
        #[test]
        fn $name() {
            let got = check_properties(stringify!($name), $src).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, $want);
        }
    )*};
}

fn rule(cond: &str) -> String {
    format!("rule r\n  when {cond}\n  then d \"v\"\n")
}

fmt_case! {
    parentheses_that_change_nothing_go:
        "rule r when ((a)) and (b) then d \"v\"" => rule("a and b");
    parentheses_that_group_stay:
        "rule r when (a or b) and c then d \"v\"" => rule("(a or b) and c");
    nested_and_keeps_its_parentheses_to_keep_the_tree:
        "rule r when (a and b) and c then d \"v\"" => rule("(a and b) and c");
    and_inside_or_keeps_readable_parentheses:
        "rule r when a or (b and c) then d \"v\"" => rule("a or (b and c)");
    and_inside_or_gets_them_when_written_bare:
        "rule r when a or b and c then d \"v\"" => rule("a or (b and c)");
    not_of_a_test_keeps_parentheses:
        "rule r when not (x = 1) and not y then d \"v\"" => rule("not (x = 1) and not y");
    not_not:
        "rule r when not not y then d \"v\"" => rule("not not y");
    operators_get_one_space:
        "rule r when x>=1 and y!=\"a\"and z  not   in[\"b\",] then d \"v\"" =>
            rule("x >= 1 and y != \"a\" and z not in [\"b\"]");
    strings_are_re_escaped:
        "rule r \"tab\\there \\u{4E2D}\" when x = \"a\\\"b\" then d \"\\\\\"" =>
            "rule r \"tab\\there 中\"\n  when x = \"a\\\"b\"\n  then d \"\\\\\"\n".to_string();
    numbers_keep_their_spelling:
        "rule r when x between 10_000 and 49.90 then d \"v\"" => rule("x between 10_000 and 49.90");
    a_long_condition_breaks_before_top_level_operators:
        "rule r when aaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbb and cccccccccccccccccccccccccccc and ddddddddddddddddddddddddd then d \"v\"" =>
            "rule r\n  when aaaaaaaaaaaaaaaaaaaa\n    and bbbbbbbbbbbbbbbbbbbbbbbb\n    and cccccccccccccccccccccccccccc\n    and ddddddddddddddddddddddddd\n  then d \"v\"\n".to_string();
    a_comment_inside_a_condition_breaks_it:
        "rule r when a # first\n or b then d \"v\"" =>
            "rule r\n  when a  # first\n    or b\n  then d \"v\"\n".to_string();
    comments_inside_a_list_move_before_it_in_order:
        "list x = [ # one\n \"a\", # two\n \"b\"]\n" =>
            "# one\nlist x = [\"a\", \"b\"]  # two\n".to_string();
    a_hash_inside_a_string_is_no_comment:
        "list x = [\"#1\"] # real\n" => "list x = [\"#1\"]  # real\n".to_string();
    blank_lines_collapse_to_one_and_rules_get_one:
        "list a = [\"x\"]\n\n\n\nlist bb = [\"y\"]\nrule r when a then d \"v\"\nrule s when b then d \"v\"" =>
            "list a  = [\"x\"]\n\nlist bb = [\"y\"]\n\nrule r\n  when a\n  then d \"v\"\n\nrule s\n  when b\n  then d \"v\"\n".to_string();
    fields_align_in_columns_with_their_comments:
        "fields { id text, key # k\n amount decimal, optional # money\n 地区 text }" =>
            "fields {\n  id     text, key          # k\n  amount decimal, optional  # money\n  地区   text\n}\n".to_string();
    decisions_align_names_and_policies:
        "decision route: first, default \"x\"\ndecision approval : highest [\"a\",\"b\"]\ndecision flags:all" =>
            "decision route:    first, default \"x\"\ndecision approval: highest [\"a\", \"b\"]\ndecision flags:    all\n".to_string();
    an_empty_file_stays_empty:
        "" => String::new();
    a_file_of_comments_keeps_them:
        "# one\n\n\n   # two\n" => "# one\n\n# two\n".to_string();
}

#[test]
fn a_file_that_does_not_parse_is_not_formatted() {
    assert!(format("rule r when then").is_err());
}

// ---------------------------------------------------------------- random rule files

/// A condition as tokens: tests that fit the generated fields, combined at random with
/// `and`, `or`, `not` and parentheses (needed or not).
fn cond() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop_oneof![
        Just("amount > 2000"),
        Just("amount between 1 and 10_000"),
        Just("amount != 49.90"),
        Just("weight is missing"),
        Just("channel = \"tmall\""),
        Just("channel not in [\"jd\", \"site\",]"),
        Just("region in east"),
        Just("region contains any [\"本人\", \"#待定\"]"),
        Just("region matches \"^浙\\\\d\""),
        Just("note starts with \"a\\\"b\""),
        Just("paid"),
        Just("paid = false"),
        Just("tags has any [\"x\", \"y\"]"),
        Just("tags has none east"),
        Just("tags contains \"LIVE\""),
        Just("placed before 2026-11-11T20:00"),
        Just("placed between 2026-11-01 and 2026-11-11T23:59:59+08:00"),
        Just("placed older than 1d12h"),
        Just("placed within 30m"),
        Just("hour of placed between 0 and 5"),
        Just("weekday of placed in [\"sat\", \"sun\"]"),
    ]
    .prop_map(|s| s.split(' ').map(str::to_string).collect::<Vec<_>>());
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| join(a, "and", b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| join(a, "or", b)),
            inner.clone().prop_map(paren),
            inner.clone().prop_map(|a| {
                let mut v = vec!["not".to_string()];
                v.extend(paren(a));
                v
            }),
        ]
    })
}

fn join(mut a: Vec<String>, word: &str, b: Vec<String>) -> Vec<String> {
    a.push(word.to_string());
    a.extend(b);
    a
}

fn paren(a: Vec<String>) -> Vec<String> {
    let mut v = vec!["(".to_string()];
    v.extend(a);
    v.push(")".to_string());
    v
}

fn words(s: &str) -> Vec<String> {
    s.split(' ').map(str::to_string).collect()
}

/// A whole valid rule file as tokens.
fn file_tokens() -> impl Strategy<Value = Vec<String>> {
    let rules = prop::collection::vec((cond(), any::<bool>(), 0..3usize), 1..5);
    (rules, any::<bool>(), any::<bool>()).prop_map(|(rules, header, fields_first)| {
        let mut t = Vec::new();
        if header {
            t.extend(words("ruleset \"rand\" version \"1\""));
        }
        let fields = words(
            "fields { order_id text , key amount decimal weight decimal , optional channel one of \"tmall\" , \"jd\" , \"site\" region text , optional note text , optional paid bool tags tags placed datetime , optional }",
        );
        let lists = words("list east = [ \"上海\" , \"x\\\"y\" ]");
        let decisions = words(
            "decision route : first , default \"manual\" decision approval : highest [ \"auto\" , \"boss\" ] decision flags : all",
        );
        if fields_first {
            t.extend(fields);
            t.extend(lists);
        } else {
            t.extend(lists);
            t.extend(fields);
        }
        t.extend(decisions);
        for (i, (c, desc, actions)) in rules.into_iter().enumerate() {
            t.push("rule".into());
            t.push(format!("r{i}"));
            if desc {
                t.push(format!("\"rule #{i} \\\"desc\\\"\""));
            }
            t.push("when".into());
            t.extend(c);
            t.push("then".into());
            t.extend(words(match actions {
                0 => "route \"a\"",
                1 => "route \"b\" , flag \"x\" accept redundant \"kept#1\"",
                _ => "approval \"boss\" , flag \"x\" , flag \"y\" accept gap \"a\" accept conflict \"b\"",
            }));
        }
        t
    })
}

/// Joins tokens with random white space and comments (full-line and end-of-line).
fn layout(tokens: &[String], seps: &[u8]) -> String {
    let mut out = String::new();
    if seps.first().is_some_and(|s| *s % 5 == 0) {
        out.push_str("# leading comment\n\n");
    }
    for (i, tok) in tokens.iter().enumerate() {
        out.push_str(tok);
        let sep = match seps[i % seps.len()] {
            0..=9 => " ",
            10 => "  ",
            11 | 12 => "\n",
            13 => "\n    ",
            14 => "\n\n",
            15 => "\n\n\n",
            16 => " # eol \"q\" #x\n",
            17 => "\n# full-line 中文\n",
            18 => "\n\n   # after a blank\n",
            _ => "\t",
        };
        out.push_str(sep);
    }
    if seps.last().is_some_and(|s| *s % 3 == 0) {
        out.push_str("\n# the end\n");
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_rule_files_format_idempotently_keeping_tree_and_comments(
        tokens in file_tokens(),
        seps in prop::collection::vec(0u8..20, 1..64),
    ) {
        let text = layout(&tokens, &seps);
        let source = routebook::source::Source::new("r", text.as_str());
        prop_assert!(routebook::load(&source).is_ok(), "generator made an invalid file:\n{}", text);
        if let Err(e) = check_properties("random", &text) {
            prop_assert!(false, "{}", e);
        }
    }
}

// ---------------------------------------------------------------- the binary

const MESSY: &str = "rule r when a>1 then d \"v\"  # done\n";

#[test]
fn fmt_dash_reads_stdin_and_writes_stdout() {
    let r = routebook_with_stdin(&["fmt", "-"], MESSY.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "rule r\n  when a > 1\n  then d \"v\"  # done\n");
}

#[test]
fn fmt_check_lists_files_that_would_change_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let messy = write_file(&dir, "messy.rules", MESSY);
    write_file(&dir, "tidy.rules", format(MESSY).expect("formats"));
    let dir_s = path_str(dir.path());
    let r = routebook(&["fmt", "--check", dir_s]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), messy);
    assert_eq!(std::fs::read_to_string(&messy).expect("readable"), MESSY);
    // formatting in place, then --check passes
    let r = routebook(&["fmt", dir_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("formatted 2 files: 1 changed"),
        "{}",
        r.stderr
    );
    let r = routebook(&["fmt", "--check", dir_s]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    // stdin with --check
    let r = routebook_with_stdin(&["fmt", "--check", "-"], MESSY.as_bytes());
    assert_eq!((r.code, r.stdout.trim()), (1, "<stdin>"));
}

#[test]
fn fmt_reports_a_syntax_error_like_check_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = write_file(&dir, "broken.rules", "rule r when then d \"v\"\n");
    let r = routebook(&["fmt", &broken]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("broken.rules:1"), "{}", r.stderr);
    assert!(r.stderr.contains("not formatted"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&broken).expect("readable"),
        "rule r when then d \"v\"\n"
    );
}

#[test]
fn fmt_of_a_missing_file_exits_2() {
    let r = routebook(&["fmt", "no/such.rules"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no/such.rules"), "{}", r.stderr);
}
