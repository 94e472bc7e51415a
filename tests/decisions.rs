//! The decision records of the shipped examples, through the real binary.
//!
//! Every snapshot here was checked by hand against its rule file: each order's route,
//! approval/gift and flags were worked out from the rules (first / highest / all, file
//! order for ties) before the snapshot was accepted. A snapshot change is a change of
//! decisions on real orders and needs the same review.

mod common;

use serde_json::Value;

use common::{crate_file, routebook};

const RULE_SETS: [&str; 3] = ["kids-apparel", "crossborder-pets", "home-furnishing"];

/// `run` over one of the examples; asserts a clean run and returns the records.
fn run_clean(name: &str, input_ext: &str, format: &str) -> String {
    let rules = format!("rules/{name}.rules");
    let input = format!("examples/{name}.{input_ext}");
    let r = routebook(&["run", &rules, "--input", &input, "--format", format]);
    assert_eq!(
        r.code, 0,
        "run {rules} --input {input}: stderr:\n{}",
        r.stderr
    );
    assert_eq!(r.stderr, "", "a clean run prints nothing on stderr");
    r.stdout
}

fn csv_snapshot(name: &str) {
    let out = run_clean(name, "csv", "csv");
    let input_rows = csv::Reader::from_path(crate_file(&format!("examples/{name}.csv")))
        .expect("example is readable")
        .records()
        .count();
    assert_eq!(
        out.lines().count(),
        input_rows + 1,
        "one header row and one record per order"
    );
    insta::assert_snapshot!(name, out);
}

#[test]
fn kids_apparel_csv_records() {
    csv_snapshot("kids-apparel");
}

#[test]
fn crossborder_pets_csv_records() {
    csv_snapshot("crossborder-pets");
}

#[test]
fn home_furnishing_csv_records() {
    csv_snapshot("home-furnishing");
}

#[test]
fn jsonl_exports_give_byte_identical_csv_records() {
    for name in RULE_SETS {
        let from_csv = run_clean(name, "csv", "csv");
        let from_jsonl = run_clean(name, "jsonl", "csv");
        assert_eq!(
            from_csv, from_jsonl,
            "{name}: the .jsonl export must decide exactly like the .csv export"
        );
    }
}

#[test]
fn kids_apparel_jsonl_records() {
    let out = run_clean("kids-apparel", "csv", "jsonl");
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(v.is_object(), "each line is an object: {line}");
    }
    insta::assert_snapshot!("kids-apparel-jsonl", out);
}

#[test]
fn json_output_is_an_array_of_the_jsonl_objects() {
    for name in RULE_SETS {
        let jsonl: Vec<Value> = run_clean(name, "csv", "jsonl")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        let json: Value = serde_json::from_str(&run_clean(name, "csv", "json"))
            .expect("--format json is one JSON document");
        let array = json.as_array().expect("--format json writes an array");
        assert_eq!(array.len(), jsonl.len(), "{name}: same number of records");
        assert_eq!(array, &jsonl, "{name}: same objects in the same order");
    }
}

#[test]
fn jsonl_records_have_the_documented_shape() {
    let out = run_clean("kids-apparel", "csv", "jsonl");
    let first: Value = serde_json::from_str(out.lines().next().expect("a record")).unwrap();
    assert_eq!(first["order_id"], "KA-261101-0001");
    // `first` and `highest` decisions are strings, `all` decisions arrays.
    assert_eq!(first["route"], "guangzhou-dc");
    assert_eq!(first["route_rules"], serde_json::json!(["south_china_dc"]));
    assert_eq!(first["approval"], "auto");
    assert_eq!(first["approval_rules"], serde_json::json!([]));
    assert_eq!(
        first["flags"],
        serde_json::json!(["overdue", "monday-review"])
    );
    assert_eq!(first["error"], Value::Null);
    assert_eq!(first["ruleset"], "kids-apparel");
    assert_eq!(first["version"], "2026.11.2");
    // The rule set has datetime fields: each record says which "now" decided it.
    assert_eq!(first["now"], "2026-11-05T12:00:00+08:00");
}

/// Hand-checked tie-breaks of `highest`: when several rules set the top value, the first
/// of them in file order is reported.
#[test]
fn highest_ties_report_the_first_rule_in_file_order() {
    let records = run_clean("crossborder-pets", "csv", "jsonl");
    let by_key = |key: &str| -> Value {
        records
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|v| v["order_id"] == key)
            .unwrap_or_else(|| panic!("no record for {key}"))
    };
    // 12500.00, first order: big_first_order and large_amount both say director-finance.
    let cp15 = by_key("CP-10015");
    assert_eq!(cp15["approval"], "director-finance");
    assert_eq!(
        cp15["approval_rules"],
        serde_json::json!(["big_first_order"])
    );
    // 2400.00 dealer on shopify: mid_amount and dealer_off_site both say regional-manager.
    let cp19 = by_key("CP-10019");
    assert_eq!(cp19["approval"], "regional-manager");
    assert_eq!(cp19["approval_rules"], serde_json::json!(["mid_amount"]));
    // 2000.01 first order: mid_amount (regional-manager) loses to big_first_order.
    let cp03 = by_key("CP-10003");
    assert_eq!(cp03["approval"], "director-finance");
    assert_eq!(
        cp03["approval_rules"],
        serde_json::json!(["big_first_order"])
    );
}

#[test]
fn kids_apparel_compiled_tree() {
    let r = routebook(&["compile", "rules/kids-apparel.rules", "--emit", "tree"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let tree = r.stdout;
    let again = routebook(&["compile", "rules/kids-apparel.rules", "--emit", "tree"]).stdout;
    assert_eq!(tree, again, "compiling twice gives the same tree");
    assert!(
        tree.starts_with("# 16 rules over 14 fields:"),
        "the tree starts with its summary line: {}",
        tree.lines().next().unwrap_or_default()
    );
    insta::assert_snapshot!("kids-apparel-tree", tree);
}

#[test]
fn damaged_kids_apparel_records_and_exit_code() {
    let r = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel-damaged.csv",
    ]);
    assert_eq!(r.code, 3, "bad input in some orders exits 3");
    assert_eq!(r.stdout.lines().count(), 11, "header and all 10 orders");
    insta::assert_snapshot!(
        "kids-apparel-damaged",
        format!(
            "exit code: {}\n--- stderr\n{}--- stdout\n{}",
            r.code, r.stderr, r.stdout
        )
    );
}
