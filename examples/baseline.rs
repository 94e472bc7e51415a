//! The floor `routebook run` is measured against: read every record of a CSV export with
//! one reused `csv::ByteRecord` and parse its `amount` as a `rust_decimal`, nothing else.
//!
//! ```sh
//! cargo run --release --example baseline -- orders.csv
//! ```
//!
//! Prints `orders seconds orders/s MB/s` on one line (and the count of amounts that did
//! not parse on standard error), so a script can compare it with a run in the same session.

use std::str::FromStr;
use std::time::Instant;

use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: baseline FILE.csv")?;
    let bytes = std::fs::metadata(&path)?.len();
    let start = Instant::now();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(&path)?;
    let amount = rdr
        .byte_headers()?
        .iter()
        .position(|h| h == b"amount")
        .ok_or("no `amount` column")?;
    let mut record = csv::ByteRecord::new();
    let (mut orders, mut bad, mut total) = (0u64, 0u64, Decimal::ZERO);
    while rdr.read_byte_record(&mut record)? {
        orders += 1;
        match record
            .get(amount)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| Decimal::from_str(s).ok())
        {
            Some(d) => total += d,
            None => bad += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let (rate, mbs) = (orders as f64 / secs, bytes as f64 / secs / 1e6);
    println!("{orders} {secs:.3} {rate:.0} {mbs:.1}");
    eprintln!("{bad} amounts did not parse; total {total}");
    Ok(())
}
