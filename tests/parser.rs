//! Unit tests of the parser: one case per construct of the rule language.
//!
//! Expected trees are built with `Span::default()`; `Spanned` equality ignores spans, so
//! only the shape is compared. A few tests at the end check spans on purpose.

mod common;

use std::str::FromStr;

use routebook::source::Span;
use routebook::syntax::SyntaxError;
use routebook::syntax::ast::{
    ActionExpr, CmpOp, CondExpr, DecisionDef, FieldDecl, File, Header, Item, ListDef, ListRef,
    Literal, OpExpr, PolicyExpr, RuleDef, Spanned, TestExpr, TimePart, TypeExpr,
};
use routebook::syntax::parse;
use rust_decimal::Decimal;

use common::unspanned_item;

// ---------------------------------------------------------------- builders

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

fn s(x: &str) -> Spanned<String> {
    sp(x.to_string())
}

fn dec(x: &str) -> Decimal {
    Decimal::from_str(x).expect("a decimal")
}

fn lit_s(x: &str) -> Spanned<Literal> {
    sp(Literal::Str(x.to_string()))
}

fn lit_n(x: &str) -> Spanned<Literal> {
    sp(Literal::Num(dec(x)))
}

fn lit_b(b: bool) -> Spanned<Literal> {
    sp(Literal::Bool(b))
}

fn strs(xs: &[&str]) -> Vec<Spanned<Literal>> {
    xs.iter().map(|x| lit_s(x)).collect()
}

fn list(xs: &[&str]) -> Spanned<ListRef> {
    sp(ListRef::Literal(strs(xs)))
}

fn named(x: &str) -> Spanned<ListRef> {
    sp(ListRef::Named(x.to_string()))
}

fn bare(field: &str) -> Spanned<CondExpr> {
    sp(CondExpr::Test(TestExpr {
        part: None,
        subject: s(field),
        op: None,
    }))
}

fn t(field: &str, op: OpExpr) -> Spanned<CondExpr> {
    sp(CondExpr::Test(TestExpr {
        part: None,
        subject: s(field),
        op: Some(sp(op)),
    }))
}

/// A test on the local hour or weekday of a datetime field.
fn of(part: TimePart, field: &str, op: OpExpr) -> Spanned<CondExpr> {
    sp(CondExpr::Test(TestExpr {
        part: Some(part),
        subject: s(field),
        op: Some(sp(op)),
    }))
}

fn time(x: &str) -> Spanned<Literal> {
    sp(Literal::Time(x.to_string()))
}

fn dur(x: &str) -> Spanned<Literal> {
    sp(Literal::Duration(x.to_string()))
}

fn cmp(field: &str, op: CmpOp, l: Spanned<Literal>) -> Spanned<CondExpr> {
    t(field, OpExpr::Compare(op, l))
}

fn not(c: Spanned<CondExpr>) -> Spanned<CondExpr> {
    sp(CondExpr::Not(Box::new(c)))
}

fn and(cs: Vec<Spanned<CondExpr>>) -> Spanned<CondExpr> {
    sp(CondExpr::And(cs))
}

fn or(cs: Vec<Spanned<CondExpr>>) -> Spanned<CondExpr> {
    sp(CondExpr::Or(cs))
}

fn action(word: &str, value: &str) -> ActionExpr {
    ActionExpr {
        word: s(word),
        value: s(value),
    }
}

fn field(name: &str, ty: TypeExpr, modifiers: &[&str]) -> FieldDecl {
    FieldDecl {
        name: s(name),
        ty: sp(ty),
        modifiers: modifiers.iter().map(|m| s(m)).collect(),
    }
}

fn ty(name: &str) -> TypeExpr {
    TypeExpr::Named(name.to_string())
}

fn one_of(values: &[&str]) -> TypeExpr {
    TypeExpr::OneOf(values.iter().map(|v| s(v)).collect())
}

// ---------------------------------------------------------------- runners

fn parse_ok(text: &str) -> File {
    match parse(text) {
        Ok(f) => f,
        Err(errs) => panic!("expected {text:?} to parse, got {errs:#?}"),
    }
}

fn only_item(text: &str) -> Item {
    let mut file = parse_ok(text);
    assert_eq!(file.items.len(), 1, "one item in {text:?}: {file:#?}");
    file.items.pop().expect("one item")
}

fn only_rule(text: &str) -> RuleDef {
    match only_item(text) {
        Item::Rule(r) => r,
        other => panic!("expected a rule in {text:?}, got {other:#?}"),
    }
}

/// The condition of `rule r when COND then d "v"`.
fn cond_of(cond: &str) -> Spanned<CondExpr> {
    only_rule(&format!("rule r when {cond} then d \"v\"")).when
}

fn parse_err(text: &str) -> Vec<SyntaxError> {
    match parse(text) {
        Ok(f) => panic!("expected {text:?} to fail, parsed as {f:#?}"),
        Err(errs) => {
            assert!(!errs.is_empty(), "Err with no errors for {text:?}");
            errs
        }
    }
}

/// A condition parses to the expected tree.
macro_rules! cond_case {
    ($($name:ident: $src:expr => $want:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(cond_of($src), $want, "condition {:?}", $src);
        }
    )*};
}

/// A whole file of one item parses to the expected item.
macro_rules! item_case {
    ($($name:ident: $src:expr => $want:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(unspanned_item(only_item($src)), $want, "item {:?}", $src);
        }
    )*};
}

/// A file fails to parse; the first error's message (or label/help) mentions each word.
macro_rules! err_case {
    ($($name:ident: $src:expr => [$($word:expr),+ $(,)?];)*) => {$(
        #[test]
        fn $name() {
            let errs = parse_err($src);
            let e = &errs[0];
            let all = format!("{} | {} | {}", e.message, e.label, e.help.clone().unwrap_or_default());
            $(assert!(all.contains($word), "error for {:?} should mention {:?}: {all}", $src, $word);)+
        }
    )*};
}

// ---------------------------------------------------------------- header

item_case! {
    header_name_only: r#"ruleset "pets""# => Item::Header(Header {
        name: s("pets"), version: None, timezone: None, span: Span::default(),
    });
    header_with_version: r#"ruleset "pets" version "2026.11.1""# => Item::Header(Header {
        name: s("pets"), version: Some(s("2026.11.1")), timezone: None, span: Span::default(),
    });
    header_with_version_and_timezone: r#"ruleset "pets" version "3" timezone "Asia/Shanghai""# =>
        Item::Header(Header {
            name: s("pets"), version: Some(s("3")), timezone: Some(s("Asia/Shanghai")),
            span: Span::default(),
        });
    header_with_timezone_only: r#"ruleset "pets" timezone "UTC""# => Item::Header(Header {
        name: s("pets"), version: None, timezone: Some(s("UTC")), span: Span::default(),
    });
    header_across_lines: "ruleset \"pets\"\n  version \"1\"\n  timezone \"UTC\"" => Item::Header(Header {
        name: s("pets"), version: Some(s("1")), timezone: Some(s("UTC")), span: Span::default(),
    });
}

// ---------------------------------------------------------------- fields

item_case! {
    fields_every_type_and_modifier: r#"fields {
        order_id      text, key
        channel       one of "shopify", "amazon", "tmall"
        amount        decimal
        weight        decimal, optional
        first_order   bool
        gift_wrap     bool, optional
        sku_tags      tags
        buyer_note    text, optional
        tier          one of "new", "vip", optional
    }"# => Item::Fields(sp(vec![
        field("order_id", ty("text"), &["key"]),
        field("channel", one_of(&["shopify", "amazon", "tmall"]), &[]),
        field("amount", ty("decimal"), &[]),
        field("weight", ty("decimal"), &["optional"]),
        field("first_order", ty("bool"), &[]),
        field("gift_wrap", ty("bool"), &["optional"]),
        field("sku_tags", ty("tags"), &[]),
        field("buyer_note", ty("text"), &["optional"]),
        field("tier", one_of(&["new", "vip"]), &["optional"]),
    ]));
    fields_on_one_line: r#"fields { id text, key  a decimal  b bool }"# => Item::Fields(sp(vec![
        field("id", ty("text"), &["key"]),
        field("a", ty("decimal"), &[]),
        field("b", ty("bool"), &[]),
    ]));
    fields_empty_block: "fields { }" => Item::Fields(sp(vec![]));
    fields_unknown_type_and_modifier_are_left_to_the_checker: "fields { a number, requried, key }" =>
        Item::Fields(sp(vec![field("a", ty("number"), &["requried", "key"])]));
    fields_one_of_single_value: r#"fields { c one of "only" }"# =>
        Item::Fields(sp(vec![field("c", one_of(&["only"]), &[])]));
    fields_unicode_names: r#"fields { 订单号 text, key  地区 one of "华东", "华南" }"# =>
        Item::Fields(sp(vec![
            field("订单号", ty("text"), &["key"]),
            field("地区", one_of(&["华东", "华南"]), &[]),
        ]));
}

// ---------------------------------------------------------------- lists

item_case! {
    list_of_strings: r#"list east = ["江苏", "浙江", "上海"]"# => Item::List(ListDef {
        name: s("east"), items: sp(strs(&["江苏", "浙江", "上海"])),
    });
    list_empty: "list nothing = []" => Item::List(ListDef { name: s("nothing"), items: sp(vec![]) });
    list_trailing_comma: r#"list x = ["a", "b",]"# => Item::List(ListDef {
        name: s("x"), items: sp(strs(&["a", "b"])),
    });
    list_mixed_literals_are_left_to_the_checker: r#"list x = [1, "b", true, 2.5]"# =>
        Item::List(ListDef {
            name: s("x"),
            items: sp(vec![lit_n("1"), lit_s("b"), lit_b(true), lit_n("2.5")]),
        });
    list_across_lines: "list x = [\n  \"a\",  # first\n  \"b\"\n]" => Item::List(ListDef {
        name: s("x"), items: sp(strs(&["a", "b"])),
    });
}

// ---------------------------------------------------------------- decisions

fn decision(name: &str, policy: PolicyExpr, default: Option<&str>) -> Item {
    Item::Decision(DecisionDef {
        name: s(name),
        policy: sp(policy),
        default: default.map(s),
    })
}

item_case! {
    decision_first: "decision route: first" => decision("route", PolicyExpr::First, None);
    decision_first_default: r#"decision route: first, default "manual-review""# =>
        decision("route", PolicyExpr::First, Some("manual-review"));
    decision_highest: r#"decision approval: highest ["auto", "manager", "director"]"# =>
        decision("approval", PolicyExpr::Highest(strs(&["auto", "manager", "director"])), None);
    decision_highest_default: r#"decision approval: highest ["auto", "director"], default "auto""# =>
        decision("approval", PolicyExpr::Highest(strs(&["auto", "director"])), Some("auto"));
    decision_all: "decision flags: all" => decision("flags", PolicyExpr::All, None);
    decision_all_default: r#"decision labels: all, default "plain""# =>
        decision("labels", PolicyExpr::All, Some("plain"));
    decision_no_space_before_colon: "decision route :first" => decision("route", PolicyExpr::First, None);
}

// ---------------------------------------------------------------- rules

#[test]
fn rule_without_description() {
    let r = only_rule(
        "rule north_america\n  when ship_country in [\"US\", \"CA\"]\n  then route \"na\"",
    );
    assert_eq!(r.name, s("north_america"));
    assert_eq!(r.description, None);
    assert_eq!(r.when, t("ship_country", OpExpr::In(list(&["US", "CA"]))));
    assert_eq!(r.actions, vec![action("route", "na")]);
}

#[test]
fn rule_with_description() {
    let r = only_rule(r#"rule east "JS/ZJ/SH ship from \"Hangzhou\"" when a then route "east""#);
    assert_eq!(r.name, s("east"));
    assert_eq!(r.description, Some(s("JS/ZJ/SH ship from \"Hangzhou\"")));
    assert_eq!(r.when, bare("a"));
}

#[test]
fn rule_with_several_actions() {
    let r =
        only_rule(r#"rule big when a then approval "director", flag "second-review", flag "x""#);
    assert_eq!(
        r.actions,
        vec![
            action("approval", "director"),
            action("flag", "second-review"),
            action("flag", "x")
        ]
    );
}

#[test]
fn rule_on_one_line_and_across_many() {
    let one = only_rule(r#"rule r when a and b then d "v", e "w""#);
    let many = only_rule("rule r\n\n  when\n    a\n    and b\n  then\n    d \"v\",\n    e \"w\"\n");
    assert_eq!(
        one,
        RuleDef {
            span: one.span,
            ..many.clone()
        }
    );
    assert_eq!(one.when, and(vec![bare("a"), bare("b")]));
}

macro_rules! rule_name_case {
    ($($name:ident: $src:expr => $want:expr;)*) => {$(
        #[test]
        fn $name() {
            let r = only_rule(&format!("rule {} when a then d \"v\"", $src));
            assert_eq!(r.name, s($want));
        }
    )*};
}

rule_name_case! {
    rule_name_with_dashes: "big-first-order" => "big-first-order";
    rule_name_like_a_ticket: "OPS-1234" => "OPS-1234";
    rule_name_starting_with_a_digit: "2026-11-promo" => "2026-11-promo";
    rule_name_unicode: "双11-大促" => "双11-大促";
    rule_name_with_underscore: "_private_rule" => "_private_rule";
    rule_name_starting_with_keyword_prefix: "android_orders" => "android_orders";
}

// ---------------------------------------------------------------- operators

cond_case! {
    op_eq_text: r#"ship_country = "CN""# => cmp("ship_country", CmpOp::Eq, lit_s("CN"));
    op_ne_text: r#"ship_country != "CN""# => cmp("ship_country", CmpOp::Ne, lit_s("CN"));
    op_lt: "amount < 50" => cmp("amount", CmpOp::Lt, lit_n("50"));
    op_le: "amount <= 10000" => cmp("amount", CmpOp::Le, lit_n("10000"));
    op_gt: "amount > 2000" => cmp("amount", CmpOp::Gt, lit_n("2000"));
    op_ge: "amount >= 5000" => cmp("amount", CmpOp::Ge, lit_n("5000"));
    op_compare_without_spaces: "amount>=5000" => cmp("amount", CmpOp::Ge, lit_n("5000"));
    op_le_is_not_lt_then_eq: "amount<=5" => cmp("amount", CmpOp::Le, lit_n("5"));
    op_eq_true: "first_order = true" => cmp("first_order", CmpOp::Eq, lit_b(true));
    op_eq_false: "first_order = false" => cmp("first_order", CmpOp::Eq, lit_b(false));
    op_ne_number: "item_count != 99" => cmp("item_count", CmpOp::Ne, lit_n("99"));
    op_between: "amount between 500 and 2000" =>
        t("amount", OpExpr::Between(lit_n("500"), lit_n("2000")));
    op_between_then_and: "amount between 1 and 2 and paid" =>
        and(vec![t("amount", OpExpr::Between(lit_n("1"), lit_n("2"))), bare("paid")]);
    op_between_negative_bounds: "amount between -5.5 and -1" =>
        t("amount", OpExpr::Between(lit_n("-5.5"), lit_n("-1")));
    op_in_literal: r#"c in ["US", "CA"]"# => t("c", OpExpr::In(list(&["US", "CA"])));
    op_in_named: "c in east_china" => t("c", OpExpr::In(named("east_china")));
    op_in_empty: "c in []" => t("c", OpExpr::In(list(&[])));
    op_not_in_literal: r#"c not in ["HK", "MO"]"# => t("c", OpExpr::NotIn(list(&["HK", "MO"])));
    op_not_in_named: "c not in east_china" => t("c", OpExpr::NotIn(named("east_china")));
    op_contains: r#"address contains "大学城""# => t("address", OpExpr::Contains(s("大学城")));
    op_contains_any_literal: r#"address contains any ["PO Box", "P.O. Box"]"# =>
        t("address", OpExpr::ContainsAny(list(&["PO Box", "P.O. Box"])));
    op_contains_any_named: "address contains any vague_words" =>
        t("address", OpExpr::ContainsAny(named("vague_words")));
    op_contains_the_word_any: r#"address contains "any""# => t("address", OpExpr::Contains(s("any")));
    op_starts_with: r#"code starts with "EMP-""# => t("code", OpExpr::StartsWith(s("EMP-")));
    op_ends_with: r#"code ends with "-2026""# => t("code", OpExpr::EndsWith(s("-2026")));
    op_matches: r#"note matches "^1[3-9][0-9]{9}$""# =>
        t("note", OpExpr::Matches(s("^1[3-9][0-9]{9}$")));
    op_matches_with_escaped_backslash: r#"note matches "\\d+""# => t("note", OpExpr::Matches(s("\\d+")));
    op_has: r#"sku_tags has "fragile""# => t("sku_tags", OpExpr::Has(s("fragile")));
    op_has_any: r#"sku_tags has any ["vip", "svip"]"# => t("sku_tags", OpExpr::HasAny(list(&["vip", "svip"])));
    op_has_any_named: "sku_tags has any risky" => t("sku_tags", OpExpr::HasAny(named("risky")));
    op_has_all: r#"sku_tags has all ["LIVE-A", "LIVE-B"]"# =>
        t("sku_tags", OpExpr::HasAll(list(&["LIVE-A", "LIVE-B"])));
    op_has_all_empty: "sku_tags has all []" => t("sku_tags", OpExpr::HasAll(list(&[])));
    op_has_none: r#"sku_tags has none ["glass"]"# => t("sku_tags", OpExpr::HasNone(list(&["glass"])));
    op_has_none_named: "sku_tags has none fragile_things" =>
        t("sku_tags", OpExpr::HasNone(named("fragile_things")));
    op_is_missing: "ship_region is missing" => t("ship_region", OpExpr::IsMissing);
    op_is_present: "ship_region is present" => t("ship_region", OpExpr::IsPresent);
    op_bare_field: "first_order" => bare("first_order");
}

// ---------------------------------------------------------------- not / and / or

cond_case! {
    not_bare: "not paid" => not(bare("paid"));
    not_not: "not not paid" => not(not(bare("paid")));
    not_binds_to_the_whole_test: r#"not c = "CN""# => not(cmp("c", CmpOp::Eq, lit_s("CN")));
    and_chain_is_flat: "a and b and c" => and(vec![bare("a"), bare("b"), bare("c")]);
    or_chain_is_flat: "a or b or c" => or(vec![bare("a"), bare("b"), bare("c")]);
    precedence_or_and_not: "a or b and not c" => or(vec![bare("a"), and(vec![bare("b"), not(bare("c"))])]);
    precedence_and_before_or: "a and b or c and d" =>
        or(vec![and(vec![bare("a"), bare("b")]), and(vec![bare("c"), bare("d")])]);
    precedence_not_before_and: "not a and b" => and(vec![not(bare("a")), bare("b")]);
    parens_override_precedence: "(a or b) and c" => and(vec![or(vec![bare("a"), bare("b")]), bare("c")]);
    not_of_parens: "not (a or b)" => not(or(vec![bare("a"), bare("b")]));
    redundant_parens_vanish: "((a))" => bare("a");
    nested_parens_keep_structure: "a and (b or (c and not d))" =>
        and(vec![bare("a"), or(vec![bare("b"), and(vec![bare("c"), not(bare("d"))])])]);
    parens_and_inside_or_is_not_flattened_into_or: "a or (b or c)" =>
        or(vec![bare("a"), or(vec![bare("b"), bare("c")])]);
    not_in_is_an_operator_not_a_negation: r#"a not in ["x"] and not b"# =>
        and(vec![t("a", OpExpr::NotIn(list(&["x"]))), not(bare("b"))]);
    keyword_prefixed_names_are_names: r#"notes is missing or order_id = "x" and android"# => or(vec![
        t("notes", OpExpr::IsMissing),
        and(vec![cmp("order_id", CmpOp::Eq, lit_s("x")), bare("android")]),
    ]);
    names_containing_keywords: r#"isin = "x" or internal in ["a"] or hasty"# => or(vec![
        cmp("isin", CmpOp::Eq, lit_s("x")),
        t("internal", OpExpr::In(list(&["a"]))),
        bare("hasty"),
    ]);
    whole_example_condition: r#"ship_country = "CN" and ship_region in jiangsu_zhejiang_shanghai"# => and(vec![
        cmp("ship_country", CmpOp::Eq, lit_s("CN")),
        t("ship_region", OpExpr::In(named("jiangsu_zhejiang_shanghai"))),
    ]);
}

// ---------------------------------------------------------------- literals

cond_case! {
    escape_quote: r#"x = "say \"hi\"""# => cmp("x", CmpOp::Eq, lit_s("say \"hi\""));
    escape_newline_tab_cr: r#"x = "a\nb\tc\rd""# => cmp("x", CmpOp::Eq, lit_s("a\nb\tc\rd"));
    escape_backslash: r#"x = "C:\\dir""# => cmp("x", CmpOp::Eq, lit_s("C:\\dir"));
    escape_unicode: r#"x = "\u{4E2D}\u{56fd}""# => cmp("x", CmpOp::Eq, lit_s("中国"));
    escape_unicode_short_and_long: r#"x = "\u{41}\u{1F600}""# => cmp("x", CmpOp::Eq, lit_s("A😀"));
    string_empty: r#"x = """# => cmp("x", CmpOp::Eq, lit_s(""));
    string_with_hash_is_not_a_comment: r##"x = "#1 # 2""## => cmp("x", CmpOp::Eq, lit_s("#1 # 2"));
    string_unicode_raw: r#"x = "收件人不详""# => cmp("x", CmpOp::Eq, lit_s("收件人不详"));
    decimal_integer: "n = 2000" => cmp("n", CmpOp::Eq, lit_n("2000"));
    decimal_underscores: "n > 10_000" => cmp("n", CmpOp::Gt, lit_n("10000"));
    decimal_fraction: "n < 49.90" => cmp("n", CmpOp::Lt, lit_n("49.90"));
    decimal_negative: "n > -5.5" => cmp("n", CmpOp::Gt, lit_n("-5.5"));
    decimal_zero: "n = 0" => cmp("n", CmpOp::Eq, lit_n("0"));
    decimal_underscores_in_fraction: "n = 1_000.000_5" => cmp("n", CmpOp::Eq, lit_n("1000.0005"));
    decimal_many_digits: "n = 1234567890.123456789" => cmp("n", CmpOp::Eq, lit_n("1234567890.123456789"));
    unicode_identifiers: r#"地区 = "江苏" and 金额 > 100"# =>
        and(vec![cmp("地区", CmpOp::Eq, lit_s("江苏")), cmp("金额", CmpOp::Gt, lit_n("100"))]);
    identifier_with_digits: "tier2 and _flag" => and(vec![bare("tier2"), bare("_flag")]);
}

#[test]
fn decimal_literals_are_exact() {
    let Spanned {
        node: CondExpr::Test(TestExpr { op: Some(op), .. }),
        ..
    } = cond_of("n = 49.90")
    else {
        panic!("a test")
    };
    let OpExpr::Compare(
        _,
        Spanned {
            node: Literal::Num(n),
            ..
        },
    ) = op.node
    else {
        panic!("a comparison")
    };
    assert_eq!(n, Decimal::new(4990, 2));
    // Exact, not binary floating point: 0.1 + 0.2 is 0.3.
    let a = dec("0.1") + dec("0.2");
    assert_eq!(a, dec("0.3"));
}

// ---------------------------------------------------------------- comments and layout

#[test]
fn comments_everywhere() {
    let text = r#"# header comment
ruleset "x" version "1" # trailing
# between items
fields { # after brace
  id text, key   # the key
  paid bool
} # after block
decision d: first # policy
rule r "desc" # after description
  when paid # mid-condition
    and # after and
    not paid
  then d "v" # end
# final comment without newline"#;
    let file = parse_ok(text);
    assert_eq!(file.items.len(), 4);
    let Item::Rule(r) = &file.items[3] else {
        panic!("a rule")
    };
    assert_eq!(r.when, and(vec![bare("paid"), not(bare("paid"))]));
    assert_eq!(r.description, Some(s("desc")));
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(parse_ok(""), File::default());
    assert_eq!(parse_ok("   \n\t\n"), File::default());
    assert_eq!(parse_ok("# nothing here\n# at all"), File::default());
}

#[test]
fn byte_order_mark_and_ideographic_space_are_whitespace() {
    let file = parse_ok("\u{FEFF}ruleset \"x\"\u{3000}version \"1\"");
    assert_eq!(file.items.len(), 1);
}

#[test]
fn crlf_line_endings() {
    let text = "fields {\r\n  id text, key\r\n  paid bool\r\n}\r\nrule r\r\n  when paid\r\n  then d \"v\"\r\n";
    let file = parse_ok(text);
    assert_eq!(file.items.len(), 2);
}

#[test]
fn items_in_any_order() {
    let text = r#"rule r when a then d "v"
decision d: first
list l = ["x"]
fields { id text, key }
ruleset "late""#;
    let file = parse_ok(text);
    let kinds: Vec<&str> = file
        .items
        .iter()
        .map(|i| match i {
            Item::Header(_) => "header",
            Item::Fields(_) => "fields",
            Item::List(_) => "list",
            Item::Decision(_) => "decision",
            Item::Rule(_) => "rule",
        })
        .collect();
    assert_eq!(kinds, ["rule", "decision", "list", "fields", "header"]);
}

#[test]
fn whole_language_example_parses() {
    let text = include_str!("../rules/crossborder-pets.rules");
    let file = parse_ok(text);
    assert!(file.items.iter().any(|i| matches!(i, Item::Rule(_))));
}

// ---------------------------------------------------------------- spans

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

#[test]
fn spans_of_names_and_literals() {
    let text = r#"rule big-one "desc" when amount > 2000 and tags has "x" then approval "boss""#;
    let r = only_rule(text);
    assert_eq!(slice(text, r.name.span), "big-one");
    assert_eq!(
        slice(text, r.description.as_ref().expect("desc").span),
        "\"desc\""
    );
    let CondExpr::And(parts) = &r.when.node else {
        panic!("and")
    };
    let CondExpr::Test(TestExpr {
        subject,
        op: Some(op),
        ..
    }) = &parts[0].node
    else {
        panic!("test")
    };
    assert_eq!(slice(text, subject.span), "amount");
    assert_eq!(slice(text, op.span), "> 2000");
    let OpExpr::Compare(_, l) = &op.node else {
        panic!("compare")
    };
    assert_eq!(slice(text, l.span), "2000");
    assert_eq!(slice(text, r.actions[0].word.span), "approval");
    assert_eq!(slice(text, r.actions[0].value.span), "\"boss\"");
}

#[test]
fn spans_of_not_cover_the_keyword() {
    let text = r#"rule r when not  paid then d "v""#;
    let r = only_rule(text);
    assert_eq!(r.when.span.start, text.find("not").expect("not"));
    // `trim_end`: see `item_and_condition_spans_end_at_their_last_token`.
    assert_eq!(slice(text, r.when.span).trim_end(), "not  paid");
}

#[test]
fn spans_count_bytes_of_unicode_text() {
    let text = "rule 规则 when 地区 = \"江苏\" then d \"v\"";
    let r = only_rule(text);
    assert_eq!(slice(text, r.name.span), "规则");
    let CondExpr::Test(TestExpr { subject, .. }) = &r.when.node else {
        panic!("test")
    };
    assert_eq!(slice(text, subject.span), "地区");
}

// Item and condition spans are used by diagnostics (e.g. `duplicate-header`) and traces;
// they should end at the item's last token, not swallow the blank lines and comments
// that follow it.
#[test]
fn regression_item_and_condition_spans_end_at_their_last_token() {
    let text = "ruleset \"x\"\n\n# about fields\nfields { id text, key  f bool }\nrule r when f  \n  # why\n then d \"v\"\n\n# next section\n";
    let file = parse_ok(text);
    let Item::Header(h) = &file.items[0] else {
        panic!("header")
    };
    assert_eq!(slice(text, h.span), "ruleset \"x\"");
    let Item::Rule(r) = &file.items[2] else {
        panic!("rule")
    };
    assert_eq!(
        slice(text, r.span),
        "rule r when f  \n  # why\n then d \"v\""
    );
    assert_eq!(slice(text, r.when.span), "f");
}

// ---------------------------------------------------------------- time

cond_case! {
    time_before_date: "placed_at before 2026-11-11" => t("placed_at", OpExpr::Before(time("2026-11-11")));
    time_after_minutes: "placed_at after 2026-11-11T20:00" =>
        t("placed_at", OpExpr::After(time("2026-11-11T20:00")));
    time_with_offset: "placed_at before 2026-11-11T20:00:00+08:00" =>
        t("placed_at", OpExpr::Before(time("2026-11-11T20:00:00+08:00")));
    time_in_utc: "placed_at after 2026-11-11T12:00Z" => t("placed_at", OpExpr::After(time("2026-11-11T12:00Z")));
    time_between: "placed_at between 2026-11-01 and 2026-11-11T23:59:59" =>
        t("placed_at", OpExpr::Between(time("2026-11-01"), time("2026-11-11T23:59:59")));
    time_older_than: "paid_at older than 48h" => t("paid_at", OpExpr::OlderThan(dur("48h")));
    time_within_compound: "paid_at within 1d12h" => t("paid_at", OpExpr::Within(dur("1d12h")));
    time_within_minutes: "paid_at within 2m" => t("paid_at", OpExpr::Within(dur("2m")));
    time_hour_of: "hour of placed_at between 0 and 6" =>
        of(TimePart::Hour, "placed_at", OpExpr::Between(lit_n("0"), lit_n("6")));
    time_weekday_of: r#"weekday of placed_at in ["sat", "sun"]"# =>
        of(TimePart::Weekday, "placed_at", OpExpr::In(list(&["sat", "sun"])));
    time_field_named_hour_is_a_field: "hour = 3" => cmp("hour", CmpOp::Eq, lit_n("3"));
    time_field_named_after: "after is missing" => t("after", OpExpr::IsMissing);
    time_missing: "placed_at is missing" => t("placed_at", OpExpr::IsMissing);
}

// ---------------------------------------------------------------- syntax errors

err_case! {
    err_missing_then: "rule r\n  when a\n  d \"v\"" => ["then"];
    err_missing_when: "rule r\n  then d \"v\"" => ["when"];
    err_missing_action: "rule r when a then" => ["expected a name", "the file ends here"];
    err_action_without_value: "rule r when a then d" => ["quoted string"];
    err_missing_condition: "rule r when then d \"v\"" => ["condition"];
    err_unterminated_string: "rule r when a = \"oops\n then d \"v\"" => ["unterminated string", "closing"];
    err_unknown_policy: "decision d: earliest" => ["hit policy", "earliest"];
    err_highest_without_list: "decision d: highest" => ["list"];
    err_double_ampersand: "rule r when a && b then d \"v\"" => ["`and`", "&"];
    err_malformed_decimal: "rule r when n < 1.2.3 then d \"v\"" => ["1.2.3"];
    err_decimal_with_letters: "rule r when n < 12abc then d \"v\"" => ["12abc"];
    err_decimal_out_of_range: "rule r when n < 99999999999999999999999999999999 then d \"v\"" =>
        ["number out of range"];
    err_bad_unicode_escape: r#"rule r when x = "\u{D800}" then d "v""# => ["not a character", "D800"];
    err_unknown_escape: r#"rule r when x = "\q" then d "v""# => ["expected"];
    err_is_without_missing_or_present: "rule r when x is then d \"v\"" => ["`missing` or `present`"];
    err_unclosed_paren: "rule r when (a or b then d \"v\"" => ["`or`"];
    err_stray_close_paren: "rule r when a) then d \"v\"" => ["`then`"];
    err_reserved_word_as_field: "rule r when and = \"x\" then d \"v\"" => ["condition"];
    err_reserved_word_as_rule_name: "rule when when a then d \"v\"" => ["rule name"];
    err_starts_without_with: "rule r when x starts \"a\" then d \"v\"" => ["`with`"];
    err_contains_without_string: "rule r when x contains abc then d \"v\"" => ["found `abc`"];
    err_field_without_type: "fields { a }" => ["type"];
    err_list_without_brackets: "list x = \"a\"" => ["list"];
    err_header_version_without_string: "ruleset \"x\" version 3" => ["quoted string"];
    err_header_unquoted_name: "ruleset pets" => ["quoted string"];
    err_duration_with_word_unit: "rule r when paid_at older than 48hours then d \"v\"" => ["`48hours` is not a number", "durations like `48h`"];
    err_older_without_than: "rule r when paid_at older 48h then d \"v\"" => ["`than`"];
    err_hour_of_without_field: "rule r when hour of = 3 then d \"v\"" => ["name"];
    err_date_with_short_month: "rule r when placed_at before 2026-1-11 then d \"v\"" => ["2026-1-11"];
}

// Where the missing piece is punctuation (`{`, `=`, `:`, `)`), the grammar's literal
// tokens are not named in the error: the message is "unexpected input" and it points at
// the item's first keyword instead of at the place the punctuation is missing.
err_case! {
    err_missing_brace_is_named: "fields id text, key" => ["expected `{`", "found `id`"];
    err_missing_equals_is_named: "list x [\"a\"]" => ["expected `=`", "found `[`"];
    err_missing_colon_is_named: "decision d first" => ["expected `:`", "found `first`"];
    err_garbage_at_top_level_names_the_items: "hello world" => ["`rule`", "found `hello`"];
}

#[test]
fn missing_punctuation_is_named_where_it_is_missing() {
    for (text, missing, at) in [
        ("fields id text, key", "{", "id"),
        ("list x [\"a\"]", "=", "["),
        ("decision d first", ":", "first"),
        ("rule r when (a then d \"v\"", ")", "then"),
    ] {
        let errs = parse_err(text);
        let e = &errs[0];
        assert!(
            e.message.contains(&format!("`{missing}`")),
            "{text:?}: {e:?}"
        );
        assert_eq!(slice(text, e.span), at, "{text:?}: {e:?}");
    }
    let errs = parse_err("hello world");
    assert!(errs[0].message.contains("`rule`"), "{:?}", errs[0]);
}

// Naming the missing punctuation needs pest's process-wide error-detail switch. Files
// parsed on other threads at the same time, good or bad, must not turn it off midway.
#[test]
fn missing_punctuation_is_named_while_other_threads_parse() {
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..200 {
                    let errs = parse_err("list x [\"a\"]");
                    assert!(errs[0].message.contains("`=`"), "{:?}", errs[0]);
                    parse("list y = [\"b\"]").expect("a good file parses");
                }
            });
        }
    });
}

#[test]
fn one_of_with_unquoted_values_is_rejected() {
    // The grammar reads `one` as a type name here; the checker then rejects it.
    let src = routebook::source::Source::new("t.rules", "fields { id text, key  c one of a, b }");
    let errs = routebook::load(&src).expect_err("unquoted one-of values are an error");
    assert!(!errs.is_empty());
}

#[test]
fn one_of_with_unquoted_values_says_to_quote_them() {
    let src = routebook::source::Source::new("t.rules", "fields { id text, key  c one of a, b }");
    let errs = routebook::load(&src).expect_err("unquoted one-of values are an error");
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].message.contains("quote") || errs[0].help.as_deref().unwrap_or("").contains('"')
    );
}

#[test]
fn error_points_at_the_offending_token() {
    let text = "fields { id text, key }\nrule r\n  when a\n  approval \"x\"\n";
    let errs = parse_err(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(slice(text, errs[0].span), "approval");
    assert_eq!(errs[0].label, "found `approval`");
}

#[test]
fn error_at_end_of_file_says_so() {
    let text = "rule r when a then";
    let errs = parse_err(text);
    assert_eq!(errs[0].label, "the file ends here", "{errs:#?}");
    assert!(errs[0].span.start <= text.len() && errs[0].span.end <= text.len());
}

#[test]
fn several_broken_items_give_several_errors() {
    let text = r#"ruleset "x" version "1"

fields {
  id     text, key
  amount decimal
  paid   bool
}

decision route: earliest

rule one
  when amount > 10
  route "a"

rule two
  when paid
  then route "b"

rule three
  then route "c"

rule four
  when amount < 1.2.3
  then route "d"
"#;
    let errs = parse_err(text);
    let line_of = |e: &SyntaxError| text[..e.span.start].matches('\n').count() + 1;
    let lines: Vec<usize> = errs.iter().map(line_of).collect();
    assert_eq!(lines, vec![9, 13, 20, 23], "{errs:#?}");
    assert!(
        errs[0].message.contains("hit policy"),
        "{}",
        errs[0].message
    );
    assert!(errs[1].message.contains("`then`"), "{}", errs[1].message);
    assert!(errs[2].message.contains("`when`"), "{}", errs[2].message);
}

#[test]
fn an_error_in_an_item_does_not_hide_errors_after_it_on_the_same_line_layout() {
    // Items laid out one per line: each broken one is reported once.
    let text = "decision a: nope\ndecision b: first\ndecision c: nope\n";
    let errs = parse_err(text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
}

#[test]
fn good_items_around_a_broken_one_do_not_produce_errors() {
    let text = "fields { id text, key }\n\nrule ok when a then d \"v\"\n\nrule bad when a then\n\nrule ok2 when b then d \"v\"\n";
    let errs = parse_err(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
}

#[test]
fn regression_indented_broken_item_is_reported_where_it_breaks() {
    let text = "rule r when a then d \"v\"\n  rule q when a d \"w\"\n";
    let errs = parse_err(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].message.contains("`then`"), "{:?}", errs[0]);
    assert_eq!(slice(text, errs[0].span), "d", "{:?}", errs[0]);
}
