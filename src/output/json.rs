//! Decision records as JSON Lines (one object a line) or one JSON array.
//!
//! Every order with the same outcome shares everything but its key, so a record is
//! formatted once per outcome and the key's string spliced in for each order.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{Encoder, Layout, Record, Writer};
use crate::check::Policy;

pub struct JsonEncoder<'s> {
    layout: Layout<'s>,
    array: bool,
    /// By outcome number: the record around its key.
    around_key: Vec<Option<AroundKey>>,
    now: Option<String>,
}

/// A record's bytes before its key's string, and after it.
type AroundKey = (Box<[u8]>, Box<[u8]>);

/// A key no order has, to find where the key goes in a record formatted once.
const PLACEHOLDER: &str = "\u{0}routebook key\u{0}";

impl<'s> JsonEncoder<'s> {
    pub fn new(layout: Layout<'s>, array: bool) -> Self {
        JsonEncoder {
            layout,
            array,
            around_key: Vec::new(),
            now: layout.now(),
        }
    }

    /// Formats a record; in an array, each one after a `,` and a line break (the writer
    /// turns the first `,` into the array's `[`), in JSON Lines each on its own line.
    fn formatted(&self, rec: &Record<'_>, out: &mut Vec<u8>) {
        let obj = Value::Object(self.object(rec));
        if self.array {
            out.extend_from_slice(b",\n");
        }
        serde_json::to_writer(&mut *out, &obj).expect("formatting into memory cannot fail");
        if !self.array {
            out.push(b'\n');
        }
    }

    fn object(&self, rec: &Record<'_>) -> Map<String, Value> {
        let set = self.layout.set;
        let mut m = Map::new();
        m.insert(
            set.fields[set.key].name.clone(),
            json!(String::from_utf8_lossy(rec.key)),
        );
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
        if let Some(now) = &self.now {
            m.insert("now".into(), json!(now));
        }
        m
    }
}

impl Encoder for JsonEncoder<'_> {
    fn record(&mut self, rec: &Record<'_>, outcome: Option<u32>, out: &mut Vec<u8>) {
        let (Ok(o), Some(id), false) = (rec.result, outcome, self.layout.explain) else {
            return self.formatted(rec, out);
        };
        let id = id as usize;
        if self.around_key.len() <= id {
            self.around_key.resize(id + 1, None);
        }
        if self.around_key[id].is_none() {
            let mut bytes = Vec::new();
            let placeholder = Record {
                key: PLACEHOLDER.as_bytes(),
                result: Ok(o),
                explain: None,
            };
            self.formatted(&placeholder, &mut bytes);
            let quoted = serde_json::to_vec(PLACEHOLDER).expect("a string formats");
            let at = bytes
                .windows(quoted.len())
                .position(|w| w == quoted)
                .expect("the record holds its key");
            let after = bytes.split_off(at + quoted.len());
            bytes.truncate(at);
            self.around_key[id] = Some((bytes.into(), after.into()));
        }
        let (before, after) = self.around_key[id].as_ref().expect("formatted above");
        out.extend_from_slice(before);
        serde_json::to_writer(&mut *out, &String::from_utf8_lossy(rec.key))
            .expect("formatting into memory cannot fail");
        out.extend_from_slice(after);
    }
}

pub struct JsonWriter<'s> {
    out: io::BufWriter<Box<dyn Write + 's>>,
    array: bool,
    count: u64,
}

impl<'s> JsonWriter<'s> {
    pub fn new(out: Box<dyn Write + 's>, array: bool) -> Self {
        JsonWriter {
            out: io::BufWriter::with_capacity(1 << 16, out),
            array,
            count: 0,
        }
    }
}

impl Writer for JsonWriter<'_> {
    fn write_encoded(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.array && self.count == 0 {
            // The first record's `,` opens the array instead.
            self.out.write_all(b"[")?;
            self.out.write_all(&bytes[1..])?;
        } else {
            self.out.write_all(bytes)?;
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
