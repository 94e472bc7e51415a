//! Printing the compiled tree: indented text for people, Graphviz for pictures.

use std::fmt::Write;

use super::{Edge, Node, NodeId, Tree};
use crate::check::{Policy, RuleSet};
use crate::decide::Outcome;

/// A leaf's `first`/`highest` decisions; `all` decisions are collected on the path.
fn outcome_text(set: &RuleSet, o: &Outcome) -> String {
    set.decisions
        .iter()
        .zip(&o.decisions)
        .filter(|(d, _)| d.policy != Policy::All)
        .map(|(d, x)| {
            let rules: Vec<&str> = x
                .rules
                .iter()
                .map(|r| set.rules[*r].name.as_str())
                .collect();
            let by = match (rules.is_empty(), x.values.is_empty()) {
                (false, _) => rules.join(", "),
                (true, false) => "default".to_string(),
                (true, true) => "empty".to_string(),
            };
            format!("{}={} ({by})", d.name, x.values.join(";"))
        })
        .collect::<Vec<_>>()
        .join("  ")
}

/// The rules an edge emits, as ` + rule_a + rule_b`, or nothing.
fn emit_text(set: &RuleSet, tree: &Tree, e: Edge) -> String {
    tree.emits[e.emit as usize]
        .iter()
        .map(|r| format!(" + {}", set.rules[*r].name))
        .collect()
}

fn summary(set: &RuleSet, tree: &Tree) -> String {
    let mut s = format!(
        "# {} rules over {} fields: {} nodes, {} distinct outcomes",
        set.rules.len(),
        set.fields.len(),
        tree.nodes.len(),
        tree.outcomes.len()
    );
    if tree.residuals.is_empty() {
        s.push_str(", fully compiled\n");
    } else {
        let _ = writeln!(
            s,
            "\n# work budget of {} reached: {} subtrees are decided rule by rule",
            tree.budget,
            tree.residuals.len()
        );
    }
    let all: Vec<String> = set
        .decisions
        .iter()
        .filter(|d| d.policy == Policy::All)
        .map(|d| match &d.default {
            Some(v) => format!("`{}` (default {v:?})", d.name),
            None => format!("`{}`", d.name),
        })
        .collect();
    if !all.is_empty() {
        let _ = writeln!(
            s,
            "# {}: the values of the rules marked `+ rule` on the path to a leaf",
            all.join(", ")
        );
    }
    s
}

/// A switch's targets with the cells that lead to each, so shared targets print once.
fn grouped(set: &RuleSet, tree: &Tree, field: usize, targets: &[Edge]) -> Vec<(Edge, Vec<String>)> {
    let mut groups: Vec<(Edge, Vec<String>)> = Vec::new();
    for (cell, t) in (0u32..).zip(targets) {
        let label = tree.domains[field].describe_cell(set, cell);
        match groups.iter_mut().find(|(g, _)| g == t) {
            Some((_, labels)) => labels.push(label),
            None => groups.push((*t, vec![label])),
        }
    }
    groups
}

/// Indented text; a node reached again is shown as `-> #id` instead of repeated.
pub fn to_text(set: &RuleSet, tree: &Tree) -> String {
    let mut out = summary(set, tree);
    let mut shown = vec![false; tree.nodes.len()];
    let _ = writeln!(out, "start{}:", emit_text(set, tree, tree.root));
    text_node(set, tree, tree.root.node, 1, &mut shown, &mut out);
    out
}

fn text_node(
    set: &RuleSet,
    tree: &Tree,
    id: NodeId,
    depth: usize,
    shown: &mut [bool],
    out: &mut String,
) {
    let pad = "  ".repeat(depth);
    let field_name = |f: usize| set.fields[f].name.as_str();
    let multi = !matches!(tree.node(id), Node::Leaf(_));
    if multi && shown[id as usize] {
        let _ = writeln!(out, "{pad}-> #{id}");
        return;
    }
    shown[id as usize] = true;
    match tree.node(id) {
        Node::Leaf(o) => {
            let _ = writeln!(
                out,
                "{pad}{}",
                outcome_text(set, &tree.outcomes[*o as usize])
            );
        }
        Node::Residual(r) => {
            let res = &tree.residuals[*r as usize];
            let names: Vec<&str> = res
                .live
                .iter()
                .map(|(r, _)| set.rules[*r].name.as_str())
                .collect();
            let _ = writeln!(out, "{pad}#{id} rule by rule: {}", names.join(", "));
        }
        Node::Switch { field, targets } => {
            let _ = writeln!(out, "{pad}#{id} {}:", field_name(*field));
            for (t, labels) in grouped(set, tree, *field, targets) {
                let _ = writeln!(
                    out,
                    "{pad}  {}{}:",
                    labels.join(" | "),
                    emit_text(set, tree, t)
                );
                text_node(set, tree, t.node, depth + 2, shown, out);
            }
        }
        Node::Bit {
            field,
            bit,
            yes,
            no,
        } => {
            let test = &tree.domains[*field].bit_names[*bit as usize];
            let _ = writeln!(out, "{pad}#{id} {} {test}?", field_name(*field));
            for (word, e) in [("yes", yes), ("no", no)] {
                let _ = writeln!(out, "{pad}  {word}{}:", emit_text(set, tree, *e));
                text_node(set, tree, e.node, depth + 2, shown, out);
            }
        }
    }
}

/// A Graphviz digraph of the tree.
pub fn to_dot(set: &RuleSet, tree: &Tree) -> String {
    let mut out = String::from("digraph routebook {\n  node [fontname=\"sans-serif\"];\n");
    let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let _ = writeln!(
        out,
        "  start [shape=point];\n  start -> n{} [label=\"{}\"];",
        tree.root.node,
        q(&emit_text(set, tree, tree.root))
    );
    for (id, node) in tree.nodes.iter().enumerate() {
        match node {
            Node::Leaf(o) => {
                let lines: Vec<String> = outcome_text(set, &tree.outcomes[*o as usize])
                    .split("  ")
                    .map(q)
                    .collect();
                let _ = writeln!(out, "  n{id} [shape=box, label=\"{}\"];", lines.join("\\n"));
            }
            Node::Residual(_) => {
                let _ = writeln!(
                    out,
                    "  n{id} [shape=box, style=dashed, label=\"rule by rule\"];"
                );
            }
            Node::Switch { field, targets } => {
                let _ = writeln!(out, "  n{id} [label=\"{}\"];", q(&set.fields[*field].name));
                for (t, labels) in grouped(set, tree, *field, targets) {
                    let label = format!("{}{}", labels.join(" | "), emit_text(set, tree, t));
                    let _ = writeln!(out, "  n{id} -> n{} [label=\"{}\"];", t.node, q(&label));
                }
            }
            Node::Bit {
                field,
                bit,
                yes,
                no,
            } => {
                let test = format!(
                    "{} {}",
                    set.fields[*field].name, tree.domains[*field].bit_names[*bit as usize]
                );
                let _ = writeln!(out, "  n{id} [label=\"{}?\"];", q(&test));
                for (word, e) in [("yes", yes), ("no", no)] {
                    let label = format!("{word}{}", emit_text(set, tree, *e));
                    let _ = writeln!(out, "  n{id} -> n{} [label=\"{}\"];", e.node, q(&label));
                }
            }
        }
    }
    out.push_str("}\n");
    out
}
