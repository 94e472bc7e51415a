//! `routebook test` through the real binary: the case files beside the shipped rule files
//! pass and cover every rule; failures show expected vs actual with the case's line;
//! `invalid: true`; set comparison for `all` decisions; the `rules:` key; `--coverage`;
//! exit codes for broken case files and rule files.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{path_str, routebook, routebook_with_stdin, without_tmp, write_file};

const KIDS: &str = "rules/kids-apparel.rules";

/// The last line of a report: exactly `N passed, M failed`.
fn summary(stdout: &str) -> &str {
    stdout.lines().last().unwrap_or("")
}

/// A valid kids-apparel order (YAML flow map) with the given extra fields.
fn kids_order(extra: &str) -> String {
    format!(
        "{{order_id: T1, channel: tmall, customer_tier: member, amount: \"100\", ship_region: 广东, warehouse: guangzhou, first_order: false{extra}}}"
    )
}

#[test]
fn every_shipped_rule_file_passes_its_cases_and_every_rule_is_covered() {
    let r = routebook(&["test", "rules/"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("FAIL"), "{}", r.stdout);
    let last = summary(&r.stdout);
    let (passed, failed) = last.split_once(" passed, ").expect(last);
    assert!(passed.parse::<usize>().expect("a count") >= 60, "{last}");
    assert_eq!(failed, "0 failed");
    for name in ["kids-apparel", "crossborder-pets", "home-furnishing"] {
        assert!(
            r.stdout.contains(&format!("rules/{name}.rules: ")),
            "{}",
            r.stdout
        );
    }
    assert!(!r.stdout.contains("no case matches"), "{}", r.stdout);
}

#[test]
fn a_rule_file_alone_finds_the_cases_beside_it() {
    for name in ["kids-apparel", "crossborder-pets", "home-furnishing"] {
        let r = routebook(&["test", &format!("rules/{name}.rules")]);
        assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains(&format!("rules/{name}.tests.yaml")));
    }
    // and a case file alone finds its rules (beside it, or by its `rules:` key)
    let r = routebook(&["test", "rules/home-furnishing.tests.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_failing_case_shows_expected_actual_line_and_fired_rules_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = write_file(
        &dir,
        "cases.yaml",
        format!(
            "cases:\n  - name: passes\n    order: {}\n    expect: {{route: guangzhou-dc}}\n\n  # wrong on purpose\n  - name: new buyer above 2000\n    order: {}\n    expect: {{route: shanghai-dc, approval: director-finance, flags: [urgent]}}\n",
            kids_order(""),
            kids_order(", customer_tier: new, amount: \"2500\"")
                .replace("customer_tier: member, ", "")
                .replace("amount: \"100\", ", "")
        ),
    );
    let r = routebook(&["test", KIDS, &cases]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(summary(&r.stdout), "1 passed, 1 failed");
    insta::assert_snapshot!("failing-case", without_tmp(&r.stdout, &dir));
}

#[test]
fn invalid_true_expects_bad_input_and_fails_on_a_good_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = write_file(
        &dir,
        "cases.yaml",
        format!(
            "cases:\n  - name: bad amount\n    order: {}\n    expect: {{invalid: true}}\n  - name: good order\n    order: {}\n    expect: {{invalid: true}}\n  - name: bad order expected good\n    order: {}\n    expect: {{route: guangzhou-dc}}\n",
            kids_order(", amount: \"12,00x\"").replace("amount: \"100\", ", ""),
            kids_order(""),
            kids_order("").replace("warehouse: guangzhou, ", ""),
        ),
    );
    let r = routebook(&["test", KIDS, &cases]);
    assert_eq!(r.code, 1);
    assert_eq!(summary(&r.stdout), "1 passed, 2 failed", "{}", r.stdout);
    assert!(
        r.stdout.contains("cases.yaml:5: good order"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("expected bad input"), "{}", r.stdout);
    assert!(
        r.stdout.contains("cases.yaml:8: bad order expected good"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("field `warehouse`: required value is blank"),
        "{}",
        r.stdout
    );
}

#[test]
fn all_decisions_compare_as_sets_and_empty_lists_expect_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let order = kids_order(", customer_tier: vip, sku_tags: [presale, gift-box]")
        .replace("customer_tier: member, ", "");
    let cases = write_file(
        &dir,
        "cases.yaml",
        format!(
            "cases:\n  - name: any order of flags\n    order: {order}\n    expect: {{flags: [vip-gift-card, notify-purchasing]}}\n  - name: none expected\n    order: {order}\n    expect: {{flags: []}}\n"
        ),
    );
    let r = routebook(&["test", KIDS, &cases]);
    assert_eq!(summary(&r.stdout), "1 passed, 1 failed", "{}", r.stdout);
    assert!(r.stdout.contains("none expected"));
    assert!(
        r.stdout
            .contains("actual   [notify-purchasing, vip-gift-card]"),
        "{}",
        r.stdout
    );
}

#[test]
fn typos_in_a_case_fail_it_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = write_file(
        &dir,
        "cases.yaml",
        format!(
            "cases:\n  - name: decision typo\n    order: {}\n    expect: {{rout: guangzhou-dc}}\n  - name: field typo\n    order: {{order_id: T2, ship_regoin: 广东}}\n    expect: {{}}\n",
            kids_order("")
        ),
    );
    let r = routebook(&["test", KIDS, &cases]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("did you mean `route`?"), "{}", r.stdout);
    assert!(
        r.stdout.contains("did you mean `ship_region`?"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_unknown_key_in_a_case_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = write_file(
        &dir,
        "cases.yaml",
        "cases:\n  - name: x\n    order: {}\n    expcet: {route: x}\n",
    );
    let r = routebook(&["test", KIDS, &cases]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let err = without_tmp(&r.stderr, &dir);
    assert!(err.contains("[TMP]/cases.yaml:4"), "{err}");
    assert!(err.contains("expcet"), "{err}");
}

#[test]
fn the_rules_key_is_relative_to_the_case_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let rules = std::fs::read_to_string(KIDS).expect("readable");
    write_file(&dir, "sub/kids.rules", &rules);
    let cases = write_file(
        &dir,
        "my-cases.yaml",
        format!(
            "rules: sub/kids.rules\ncases:\n  - name: ok\n    order: {}\n    expect: {{route: guangzhou-dc}}\n",
            kids_order("")
        ),
    );
    let r = routebook(&["test", &cases]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(summary(&r.stdout), "1 passed, 0 failed");
    assert!(r.stdout.contains("sub/kids.rules"), "{}", r.stdout);
}

#[test]
fn coverage_as_json_names_the_rules_no_case_matches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = write_file(
        &dir,
        "cases.yaml",
        format!(
            "cases:\n  - name: one\n    order: {}\n    expect: {{route: guangzhou-dc}}\n",
            kids_order("")
        ),
    );
    let r = routebook(&["test", KIDS, &cases, "--coverage"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    assert_eq!(doc["passed"], 1);
    let file = &doc["files"][0];
    assert_eq!(file["rules"], KIDS);
    assert_eq!(file["rule_count"], 16);
    let unmatched: Vec<&str> = file["unmatched"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(unmatched.contains(&"presale_hold"), "{unmatched:?}");
    assert!(!unmatched.contains(&"south_china_dc"), "{unmatched:?}");
    assert_eq!(file["covered"].as_u64(), Some(16 - unmatched.len() as u64));
    // the report for people went to standard error
    assert!(r.stderr.contains("1 passed, 0 failed"), "{}", r.stderr);
}

#[test]
fn rules_from_stdin_with_a_case_file() {
    let rules = std::fs::read(KIDS).expect("readable");
    let r = routebook_with_stdin(&["test", "-", "rules/kids-apparel.tests.yaml"], &rules);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(summary(&r.stdout).ends_with(" passed, 0 failed"));
}

#[test]
fn a_rule_file_without_cases_exits_2() {
    let r = routebook(&["test", "tests/fixtures/valid/01-text-and-enum-tests.rules"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("no cases for"), "{}", r.stderr);
}

#[test]
fn rules_with_errors_exit_1() {
    let r = routebook(&[
        "test",
        "tests/fixtures/check/07-unknown-field-typo.rules",
        "rules/kids-apparel.tests.yaml",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("unknown field"), "{}", r.stderr);
}

#[test]
fn help_has_an_example() {
    let r = routebook(&["test", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Example: routebook test rules/"));
    assert!(Path::new("rules/kids-apparel.tests.yaml").exists());
}

#[test]
fn a_folder_notes_its_rule_files_without_cases() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = std::fs::read_to_string(KIDS).expect("readable");
    write_file(&dir, "kids.rules", &rules);
    write_file(&dir, "untested.rules", &rules);
    write_file(
        &dir,
        "kids.tests.yaml",
        format!(
            "cases:\n  - name: ok\n    order: {}\n    expect: {{route: guangzhou-dc}}\n",
            kids_order("")
        ),
    );
    let r = routebook(&["test", path_str(dir.path())]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(summary(&r.stdout), "1 passed, 0 failed");
    assert!(
        r.stderr.contains("untested.rules` has no cases"),
        "{}",
        r.stderr
    );
}
