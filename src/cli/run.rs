//! `routebook run`: decide every order of an export, one record per order, in input order.
//!
//! The export is cut into chunks (a few thousand orders each). With one thread, each
//! chunk is read, typed, decided and encoded in turn, and a CSV chunk is cut at a line
//! break, its reader giving back a record cut in two. With more, a reader thread cuts
//! chunks of whole records, worker threads turn each into the bytes of its records, and
//! the main thread writes those in chunk order; a fixed set of buffers goes round, so
//! memory stays flat however long the file. Each thread numbers the outcomes it meets
//! (`decide::Outcomes`): an outcome is resolved, formatted and counted once per thread,
//! not once per order.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

mod progress;

use progress::Progress;

use super::{CliError, Exit, NowArg, load_rules, open_export};
use crate::check::RuleSet;
use crate::compile::{Tree, compile};
use crate::decide::reference::{self, RuleTrace};
use crate::decide::{Outcome, Outcomes, Scratch, decide_id, decide_raw_id};
use crate::input::{self, Chunk, FatalError, Next, RawFields, RawOrder, Reader, typing::Typer};
use crate::output::{self, Encoder, Layout, Record, Summary};
use crate::profile::is_tags;

/// Decide every order of an export.
///
/// Example: routebook run rules/crossborder-pets.rules --input examples/crossborder-pets.csv --summary
#[derive(clap::Args)]
pub struct Args {
    /// The rule file.
    rules: PathBuf,
    /// The export to read (`-` is standard input).
    #[arg(long, short)]
    input: PathBuf,
    /// The export's format; guessed from its extension when not given.
    #[arg(long, value_enum)]
    input_format: Option<input::Format>,
    /// How to read the export: a built-in profile's name (`routebook profiles`) or a
    /// profile file; without one, the columns are the field names.
    #[arg(long)]
    profile: Option<String>,
    /// Where to write the records (atomically); standard output when not given.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The records' format.
    #[arg(long, value_enum, default_value_t = output::Format::Csv)]
    format: output::Format,
    /// Add, per order, every rule's evaluated tests.
    #[arg(long)]
    explain: bool,
    /// Print counts per decision value, per rule and per kind of bad input to standard error.
    #[arg(long)]
    summary: bool,
    /// Exit 0 even when some orders had bad input (they still get their records).
    #[arg(long)]
    allow_invalid: bool,
    /// Stop (exit code 2, nothing written) as soon as more than N orders have bad input:
    /// a file of the wrong format should not yield a million error records.
    #[arg(long, value_name = "N")]
    max_invalid: Option<u64>,
    /// Threads that decide orders; the records stay in input order. Default: one per core.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    #[command(flatten)]
    now: NowArg,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let (source, set) = load_rules(&args.rules, &args.now)?;
    let tree = compile(&set);
    let format = args
        .input_format
        .unwrap_or_else(|| input::Format::from_path(&args.input));
    let specs = input::field_specs(&set);
    // A profile's rows are grouped and cleaned on one thread; the fast readers share
    // chunks between threads.
    let export = if args.profile.is_some() {
        let tags = |name: &str| is_tags(&set, name);
        Export::Whole(open_export(
            &args.input,
            args.input_format,
            args.profile.as_deref(),
            &specs,
            tags,
        )?)
    } else {
        match input::open_chunked(&args.input, format, &specs) {
            Ok(Some(chunked)) => Export::Chunked(chunked),
            Ok(None) => Export::Whole(open_export(
                &args.input,
                Some(format),
                None,
                &specs,
                |_| false,
            )?),
            Err(e) => return Err(CliError::Input(e)),
        }
    };

    let sink = Sink::open(args.output.as_deref())?;
    let ctx = Ctx {
        set: &set,
        tree: &tree,
        layout: Layout {
            set: &set,
            source: &source,
            explain: args.explain,
        },
        format: args.format,
        max_invalid: args.max_invalid,
        invalid: AtomicU64::new(0),
    };
    let write_err = |e: std::io::Error| CliError::Write {
        path: args
            .output
            .as_ref()
            .map_or("standard output".into(), |p| p.display().to_string()),
        reason: e.to_string(),
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let summary = {
        let mut writer = output::writer(args.format, sink.stream().map_err(write_err)?, ctx.layout);
        let tallies = match export {
            Export::Chunked(c) if threads > 1 => parallel(&ctx, c, threads, writer.as_mut()),
            Export::Chunked(c) => serial(&ctx, c, writer.as_mut()),
            Export::Whole(mut reader) => whole_file(&ctx, reader.as_mut(), writer.as_mut()),
        };
        let tallies = match tallies {
            Ok(t) => t,
            Err(Stop::Read(e)) => return Err(CliError::Input(e)),
            Err(Stop::Write(e)) => return Err(write_err(e)),
        };
        writer.finish().map_err(write_err)?;
        let mut summary = Summary::new(&set);
        for t in &tallies {
            t.add_to(&set, &mut summary);
        }
        summary
    };
    sink.commit().map_err(write_err)?;
    if args.summary {
        eprint!("{}", summary.render(&set));
    } else if summary.invalid > 0 {
        eprintln!(
            "{} of {} orders had bad input; their records carry the error (--summary for counts)",
            summary.invalid, summary.orders
        );
    }
    Ok(if summary.invalid > 0 && !args.allow_invalid {
        Exit::Invalid
    } else {
        Exit::Ok
    })
}

/// How the export is read: CSV and JSON Lines in chunks that threads can share, a JSON
/// array whole, one order after another.
enum Export {
    Chunked(input::Chunked),
    Whole(Box<dyn Reader>),
}

/// What every thread shares: the rules, the tree and how records look.
struct Ctx<'s> {
    set: &'s RuleSet,
    tree: &'s Tree,
    layout: Layout<'s>,
    format: output::Format,
    /// `--max-invalid`, and the orders with bad input so far over every thread.
    max_invalid: Option<u64>,
    invalid: AtomicU64,
}

/// One thread's working memory, reused from order to order, and its counts.
struct Work<'s> {
    ctx: &'s Ctx<'s>,
    raw: RawOrder,
    typer: Typer,
    scratch: Scratch,
    encoder: Box<dyn Encoder + 's>,
    tally: Tally,
    orders: u64,
}

/// What one thread decided: how many orders got each of the outcomes it met, and the
/// summary of its orders with bad input. Added up into the run's summary at the end.
struct Tally {
    outcomes: Outcomes,
    counts: Vec<u64>,
    invalid: Summary,
}

impl Tally {
    /// Decides an order from its raw text, counts it and encodes its record onto `out`;
    /// `false` (nothing done) when a value is bad.
    fn decide_raw(
        &mut self,
        ctx: &Ctx<'_>,
        src: &impl RawFields,
        s: &mut Scratch,
        encoder: &mut dyn Encoder,
        out: &mut Vec<u8>,
    ) -> bool {
        let Some(id) = decide_raw_id(ctx.set, ctx.tree, src, s, &mut self.outcomes) else {
            return false;
        };
        self.decided(id, src.text_bytes(ctx.set.key), None, encoder, out);
        true
    }

    /// Counts an order that got outcome `id` and encodes its record onto `out`.
    fn decided(
        &mut self,
        id: u32,
        key: &[u8],
        explain: Option<&[RuleTrace]>,
        encoder: &mut dyn Encoder,
        out: &mut Vec<u8>,
    ) {
        if self.counts.len() <= id as usize {
            self.counts.resize(id as usize + 1, 0);
        }
        self.counts[id as usize] += 1;
        let rec = Record {
            key,
            result: Ok(self.outcomes.get(id)),
            explain,
        };
        encoder.record(&rec, Some(id), out);
    }

    fn add_to(&self, set: &RuleSet, total: &mut Summary) {
        let inv = &self.invalid;
        total.orders += inv.orders;
        total.invalid += inv.invalid;
        for (reason, n) in &inv.reasons {
            *total.reasons.entry(reason.clone()).or_default() += n;
        }
        // Counting an outcome once with `Summary::add` and scaling that up keeps the
        // summary's rules in one place; `one` is emptied again after each outcome.
        let mut one = Summary::new(set);
        for (id, outcome) in self.outcomes.iter() {
            let n = self.counts[id as usize];
            if n > 0 {
                add_times(total, &mut one, outcome, n);
            }
        }
    }
}

fn add_times(total: &mut Summary, one: &mut Summary, outcome: &Outcome, n: u64) {
    one.add(Ok(outcome));
    total.orders += n * one.orders;
    one.orders = 0;
    for (into, from) in total.values.iter_mut().zip(&mut one.values) {
        for (value, k) in std::mem::take(from) {
            *into.entry(value).or_default() += n * k;
        }
    }
    for d in &outcome.decisions {
        for r in &d.rules {
            total.decided_by[*r] += n * std::mem::take(&mut one.decided_by[*r]);
        }
    }
}

impl<'s> Work<'s> {
    fn new(ctx: &'s Ctx<'s>) -> Self {
        Work {
            ctx,
            raw: RawOrder::default(),
            typer: Typer::default(),
            scratch: Scratch::new(ctx.tree),
            encoder: output::encoder(ctx.format, ctx.layout),
            tally: Tally {
                outcomes: Outcomes::default(),
                counts: Vec::new(),
                invalid: Summary::new(ctx.set),
            },
            orders: 0,
        }
    }

    /// Reads, decides and encodes the next order onto `out`; `false` at the end.
    ///
    /// An order is decided from its raw text (`decide_raw_id`) unless it has a bad value
    /// or `--explain` wants its typed values: then it is typed, which says what is wrong.
    fn step(&mut self, reader: &mut dyn Reader, out: &mut Vec<u8>) -> Result<bool, FatalError> {
        let Ctx { set, tree, .. } = *self.ctx;
        let row = match reader.next_row(&mut self.raw)? {
            Next::End => return Ok(false),
            Next::Raw => None,
            Next::Row(row) => Some(row),
        };
        self.orders += 1;
        if !self.ctx.layout.explain {
            let (t, s, encoder) = (&mut self.tally, &mut self.scratch, self.encoder.as_mut());
            // Two calls, not one through `&dyn RawFields`: a row's field look-up is a
            // few instructions, and inlined it stays that.
            let decided = match &row {
                Some(row) => t.decide_raw(self.ctx, row, s, encoder, out),
                None => t.decide_raw(self.ctx, &self.raw, s, encoder, out),
            };
            if decided {
                return Ok(true);
            }
        }
        if let Some(row) = row {
            row.fill(&mut self.raw);
        }
        let key = self.raw.text(set.key).as_bytes();
        match self.typer.typed(set, &self.raw) {
            Ok(order) => {
                let t = &mut self.tally;
                let id = decide_id(set, tree, &order, &mut self.scratch, &mut t.outcomes);
                let traces = self
                    .ctx
                    .layout
                    .explain
                    .then(|| reference::evaluate_traced(set, &order).1);
                t.decided(id, key, traces.as_deref(), self.encoder.as_mut(), out);
                self.typer.recycle(order);
            }
            Err(e) => {
                if let Some(max) = self.ctx.max_invalid {
                    let n = self.ctx.invalid.fetch_add(1, Ordering::Relaxed) + 1;
                    if n > max {
                        return Err(FatalError {
                            message: format!(
                                "stopped: more than {max} orders have bad input (--max-invalid {max}); the latest: {e}"
                            ),
                            help: Some("is the export of the format the rules expect? Reading it through a profile (--profile) may be what is missing".into()),
                        });
                    }
                }
                self.tally.invalid.add(Err(&e));
                let rec = Record {
                    key,
                    result: Err(&e),
                    explain: None,
                };
                self.encoder.record(&rec, None, out);
            }
        }
        Ok(true)
    }

    /// Every order of `reader` onto `out`.
    fn all(&mut self, reader: &mut dyn Reader, out: &mut Vec<u8>) -> Result<(), FatalError> {
        while self.step(reader, out)? {}
        Ok(())
    }
}

/// Why a run stopped: the export could not be read, or the records not written.
enum Stop {
    Read(FatalError),
    Write(std::io::Error),
}

impl From<FatalError> for Stop {
    fn from(e: FatalError) -> Self {
        Stop::Read(e)
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Write(e)
    }
}

/// One thread: each chunk in turn.
fn serial(
    ctx: &Ctx<'_>,
    mut chunked: input::Chunked,
    writer: &mut dyn output::Writer,
) -> Result<Vec<Tally>, Stop> {
    let mut work = Work::new(ctx);
    let mut reader = chunked.parser.reader();
    let (mut spent, mut out) = (Vec::new(), Vec::new());
    let mut progress = Progress::new(chunked.len);
    // One reader takes every chunk in turn, so it can give back a record that a chunk's
    // end cut in two, and the splitter need not follow every quote to avoid that.
    chunked.splitter.cut_at_line_breaks();
    while let Some(chunk) = chunked
        .splitter
        .next_after(spent, input::CHUNK, reader.cut_short())?
    {
        let read = chunk.read;
        spent = reader.load(chunk);
        out.clear();
        work.all(&mut reader, &mut out)?;
        writer.write_encoded(&out)?;
        progress.update(read, work.orders);
    }
    progress.finish();
    Ok(vec![work.tally])
}

/// A JSON array, read whole by one thread, written out every so often.
fn whole_file(
    ctx: &Ctx<'_>,
    reader: &mut dyn Reader,
    writer: &mut dyn output::Writer,
) -> Result<Vec<Tally>, Stop> {
    let mut work = Work::new(ctx);
    let mut out = Vec::new();
    while work.step(reader, &mut out)? {
        if out.len() >= input::CHUNK {
            writer.write_encoded(&out)?;
            out.clear();
        }
    }
    writer.write_encoded(&out)?;
    Ok(vec![work.tally])
}

/// A chunk on its way round: read, then decided into `out`, then written.
struct Slot {
    seq: u64,
    chunk: Chunk,
    out: Vec<u8>,
    orders: u64,
}

/// A reader thread, `threads` workers and this thread writing, in chunk order.
fn parallel(
    ctx: &Ctx<'_>,
    mut chunked: input::Chunked,
    threads: usize,
    writer: &mut dyn output::Writer,
) -> Result<Vec<Tally>, Stop> {
    // Enough chunks in flight to keep every worker busy while one waits to be written.
    let slots = 2 * threads + 2;
    let (free_tx, free_rx) = mpsc::channel::<Slot>();
    let (job_tx, job_rx) = mpsc::sync_channel::<Slot>(slots);
    let (done_tx, done_rx) = mpsc::channel::<Result<Slot, FatalError>>();
    let job_rx = Mutex::new(job_rx);
    for _ in 0..slots {
        let empty = Slot {
            seq: 0,
            chunk: Chunk::default(),
            out: Vec::new(),
            orders: 0,
        };
        free_tx.send(empty).expect("the receiver is here");
    }
    std::thread::scope(|scope| {
        let reader_done = done_tx.clone();
        scope.spawn(move || {
            for seq in 0.. {
                let Ok(mut slot) = free_rx.recv() else { return };
                match chunked
                    .splitter
                    .next_chunk(std::mem::take(&mut slot.chunk.bytes))
                {
                    Ok(Some(chunk)) => {
                        slot.seq = seq;
                        slot.chunk = chunk;
                        if job_tx.send(slot).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = reader_done.send(Err(e));
                        return;
                    }
                }
            }
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (done_tx, job_rx, parser) = (done_tx.clone(), &job_rx, &chunked.parser);
                scope.spawn(move || {
                    let mut work = Work::new(ctx);
                    let mut reader = parser.reader();
                    loop {
                        let job = job_rx.lock().map(|rx| rx.recv());
                        let Ok(Ok(mut slot)) = job else { break };
                        let chunk = std::mem::take(&mut slot.chunk);
                        let (line, read) = (chunk.line, chunk.read);
                        let spent = reader.load(chunk);
                        slot.chunk = Chunk {
                            bytes: spent,
                            line,
                            read,
                            whole: true,
                        };
                        slot.out.clear();
                        let before = work.orders;
                        let result = work.all(&mut reader, &mut slot.out);
                        slot.orders = work.orders - before;
                        if done_tx.send(result.map(|()| slot)).is_err() {
                            break;
                        }
                    }
                    work.tally
                })
            })
            .collect();
        drop(done_tx);
        let written = write_in_order(&done_rx, &free_tx, writer, chunked.len);
        drop((done_rx, free_tx));
        let tallies = workers
            .into_iter()
            .map(|w| w.join().expect("a worker thread does not panic"))
            .collect();
        written.map(|()| tallies)
    })
}

/// Writes each chunk's records as soon as every chunk before it is written.
fn write_in_order(
    done: &mpsc::Receiver<Result<Slot, FatalError>>,
    free: &mpsc::Sender<Slot>,
    writer: &mut dyn output::Writer,
    len: Option<u64>,
) -> Result<(), Stop> {
    let mut waiting: BTreeMap<u64, Slot> = BTreeMap::new();
    let (mut next, mut orders) = (0, 0);
    let mut progress = Progress::new(len);
    for slot in done {
        let slot = slot?;
        waiting.insert(slot.seq, slot);
        while let Some(slot) = waiting.remove(&next) {
            writer.write_encoded(&slot.out)?;
            orders += slot.orders;
            progress.update(slot.chunk.read, orders);
            next += 1;
            // The reader may have stopped already; the slot is then simply dropped.
            let _ = free.send(slot);
        }
    }
    progress.finish();
    Ok(())
}

/// Standard output, or a temporary file beside the target that replaces it only when the
/// run completes, so a killed run never leaves a half-written decisions file. A target
/// that exists and is no regular file (`/dev/null`, a named pipe) is written as it is:
/// renaming a file over it would replace the device itself.
pub enum Sink {
    Stdout,
    File {
        temp: tempfile::NamedTempFile,
        path: PathBuf,
    },
    Special(std::fs::File),
}

impl Sink {
    pub fn open(path: Option<&Path>) -> Result<Sink, CliError> {
        let Some(path) = path.filter(|p| *p != Path::new("-")) else {
            return Ok(Sink::Stdout);
        };
        let write_err = |e: std::io::Error| CliError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(write_err)?;
            return Ok(Sink::Special(f));
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let temp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
        Ok(Sink::File {
            temp,
            path: path.to_path_buf(),
        })
    }

    pub fn stream(&self) -> std::io::Result<Box<dyn Write + '_>> {
        Ok(match self {
            Sink::Stdout => Box::new(std::io::stdout().lock()),
            Sink::File { temp, .. } => Box::new(temp.as_file().try_clone()?),
            Sink::Special(f) => Box::new(f.try_clone()?),
        })
    }

    pub fn commit(self) -> std::io::Result<()> {
        match self {
            Sink::Stdout => std::io::stdout().flush(),
            Sink::File { temp, path } => temp.persist(&path).map(|_| ()).map_err(|e| e.error),
            Sink::Special(mut f) => f.flush(),
        }
    }
}
