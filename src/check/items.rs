//! Checking the top-level items: the header, fields, lists, decisions and rules.

use std::collections::BTreeMap;

use super::err::{did_you_mean, duplicate, unknown};
use super::model::{Action, Decision, Field, FieldType, Policy, Rule, RuleSet};
use crate::diag::Diag;
use crate::source::Span;
use crate::syntax::ast::{self, Item, Literal, PolicyExpr, Spanned, TypeExpr};
use crate::time::Clock;

const TYPES: [&str; 5] = ["text", "decimal", "bool", "tags", "datetime"];
const MODIFIERS: [&str; 2] = ["key", "optional"];

#[derive(Default)]
pub struct Checker {
    pub errors: Vec<Diag>,
    pub fields: Vec<Field>,
    /// Ordered, so that "known: ..." and "did you mean" read the same on every run.
    pub lists: BTreeMap<String, (Span, Vec<Spanned<Literal>>)>,
    pub decisions: Vec<Decision>,
    /// With no fields block, every field reference would be "unknown": say it once.
    pub no_fields: bool,
    /// The header's zone (UTC without one), for reading datetime literals.
    pub clock: Clock,
}

impl Checker {
    pub fn check_file(&mut self, file: &ast::File) -> Option<RuleSet> {
        let header = self.header(file);
        let key = self.fields_block(file);
        for item in &file.items {
            match item {
                Item::List(l) => self.list(l),
                Item::Decision(d) => self.decision(d),
                _ => {}
            }
        }
        let rules = self.rules(file);
        let key = key?;
        let (name, version) = header;
        Some(RuleSet {
            name,
            version,
            declared: self.fields.iter().filter(|f| f.derived.is_none()).count(),
            fields: std::mem::take(&mut self.fields),
            key,
            decisions: std::mem::take(&mut self.decisions),
            rules,
            clock: self.clock.clone(),
        })
    }

    fn header(&mut self, file: &ast::File) -> (Option<String>, Option<String>) {
        let mut found: Option<&ast::Header> = None;
        for item in &file.items {
            if let Item::Header(h) = item {
                match found {
                    Some(first) => self.errors.push(
                        Diag::error("duplicate-header", h.span, "a second `ruleset` header")
                            .label("second header")
                            .related(first.span, "first header")
                            .help("a file names its rule set once; remove one header"),
                    ),
                    None => found = Some(h),
                }
            }
        }
        if let Some(tz) = found.and_then(|h| h.timezone.as_ref()) {
            match jiff::tz::TimeZone::get(&tz.node) {
                Ok(zone) => self.clock.zone = zone,
                Err(_) => self.errors.push(
                    Diag::error(
                        "unknown-timezone",
                        tz.span,
                        format!("unknown time zone `{}`", tz.node),
                    )
                    .label("not a time zone name")
                    .help("use a name from the IANA time zone database, such as `Asia/Shanghai`, `Europe/Berlin` or `UTC`"),
                ),
            }
        }
        match found {
            Some(h) => (
                Some(h.name.node.clone()),
                h.version.as_ref().map(|v| v.node.clone()),
            ),
            None => (None, None),
        }
    }

    /// Declares the fields; returns the key field's id when there is exactly one.
    fn fields_block(&mut self, file: &ast::File) -> Option<usize> {
        let blocks: Vec<&Spanned<Vec<ast::FieldDecl>>> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Fields(f) => Some(f),
                _ => None,
            })
            .collect();
        let Some(block) = blocks.first() else {
            self.no_fields = true;
            let at = Span::new(0, 0);
            self.errors.push(
                Diag::error("no-fields", at, "the file has no `fields` block")
                    .label("expected a fields block in this file")
                    .help("declare the order's fields: `fields { order_id text, key  amount decimal }`"),
            );
            return None;
        };
        for extra in &blocks[1..] {
            self.errors.push(
                Diag::error("duplicate-fields", extra.span, "a second `fields` block")
                    .label("second block")
                    .related(block.span, "first block")
                    .help("declare every field in one block"),
            );
        }
        let mut keys: Vec<(usize, Span)> = Vec::new();
        let mut decls = block.node.iter().peekable();
        while let Some(decl) = decls.next() {
            // `channel one of a, b` parses as type `one` and a field named `of`: one error.
            if decl.ty.node == TypeExpr::Named("one".into())
                && let Some(next) = decls.next_if(|d| d.name.node == "of")
            {
                let end = next.modifiers.last().map_or(next.ty.span, |m| m.span);
                self.errors.push(
                    Diag::error(
                        "unquoted-values",
                        decl.ty.span.to(end),
                        "the values of `one of` must be quoted",
                    )
                    .label("unquoted values")
                    .help("write them as strings: `one of \"a\", \"b\"`"),
                );
                continue;
            }
            if let Some(first) = self.fields.iter().find(|f| f.name == decl.name.node) {
                self.errors.push(duplicate(
                    "field",
                    &decl.name.node,
                    decl.name.span,
                    first.span,
                ));
                continue;
            }
            let ty = self.field_type(&decl.ty);
            let mut optional = false;
            let mut key = false;
            for m in &decl.modifiers {
                match m.node.as_str() {
                    "key" => key = true,
                    "optional" => optional = true,
                    other => {
                        let d = Diag::error(
                            "unknown-modifier",
                            m.span,
                            format!("unknown field modifier `{other}`"),
                        )
                        .label("not a modifier");
                        let d = match did_you_mean(other, MODIFIERS) {
                            Some(s) => d.help(format!(
                                "did you mean `{s}`? modifiers are `key` and `optional`"
                            )),
                            None => d.help("modifiers are `key` and `optional`"),
                        };
                        self.errors.push(d);
                    }
                }
            }
            let id = self.fields.len();
            if key {
                if let Some((_, first)) = keys.first() {
                    self.errors.push(
                        Diag::error("second-key", decl.name.span, "a second `key` field")
                            .label("also marked key")
                            .related(*first, "the key field")
                            .help("one field identifies an order; remove `key` from one of them"),
                    );
                } else if ty.as_ref().is_some_and(|t| *t != FieldType::Text) {
                    self.errors.push(
                        Diag::error("key-not-text", decl.ty.span, "the key field must be text")
                            .label("declared here")
                            .help("order ids are text even when they look like numbers; write `text, key`"),
                    );
                } else if optional {
                    self.errors.push(
                        Diag::error(
                            "optional-key",
                            decl.name.span,
                            "the key field cannot be optional",
                        )
                        .label("key and optional")
                        .help("every order needs its key in every output; remove `optional`"),
                    );
                }
                keys.push((id, decl.name.span));
            }
            self.fields.push(Field {
                name: decl.name.node.clone(),
                ty: ty.unwrap_or(FieldType::Text),
                optional,
                span: decl.name.span,
                derived: None,
            });
        }
        if keys.is_empty() {
            self.errors.push(
                Diag::error("no-key", block.span, "no field is marked `key`")
                    .label("in this block")
                    .help("mark the field that identifies an order, e.g. `order_id text, key`"),
            );
        }
        keys.first().map(|(id, _)| *id)
    }

    fn field_type(&mut self, ty: &Spanned<TypeExpr>) -> Option<FieldType> {
        match &ty.node {
            TypeExpr::Named(n) => match n.as_str() {
                "text" => Some(FieldType::Text),
                "decimal" => Some(FieldType::Decimal),
                "bool" => Some(FieldType::Bool),
                "tags" => Some(FieldType::Tags),
                "datetime" => Some(FieldType::DateTime),
                other => {
                    let mut d = unknown("unknown-type", "type", other, ty.span, TYPES);
                    if did_you_mean(other, TYPES).is_none() {
                        let hint = match other {
                            "number" | "int" | "integer" | "float" | "money" | "amount" => {
                                "did you mean `decimal`? numbers and money are `decimal`"
                            }
                            "string" | "str" => "did you mean `text`?",
                            "boolean" => "did you mean `bool`?",
                            "date" | "time" | "timestamp" | "instant" => {
                                "did you mean `datetime`? dates and times are `datetime`"
                            }
                            _ => {
                                "types are text, decimal, bool, tags, datetime and `one of \"a\", \"b\"`"
                            }
                        };
                        d = d.help(hint);
                    }
                    self.errors.push(d);
                    None
                }
            },
            TypeExpr::OneOf(values) => {
                let mut seen: Vec<&Spanned<String>> = Vec::new();
                for v in values {
                    if let Some(first) = seen.iter().find(|s| s.node == v.node) {
                        self.errors.push(
                            Diag::error(
                                "duplicate-value",
                                v.span,
                                format!("`{}` is listed twice", v.node),
                            )
                            .label("listed again")
                            .related(first.span, "first listed here")
                            .help("remove the repeated value"),
                        );
                    } else {
                        seen.push(v);
                    }
                }
                Some(FieldType::OneOf(
                    seen.iter().map(|s| s.node.clone()).collect(),
                ))
            }
        }
    }

    fn list(&mut self, l: &ast::ListDef) {
        if let Some((first, _)) = self.lists.get(&l.name.node) {
            self.errors
                .push(duplicate("list", &l.name.node, l.name.span, *first));
            return;
        }
        self.lists
            .insert(l.name.node.clone(), (l.name.span, l.items.node.clone()));
    }

    fn decision(&mut self, d: &ast::DecisionDef) {
        if let Some(first) = self.decisions.iter().find(|x| x.name == d.name.node) {
            self.errors
                .push(duplicate("decision", &d.name.node, d.name.span, first.span));
            return;
        }
        let policy = match &d.policy.node {
            PolicyExpr::First => Policy::First,
            PolicyExpr::All => Policy::All,
            PolicyExpr::Highest(items) => {
                let mut values: Vec<String> = Vec::new();
                for it in items {
                    match &it.node {
                        Literal::Str(s) if values.contains(s) => self.errors.push(
                            Diag::error(
                                "duplicate-value",
                                it.span,
                                format!("`{s}` is listed twice"),
                            )
                            .label("listed again")
                            .help("each value has one rank; remove the repeated one"),
                        ),
                        Literal::Str(s) => values.push(s.clone()),
                        other => self.errors.push(
                            Diag::error(
                                "type-mismatch",
                                it.span,
                                format!("decision values are text, not {}", other.kind()),
                            )
                            .label("expected a quoted value")
                            .help(format!("write it quoted: `\"{other}\"`")),
                        ),
                    }
                }
                Policy::Highest(values)
            }
        };
        if let (Some(def), Policy::Highest(order)) = (&d.default, &policy)
            && !order.contains(&def.node)
        {
            self.errors
                .push(not_ranked(&def.node, &d.name.node, order, def.span));
        }
        self.decisions.push(Decision {
            name: d.name.node.clone(),
            policy,
            default: d.default.as_ref().map(|s| s.node.clone()),
            span: d.name.span,
        });
    }

    fn rules(&mut self, file: &ast::File) -> Vec<Rule> {
        let mut rules: Vec<Rule> = Vec::new();
        // Names seen so far, with where each first stands: a look-up, not a scan, so that
        // ten thousand rules check in linear time.
        let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for item in &file.items {
            let Item::Rule(r) = item else { continue };
            if let Some(first) = seen.get(r.name.node.as_str()) {
                self.errors
                    .push(duplicate("rule", &r.name.node, r.name.span, *first));
                continue;
            }
            seen.insert(&r.name.node, r.name.span);
            let cond = self.cond(&r.when);
            let actions = self.actions(r);
            let accepts = self.accepts(r);
            if let Some(cond) = cond {
                rules.push(Rule {
                    name: r.name.node.clone(),
                    description: r.description.as_ref().map(|d| d.node.clone()),
                    cond,
                    actions,
                    accepts,
                    span: r.span,
                    name_span: r.name.span,
                });
            }
        }
        rules
    }

    fn actions(&mut self, r: &ast::RuleDef) -> Vec<Action> {
        let mut out: Vec<(Action, Span)> = Vec::new();
        for a in &r.actions {
            let Some(id) = self.action_decision(&a.word) else {
                continue;
            };
            let decision = &self.decisions[id];
            match &decision.policy {
                Policy::Highest(order) if !order.contains(&a.value.node) => {
                    self.errors.push(not_ranked(
                        &a.value.node,
                        &decision.name,
                        order,
                        a.value.span,
                    ));
                    continue;
                }
                Policy::First | Policy::Highest(_) => {
                    if let Some((_, first)) = out.iter().find(|(x, _)| x.decision == id) {
                        self.errors.push(
                            Diag::error(
                                "second-action",
                                a.word.span.to(a.value.span),
                                format!("rule `{}` sets `{}` twice", r.name.node, decision.name),
                            )
                            .label("set again here")
                            .related(*first, "first set here")
                            .help(format!(
                                "`{}` takes one value per rule; keep one action",
                                decision.name
                            )),
                        );
                        continue;
                    }
                }
                Policy::All => {}
            }
            let action = Action {
                decision: id,
                value: a.value.node.clone(),
            };
            if !out.iter().any(|(x, _)| *x == action) {
                out.push((action, a.word.span.to(a.value.span)));
            }
        }
        out.into_iter().map(|(a, _)| a).collect()
    }

    fn accepts(&mut self, r: &ast::RuleDef) -> Vec<(String, String)> {
        let kinds: Vec<&str> = crate::analysis::Kind::ALL
            .iter()
            .map(|k| k.code())
            .collect();
        let mut out = Vec::new();
        for a in &r.accepts {
            match crate::analysis::Kind::from_code(&a.kind.node) {
                Some(k) => out.push((k.code().to_string(), a.reason.node.clone())),
                None => self.errors.push(unknown(
                    "unknown-warning",
                    "warning kind",
                    &a.kind.node,
                    a.kind.span,
                    kinds.iter().copied(),
                )),
            }
            if a.reason.node.trim().is_empty() {
                self.errors.push(
                    Diag::error(
                        "no-reason",
                        a.reason.span,
                        "an accepted warning needs a reason",
                    )
                    .label("empty reason")
                    .help("say why the warning is fine, so the next reader knows"),
                );
            }
        }
        out
    }

    /// An action word is a decision's name, or the singular of an `all` decision's name.
    fn action_decision(&mut self, word: &Spanned<String>) -> Option<usize> {
        if let Some(id) = self.decisions.iter().position(|d| d.name == word.node) {
            return Some(id);
        }
        let singular = |d: &Decision| {
            (d.policy == Policy::All)
                .then(|| d.name.strip_suffix('s'))
                .flatten()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(id) = self
            .decisions
            .iter()
            .position(|d| singular(d).as_deref() == Some(word.node.as_str()))
        {
            return Some(id);
        }
        let words: Vec<String> = self
            .decisions
            .iter()
            .flat_map(|d| std::iter::once(d.name.clone()).chain(singular(d)))
            .collect();
        self.errors.push(unknown(
            "unknown-decision",
            "decision",
            &word.node,
            word.span,
            words.iter().map(String::as_str),
        ));
        None
    }
}

fn not_ranked(value: &str, decision: &str, order: &[String], span: Span) -> Diag {
    let d = Diag::error(
        "unranked-value",
        span,
        format!("`{value}` is not in the `highest` list of `{decision}`"),
    )
    .label("not ranked");
    let expected = format!("expected one of {}", order.join(", "));
    match did_you_mean(value, order.iter().map(String::as_str)) {
        Some(s) => d.help(format!("did you mean `{s}`? {expected}")),
        None => d.help(format!("{expected}, or add it to the list")),
    }
}
