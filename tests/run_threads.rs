//! `run` gives the same bytes, exit code and summary whatever the number of threads and
//! however the export falls into chunks: records stay in input order, bad input costs
//! only its order, and every outcome is counted.

mod common;

use std::fmt::Write as _;

use common::{Run, crate_file, routebook, routebook_bytes, write_file};

/// The header of an export of the pet-supply rules' fields.
const HEADER: &str = "order_id,channel,customer_tier,amount,ship_country,ship_region,sku_tags,address,buyer_note,first_order\n";

/// `routebook run` of the pet-supply rules over `csv`, with `--summary`, then `args`.
fn run_pets(csv: &str, args: &[&str]) -> Run<Vec<u8>> {
    let rules = "rules/crossborder-pets.rules";
    let mut all = vec!["run", rules, "--input", csv, "--summary"];
    all.extend_from_slice(args);
    routebook_bytes(&all)
}

/// `got` ends as `want` did: the same exit code and summary (standard error), and the
/// same records when `records`.
fn assert_alike(got: &Run<Vec<u8>>, want: &Run<Vec<u8>>, records: bool, what: &str) {
    assert_eq!(got.code, want.code, "{what}: {}", got.stderr);
    assert_eq!(got.stderr, want.stderr, "{what}: summary");
    if records {
        assert!(got.stdout == want.stdout, "{what}: records differ");
    }
}

/// An export of the pet-supply rules' fields long enough to fill many chunks, with
/// quoted line breaks, doubled quotes, Chinese text, bad amounts, a row of the wrong
/// width and, near the end, a quote that is never closed.
fn big_export(rows: usize) -> String {
    let mut s = String::from(HEADER);
    let channels = ["shopify", "amazon", "tmall", "douyin", "site"];
    let tiers = ["new", "member", "vip", "dealer"];
    let countries = ["US", "CN", "DE", "GB", "CA", "FR"];
    let amounts = [
        "2000", "2000.01", "10000", "10000.01", "99.90", "12,00x", "1999.99",
    ];
    for i in 0..rows {
        let note = match i % 7 {
            0 => "\"gift, wrap it\"",
            1 => "\"line one\nline two\"",
            2 => "\"a \"\"quoted\"\" word\"",
            3 => "请尽快发货",
            _ => "",
        };
        let address = if i % 5 == 0 {
            "\"PO Box 9, Leeds\""
        } else {
            "杭州市文三路1号"
        };
        let _ = writeln!(
            s,
            "CP-{i},{},{},{},{},Zhejiang,liquid;bulk,{address},{note},{}",
            channels[i % 5],
            tiers[i % 4],
            if i % 3 == 0 {
                "\"1,500.00\""
            } else {
                amounts[i % 7]
            },
            countries[i % 6],
            i % 2 == 0
        );
        if i == rows / 2 {
            s.push_str("CP-wide,site,vip,10,US,,x,addr,note,false,extra\n");
        }
    }
    s.push_str("CP-open,site,vip,10,US,,x,\"never closed,note,false\nCP-last,site,vip,10,US,,x,addr,,false\n");
    s
}

#[test]
fn threads_and_chunks_change_no_byte_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    // About 2 MB: a few chunks of 512 KB.
    let csv = write_file(&dir, "big.csv", big_export(20_000));
    for format in ["csv", "jsonl", "json"] {
        let run = |threads| run_pets(&csv, &["--format", format, "--threads", threads]);
        let one = run("1");
        assert_eq!(one.code, 3, "{}", one.stderr);
        assert!(one.stderr.contains("20003 orders"), "{}", one.stderr);
        for threads in ["2", "3", "8"] {
            assert_alike(
                &run(threads),
                &one,
                true,
                &format!("{format}, {threads} threads"),
            );
        }
    }
}

#[test]
fn examples_decide_alike_on_one_thread_and_many() {
    for (rules, input) in [
        ("kids-apparel", "kids-apparel-damaged.csv"),
        ("kids-apparel", "kids-apparel.jsonl"),
        ("crossborder-pets", "crossborder-pets.csv"),
        ("home-furnishing", "home-furnishing.jsonl"),
    ] {
        let rules = crate_file(&format!("rules/{rules}.rules"));
        let input = crate_file(&format!("examples/{input}"));
        let (rules_arg, input_arg) = (rules.display().to_string(), input.display().to_string());
        let run = |threads| {
            routebook_bytes(&[
                "run",
                &rules_arg,
                "--input",
                &input_arg,
                "--explain",
                "--summary",
                "--threads",
                threads,
            ])
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(one.stdout, two.stdout, "{}", input.display());
        assert_eq!(one.stderr, two.stderr, "{}", input.display());
        assert_eq!(one.code, two.code, "{}", input.display());
    }
}

#[test]
fn zero_threads_is_a_usage_error() {
    let r = routebook(&[
        "run",
        "rules/kids-apparel.rules",
        "--input",
        "examples/kids-apparel.csv",
        "--threads",
        "0",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// An export where, in runs of records, nearly every line break is inside a note's
/// quotes, so that the chunks of a run on several threads, cut at line breaks, start
/// inside a record: each such chunk is read again from the record's start. One note is
/// longer than two chunks, and some amounts are bad, one in about every chunk.
fn notes_over_lines(rows: usize) -> String {
    let mut s = String::from(HEADER);
    for i in 0..rows {
        // Runs of notes over lines and of notes on one, so that some chunks do start
        // where a record starts, after others that did not.
        let mut note: String = if (i / 1_500) % 2 == 0 {
            (0..9).map(|k| format!("line {k} of {i}\n")).collect()
        } else {
            format!("one line of {i}")
        };
        if i == rows / 3 {
            note = "a long, long note\n".repeat(80_000);
        }
        let amount = if i % 2_000 == 1_999 {
            "x2000"
        } else {
            "2000.01"
        };
        let _ = writeln!(
            s,
            "CP-{i},site,vip,{amount},US,,liquid,\"1 Main St, Leeds\",\"{note}\",false"
        );
    }
    s
}

#[test]
fn chunks_that_start_inside_quotes_are_read_again() {
    let dir = tempfile::tempdir().unwrap();
    // About 5.5 MB, with a note of 1.4 MB: many chunks of 512 KB.
    let csv = write_file(&dir, "notes.csv", notes_over_lines(30_000));
    let run =
        |threads: &str, extra: &[&str]| run_pets(&csv, &[&["--threads", threads], extra].concat());
    let one = run("1", &[]);
    assert_eq!(one.code, 3, "{}", one.stderr);
    assert!(one.stderr.contains("30000 orders"), "{}", one.stderr);
    assert_eq!(one.stdout.iter().filter(|b| **b == b'\n').count(), 30_001);
    for threads in ["2", "3"] {
        assert_alike(
            &run(threads, &[]),
            &one,
            true,
            &format!("{threads} threads"),
        );
    }
    // The limit is passed by the seventh bad order (`CP-13999`), after the long note.
    let one = run("1", &["--max-invalid", "6"]);
    assert_eq!(one.code, 2, "{}", one.stderr);
    assert!(one.stderr.contains("line 161492"), "{}", one.stderr);
    for threads in ["2", "3"] {
        let many = run(threads, &["--max-invalid", "6"]);
        assert_alike(
            &many,
            &one,
            false,
            &format!("{threads} threads: the order named"),
        );
    }
}

/// A note that pastes rows, line after line, looks like rows to the cut, which then
/// goes inside its quotes; the note is longer than many chunks, so on several threads
/// the record is still waiting to be read again when the input ends. It is read, on
/// every number of threads.
#[test]
fn a_note_of_pasted_rows_at_the_end_is_still_read() {
    let mut csv = String::from(HEADER);
    for i in 0..60 {
        let _ = writeln!(csv, "CP-{i},site,vip,10.00,US,,x,addr,note,false");
    }
    csv.push_str("CP-pasted,site,vip,10.00,US,,x,addr,\"as sent:\n");
    for i in 0..2_500 {
        let _ = writeln!(csv, "CP-{i},site,vip,10.00,US,,x,addr,note,false");
    }
    csv.push_str("\",false\n");
    let dir = tempfile::tempdir().unwrap();
    let csv = write_file(&dir, "pasted.csv", csv);
    let run = |threads, chunk| run_pets(&csv, &["--threads", threads, "--chunk-bytes", chunk]);
    // In one chunk, the reader takes the note's lines for rows that an unclosed quote
    // swallowed, and reads them as rows (`holds_a_row`): whatever it makes of them, the
    // chunks must make the same.
    let one = run("1", "1000000");
    assert!(one.stderr.contains("2562 orders"), "{}", one.stderr);
    for (threads, chunk) in [("1", "4096"), ("2", "4096"), ("3", "4096"), ("2", "30000")] {
        let what = format!("{threads} threads, chunks of {chunk}");
        assert_alike(&run(threads, chunk), &one, true, &what);
    }
}

/// A random export over the pet-supply rules' fields: notes quoted or not, over lines or
/// not, with doubled quotes, stray text after a closing quote, `\r\n` line ends, blank
/// lines, bad amounts, and now and then a quote that is never closed.
fn random_export(seed: u64, rows: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let mut s = String::from(HEADER);
    let notes = [
        "",
        "plain",
        "\"gift, wrap it\"",
        "\"line one\nline two\"",
        "\"a \"\"quoted\"\" word\nover\nthree lines\"",
        "\"closed\" and more",
        "请尽快发货",
        "\"\n\n\"",
    ];
    let amounts = [
        "2000",
        "2000.01",
        "10000.01",
        "99.90",
        "x12",
        "\"1,500.00\"",
    ];
    for i in 0..rows {
        let note = if next(150) == 0 {
            "\"never closed, until a later quote"
        } else {
            notes[next(notes.len() as u64) as usize]
        };
        let end = if next(5) == 0 { "\r\n" } else { "\n" };
        let _ = write!(
            s,
            "CP-{i},site,dealer,{},{},,liquid;bulk,\"PO Box {i}, Leeds\",{note},false{end}",
            amounts[next(amounts.len() as u64) as usize],
            ["US", "CN", "DE"][next(3) as usize],
        );
        if next(40) == 0 {
            s.push('\n');
        }
    }
    s
}

/// Cut into chunks of a few hundred bytes, a random export gives the same records,
/// summary and exit code on one thread and on several as in one chunk, and
/// `--max-invalid` stops it with the same order named: the writer's second reads, and
/// counts settled in order, hold wherever the cuts fall.
#[test]
fn small_chunks_on_many_threads_read_what_one_chunk_reads() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..16 {
        let csv = write_file(&dir, &format!("r{seed}.csv"), random_export(seed, 300));
        let run = |extra: &[&str]| run_pets(&csv, extra);
        let limit: &[&str] = if seed % 2 == 0 {
            &["--max-invalid", "20"]
        } else {
            &[]
        };
        let whole = run(&[&["--threads", "1"], limit].concat());
        for chunk in ["61", "400"] {
            for threads in ["1", "2", "3"] {
                let args = [&["--threads", threads, "--chunk-bytes", chunk], limit].concat();
                let what = format!("seed {seed}, chunks of {chunk}, {threads} threads");
                // A run stopped by the limit has written the chunks before the one that
                // passed it, as many as there were.
                assert_alike(&run(&args), &whole, limit.is_empty(), &what);
            }
        }
    }
}
