//! The progress bar of a long run: orders per second and how much of the file is read.
//!
//! It appears on standard error only when that is a terminal, `CI` is not set, and the
//! run has gone on for a second; never in pipes, files or CI logs.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before it shows a bar.
const PATIENCE: Duration = Duration::from_secs(1);

pub struct Progress {
    /// `None` when no bar may be shown at all.
    start: Option<Instant>,
    len: Option<u64>,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// For a file of `len` bytes (unknown for standard input).
    pub fn new(len: Option<u64>) -> Self {
        let allowed = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            start: allowed.then(Instant::now),
            len,
            bar: None,
        }
    }

    /// `read` bytes of the file are read and `orders` orders written.
    pub fn update(&mut self, read: u64, orders: u64) {
        let Some(start) = self.start else { return };
        let elapsed = start.elapsed();
        if self.bar.is_none() && elapsed < PATIENCE {
            return;
        }
        let len = self.len;
        let bar = self.bar.get_or_insert_with(|| {
            let (bar, template) = match len {
                Some(n) => (
                    ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
                    "{bar:30} {percent:>3}% of {total_bytes}  {msg}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                    "{bytes} read  {msg}",
                ),
            };
            bar.set_style(ProgressStyle::with_template(template).expect("the template is valid"));
            bar
        });
        bar.set_position(read);
        #[allow(clippy::cast_precision_loss)]
        let rate = orders as f64 / elapsed.as_secs_f64().max(1e-3);
        bar.set_message(format!("{orders} orders, {rate:.0} orders/s"));
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
