//! Time through the real binary: decisions at the boundaries (exactly 48 hours, a change
//! of clocks, the date line between a UTC export and China-time rules), `--now` and its
//! place in every record, and repeatable runs.

mod common;

use common::{routebook, routebook_with_stdin, write_file};

/// Rules in New York, where the clocks went back at 02:00 on 2026-11-01 (01:00–01:59
/// happened twice) and forward at 02:00 on 2026-03-08.
const NEW_YORK: &str = r#"ruleset "ny" version "1" timezone "America/New_York"
fields {
  order_id  text, key
  placed_at datetime
}
decision flags: all
rule overnight   when hour of placed_at between 1 and 1  then flag "one-am"
rule recent      when placed_at within 1d                then flag "recent"
rule before_fall when placed_at before 2026-11-01T01:30  then flag "before-01:30"
"#;

/// `run` over `csv` with `rules`, as of `now`; the records' lines.
fn run(rules: &str, csv: &str, now: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = write_file(&dir, "t.rules", rules);
    let r = routebook_with_stdin(
        &["run", &rules, "--input", "-", "--now", now],
        csv.as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.lines().map(str::to_string).collect()
}

/// The key, flags and flags_rules columns of records whose rules have one `all` decision.
fn flags_of(records: &[String]) -> Vec<String> {
    records
        .iter()
        .map(|l| l.splitn(4, ',').take(3).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn local_hours_and_ages_follow_the_zone_across_a_change_of_clocks() {
    // 05:30Z and 06:30Z are both 01:30 in New York that night: the first in daylight
    // time (-04:00), the second in standard time (-05:00).
    let csv = "order_id,placed_at\n\
               daylight,2026-11-01T05:30:00Z\n\
               standard,2026-11-01T06:30:00Z\n\
               local,2026-11-01T01:30\n\
               spring,2026-03-08T02:30\n";
    let got = run(NEW_YORK, csv, "2026-11-02T06:00:00Z");
    assert_eq!(
        got,
        [
            "order_id,flags,flags_rules,error,ruleset,version,now",
            // 24h30m before now: not within a day of elapsed time, whatever the clocks say.
            "daylight,one-am,overnight,,ny,1,2026-11-02T01:00:00-05:00",
            "standard,one-am;recent,overnight;recent,,ny,1,2026-11-02T01:00:00-05:00",
            // A local time that happened twice is the earlier one: 05:30Z, not before itself.
            "local,one-am,overnight,,ny,1,2026-11-02T01:00:00-05:00",
            // 02:30 never happened that March night: read as 03:30 daylight time.
            "spring,before-01:30,before_fall,,ny,1,2026-11-02T01:00:00-05:00",
        ]
    );
}

#[test]
fn older_than_is_strict_and_within_inclusive_at_exactly_the_duration() {
    let rules = r#"ruleset "age" timezone "Asia/Shanghai"
fields {
  order_id text, key
  paid_at  datetime, optional
}
decision flags: all
rule overdue when paid_at older than 48h then flag "overdue"
rule fresh   when paid_at within 48h     then flag "fresh"
"#;
    let csv = "order_id,paid_at\n\
               a-second-more,2026-11-03T11:59:59\n\
               exactly,2026-11-03T12:00:00\n\
               a-second-less,2026-11-03T12:00:01\n\
               future,2026-11-06T00:00:00\n\
               unpaid,\n";
    let got = flags_of(&run(rules, csv, "2026-11-05T12:00:00+08:00"));
    assert_eq!(
        got,
        [
            "order_id,flags,flags_rules",
            "a-second-more,overdue,overdue",
            "exactly,fresh,fresh",
            "a-second-less,fresh,fresh",
            // A time in the future is within every duration.
            "future,fresh,fresh",
            // A missing time equals nothing: neither older nor within.
            "unpaid,,",
        ]
    );
}

#[test]
fn a_utc_export_is_read_against_china_time_rules_across_the_date_line() {
    let rules = r#"ruleset "cn" timezone "Asia/Shanghai"
fields {
  order_id  text, key
  placed_at datetime
}
decision flags: all
rule launch  when placed_at after 2026-11-10T23:59:59      then flag "after-launch"
rule weekend when weekday of placed_at in ["sat", "sun"]  then flag "weekend"
"#;
    // 16:00Z on Friday 13 November is 00:00 on Saturday 14 November in China.
    let csv = "order_id,placed_at\n\
               fri-utc,2026-11-13T15:59:59Z\n\
               sat-china,2026-11-13T16:00:00Z\n\
               before-launch,2026-11-10T15:59:59Z\n";
    let got = flags_of(&run(rules, csv, "2026-11-20T00:00:00Z"));
    assert_eq!(
        got,
        [
            "order_id,flags,flags_rules",
            "fri-utc,after-launch,launch",
            "sat-china,after-launch;weekend,launch;weekend",
            "before-launch,,",
        ]
    );
}

#[test]
fn the_same_now_gives_the_same_records_on_any_day() {
    let a = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel.csv",
        "--now",
        "2026-11-05T12:00:00+08:00",
    ]);
    // The harness's default now is the same moment, given through ROUTEBOOK_NOW.
    let b = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel.csv",
    ]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    // A day later, the orders paid in between are overdue too.
    let later = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel.csv",
        "--now",
        "2026-11-06T12:00:00+08:00",
    ]);
    let overdue = |out: &str| out.matches("overdue;").count() + out.matches(",overdue,").count();
    assert!(overdue(&later.stdout) > overdue(&a.stdout));
    assert!(later.stdout.contains(",2026-11-06T12:00:00+08:00\n"));
}

#[test]
fn a_now_that_is_not_a_time_is_a_usage_error() {
    let r = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel.csv",
        "--now",
        "yesterday",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`--now yesterday`: not a date and time"),
        "{}",
        r.stderr
    );
}

#[test]
fn summary_names_the_now_and_the_zone() {
    let r = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel.csv",
        "--summary",
        "--now",
        "2026-11-05T04:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("now 2026-11-05T12:00:00+08:00 (time zone Asia/Shanghai)\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unreadable_date_costs_only_its_order_and_names_line_field_and_value() {
    let csv = "order_id,placed_at\nok,2026-11-01T10:00\nbad,2026-11-31 10:00\nus,11/21/2026\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = write_file(&dir, "t.rules", NEW_YORK);
    let r = routebook_with_stdin(
        &["run", &rules, "--input", "-", "--now", "2026-12-01T00:00Z"],
        csv.as_bytes(),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(
        lines[2].contains(
            "line 3: field `placed_at`, value `2026-11-31 10:00`: 2026-11 has 30 days, not 31"
        ),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("line 4: field `placed_at`, value `11/21/2026`: not a date and time"),
        "{}",
        lines[3]
    );
}

#[test]
fn a_case_file_pins_its_own_now() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = write_file(&dir, "t.rules", NEW_YORK);
    let cases = write_file(
        &dir,
        "t.tests.yaml",
        "now: \"2026-11-02T06:00:00Z\"\ncases:\n  - name: recent\n    order: {order_id: a, placed_at: \"2026-11-01T06:30:00Z\"}\n    expect: {flags: [one-am, recent]}\n",
    );
    // Whatever --now says, the cases run at the file's own moment.
    let r = routebook(&["test", &rules, &cases, "--now", "2030-01-01T00:00Z"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.ends_with("1 passed, 0 failed\n"), "{}", r.stdout);
}

#[test]
fn explain_and_the_tree_show_times_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = write_file(&dir, "t.rules", NEW_YORK);
    let r = routebook(&[
        "explain",
        &rules,
        "--order",
        r#"{"order_id": "x", "placed_at": "2026-11-01T06:30:00Z"}"#,
        "--now",
        "2026-11-02T06:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("true   placed_at within 1d"),
        "{}",
        r.stdout
    );
    let tree = routebook(&["compile", &rules, "--emit", "tree"]);
    assert!(
        tree.stdout.contains("< 2026-11-01T01:30:00-04:00"),
        "{}",
        tree.stdout
    );
    assert!(tree.stdout.contains("age of placed_at"), "{}", tree.stdout);
    assert!(tree.stdout.contains("1d"), "{}", tree.stdout);
}

#[test]
fn a_symbolic_diff_of_a_shorter_overdue_limit_shows_the_ages_that_move() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = std::fs::read_to_string(common::crate_file("rules/kids-apparel.rules"))
        .expect("readable")
        .replace("older than 48h", "older than 24h");
    let new = write_file(&dir, "new.rules", rules);
    let r = routebook(&[
        "diff",
        "rules/kids-apparel.rules",
        &new,
        "--now",
        "2026-11-05T12:00:00+08:00",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every region that moves is an age between the two limits, and its example order
    // is paid in between, as of the given now.
    let regions: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("  orders with"))
        .collect();
    assert!(!regions.is_empty(), "{}", r.stdout);
    for region in regions {
        assert!(
            region.ends_with("age of paid_at > 1d and age of paid_at <= 2d"),
            "{region}"
        );
    }
    assert!(
        r.stdout
            .contains("paid_at = 2026-11-04T00:00:00+08:00, now = 2026-11-05T12:00:00+08:00"),
        "{}",
        r.stdout
    );
}
