//! `routebook run`: decide every order of an export, one record per order, in input order.
//!
//! The export is cut into chunks (a few thousand orders each) at line breaks, and a
//! chunk's reader gives back a record that the cut split in two. With one thread, each
//! chunk is read, typed, decided and encoded in turn, starting with the record given
//! back; a chunk's orders are decided 64 at a time, each batch's searched texts searched
//! in one pass first (`decide::Ahead`). With more threads, chunks are shared between
//! them (`parallel`), and one that started inside a record is read again. Each thread
//! numbers the outcomes it meets (`decide::Outcomes`): an outcome is resolved, formatted
//! and counted once per thread, not once per order, and a chunk's counts are settled
//! (`Limit::settle`), in file order, once it is known to have been read from where a
//! record starts.

use std::io::Write;
use std::path::{Path, PathBuf};

mod parallel;
mod progress;
mod tally;

use parallel::parallel;
use progress::Progress;
use tally::{Counts, Limit, Tally};

use super::{CliError, Exit, NowArg, load_rules, open_export};
use crate::check::RuleSet;
use crate::compile::{Tree, compile};
use crate::decide::reference;
use crate::decide::{Ahead, Found, Outcomes, Scratch, decide_id};
use crate::input::{
    self, After, BATCH, ChunkReader, CsvChunkReader, FatalError, Next, RawFields, RawOrder, Reader,
    Row, typing::Typer,
};
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
    /// For tests: about how many bytes a chunk holds, so that small exports fall into
    /// many chunks (default: 512 KB).
    #[arg(long, hide = true, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..))]
    chunk_bytes: Option<u32>,
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
        chunk: args.chunk_bytes.map_or(input::CHUNK, |n| n as usize),
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
        for t in tallies {
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
    /// `--max-invalid`.
    max_invalid: Option<u64>,
    /// About how many bytes a chunk holds.
    chunk: usize,
}

/// One thread's working memory, reused from order to order, and its counts.
struct Work<'s> {
    ctx: &'s Ctx<'s>,
    raw: RawOrder,
    /// The record that ended a batch, when it was copied ([`After::Raw`]).
    tail: RawOrder,
    /// A batch of JSON Lines orders.
    batch: Vec<RawOrder>,
    ahead: Ahead,
    typer: Typer,
    scratch: Scratch,
    encoder: Box<dyn Encoder + 's>,
    tally: Tally,
    orders: u64,
}

impl<'s> Work<'s> {
    fn new(ctx: &'s Ctx<'s>) -> Self {
        Work {
            ctx,
            raw: RawOrder::default(),
            tail: RawOrder::default(),
            batch: Vec::new(),
            ahead: Ahead::new(ctx.tree),
            typer: Typer::default(),
            scratch: Scratch::new(ctx.tree),
            encoder: output::encoder(ctx.format, ctx.layout),
            tally: Tally {
                outcomes: Outcomes::default(),
                counts: Counts::new(ctx.set),
            },
            orders: 0,
        }
    }

    /// Reads, decides and encodes the next order onto `out`; `false` at the end.
    fn step(
        &mut self,
        reader: &mut (impl Reader + ?Sized),
        out: &mut Vec<u8>,
    ) -> Result<bool, FatalError> {
        match reader.next_row(&mut self.raw)? {
            Next::End => return Ok(false),
            Next::Raw => self.one(Src::Raw, Found::default(), out),
            Next::Row(row) => self.one(Src::Row(&row), Found::default(), out),
        }
        Ok(true)
    }

    /// Decides and encodes one order onto `out`. `found`: see `decide_raw_id`.
    ///
    /// An order is decided from its raw text (`decide_raw_id`) unless it has a bad value
    /// or `--explain` wants its typed values: then it is typed, which says what is wrong.
    #[inline(always)]
    fn one(&mut self, src: Src<'_>, found: Found, out: &mut Vec<u8>) {
        let Ctx { set, tree, .. } = *self.ctx;
        self.orders += 1;
        if !self.ctx.layout.explain {
            let (t, s, encoder) = (&mut self.tally, &mut self.scratch, self.encoder.as_mut());
            // Two calls, not one through `&dyn RawFields`: a row's field look-up is a
            // few instructions, and inlined it stays that.
            let decided = match src {
                Src::Row(row) => t.decide_raw(self.ctx, row, found, s, encoder, out),
                Src::Raw => t.decide_raw(self.ctx, &self.raw, found, s, encoder, out),
                Src::Tail => t.decide_raw(self.ctx, &self.tail, found, s, encoder, out),
                Src::Batch(i) => t.decide_raw(self.ctx, &self.batch[i], found, s, encoder, out),
            };
            if decided {
                return;
            }
        }
        let raw = match src {
            Src::Row(row) => {
                row.fill(&mut self.raw);
                &self.raw
            }
            Src::Raw => &self.raw,
            Src::Tail => &self.tail,
            Src::Batch(i) => &self.batch[i],
        };
        let key = raw.text(set.key).as_bytes();
        match self.typer.typed(set, raw) {
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
                let counts = &mut self.tally.counts;
                // `Limit::settle` names the bad order at which the count passes the
                // limit, which is at most the limit's own number into a chunk.
                if self
                    .ctx
                    .max_invalid
                    .is_some_and(|max| counts.bad.len() as u64 <= max)
                {
                    counts.bad.push(e.to_string());
                }
                counts.invalid.add(Err(&e));
                let rec = Record {
                    key,
                    result: Err(&e),
                    explain: None,
                };
                self.encoder.record(&rec, None, out);
            }
        }
    }

    /// Every order of `reader`'s chunk onto `out`.
    fn all(&mut self, reader: &mut ChunkReader, out: &mut Vec<u8>) -> Result<(), FatalError> {
        match reader {
            ChunkReader::Csv(csv) => self.batches(csv, out),
            ChunkReader::Lines(lines) => self.line_batches(lines, out)?,
        }
        Ok(())
    }

    /// Every order of a JSON Lines chunk onto `out`, a batch at a time as [`Work::batches`]
    /// does: each order is read into a `RawOrder` of `self.batch`.
    fn line_batches(
        &mut self,
        reader: &mut (impl Reader + ?Sized),
        out: &mut Vec<u8>,
    ) -> Result<(), FatalError> {
        let tree = self.ctx.tree;
        loop {
            let mut n = 0;
            while n < BATCH {
                if self.batch.len() == n {
                    self.batch.push(RawOrder::default());
                }
                if !reader.next(&mut self.batch[n])? {
                    break;
                }
                n += 1;
            }
            self.ahead.search_orders(tree, &self.batch[..n]);
            for i in 0..n {
                self.one(Src::Batch(i), self.ahead.found(i), out);
            }
            if n < BATCH {
                return Ok(());
            }
        }
    }

    /// Every order of a CSV chunk onto `out`, a batch at a time: the searches of fields
    /// with `contains`, `has` or `matches` literals run over the batch first
    /// (`decide::Ahead`).
    fn batches(&mut self, reader: &mut CsvChunkReader, out: &mut Vec<u8>) {
        let tree = self.ctx.tree;
        loop {
            let (rows, after) = reader.next_rows(&mut self.tail);
            self.ahead
                .search(tree, rows.text(), rows.ranges(), rows.fields());
            for i in 0..rows.len() {
                self.one(Src::Row(&rows.row(i)), self.ahead.found(i), out);
            }
            match after {
                After::End => return,
                After::More => {}
                After::Raw => self.one(Src::Tail, Found::default(), out),
            }
        }
    }

    /// The tally, with the counts settled into `counts` in its place.
    fn into_tally(self, counts: Counts) -> Tally {
        Tally {
            outcomes: self.tally.outcomes,
            counts,
        }
    }
}

/// Where the order [`Work::one`] decides is.
#[derive(Clone, Copy)]
enum Src<'r> {
    /// A CSV record read in place.
    Row(&'r Row<'r>),
    /// `Work::raw`.
    Raw,
    /// `Work::tail`.
    Tail,
    /// `Work::batch[i]`.
    Batch(usize),
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
    let (mut limit, mut counts) = (Limit::new(ctx.max_invalid), Counts::new(ctx.set));
    let mut reader = chunked.parser.reader();
    let (mut spent, mut out) = (Vec::new(), Vec::new());
    let mut progress = Progress::new(chunked.len);
    // One reader takes every chunk in turn, so it can give back a record that a chunk's
    // end cut in two, and the splitter need not follow every quote to avoid that.
    chunked.splitter.cut_at_line_breaks();
    while let Some(chunk) = chunked
        .splitter
        .next_after(spent, ctx.chunk, reader.cut_short())?
    {
        let read = chunk.read;
        spent = reader.load(chunk);
        out.clear();
        work.all(&mut reader, &mut out)?;
        limit.settle(&mut work.tally.counts, &mut counts)?;
        writer.write_encoded(&out)?;
        progress.update(read, work.orders);
    }
    progress.finish();
    Ok(vec![work.into_tally(counts)])
}

/// A JSON array, read whole by one thread, written out every so often.
fn whole_file(
    ctx: &Ctx<'_>,
    reader: &mut dyn Reader,
    writer: &mut dyn output::Writer,
) -> Result<Vec<Tally>, Stop> {
    let mut work = Work::new(ctx);
    let (mut limit, mut counts) = (Limit::new(ctx.max_invalid), Counts::new(ctx.set));
    let mut out = Vec::new();
    loop {
        let more = work.step(reader, &mut out)?;
        if more && out.len() < input::CHUNK {
            continue;
        }
        limit.settle(&mut work.tally.counts, &mut counts)?;
        writer.write_encoded(&out)?;
        out.clear();
        if !more {
            return Ok(vec![work.into_tally(counts)]);
        }
    }
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
