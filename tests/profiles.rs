//! Profiles: reading exports the way platforms write them, and bad input through a
//! profile costing only its own order, with line, field, value and reason.

mod common;

use std::path::Path;

use proptest::prelude::*;

use common::{routebook, write_file};
use routebook::input::{RawFields, RawOrder, field_specs, typing::typed};
use routebook::profile::{self, Profile, is_tags};
use routebook::source::Source;

const RULES: &str = r#"ruleset "profile-tests" version "1"
fields {
  order_id text, key
  order_status one of "awaiting_payment", "awaiting_shipment", "shipped", "completed", "cancelled", "refunded"
  amount decimal
  sku_tags tags
  order_tags tags
  ship_region text, optional
}
decision route: first, default "main-dc"
rule hold-unpaid when order_status = "awaiting_payment" then route "hold"
rule presale when sku_tags contains "PRE-" then route "presale"
"#;

/// A small profile in the shape of Shopify's export, one row per line item.
const LINES_PROFILE: &str = r#"
format: csv
group_by: Name
spreadsheet_values: true
fields:
  order_id: { from: Name }
  order_status:
    first_of:
      - { from: Cancelled at, aliases: { "*": cancelled } }
      - { from: Status, aliases: { pending: awaiting_payment, paid: awaiting_shipment } }
  amount: { from: Total, amount: {} }
  sku_tags: { from: Sku, combine: collect }
  order_tags: { from: Tags, split: "," }
  ship_region: { from: Address, capture: '^\s*(.+?)(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|\s)' }
"#;

const LINES_HEADER: &str = "Name,Status,Total,Sku,Tags,Address,Cancelled at\n";

/// Each order read from `export` through `profile_yaml` (written to a file named `file`)
/// as `key: values` or `key: line N: error`.
fn read(profile_yaml: &str, file: &str, export: &[u8]) -> Vec<String> {
    read_with(RULES, profile_yaml, file, export)
}

/// [`read`] for another rule file.
fn read_with(rules: &str, profile_yaml: &str, file: &str, export: &[u8]) -> Vec<String> {
    let set = routebook::load(&Source::new("t.rules", rules)).expect("the rules check");
    let profile = Profile::parse(profile_yaml, "test.yaml", "test").expect("the profile reads");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = write_file(&dir, file, export);
    read_path(&set, profile, Path::new(&path))
}

fn read_path(set: &routebook::check::RuleSet, profile: Profile, path: &Path) -> Vec<String> {
    let specs = field_specs(set);
    let mut reader =
        profile::open(path, None, profile, &specs, |n| is_tags(set, n)).expect("the export opens");
    let mut raw = RawOrder::default();
    let mut got = Vec::new();
    while reader.next(&mut raw).expect("the export reads") {
        let key = raw.text(set.key).to_string();
        got.push(match typed(set, &raw) {
            Ok(order) => format!("{key}: {:?}", &order.values[1..]),
            Err(e) => format!("{key}: {e}"),
        });
    }
    got
}

#[test]
fn rows_of_one_order_are_grouped_and_combined() {
    let export = format!(
        "{LINES_HEADER}\
         #1001,paid,\"$1,234.50\",KT-01,\"vip, gift\",浙江省 杭州市 西湖区,\n\
         #1001,,,PRE-99,,,\n\
         #1001,,,KT-01,,,\n\
         #1002,pending,12.00,KT-02,,新疆维吾尔自治区 乌鲁木齐市,\n\
         #1003,paid,=\"88\",KT-03,,上海 上海市 浦东新区,2026-11-01\n"
    );
    insta::assert_snapshot!(read(LINES_PROFILE, "o.csv", export.as_bytes()).join("\n"), @r#"
    #1001: [Enum(1), Decimal(1234.50), Tags(["KT-01", "PRE-99"]), Tags(["vip", "gift"]), Text("浙江")]
    #1002: [Enum(0), Decimal(12.00), Tags(["KT-02"]), Missing, Text("新疆")]
    #1003: [Enum(4), Decimal(88), Tags(["KT-03"]), Missing, Text("上海")]
    "#);
}

/// Each kind of bad input costs only its own order, and its record names the line, the
/// field and the raw value (where there is one) and the reason.
#[test]
fn each_kind_of_bad_input_is_named_and_costs_one_order() {
    let export = [
        LINES_HEADER.as_bytes(),
        b"#1,paid,10,A,,,\n",
        b"#2,paid,12\n",                  // short row
        b"#3,paid,13,C,,,,extra\n",       // long row
        b"#4,paid,\"14,D,,,\n",           // a quote never closed
        b"#5,paid,15,E\xff\xfe,,,\n",     // invalid UTF-8
        b"\xef\xbb\xbf#6,paid,16,F,,,\n", // a byte-order mark mid-file
        b"#7,shipping,17,G,,,\n",         // unknown status
        b"#8,paid,12;00x,H,,,\n",         // unreadable amount
        b"#9,paid,,I,,,\n",               // blank required field
        b",paid,20,J,,,\n",               // blank group key
        b"#11,paid,21,K,,nowhere,\n",     // capture does not match
        b"#12,paid,22,L,,,\n",
    ]
    .concat();
    insta::assert_snapshot!(read(LINES_PROFILE, "o.csv", &export).join("\n"));
}

#[test]
fn json_paths_reach_into_nested_orders() {
    let profile = r#"
format: json
fields:
  order_id: { from: name }
  order_status: { from: financial_status, aliases: { paid: awaiting_shipment } }
  amount: { from: total_price }
  sku_tags: { from: "line_items[].sku" }
  order_tags: { from: tags, split: ", " }
  ship_region: { from: shipping_address.province_code }
"#;
    let export = r##"{"orders": [
  {"name": "#1", "financial_status": "paid", "total_price": "19.90", "tags": "a, b",
   "line_items": [{"sku": "KT-1"}, {"sku": "PRE-2"}], "shipping_address": {"province_code": "CA"}},
  [1, 2],
  {"name": "#3", "financial_status": "paid", "total_price": 5, "line_items": []}
]}"##;
    insta::assert_snapshot!(read(profile, "o.json", export.as_bytes()).join("\n"));
}

#[test]
fn gbk_exports_are_decoded_and_bad_bytes_named() {
    let profile = r#"
encoding: auto
spreadsheet_values: true
fields:
  order_id: { from: 订单编号 }
  order_status: { from: 订单状态, aliases: { "买家已付款，等待卖家发货": awaiting_shipment } }
  amount: { from: 买家实际支付金额 }
  sku_tags: { from: 商家编码, split: ";" }
  ship_region: { from: "收货地址", capture: '^\s*(.+?)(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|\s)' }
"#;
    let text = "订单编号,订单状态,买家实际支付金额,商家编码,收货地址 \r\n\
                =\"3512345678901234567\",买家已付款，等待卖家发货,128.00,KT-1;PRE-2,广西壮族自治区 南宁市 青秀区\r\n\
                =\"3512345678901234568\",买家已付款，等待卖家发货,99.00,KT-3,内蒙古自治区 呼和浩特市\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let mut bytes = gbk.into_owned();
    // A byte that starts a two-byte character, then a comma: not GBK.
    let (row, _, _) = encoding_rs::GBK.encode(",128.00,KT-1,浙江省 杭州市\r\n");
    bytes.extend_from_slice(b"=\"3512345678901234569\",\x81");
    bytes.extend_from_slice(&row);
    insta::assert_snapshot!(read(profile, "o.csv", &bytes).join("\n"));
}

#[test]
fn a_field_the_rules_need_and_the_profile_lacks_is_an_error_before_reading() {
    let set = routebook::load(&Source::new("t.rules", RULES)).expect("the rules check");
    let profile = Profile::parse("fields:\n  order_id: { from: Name }\n", "p.yaml", "p").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.csv");
    std::fs::write(&path, LINES_HEADER).unwrap();
    let specs = field_specs(&set);
    let err = profile::open(&path, None, profile, &specs, |n| is_tags(&set, n))
        .err()
        .expect("an error");
    insta::assert_snapshot!(format!(
        "{}\nhelp: {}",
        err.message,
        err.help.unwrap_or_default()
    ));
}

#[test]
fn unknown_keys_in_a_profile_name_the_line_and_the_key() {
    let yaml =
        "format: csv\nfields:\n  order_id: { from: Name }\n  amount: { from: Total, amout: {} }\n";
    let err = Profile::parse(yaml, "shop.yaml", "shop").expect_err("an unknown key");
    insta::assert_snapshot!(err.message);
}

#[test]
fn every_builtin_profile_reads() {
    for (name, _) in profile::BUILTIN {
        let p = profile::load(name).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        for field in ["order_id", "order_status", "amount", "sku_tags"] {
            assert!(p.fields.contains_key(field), "{name} gives no {field}");
        }
    }
}

/// One Shopify-style export: each order's rows, one line each.
fn orders() -> impl Strategy<Value = Vec<Vec<[String; 6]>>> {
    let row = (
        prop::sample::select(vec!["paid", "pending", "refunded", ""]),
        "[0-9]{1,4}\\.[0-9]{2}",
        "(KT|PRE)-[0-9]{2}",
        prop::sample::select(vec!["", "vip", "gift, vip"]),
    )
        .prop_map(|(status, total, sku, tags)| {
            [
                String::new(),
                status.to_string(),
                total,
                sku,
                tags.to_string(),
                "浙江省 杭州市".to_string(),
            ]
        });
    prop::collection::vec(prop::collection::vec(row, 1..4), 1..12)
}

/// Damage done to one row, after its key: cut short, bytes pushed in, two columns swapped.
#[derive(Debug, Clone)]
enum Damage {
    None,
    Truncate(usize),
    Inject(usize, Vec<u8>),
    Swap(usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        3 => Just(Damage::None),
        1 => (0usize..40).prop_map(Damage::Truncate),
        1 => (0usize..40, prop::collection::vec(
            prop::sample::select(vec![b'"', b',', 0xFF, 0xC3, 0xEF, 0xBB, 0xBF, b'\t', b'x', b'=', b'\'']),
            1..4,
        ))
            .prop_map(|(at, bytes)| Damage::Inject(at, bytes)),
        1 => (1usize..6, 1usize..6).prop_map(|(a, b)| Damage::Swap(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// However the rows after their keys are damaged, every order still yields exactly
    /// one record, in order, under its own key: nothing is lost and nothing merged.
    #[test]
    fn damaged_rows_still_give_one_record_per_order(
        orders in orders(),
        damages in prop::collection::vec(damage(), 40),
    ) {
        let mut export = LINES_HEADER.as_bytes().to_vec();
        let mut keys = Vec::new();
        let mut n = 0;
        for (i, rows) in orders.iter().enumerate() {
            let key = format!("#{}", 1000 + i);
            keys.push(key.clone());
            for row in rows {
                let mut cells: Vec<String> = row.to_vec();
                cells[0].clone_from(&key);
                if cells[4].contains(',') {
                    cells[4] = format!("\"{}\"", cells[4]);
                }
                cells.push(String::new());
                if let Damage::Swap(a, b) = damages[n % damages.len()] {
                    cells.swap(a, b);
                }
                let mut line = cells.join(",").into_bytes();
                // Everything after the key's comma may be damaged.
                let body = key.len() + 1;
                match &damages[n % damages.len()] {
                    Damage::Truncate(at) => line.truncate(body + at.min(&(line.len() - body))),
                    Damage::Inject(at, bytes) => {
                        let at = body + at.min(&(line.len() - body));
                        line.splice(at..at, bytes.iter().copied());
                    }
                    Damage::None | Damage::Swap(..) => {}
                }
                export.extend_from_slice(&line);
                export.push(b'\n');
                n += 1;
            }
        }
        let got = read(LINES_PROFILE, "o.csv", &export);
        let got_keys: Vec<&str> = got.iter().map(|r| r.split(": ").next().unwrap_or("")).collect();
        prop_assert_eq!(got_keys, keys.iter().map(String::as_str).collect::<Vec<_>>(), "{:#?}\n--- export:\n{}", got, String::from_utf8_lossy(&export));
    }
}

#[test]
fn profiles_lists_the_builtin_ones_and_shows_one() {
    let list = routebook(&["profiles"]);
    assert_eq!(list.code, 0);
    for (name, _) in profile::BUILTIN {
        assert!(
            list.stdout.lines().any(|l| l.starts_with(name)),
            "{name} in {}",
            list.stdout
        );
    }
    let shown = routebook(&["profiles", "show", "taobao"]);
    assert_eq!(
        (shown.code, shown.stdout.as_str()),
        (0, profile::builtin("taobao").unwrap())
    );
    let r = routebook(&["profiles", "show", "ebay"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no built-in profile `ebay`"),
        "{}",
        r.stderr
    );
}

/// A file of the wrong format: every order is invalid, and `--max-invalid` stops the run
/// with exit code 2 instead of writing an error record per order.
#[test]
fn max_invalid_stops_a_run_over_a_file_of_the_wrong_format() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_file(&dir, "t.rules", RULES);
    let mut text = String::from("order_id,order_status,amount,sku_tags,order_tags\n");
    for i in 0..50 {
        text.push_str(&format!("{i},paid,x{i},A,\n"));
    }
    let export = write_file(&dir, "o.csv", text);
    let out = dir.path().join("out.csv");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", &rules, "--input", &export];
        args.extend_from_slice(extra);
        routebook(&args)
    };
    let stopped = run(&["--max-invalid", "10", "--output", out.to_str().unwrap()]);
    assert_eq!(stopped.code, 2, "{}", stopped.stderr);
    assert!(
        stopped
            .stderr
            .contains("more than 10 orders have bad input"),
        "{}",
        stopped.stderr
    );
    assert!(
        stopped.stderr.contains("line 12"),
        "the latest bad order is named: {}",
        stopped.stderr
    );
    assert!(!out.exists(), "a stopped run leaves no output file");
    let enough = run(&["--max-invalid", "50"]);
    assert_eq!(enough.code, 3);
    assert_eq!(enough.stdout.lines().count(), 51);
}

/// Each built-in profile's sample export, in `examples/platforms/`.
const SAMPLES: &[(&str, &str)] = &[
    ("shopify", "shopify_orders_export.csv"),
    ("amazon", "amazon_all_orders.txt"),
    ("taobao", "taobao_orders.csv"),
    ("jd", "jd_orders.csv"),
    ("tiktok", "tiktok_orders.csv"),
    ("woocommerce", "woocommerce_orders.csv"),
];

/// `run rules/storefront.rules` over a sample through its profile: the CSV records.
fn decide_sample(profile: &str, file: &str) -> String {
    let input = format!("examples/platforms/{file}");
    let r = routebook(&[
        "run",
        "rules/storefront.rules",
        "--input",
        &input,
        "--profile",
        profile,
        // Two days after the samples' orders: some are overdue.
        "--now",
        "2026-11-13T12:00:00+08:00",
    ]);
    assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
    r.stdout
}

#[test]
fn each_platform_sample_is_decided() {
    for (profile, file) in SAMPLES {
        insta::assert_snapshot!(format!("sample_{profile}"), decide_sample(profile, file));
    }
}

/// The same orders exported by six platforms get the same decisions: everything but the
/// key column (each platform numbers orders its own way) is equal, row by row.
#[test]
fn every_platform_decides_the_same_orders_the_same_way() {
    let decisions = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|l| l.split_once(',').map_or("", |(_, rest)| rest).to_string())
            .collect()
    };
    let (first, first_file) = SAMPLES[0];
    let want = decisions(&decide_sample(first, first_file));
    assert!(want.len() >= 10, "{want:#?}");
    for (profile, file) in &SAMPLES[1..] {
        assert_eq!(
            decisions(&decide_sample(profile, file)),
            want,
            "{profile} vs {first}"
        );
    }
}

/// The times of the samples, as text until the core's `datetime` lands: the profile hands
/// the canonical text on, and the tests read it back with jiff.
const TIME_RULES: &str = r#"ruleset "profile-times" version "1"
fields {
  order_id text, key
  placed_at text, optional
  paid_at text, optional
}
decision route: first, default "main-dc"
rule early when order_id = "none" then route "hold"
"#;

/// Each order's placed_at and paid_at as one platform's sample gives them.
fn sample_times(profile: &str, file: &str) -> Vec<(String, String)> {
    let set = routebook::load(&Source::new("t.rules", TIME_RULES)).expect("the rules check");
    let p = profile::load(profile).unwrap_or_else(|e| panic!("{profile}: {}", e.message));
    let specs = field_specs(&set);
    let path = format!("examples/platforms/{file}");
    let mut reader = profile::open(Path::new(&path), None, p, &specs, |n| is_tags(&set, n))
        .expect("the sample opens");
    let mut raw = RawOrder::default();
    let mut got = Vec::new();
    while reader.next(&mut raw).expect("the sample reads") {
        assert!(raw.problem.is_none(), "{profile}: {:?}", raw.problem);
        got.push((raw.text(1).to_string(), raw.text(2).to_string()));
    }
    got
}

/// The instant of canonical text; civil text (no offset) is a failure here, since every
/// built-in sample either carries an offset or has a profile `timezone`.
fn instant(profile: &str, text: &str) -> jiff::Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("{profile}: `{text}` is not RFC 3339 with an offset: {e}"))
}

/// The same twelve orders (examples/platforms.rs) are placed and paid at the same instants
/// whichever platform exported them, though each writes them its own way and in its own
/// zone.
#[test]
fn every_sample_reads_its_times_into_the_same_instants() {
    // November 2026, UTC: (day, hour, minute, second); paid 14 s later, but for the unpaid
    // second order and the cancelled fourth.
    let placed = [
        (10, 14, 8, 25),
        (10, 15, 42, 3),
        (10, 17, 5, 51),
        (10, 19, 30, 12),
        (10, 22, 14, 40),
        (11, 0, 3, 9),
        (11, 1, 47, 33),
        (11, 3, 20, 18),
        (11, 5, 2, 47),
        (11, 6, 41, 5),
        (11, 8, 15, 56),
        (11, 9, 58, 21),
    ];
    let want: Vec<(jiff::Timestamp, Option<jiff::Timestamp>)> = placed
        .iter()
        .enumerate()
        .map(|(i, &(d, h, m, s))| {
            let t = jiff::civil::date(2026, 11, d)
                .at(h, m, s, 0)
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .expect("a UTC time")
                .timestamp();
            let paid = (i != 1 && i != 3).then(|| t + jiff::SignedDuration::from_secs(14));
            (t, paid)
        })
        .collect();
    let mut samples: Vec<(&str, &str)> = SAMPLES.to_vec();
    samples.push((
        "examples/profiles/woocommerce-eu.yaml",
        "woocommerce_eu_orders.csv",
    ));
    let mut first = Vec::new();
    for (profile, file) in samples {
        let got = sample_times(profile, file);
        assert_eq!(got.len(), want.len(), "{profile}");
        for (i, ((placed_at, paid_at), (placed, paid))) in got.iter().zip(&want).enumerate() {
            assert_eq!(instant(profile, placed_at), *placed, "{profile} #{i}");
            // Amazon's report has no payment time.
            if profile == "amazon" {
                assert_eq!(paid_at, "", "{profile} #{i}");
                continue;
            }
            match paid {
                Some(paid) => assert_eq!(instant(profile, paid_at), *paid, "{profile} #{i}"),
                None => assert_eq!(paid_at, "", "{profile} #{i}: unpaid, so blank"),
            }
        }
        first.push(format!("{profile}: {}", got[0].0));
    }
    insta::assert_snapshot!(first.join("\n"), @r"
    shopify: 2026-11-10T09:08:25-05:00
    amazon: 2026-11-10T14:08:25+00:00
    taobao: 2026-11-10T22:08:25+08:00
    jd: 2026-11-10T22:08:25+08:00
    tiktok: 2026-11-10T06:08:25-08:00
    woocommerce: 2026-11-10T09:08:25-05:00
    examples/profiles/woocommerce-eu.yaml: 2026-11-10T15:08:25+01:00
    ");
}

/// A profile with dates: an unreadable one costs its own order only, named with the line,
/// the field, the value as exported and the formats tried; a blank one stays blank.
#[test]
fn an_unreadable_date_is_bad_input_for_its_order() {
    let profile = r#"
format: csv
timezone: America/Los_Angeles
spreadsheet_values: true
fields:
  order_id: { from: Id }
  placed_at: { from: Created, date: { formats: ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M"] } }
  paid_at: { from: Paid, date: ["%m/%d/%Y %I:%M:%S %p"] }
"#;
    let export = "Id,Created,Paid\n\
                  1,11/21/2026 10:05:00 PM,11/21/2026 10:05:14 PM\n\
                  2,11/21/2026 22:05,\n\
                  3,21/11/2026 22:05:00,\n\
                  4,tomorrow,11/21/2026 10:05:14 PM\n\
                  5,2026-11-01T01:30:00,'11/01/2026 01:30:00 AM\n\
                  6,11/21/2026 10:05:00 PM,13/40/2026 10:05:14 PM\n";
    insta::assert_snapshot!(read_with(TIME_RULES, profile, "o.csv", export.as_bytes()).join("\n"), @r#"
    1: [Text("2026-11-21T22:05:00-08:00"), Text("2026-11-21T22:05:14-08:00")]
    2: [Text("2026-11-21T22:05:00-08:00"), Missing]
    3: line 4: field `placed_at`, value `21/11/2026 22:05:00`: not a date in ISO 8601 or any of the formats `%m/%d/%Y %I:%M:%S %p`, `%m/%d/%Y %H:%M`
    4: line 5: field `placed_at`, value `tomorrow`: not a date in ISO 8601 or any of the formats `%m/%d/%Y %I:%M:%S %p`, `%m/%d/%Y %H:%M`
    5: [Text("2026-11-01T01:30:00-07:00"), Text("2026-11-01T01:30:00-07:00")]
    6: line 7: field `paid_at`, value `13/40/2026 10:05:14 PM`: not a date in ISO 8601 or any of the formats `%m/%d/%Y %I:%M:%S %p`
    "#);
}

#[test]
fn a_bad_timezone_or_date_key_is_an_error_when_the_profile_loads() {
    let zone = "timezone: Asia/Shangai\nfields:\n  order_id: { from: Name }\n";
    let err = Profile::parse(zone, "shop.yaml", "shop").expect_err("an unknown zone");
    assert!(
        err.message
            .starts_with("profile `shop.yaml`: `timezone` `Asia/Shangai` is not a time zone"),
        "{}",
        err.message
    );
    let key = "fields:\n  order_id: { from: Name }\n  placed_at: { from: Created, date: { formts: [\"%F\"] } }\n";
    let err = Profile::parse(key, "shop.yaml", "shop").expect_err("an unknown key");
    assert!(
        err.message.contains("line 3") && err.message.contains("unknown field `formts`"),
        "{}",
        err.message
    );
    let format = "fields:\n  placed_at: { from: Created, date: [\"%H:%M\"] }\n";
    let err = Profile::parse(format, "shop.yaml", "shop").expect_err("a format without a date");
    assert!(
        err.message
            .starts_with("profile `shop.yaml`: field `placed_at`: `%H:%M` cannot read a date back"),
        "{}",
        err.message
    );
}
