//! Decision records as JSON Lines (one object a line) or one JSON array.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{Layout, Record, Writer};
use crate::check::Policy;

pub struct JsonWriter<'s> {
    out: io::BufWriter<Box<dyn Write + 's>>,
    layout: Layout<'s>,
    array: bool,
    count: u64,
}

impl<'s> JsonWriter<'s> {
    pub fn new(out: Box<dyn Write + 's>, layout: Layout<'s>, array: bool) -> Self {
        JsonWriter {
            out: io::BufWriter::with_capacity(1 << 16, out),
            layout,
            array,
            count: 0,
        }
    }

    fn object(&self, rec: &Record<'_>) -> Map<String, Value> {
        let set = self.layout.set;
        let mut m = Map::new();
        m.insert(set.fields[set.key].name.clone(), json!(rec.key));
        for (i, d) in set.decisions.iter().enumerate() {
            let (value, rules) = match rec.result {
                Ok(o) => {
                    let x = &o.decisions[i];
                    let value = if d.policy == Policy::All {
                        json!(x.values)
                    } else {
                        x.values.first().map_or(Value::Null, |v| json!(v))
                    };
                    (
                        value,
                        json!(self.layout.rule_names(&x.rules).collect::<Vec<_>>()),
                    )
                }
                Err(_) => (Value::Null, json!([])),
            };
            m.insert(d.name.clone(), value);
            m.insert(format!("{}_rules", d.name), rules);
        }
        m.insert(
            "error".into(),
            rec.result
                .err()
                .map_or(Value::Null, |e| json!(e.to_string())),
        );
        if self.layout.explain {
            let traces = rec.explain.unwrap_or_default();
            let explain: Vec<Value> = traces
                .iter()
                .map(|t| {
                    let tests: Vec<Value> = t
                        .tests
                        .iter()
                        .map(|(span, ok)| json!({"test": self.layout.source.slice(*span), "result": ok}))
                        .collect();
                    json!({"rule": set.rules[t.rule].name, "matched": t.matched, "tests": tests})
                })
                .collect();
            m.insert("explain".into(), Value::Array(explain));
        }
        if let Some(n) = &set.name {
            m.insert("ruleset".into(), json!(n));
        }
        if let Some(v) = &set.version {
            m.insert("version".into(), json!(v));
        }
        m
    }
}

impl Writer for JsonWriter<'_> {
    fn write(&mut self, rec: &Record<'_>) -> io::Result<()> {
        let obj = Value::Object(self.object(rec));
        if self.array {
            self.out
                .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut self.out, &obj)?;
        if !self.array {
            self.out.write_all(b"\n")?;
        }
        self.count += 1;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}
