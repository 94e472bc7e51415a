//! `routebook diff` through the real binary: per-decision transitions with counts, money
//! and example keys; validity changes; added and removed decisions; fields only one
//! version reads; `--output` JSON Lines; `--format json`; `--fail-on-change`; git
//! revisions; and the exit codes.

mod common;

use serde_json::Value;

use common::{crate_file, routebook, routebook_in, without_tmp, write_file};

const KIDS: &str = "rules/kids-apparel.rules";
const KIDS_CSV: &str = "examples/kids-apparel.csv";

fn kids_rules() -> String {
    std::fs::read_to_string(crate_file(KIDS)).expect("readable")
}

/// Writes kids-apparel.rules with `edits` (from → to) applied; each must apply.
fn kids_variant(dir: &tempfile::TempDir, name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = kids_rules();
    for (from, to) in edits {
        assert!(text.contains(from), "edit `{from}` applies");
        text = text.replacen(from, to, 1);
    }
    write_file(dir, name, text)
}

/// The entry of decision `name` in a `--format json` report.
fn decision<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .find(|d| d["name"] == name)
        .expect(name)
}

/// The approval threshold lowered from 2000 to 1000: orders between move up.
fn lower_threshold(dir: &tempfile::TempDir) -> String {
    kids_variant(
        dir,
        "lower.rules",
        &[
            (
                "when amount > 2000 and amount <= 10_000",
                "when amount > 1000 and amount <= 10_000",
            ),
            ("version \"2026.11.2\"", "version \"2026.11.3\""),
        ],
    )
}

#[test]
fn a_rule_file_against_itself_changes_nothing() {
    let r = routebook(&["diff", KIDS, KIDS, "--input", KIDS_CSV, "--fail-on-change"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("20 orders: 0 changed, 20 unchanged"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("route: no order changed"));
}

#[test]
fn a_lower_threshold_moves_orders_with_their_money_and_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = lower_threshold(&dir);
    let r = routebook(&["diff", KIDS, &new, "--input", KIDS_CSV]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("lower-threshold", without_tmp(&r.stdout, &dir));
}

#[test]
fn fail_on_change_exits_1_when_an_order_moves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = lower_threshold(&dir);
    let r = routebook(&["diff", KIDS, &new, "--input", KIDS_CSV, "--fail-on-change"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn json_report_and_per_order_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = lower_threshold(&dir);
    let out = dir.path().join("changes.jsonl");
    let out_s = out.to_str().expect("UTF-8 path");
    let r = routebook(&[
        "diff", KIDS, &new, "--input", KIDS_CSV, "--format", "json", "--output", out_s,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON report");
    assert_eq!(doc["orders"], 20);
    assert_eq!(doc["changed"], 3);
    assert_eq!(doc["old"]["version"], "2026.11.2");
    assert_eq!(doc["new"]["version"], "2026.11.3");
    let approval = decision(&doc, "approval");
    assert_eq!(approval["changed"], 3);
    let t = &approval["transitions"][0];
    assert_eq!(t["from"], "auto");
    assert_eq!(t["to"], "regional-manager");
    assert_eq!(t["orders"], 3);
    // 2000.00 + 1280.00 + 1999.99, summed as decimals
    assert_eq!(t["amount"], "5279.99");
    let lines: Vec<Value> = std::fs::read_to_string(&out)
        .expect("changes written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let keys: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["order_id"].as_str())
        .collect();
    assert_eq!(keys, ["KA-261101-0002", "KA-261102-0008", "KA-261103-0014"]);
    assert_eq!(lines[0]["changes"]["approval"]["to"], "regional-manager");
    assert_eq!(lines[0]["line"], 3);
}

#[test]
fn orders_that_turn_invalid_and_added_decisions_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = kids_variant(
        &dir,
        "v3.rules",
        &[
            ("ship_region   text, optional", "ship_region   text"),
            (
                "decision flags:    all",
                "decision flags:    all\ndecision gift: first, default \"none\"",
            ),
            (
                "then flag \"vip-gift-card\"",
                "then flag \"vip-gift-card\", gift \"card\"",
            ),
        ],
    );
    let r = routebook(&["diff", KIDS, &new, "--input", KIDS_CSV, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON report");
    let validity = &doc["validity"][0];
    assert_eq!(validity["from"], "valid");
    assert_eq!(validity["to"], "invalid");
    assert_eq!(validity["orders"], 3, "the store orders have no region");
    let gift = decision(&doc, "gift");
    assert_eq!(gift["status"], "added");
    assert_eq!(gift["changed"], 17, "every order still valid");
    // and back again: the decision is removed, the orders turn valid
    let r = routebook(&["diff", &new, KIDS, "--input", KIDS_CSV, "--format", "json"]);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON report");
    assert_eq!(doc["validity"][0]["to"], "valid");
    assert!(r.stdout.contains("\"removed\""), "{}", r.stdout);
}

#[test]
fn a_field_only_one_version_reads_is_read_in_the_same_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The old version knows nothing of buyer notes.
    let old = kids_variant(
        &dir,
        "old.rules",
        &[
            ("  buyer_note    text, optional\n", ""),
            (
                "rule urgent_note \"Buyer asked for speed; warehouse puts these at the top of the pick list\"\n  when buyer_note contains any urgent_words\n  then flag \"urgent\"\n",
                "",
            ),
            (
                "rule phone_in_note \"Buyers paste phone numbers into notes; mask before printing the packing slip\"\n  when buyer_note matches \"1[3-9][0-9]{9}\"\n  then flag \"phone-in-note\"",
                "",
            ),
        ],
    );
    for input in [KIDS_CSV, "examples/kids-apparel.jsonl"] {
        let r = routebook(&["diff", &old, KIDS, "--input", input, "--format", "json"]);
        assert_eq!(r.code, 0, "{input}: {}", r.stderr);
        let doc: Value = serde_json::from_str(&r.stdout).expect("JSON report");
        let flags = decision(&doc, "flags");
        assert_eq!(flags["changed"], 4, "{input}: {flags}");
        assert_eq!(doc["changed"], 4, "{input}");
    }
}

#[test]
fn a_git_revision_of_the_rule_file_is_read_with_git_show() {
    let dir = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    write_file(&dir, "kids.rules", kids_rules());
    std::fs::copy(crate_file(KIDS_CSV), dir.path().join("orders.csv")).expect("copied");
    git(&["add", "kids.rules"]);
    git(&["commit", "-q", "-m", "rules"]);
    let changed = kids_rules().replace("amount > 2000 and", "amount > 1000 and");
    write_file(&dir, "kids.rules", changed);
    let r = routebook_in(
        dir.path(),
        &[
            "diff",
            "HEAD:kids.rules",
            "kids.rules",
            "--input",
            "orders.csv",
            "--fail-on-change",
        ],
        b"",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("old: HEAD:kids.rules"), "{}", r.stdout);
    assert!(
        r.stdout.contains("approval: 3 orders changed"),
        "{}",
        r.stdout
    );
    let r = routebook_in(
        dir.path(),
        &[
            "diff",
            "HEAD:nope.rules",
            "kids.rules",
            "--input",
            "orders.csv",
        ],
        b"",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("HEAD:nope.rules"), "{}", r.stderr);
}

#[test]
fn without_input_a_file_against_itself_moves_no_order() {
    let r = routebook(&["diff", KIDS, KIDS, "--fail-on-change"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("no order changes any decision"),
        "{}",
        r.stdout
    );
}

#[test]
fn without_input_a_lower_threshold_shows_exactly_the_orders_that_move() {
    let dir = tempfile::tempdir().unwrap();
    let new = lower_threshold(&dir);
    let r = routebook(&["diff", KIDS, &new, "--fail-on-change"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        without_tmp(&r.stdout, &dir),
        "rules/kids-apparel.rules (kids-apparel 2026.11.2) -> [TMP]/lower.rules (kids-apparel 2026.11.3) \
         (no orders given: example orders whose decisions change)\n\
         approval: auto -> regional-manager\n  for example amount = 1500\n  \
         orders with amount > 1000 and amount <= 2000\n"
    );
}

#[test]
fn without_input_json_lists_each_change_with_its_example() {
    let dir = tempfile::tempdir().unwrap();
    let new = kids_variant(
        &dir,
        "ningbo.rules",
        &[("then route \"shanghai-dc\"", "then route \"ningbo-dc\"")],
    );
    let r = routebook(&["diff", KIDS, &new, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let changes = v["changes"].as_array().expect("changes");
    assert!(!changes.is_empty());
    for c in changes {
        assert_eq!(c["decision"], "route");
        assert_eq!(c["from"], serde_json::json!(["shanghai-dc"]));
        assert_eq!(c["to"], serde_json::json!(["ningbo-dc"]));
    }
}

#[test]
fn without_input_a_field_that_changed_type_asks_for_orders() {
    let dir = tempfile::tempdir().unwrap();
    let new = kids_variant(
        &dir,
        "typed.rules",
        &[(
            "\"shanghai\", \"store\"",
            "\"shanghai\", \"store\", \"ningbo\"",
        )],
    );
    let r = routebook(&["diff", KIDS, &new]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("warehouse") && r.stderr.contains("--input"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_column_only_the_new_version_needs_must_be_in_the_export() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = kids_variant(
        &dir,
        "new.rules",
        &[(
            "  first_order   bool\n",
            "  first_order   bool\n  gift_wrap     bool\n",
        )],
    );
    let r = routebook(&["diff", KIDS, &new, "--input", KIDS_CSV]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("gift_wrap"), "{}", r.stderr);
}

#[test]
fn rules_with_errors_exit_1() {
    let r = routebook(&[
        "diff",
        KIDS,
        "tests/fixtures/check/07-unknown-field-typo.rules",
        "--input",
        KIDS_CSV,
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}
