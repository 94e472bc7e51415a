//! Printing the compiled tree: indented text for people, Graphviz for pictures.

use std::fmt::Write;

use super::{Node, NodeId, Tree};
use crate::check::RuleSet;
use crate::decide::Outcome;

fn outcome_text(set: &RuleSet, o: &Outcome) -> String {
    set.decisions
        .iter()
        .zip(&o.decisions)
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
            "\n# node budget of {} reached: {} subtrees are decided rule by rule",
            tree.budget,
            tree.residuals.len()
        );
    }
    s
}

/// A switch's targets with the cells that lead to each, so shared targets print once.
fn grouped(
    set: &RuleSet,
    tree: &Tree,
    field: usize,
    targets: &[NodeId],
) -> Vec<(NodeId, Vec<String>)> {
    let mut groups: Vec<(NodeId, Vec<String>)> = Vec::new();
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
    text_node(set, tree, tree.root, 0, &mut shown, &mut out);
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
                let _ = writeln!(out, "{pad}  {}:", labels.join(" | "));
                text_node(set, tree, t, depth + 2, shown, out);
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
            let _ = writeln!(out, "{pad}  yes:");
            text_node(set, tree, *yes, depth + 2, shown, out);
            let _ = writeln!(out, "{pad}  no:");
            text_node(set, tree, *no, depth + 2, shown, out);
        }
    }
}

/// A Graphviz digraph of the tree.
pub fn to_dot(set: &RuleSet, tree: &Tree) -> String {
    let mut out = String::from("digraph routebook {\n  node [fontname=\"sans-serif\"];\n");
    let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    for (id, node) in tree.nodes.iter().enumerate() {
        match node {
            Node::Leaf(o) => {
                let text = outcome_text(set, &tree.outcomes[*o as usize]).replace("  ", "\\n");
                let _ = writeln!(
                    out,
                    "  n{id} [shape=box, label=\"{}\"];",
                    q(&text).replace("\\\\n", "\\n")
                );
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
                    let _ = writeln!(
                        out,
                        "  n{id} -> n{t} [label=\"{}\"];",
                        q(&labels.join(" | "))
                    );
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
                let _ = writeln!(
                    out,
                    "  n{id} -> n{yes} [label=\"yes\"];\n  n{id} -> n{no} [label=\"no\"];"
                );
            }
        }
    }
    out.push_str("}\n");
    out
}
