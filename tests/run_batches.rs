//! `run` searches the texts of many orders at once (`decide::Ahead`) and skips an order's
//! own search where that found nothing: its flags are still exactly those the rules give
//! each order's text, worked out here with `str::contains` and `regex`, whatever else the
//! field is tested for, however the export falls into batches, chunks and threads, in
//! CSV and in JSON Lines (tags as a text or an array).

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use common::{routebook, write_file};

/// A text field with every kind of test (a pattern whose matches start with known
/// literals, and one whose matches may start anywhere: its class is too large to list),
/// tags, and a field with a pattern alone.
const RULES: &str = r#"ruleset "batches" version "1"

fields {
  id    text, key
  note  text, optional
  tags  tags
  memo  text, optional
}

decision flags: all

rule c
  when note contains any ["ab", "bba"]
  then flag "c"

rule s
  when note starts with "ca"
  then flag "s"

rule e
  when note ends with "0b"
  then flag "e"

rule r
  when note matches "(?i)cab"
  then flag "r"

rule d
  when note matches "[0-9a-z]0"
  then flag "d"

rule h
  when tags has any ["aab", "c0"]
  then flag "h"

rule m
  when memo matches "b+a"
  then flag "m"
"#;

/// The flags the rules give an order, worked out without routebook; `res` are the
/// rules' patterns, in order.
fn flags(res: &[regex::Regex; 3], note: &str, tags: &str, memo: &str) -> BTreeSet<&'static str> {
    let (note, memo) = (note.trim(), memo.trim());
    let tags: Vec<&str> = tags.split([';', ',']).map(str::trim).collect();
    [
        ("c", note.contains("ab") || note.contains("bba")),
        ("s", note.starts_with("ca")),
        ("e", note.ends_with("0b")),
        ("r", res[0].is_match(note)),
        ("d", res[1].is_match(note)),
        ("h", tags.contains(&"aab") || tags.contains(&"c0")),
        ("m", res[2].is_match(memo)),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(f, _)| f)
    .collect()
}

/// Random texts over a few letters, so that the literals turn up often, split across
/// orders and not, with blanks among them.
fn texts(seed: u64, n: usize) -> Vec<String> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 9) as usize;
            (0..len)
                .map(|i| b"abcAB0 ;"[(x >> (8 + 3 * i)) as usize % 8] as char)
                .collect()
        })
        .collect()
}

#[test]
fn every_order_gets_the_flags_its_own_texts_give() {
    let n = 3_000;
    let (notes, tags, memos) = (texts(7, n), texts(11, n), texts(13, n));
    let res = ["(?i)cab", "[0-9a-z]0", "b+a"].map(|p| regex::Regex::new(p).unwrap());
    let (mut csv, mut jsonl) = (String::from("id,note,tags,memo\n"), String::new());
    let mut want = Vec::new();
    for i in 0..n {
        // Notes without `;`, which would be a second tag only in `tags`.
        let note = notes[i].replace(';', "b");
        writeln!(csv, "o{i},\"{note}\",\"{}\",\"{}\"", tags[i], memos[i]).unwrap();
        // In JSON, every other order's tags are an array of the same tags.
        let items: Vec<&str> = tags[i].split([';', ',']).map(str::trim).collect();
        let items: Vec<&str> = items.into_iter().filter(|t| !t.is_empty()).collect();
        let json_tags = match i % 2 {
            0 => serde_json::json!(tags[i]),
            _ => serde_json::json!(items),
        };
        let id = format!("o{i}");
        let line = serde_json::json!({"id": id, "note": note, "tags": json_tags, "memo": memos[i]});
        writeln!(jsonl, "{line}").unwrap();
        want.push(flags(&res, &note, &tags[i], &memos[i]));
    }
    // Every flag is given often, and many orders get none, so both ways are tried.
    for flag in ["c", "s", "e", "r", "d", "h", "m"] {
        let on = want.iter().filter(|w| w.contains(flag)).count();
        assert!(on > 20, "flag {flag}: {on} orders");
    }
    assert!(want.iter().filter(|w| w.is_empty()).count() > 300);
    let dir = tempfile::tempdir().unwrap();
    let rules = write_file(&dir, "batches.rules", RULES);
    let csv = write_file(&dir, "orders.csv", &csv);
    let jsonl = write_file(&dir, "orders.jsonl", &jsonl);
    let one = &["--threads", "1"][..];
    let two = &["--threads", "2", "--chunk-bytes", "700"][..];
    for (input, args) in [(&csv, one), (&csv, two), (&jsonl, one), (&jsonl, two)] {
        let mut all = vec!["run", &rules, "--input", input];
        all.extend_from_slice(args);
        let run = routebook(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let mut rdr = csv::Reader::from_reader(run.stdout.as_bytes());
        let column = rdr.headers().unwrap().iter().position(|h| h == "flags");
        let column = column.expect("a flags column");
        let got: Vec<BTreeSet<String>> = rdr
            .records()
            .map(|r| {
                let r = r.unwrap();
                r[column]
                    .split(';')
                    .filter(|f| !f.is_empty())
                    .map(String::from)
                    .collect()
            })
            .collect();
        assert_eq!(got.len(), n, "{input} {args:?}: one record per order");
        for (i, (got, want)) in got.iter().zip(&want).enumerate() {
            let want: BTreeSet<String> = want.iter().map(|f| f.to_string()).collect();
            let what = (&notes[i], &tags[i], &memos[i]);
            assert_eq!(got, &want, "{input} {args:?}: order o{i}: {what:?}");
        }
    }
}
