//! The command line through the real binary: exit codes, `-` for standard input and
//! output, `--output`, bad-input records, `--summary`, `--explain`, `explain`, the `check`
//! formats, `compile --emit dot` and `--help`.
//!
//! Extra inputs are written into temporary folders; their paths are replaced with `[TMP]`
//! before anything is snapshotted.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;

use common::{
    Run, crate_file, path_str, routebook, routebook_in, routebook_with_stdin, without_tmp,
    write_file,
};

const KIDS: &str = "rules/kids-apparel.rules";
const KIDS_CSV: &str = "examples/kids-apparel.csv";
const DAMAGED: &str = "examples/kids-apparel-damaged.csv";
const BROKEN: &str = "tests/fixtures/check/07-unknown-field-typo.rules";
const FIVE_ERRORS: &str = "tests/fixtures/check/41-five-errors.rules";
const KIDS_HEADER: &str =
    "order_id,channel,customer_tier,amount,ship_region,warehouse,sku_tags,first_order,buyer_note";

/// CSV decision records as maps from column name to value, in output order.
fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().expect("a header row").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("output is well-formed CSV");
            assert_eq!(r.len(), headers.len(), "every row has every column");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn csv_header(text: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect()
}

fn jsonl_records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON value"))
        .collect()
}

/// The decision columns of kids-apparel.rules.
const KIDS_DECISION_COLUMNS: [&str; 6] = [
    "route",
    "route_rules",
    "approval",
    "approval_rules",
    "flags",
    "flags_rules",
];

/// Asserts that a CSV record is an invalid order's: decisions empty, error set.
fn assert_invalid(rec: &BTreeMap<String, String>) -> &str {
    for col in KIDS_DECISION_COLUMNS {
        assert_eq!(rec[col], "", "invalid order {rec:?} has `{col}` empty");
    }
    let error = &rec["error"];
    assert!(!error.is_empty(), "invalid order {rec:?} has an error");
    error
}

fn assert_valid(rec: &BTreeMap<String, String>) {
    assert_eq!(rec["error"], "", "valid order {rec:?} has no error");
    assert!(!rec["route"].is_empty(), "valid order {rec:?} has a route");
    assert!(
        !rec["approval"].is_empty(),
        "valid order {rec:?} has an approval"
    );
}

/// A valid kids-apparel CSV row with the given key.
fn kids_row(key: &str) -> String {
    format!("{key},tmall,member,100,广东,guangzhou,tee,false,")
}

/// A valid kids-apparel order as a JSON object with the given key.
fn kids_json(key: &str) -> String {
    format!(
        r#"{{"order_id":"{key}","channel":"tmall","customer_tier":"member","amount":"100","ship_region":"广东","warehouse":"guangzhou","sku_tags":["tee"],"first_order":false}}"#
    )
}

fn run_kids(input: &str) -> Run {
    run_kids_with(input, &[])
}

/// `run` of kids-apparel.rules over `input`, with more arguments after it.
fn run_kids_with(input: &str, extra: &[&str]) -> Run {
    let mut args = vec!["run", KIDS, "--input", input];
    args.extend_from_slice(extra);
    routebook(&args)
}

/// `run` of kids-apparel.rules over `contents`, written to a file `name` (whose extension
/// picks the input format) in a temporary folder.
fn run_kids_on(name: &str, contents: impl AsRef<[u8]>) -> Run {
    let dir = tempfile::tempdir().unwrap();
    run_kids(&write_file(&dir, name, contents))
}

/// The keys of CSV decision records, in output order.
fn order_ids(recs: &[BTreeMap<String, String>]) -> Vec<&str> {
    recs.iter().map(|r| r["order_id"].as_str()).collect()
}

// ------------------------------------------------------------------------- exit codes

#[test]
fn check_of_valid_rules_exits_0() {
    for target in [
        "rules/",
        "tests/fixtures/valid",
        KIDS,
        "rules/crossborder-pets.rules",
    ] {
        let r = routebook(&["check", target]);
        assert_eq!(r.code, 0, "check {target}: {}", r.stderr);
        assert!(r.stderr.contains(": 0 errors, 0 warnings"), "{}", r.stderr);
    }
    let r = routebook(&["check", "rules/"]);
    assert!(r.stderr.contains("checked 4 files"), "{}", r.stderr);
}

#[test]
fn check_of_every_broken_fixture_exits_1() {
    let dir = crate_file("tests/fixtures/check");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("fixtures exist") {
        let path = entry.expect("readable entry").path();
        let rel = format!(
            "tests/fixtures/check/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let r = routebook(&["check", &rel]);
        assert_eq!(r.code, 1, "check {rel}:\n{}", r.stderr);
        assert!(r.stderr.contains("checked 1 file: "), "{rel}: {}", r.stderr);
        seen += 1;
    }
    assert!(seen >= 40, "found only {seen} broken fixtures");
}

#[test]
fn check_of_a_missing_file_exits_2_and_names_it() {
    let r = routebook(&["check", "rules/no-such-file.rules"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read `rules/no-such-file.rules`"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn unknown_flag_exits_2_for_every_subcommand() {
    for args in [
        vec!["check", "--bogus", KIDS],
        vec!["run", KIDS, "--input", KIDS_CSV, "--bogus"],
        vec!["compile", KIDS, "--bogus"],
        vec!["explain", KIDS, "--order", "{}", "--bogus"],
        vec!["frobnicate"],
    ] {
        let r = routebook(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?} prints nothing on stdout");
        assert!(
            r.stderr.contains("--bogus") || r.stderr.contains("frobnicate"),
            "{args:?}: the error names the bad argument: {}",
            r.stderr
        );
    }
}

#[test]
fn bad_flag_values_and_missing_arguments_exit_2() {
    for args in [
        vec!["run", KIDS],
        vec!["explain", KIDS],
        vec!["run", KIDS, "--input", KIDS_CSV, "--format", "xml"],
        vec!["compile", KIDS, "--emit", "png"],
        vec!["check", KIDS, "--deny", "errors"],
        vec!["check"],
    ] {
        let r = routebook(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
    }
}

#[test]
fn run_on_the_damaged_export_exits_3_and_allow_invalid_exits_0() {
    let strict = run_kids(DAMAGED);
    assert_eq!(strict.code, 3, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("4 of 10 orders had bad input"),
        "{}",
        strict.stderr
    );
    let lenient = run_kids_with(DAMAGED, &["--allow-invalid"]);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert_eq!(
        lenient.stdout, strict.stdout,
        "--allow-invalid changes only the exit code"
    );
}

#[test]
fn run_with_rules_that_have_errors_exits_1_and_writes_no_records() {
    let r = routebook(&["run", BROKEN, "--input", KIDS_CSV]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("unknown field `ship_regoin`"),
        "the diagnostics are printed: {}",
        r.stderr
    );
}

#[test]
fn run_on_an_input_missing_a_required_column_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // No `amount` column (a required decimal); `buyer_note` (optional) may be absent.
    let input = write_file(
        &dir,
        "no-amount.csv",
        "order_id,channel,customer_tier,ship_region,warehouse,sku_tags,first_order\n\
         K1,tmall,member,广东,guangzhou,tee,false\n",
    );
    let r = run_kids(&input);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "", "no records when the input cannot be read");
    assert!(r.stderr.contains("no column `amount`"), "{}", r.stderr);
    // Snapshot a run from inside the temp folder, so that the length of its path cannot
    // change where the message wraps.
    let rules = crate_file(KIDS);
    let r = routebook_in(
        dir.path(),
        &["run", path_str(&rules), "--input", "no-amount.csv"],
        b"",
    );
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("missing-column-stderr", without_tmp(&r.stderr, &dir));
}

#[test]
fn optional_columns_may_be_absent() {
    // Neither `buyer_note` (optional) nor `sku_tags` (tags: blank is the empty set).
    let r = run_kids_on(
        "lean.csv",
        "order_id,channel,customer_tier,amount,ship_region,warehouse,first_order\n\
         K1,tmall,member,100,广东,guangzhou,false\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["route"], "guangzhou-dc");
}

#[test]
fn run_on_a_missing_input_file_exits_2() {
    let r = run_kids("examples/no-such-export.csv");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("examples/no-such-export.csv"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

// ------------------------------------------------------------------------- stdin / stdout

#[test]
fn run_reads_csv_from_stdin() {
    let from_file = run_kids(KIDS_CSV);
    let csv = std::fs::read(crate_file(KIDS_CSV)).unwrap();
    let from_stdin = routebook_with_stdin(
        &["run", KIDS, "--input", "-", "--input-format", "csv"],
        &csv,
    );
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, from_file.stdout);
    // Without --input-format, `-` is read as CSV too.
    let guessed = routebook_with_stdin(&["run", KIDS, "--input", "-"], &csv);
    assert_eq!(guessed.stdout, from_file.stdout);
}

#[test]
fn run_reads_jsonl_from_stdin() {
    let from_file = run_kids("examples/kids-apparel.jsonl");
    let jsonl = std::fs::read(crate_file("examples/kids-apparel.jsonl")).unwrap();
    let from_stdin = routebook_with_stdin(
        &["run", KIDS, "--input", "-", "--input-format", "jsonl"],
        &jsonl,
    );
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn run_reads_rules_from_stdin() {
    let rules = std::fs::read(crate_file(KIDS)).unwrap();
    let r = routebook_with_stdin(&["run", "-", "--input", KIDS_CSV], &rules);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, run_kids(KIDS_CSV).stdout);
}

#[test]
fn check_reads_rules_from_stdin() {
    let good = std::fs::read(crate_file(KIDS)).unwrap();
    let r = routebook_with_stdin(&["check", "-"], &good);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("checked 1 file: 0 errors"),
        "{}",
        r.stderr
    );

    let bad = std::fs::read(crate_file(BROKEN)).unwrap();
    let r = routebook_with_stdin(&["check", "-"], &bad);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("<stdin>:13:32"),
        "the diagnostic points into standard input: {}",
        r.stderr
    );
    assert!(r.stderr.contains("unknown field `ship_regoin`"));
}

#[test]
fn output_dash_is_standard_output() {
    let r = run_kids_with(KIDS_CSV, &["--output", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, run_kids(KIDS_CSV).stdout);
}

// ------------------------------------------------------------------------- --output

#[test]
fn output_file_gets_the_records_and_stdout_stays_empty() {
    for format in ["csv", "jsonl", "json"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(format!("decisions.{format}"));
        let to_file = run_kids_with(KIDS_CSV, &["--format", format, "--output", path_str(&out)]);
        assert_eq!(to_file.code, 0, "{format}: {}", to_file.stderr);
        assert_eq!(to_file.stdout, "", "{format}: nothing on stdout");
        let to_stdout = run_kids_with(KIDS_CSV, &["--format", format]);
        let written = std::fs::read_to_string(&out).expect("the output file exists");
        assert_eq!(
            written, to_stdout.stdout,
            "{format}: file == stdout variant"
        );
        // Written atomically: no temp file is left beside it.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![format!("decisions.{format}")]);
    }
}

/// Regression: a quote left open in one row and closed by a stray quote rows later made
/// one valid-looking record of every row between, and those orders were lost.
#[test]
fn regression_a_quote_closed_rows_later_swallows_no_order() {
    let csv = format!(
        "{KIDS_HEADER}\n{}\"note that never ends\n{}\n{}\n{}stray\" quote\n{}\n",
        kids_row("KA-1"),
        kids_row("KA-2"),
        kids_row("KA-3"),
        kids_row("KA-4"),
        kids_row("KA-5"),
    );
    let r = run_kids_on("o.csv", &csv);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    assert_eq!(order_ids(&recs), ["KA-1", "KA-2", "KA-3", "KA-4", "KA-5"]);
    for (rec, bad) in recs.iter().zip([true, false, false, true, false]) {
        assert_eq!(!rec["error"].is_empty(), bad, "{rec:?}");
    }
    assert!(
        recs[0]["error"].contains("a quote that is never closed"),
        "{:?}",
        recs[0]
    );
}

/// Regression: `-o /dev/null` wrote a temporary file and renamed it over `/dev/null`,
/// turning the device into a regular file; everything that read `/dev/null` afterwards
/// (cargo's own compiler probe among them) read old records instead of nothing.
#[cfg(unix)]
#[test]
fn regression_output_to_dev_null_keeps_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let r = run_kids_with(KIDS_CSV, &["-o", "/dev/null"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let kind = std::fs::metadata("/dev/null")
        .expect("/dev/null exists")
        .file_type();
    assert!(
        kind.is_char_device(),
        "/dev/null is still a device: {kind:?}"
    );
    assert_eq!(std::fs::read("/dev/null").expect("readable"), b"");
}

#[test]
fn output_file_is_written_also_when_orders_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("decisions.csv");
    let r = run_kids_with(DAMAGED, &["-o", path_str(&out)]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, run_kids(DAMAGED).stdout);
}

#[test]
fn output_file_is_replaced_and_left_alone_when_the_run_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = write_file(&dir, "decisions.csv", b"old content\n");
    let bad_input = write_file(&dir, "bad.csv", b"order_id\nK1\n");
    let r = run_kids_with(&bad_input, &["--output", &out]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "old content\n",
        "a failed run leaves the old file"
    );
    let r = routebook(&["run", BROKEN, "--input", KIDS_CSV, "--output", &out]);
    assert_eq!(r.code, 1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old content\n");

    let r = run_kids_with(KIDS_CSV, &["--output", &out]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        run_kids(KIDS_CSV).stdout
    );
}

#[test]
fn output_into_a_missing_folder_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no-such-dir").join("decisions.csv");
    let r = run_kids_with(KIDS_CSV, &["--output", path_str(&out)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
    assert!(!out.exists());
}

// ------------------------------------------------------------------------- bad input

#[test]
fn damaged_export_gives_one_record_per_order_in_input_order() {
    let input_keys: Vec<String> = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(crate_file(DAMAGED))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(input_keys.len(), 10);

    let r = run_kids(DAMAGED);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, input_keys, "every order, once, in input order");

    let errors: BTreeMap<&str, &str> = recs
        .iter()
        .filter(|r| !r["error"].is_empty())
        .map(|r| (r["order_id"].as_str(), assert_invalid(r)))
        .collect();
    assert_eq!(
        errors,
        BTreeMap::from([
            (
                "KA-261105-0102",
                "line 3: field `amount`, value `12,00x`: not a decimal"
            ),
            (
                "KA-261105-0104",
                "line 5: field `channel`, value `pinduoduo`: not one of tmall, douyin, wechat, store"
            ),
            (
                "KA-261105-0106",
                "line 7: field `warehouse`: required value is blank"
            ),
            ("KA-261105-0108", "line 9: expected 9 columns, found 8"),
        ])
    );
    for rec in recs.iter().filter(|r| r["error"].is_empty()) {
        assert_valid(rec);
    }
}

#[test]
fn damaged_export_as_jsonl_records_carry_the_error() {
    let r = run_kids_with(DAMAGED, &["--format", "jsonl"]);
    assert_eq!(r.code, 3);
    let recs = jsonl_records(&r.stdout);
    assert_eq!(recs.len(), 10);
    let bad = &recs[1];
    assert_eq!(bad["order_id"], "KA-261105-0102");
    assert_eq!(
        bad["error"],
        "line 3: field `amount`, value `12,00x`: not a decimal"
    );
    assert_eq!(bad["route"], Value::Null);
    assert_eq!(bad["route_rules"], serde_json::json!([]));
    assert_eq!(bad["flags_rules"], serde_json::json!([]));
    assert_eq!(recs[0]["error"], Value::Null);
}

#[test]
fn row_with_too_many_columns_is_one_invalid_record() {
    let text = format!(
        "{KIDS_HEADER}\n{}\n{},extra\n{}\n",
        kids_row("A1"),
        kids_row("A2"),
        kids_row("A3")
    );
    let r = run_kids_on("wide.csv", text);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, ["A1", "A2", "A3"]);
    assert_valid(&recs[0]);
    assert_eq!(
        assert_invalid(&recs[1]),
        "line 3: expected 9 columns, found 10"
    );
    assert_valid(&recs[2]);
}

#[test]
fn field_with_invalid_utf8_is_one_invalid_record() {
    let mut bytes = format!("{KIDS_HEADER}\n{}\n", kids_row("U1")).into_bytes();
    bytes.extend_from_slice(b"U2,tmall,member,100,");
    bytes.extend_from_slice(&[0xB9, 0xE3, 0xB6, 0xAB]); // "广东" in GBK
    bytes.extend_from_slice(b",guangzhou,tee,false,\n");
    bytes.extend_from_slice(format!("{}\n", kids_row("U3")).as_bytes());
    let r = run_kids_on("gbk.csv", bytes);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, ["U1", "U2", "U3"]);
    let error = assert_invalid(&recs[1]);
    assert!(error.starts_with("line 3: "), "{error}");
    assert!(error.contains("field `ship_region`"), "{error}");
    assert!(error.contains("not valid UTF-8"), "{error}");
    assert_valid(&recs[2]);
}

#[test]
fn blank_required_field_is_one_invalid_record() {
    let text = format!(
        "{KIDS_HEADER}\nB1,tmall,member,   ,广东,guangzhou,tee,false,\n{}\n",
        kids_row("B2")
    );
    let r = run_kids_on("blank.csv", text);
    assert_eq!(r.code, 3);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["order_id"], "B1");
    assert_eq!(
        assert_invalid(&recs[0]),
        "line 2: field `amount`: required value is blank"
    );
    assert_valid(&recs[1]);
}

#[test]
fn bool_field_with_maybe_is_one_invalid_record() {
    let text = format!(
        "{KIDS_HEADER}\n{}\nM2,tmall,member,100,广东,guangzhou,tee,maybe,\n",
        kids_row("M1")
    );
    let r = run_kids_on("maybe.csv", text);
    assert_eq!(r.code, 3);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 2);
    assert_valid(&recs[0]);
    assert_eq!(recs[1]["order_id"], "M2");
    assert_eq!(
        assert_invalid(&recs[1]),
        "line 3: field `first_order`, value `maybe`: not true/false, yes/no, y/n or 1/0"
    );
}

#[test]
fn every_problem_of_an_order_is_reported_together() {
    let text = format!("{KIDS_HEADER}\nX1,ebay,member,abc,广东,guangzhou,tee,maybe,\n");
    let r = run_kids_on("many.csv", text);
    let recs = csv_records(&r.stdout);
    let error = assert_invalid(&recs[0]);
    for part in [
        "field `channel`, value `ebay`",
        "field `amount`, value `abc`: not a decimal",
        "field `first_order`, value `maybe`",
    ] {
        assert!(error.contains(part), "`{part}` missing from: {error}");
    }
}

#[test]
fn line_numbers_count_the_lines_of_multi_line_fields() {
    // The first order's note spans lines 2-4, so the bad order starts on line 5.
    let text = format!(
        "{KIDS_HEADER}\nL1,tmall,member,100,广东,guangzhou,tee,false,\"one\ntwo\nthree\"\n\
         L2,tmall,member,\"12,00x\",广东,guangzhou,tee,false,\n"
    );
    let r = run_kids_on("multiline.csv", text);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 2);
    assert_valid(&recs[0]);
    assert_eq!(
        assert_invalid(&recs[1]),
        "line 5: field `amount`, value `12,00x`: not a decimal"
    );
}

#[test]
fn jsonl_with_a_broken_line_and_a_non_object_line() {
    let text = format!(
        "{}\n{{\"order_id\": \"J2\", broken\n[1,2]\n\n{}\n",
        kids_json("J1"),
        kids_json("J4")
    );
    let r = run_kids_on("orders.jsonl", text);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 4, "four orders (the blank line is not one)");
    assert_eq!(recs[0]["order_id"], "J1");
    assert_valid(&recs[0]);
    let broken = assert_invalid(&recs[1]);
    assert!(broken.starts_with("line 2: unreadable JSON"), "{broken}");
    let array = assert_invalid(&recs[2]);
    assert!(array.starts_with("line 3: not a JSON object"), "{array}");
    assert_eq!(recs[3]["order_id"], "J4");
    assert_valid(&recs[3]);
}

#[test]
fn jsonl_with_a_bad_value_names_line_field_and_value() {
    let bad = kids_json("J2").replace(r#""amount":"100""#, r#""amount":"12,00x""#);
    let text = format!("{}\n{bad}\n", kids_json("J1"));
    let r = run_kids_on("orders.jsonl", text);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["order_id"], "J2");
    assert_eq!(
        assert_invalid(&recs[1]),
        "line 2: field `amount`, value `12,00x`: not a decimal"
    );
}

#[test]
fn json_array_with_a_garbage_element_costs_only_that_order() {
    let text = format!(
        "[\n  {},\n  garbage,\n  {}\n]\n",
        kids_json("A1"),
        kids_json("A3")
    );
    let r = run_kids_on("orders.json", text);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 3, "{}", r.stdout);
    assert_eq!(recs[0]["order_id"], "A1");
    assert_valid(&recs[0]);
    let error = assert_invalid(&recs[1]);
    assert!(error.starts_with("line 3: unreadable JSON"), "{error}");
    assert_eq!(recs[2]["order_id"], "A3");
    assert_valid(&recs[2]);
}

#[test]
fn json_object_wrapping_the_array_is_read() {
    let text = format!(
        "{{\"exported\": \"2026-11-11\", \"meta\": {{\"pages\": [1, 2]}},\n \"orders\": [\n  {},\n  {}\n ]\n}}\n",
        kids_json("W1"),
        kids_json("W2").replace(r#""channel":"tmall""#, r#""channel":"store""#)
    );
    let r = run_kids_on("export.json", text);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, ["W1", "W2"]);
    assert_eq!(recs[0]["route"], "guangzhou-dc");
    assert_eq!(recs[1]["route"], "store-pickup");
}

#[test]
fn json_that_is_not_an_array_of_orders_exits_2() {
    let r = run_kids_on("scalar.json", b"42\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("is not a JSON array of orders"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn semicolon_and_tab_separated_exports_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let comma = run_kids(KIDS_CSV);
    let original = std::fs::read_to_string(crate_file(KIDS_CSV)).unwrap();
    // Rewrite the export with another separator, quoting every field so that commas in
    // notes and `;` in tags survive.
    for (sep, name, extra) in [
        (b';', "semicolon.csv", vec![]),
        (b'\t', "tabs.tsv", vec![]),
        (b'\t', "tabs.txt", vec!["--input-format", "tsv"]),
    ] {
        let mut rdr = csv::Reader::from_reader(original.as_bytes());
        let mut w = csv::WriterBuilder::new()
            .delimiter(sep)
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(Vec::new());
        w.write_record(rdr.headers().unwrap()).unwrap();
        for rec in rdr.records() {
            w.write_record(&rec.unwrap()).unwrap();
        }
        let input = write_file(&dir, name, w.into_inner().unwrap());
        let r = run_kids_with(&input, &extra);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.stdout, comma.stdout, "{name} decides like the comma CSV");
    }
}

// ------------------------------------------------------------------------- --summary, --explain

#[test]
fn summary_prints_counts_to_stderr() {
    let plain = run_kids(DAMAGED);
    let r = run_kids_with(DAMAGED, &["--summary"]);
    assert_eq!(r.code, 3);
    assert_eq!(r.stdout, plain.stdout, "--summary leaves the records alone");
    let lines: Vec<&str> = r.stderr.lines().map(str::trim_end).collect();
    for expected in [
        "rule set kids-apparel 2026.11.2",
        "now 2026-11-05T12:00:00+08:00 (time zone Asia/Shanghai)",
        "10 orders: 6 decided, 4 invalid",
        "route:",
        "         2  guangzhou-dc",
        "approval:",
        "         4  auto",
        "flags:",
        "rules (orders decided):",
        "         2  south_china_dc",
        "         0  remote_carrier",
        "invalid input:",
        "         1  amount: not a decimal",
        "         1  channel: not one of tmall, douyin, wechat, store",
        "         1  warehouse: required value is blank",
        "         1  expected 9 columns, found 8",
    ] {
        assert!(
            lines.contains(&expected),
            "summary lacks `{expected}`:\n{}",
            r.stderr
        );
    }
}

#[test]
fn summary_of_a_clean_run() {
    let r = run_kids_with(KIDS_CSV, &["--summary"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("20 orders: 20 decided, 0 invalid"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("invalid input:"), "{}", r.stderr);
}

#[test]
fn explain_adds_an_explain_column_to_csv() {
    let r = run_kids_with(DAMAGED, &["--explain"]);
    assert_eq!(r.code, 3);
    let header = csv_header(&r.stdout);
    let error = header.iter().position(|h| h == "error").unwrap();
    assert_eq!(header[error + 1], "explain");
    assert_eq!(header[error + 2..], ["ruleset", "version", "now"]);

    let recs = csv_records(&r.stdout);
    assert_eq!(recs.len(), 10);
    // KA-261105-0105: presale in Guangzhou stock, urgent note.
    let e = &recs[4]["explain"];
    assert_eq!(recs[4]["order_id"], "KA-261105-0105");
    assert!(e.starts_with("presale_hold: matched; "), "{e}");
    assert!(
        e.contains("store_pickup: no (channel = \"store\" is false)"),
        "{e}"
    );
    assert!(e.contains("urgent_note: matched"), "{e}");
    assert_eq!(e.matches("; ").count(), 15, "16 rules: {e}");
    // An invalid order has no explanation.
    assert_eq!(recs[1]["explain"], "");
    // The decisions are those of a run without --explain.
    let plain = csv_records(&run_kids(DAMAGED).stdout);
    for (a, b) in recs.iter().zip(&plain) {
        let mut a = a.clone();
        a.remove("explain");
        assert_eq!(&a, b);
    }
}

#[test]
fn explain_adds_an_explain_array_to_jsonl() {
    let r = run_kids_with(DAMAGED, &["--explain", "--format", "jsonl"]);
    let recs = jsonl_records(&r.stdout);
    assert_eq!(recs.len(), 10);
    let e = recs[4]["explain"].as_array().expect("explain is an array");
    assert_eq!(e.len(), 16, "one entry per rule");
    assert_eq!(e[0]["rule"], "presale_hold");
    assert_eq!(e[0]["matched"], true);
    assert_eq!(
        e[0]["tests"],
        serde_json::json!([
            {"test": "sku_tags has \"presale\"", "result": true},
            {"test": "warehouse = \"guangzhou\"", "result": true},
        ])
    );
    assert_eq!(e[2]["rule"], "store_pickup");
    assert_eq!(e[2]["matched"], false);
    assert_eq!(e[2]["tests"][0]["result"], false);
    assert_eq!(recs[1]["explain"], serde_json::json!([]), "invalid order");
    let plain = run_kids_with(KIDS_CSV, &["--format", "jsonl"]);
    assert!(
        !plain.stdout.contains("\"explain\""),
        "no explain key without --explain"
    );
}

// ------------------------------------------------------------------------- explain

#[test]
fn explain_an_order_from_an_export() {
    let r = routebook(&[
        "explain",
        KIDS,
        "--input",
        KIDS_CSV,
        "--key",
        "KA-261101-0004",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "order KA-261101-0004");
    assert!(lines.contains(&"  route = hold-presale  (rule presale_hold)"));
    assert!(lines.contains(&"  approval = director-finance  (rule new_customer_big_order)"));
    assert!(r.stdout.contains(
        "  matched   presale_hold  \"Presale SKUs allocated to Guangzhou wait until the factory delivers\""
    ));
    assert!(
        r.stdout
            .contains("              false  channel = \"store\"   <- first failing test")
    );
    // Only a test that came out false is marked.
    for l in lines
        .iter()
        .filter(|l| l.ends_with("<- first failing test"))
    {
        assert!(l.trim_start().starts_with("false"), "{l}");
    }
    insta::assert_snapshot!("explain-KA-261101-0004", r.stdout);

    // The same order found in the JSON Lines export explains the same.
    let jsonl = routebook(&[
        "explain",
        KIDS,
        "--input",
        "examples/kids-apparel.jsonl",
        "--key",
        "KA-261101-0004",
    ]);
    assert_eq!(jsonl.stdout, r.stdout);
}

#[test]
fn explain_an_order_given_as_json() {
    let order = r#"{"order_id": "X-1", "channel": "tmall", "customer_tier": "member",
        "amount": "2500", "ship_region": "北京", "warehouse": "shanghai",
        "sku_tags": [], "first_order": false}"#;
    let r = routebook(&["explain", KIDS, "--order", order]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "order X-1");
    assert!(lines.contains(&"  route = shanghai-dc  (rule shanghai_stock)"));
    assert!(lines.contains(&"  approval = regional-manager  (rule mid_amount)"));
    assert!(r.stdout.contains("  matched   shanghai_stock"));
    assert!(r.stdout.contains("  no match  large_amount"));
    assert!(
        r.stdout
            .contains("              false  amount > 10_000   <- first failing test")
    );
    // Every rule that did not match marks exactly one first failing test.
    let no_match = lines.iter().filter(|l| l.starts_with("  no match")).count();
    let marks = lines
        .iter()
        .filter(|l| l.ends_with("<- first failing test"))
        .count();
    assert_eq!(no_match, 14);
    assert_eq!(marks, no_match);
}

#[test]
fn explain_with_an_unknown_key_exits_2() {
    let r = routebook(&["explain", KIDS, "--input", KIDS_CSV, "--key", "KA-NOPE"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("no order with key `KA-NOPE` in `examples/kids-apparel.csv`"),
        "{}",
        r.stderr
    );
}

#[test]
fn explain_of_an_invalid_order_says_why() {
    let r = routebook(&[
        "explain",
        KIDS,
        "--input",
        DAMAGED,
        "--key",
        "KA-261105-0102",
    ]);
    // Like `run`, an order with bad input exits 3: it was not decided.
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "order KA-261105-0102: invalid input, not decided\n  \
         line 3: field `amount`, value `12,00x`: not a decimal\n"
    );
}

// ------------------------------------------------------------------------- check formats

#[test]
fn check_json_format_lists_diagnostics_as_objects() {
    let r = routebook(&["check", FIVE_ERRORS, "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("stdout is one JSON document");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 5);
    for item in items {
        assert_eq!(item["file"], FIVE_ERRORS);
        assert!(item["line"].as_u64().is_some_and(|n| n > 0), "{item}");
        assert!(item["column"].as_u64().is_some_and(|n| n > 0), "{item}");
        assert!(
            item["code"].as_str().is_some_and(|s| !s.is_empty()),
            "{item}"
        );
        assert!(
            item["message"].as_str().is_some_and(|s| !s.is_empty()),
            "{item}"
        );
    }
    assert_eq!(items[0]["code"], "unknown-field");
    assert_eq!(items[0]["message"], "unknown field `ship_regoin`");
    assert!(r.stderr.contains("5 errors"), "{}", r.stderr);

    let clean = routebook(&["check", "rules/", "--format", "json"]);
    assert_eq!(clean.code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&clean.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn check_json_format_covers_every_file() {
    let r = routebook(&["check", BROKEN, FIVE_ERRORS, KIDS, "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let files: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 6);
    assert_eq!(files[0], BROKEN);
    assert!(files[1..].iter().all(|f| *f == FIVE_ERRORS));
}

#[test]
fn check_github_format_prints_error_annotations() {
    let r = routebook(&["check", FIVE_ERRORS, "--format", "github"]);
    assert_eq!(r.code, 1);
    let json = routebook(&["check", FIVE_ERRORS, "--format", "json"]);
    let items: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), items.len());
    for (line, item) in lines.iter().zip(&items) {
        let prefix = format!(
            "::error file={FIVE_ERRORS},line={},col={},",
            item["line"], item["column"]
        );
        assert!(
            line.starts_with(&prefix),
            "`{line}` should start `{prefix}`"
        );
        assert!(
            line.contains(&format!("title={}::", item["code"].as_str().unwrap())),
            "{line}"
        );
    }
    assert!(lines[0].ends_with("::unknown field `ship_regoin` (did you mean `ship_region`?)"));
}

#[test]
fn deny_warnings_without_warnings_still_passes() {
    let r = routebook(&["check", "rules/", "--deny", "warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `benches/stages.sh`'s stage probes stay rule files that check clean and are formatted,
/// and each decides the bench's orders: a probe that stopped running would time nothing.
#[test]
fn the_bench_stage_probes_are_clean_formatted_rule_files() {
    let r = routebook(&["check", "benches/stages/", "--deny", "warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("checked 2 files: 0 errors, 0 warnings"),
        "{}",
        r.stderr
    );
    let r = routebook(&["fmt", "--check", "benches/stages/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for probe in ["read-and-write", "no-bits"] {
        let rules = format!("benches/stages/{probe}.rules");
        let r = routebook(&[
            "run",
            &rules,
            "--input",
            "examples/crossborder-pets.csv",
            "--summary",
        ]);
        assert_eq!(r.code, 0, "{probe}: {}", r.stderr);
        assert!(r.stderr.contains(" orders: "), "{probe}: {}", r.stderr);
    }
}

// ------------------------------------------------------------------------- compile

#[test]
fn compile_emit_dot_is_a_graphviz_digraph() {
    let r = routebook(&["compile", KIDS, "--emit", "dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("digraph"), "{}", &r.stdout[..40]);
    assert_eq!(r.stdout.trim_end().lines().last(), Some("}"));
    assert_eq!(r.stdout.matches('{').count(), r.stdout.matches('}').count());
}

#[test]
fn compile_defaults_to_the_tree_and_rejects_broken_rules() {
    let default = routebook(&["compile", KIDS]);
    let tree = routebook(&["compile", KIDS, "--emit", "tree"]);
    assert_eq!(default.code, 0);
    assert_eq!(default.stdout, tree.stdout);
    let broken = routebook(&["compile", BROKEN, "--emit", "dot"]);
    assert_eq!(broken.code, 1);
    assert_eq!(broken.stdout, "");
}

// ------------------------------------------------------------------------- --help

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in ["check", "run", "compile", "explain"] {
        let r = routebook(&[sub, "--help"]);
        assert_eq!(r.code, 0, "{sub} --help: {}", r.stderr);
        let example = format!("Example: routebook {sub} ");
        assert!(
            r.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&example)),
            "{sub} --help shows an example:\n{}",
            r.stdout
        );
    }
    let top = routebook(&["--help"]);
    assert_eq!(top.code, 0);
    for sub in ["check", "run", "compile", "explain"] {
        assert!(top.stdout.contains(sub), "{}", top.stdout);
    }
}

// ------------------------------------------------------------------------- regressions
//
// One test per bug found and fixed, named after it.

/// The example in `explain --help` must work when pasted.
#[test]
fn regression_explain_help_example_runs() {
    let help = routebook(&["explain", "--help"]).stdout;
    let example = help
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("Example: routebook "))
        .expect("an example line");
    let args: Vec<&str> = example.split_whitespace().collect();
    let r = routebook(&args);
    assert_eq!(r.code, 0, "`routebook {example}`: {}", r.stderr);
}

/// A stray `]` used to end the run silently, losing the orders after it.
#[test]
fn regression_json_array_closed_early_keeps_every_order() {
    let text = format!(
        "[{}, ], {}, {}]\n",
        kids_json("A1"),
        kids_json("A2"),
        kids_json("A3")
    );
    let r = run_kids_on("orders.json", text);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, ["A1", "A2", "A3"]);
    assert_valid(&recs[0]);
    for rec in &recs[1..] {
        assert!(
            rec["error"].contains("follows the `]` on line 1"),
            "{}",
            rec["error"]
        );
        assert_eq!(rec["route"], "");
    }
}

/// Orders after the closing `]` of a JSON array used to be ignored.
#[test]
fn regression_json_array_trailing_orders_are_reported() {
    let text = format!(
        "[{}, {}]\n{}\n",
        kids_json("A1"),
        kids_json("A2"),
        kids_json("A3")
    );
    let r = run_kids_on("orders.json", text);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, ["A1", "A2", "A3"]);
    assert_valid(&recs[0]);
    assert_valid(&recs[1]);
    assert!(
        recs[2]["error"].starts_with("line 2: follows the `]`"),
        "{}",
        recs[2]["error"]
    );
}

/// An unterminated quote used to swallow every later row into one field.
#[test]
fn regression_csv_unterminated_quote_costs_only_its_row() {
    let text = format!(
        "{KIDS_HEADER}\nQ1,tmall,member,100,广东,guangzhou,tee,false,\"unterminated\n{}\n{}\n",
        kids_row("Q2"),
        kids_row("Q3")
    );
    let r = run_kids_on("quote.csv", text);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let recs = csv_records(&r.stdout);
    let keys = order_ids(&recs);
    assert_eq!(keys, ["Q1", "Q2", "Q3"]);
    assert!(
        recs[0]["error"].starts_with("line 2: a quote that is never closed"),
        "{}",
        recs[0]["error"]
    );
    assert_valid(&recs[1]);
    assert_valid(&recs[2]);
}

/// A file of one column and one order used to lose that order: the header's chunk ran to
/// the end of the file, since a record end with fewer than three bytes after it was taken
/// for a possible byte-order mark.
#[test]
fn regression_single_row_single_column_csv_keeps_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_file(
        &dir,
        "one.rules",
        b"fields {\n  id text, key\n}\ndecision d: first, default \"x\"\nrule r when id = \"A\" then d \"a\"\n",
    );
    for (name, text) in [
        ("a.csv", "id\nA\n"),
        ("b.csv", "id\nA"),
        ("c.csv", "id\r\nA\r\n"),
    ] {
        let input = write_file(&dir, name, text);
        let r = routebook(&["run", &rules, "--input", &input]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.stdout, "id,d,d_rules,error\nA,a,r,\n", "{name}");
    }
}
