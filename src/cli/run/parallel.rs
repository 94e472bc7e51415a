//! `run` on several threads: a reader thread cuts the export into chunks, workers decide
//! them, and the calling thread writes their records in chunk order.
//!
//! A chunk is cut at a line break near its size where a row seems to start
//! (`input/split.rs`), not where a record ends, which only following every quote from
//! the chunk's start can tell (a serial pass that cost the reader thread more than its
//! share of two cores, now only where no line looks like a row). A line break can be
//! inside a quoted field, and then the next chunk starts inside a record
//! and its worker reads it wrongly. The writer finds out, in order: a worker's reader
//! gives back a record that its chunk's end cut in two (`ChunkReader::cut_short`), and
//! then the writer reads the chunk after it again itself, from that record's start,
//! dropping what the worker made of it. Until a chunk is known to have started where a
//! record starts, it counts for nothing: its counts travel with it (`Counts`) and are
//! settled by the writer. JSON Lines is cut at line breaks anyway; no line is cut.
//! A fixed set of slots goes round, so memory stays flat however long the file.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc;

use super::{Counts, Ctx, Limit, Progress, Stop, Tally, Work};
use crate::input::{self, Chunk, ChunkParser, ChunkReader, FatalError};
use crate::output;

/// A chunk on its way round: read, then decided into `out`, then written.
struct Slot {
    seq: u64,
    chunk: Chunk,
    /// Where the record that the chunk's end cut in two starts, when one did.
    cut: Option<usize>,
    out: Vec<u8>,
    orders: u64,
    /// What the orders came to, by the numbering of worker `worker`'s outcomes.
    counts: Counts,
    worker: usize,
    /// Whether the chunk was read to its end; an error counts only if the chunk started
    /// where a record starts.
    result: Result<(), FatalError>,
}

/// A reader thread, `threads` workers and this thread writing, in chunk order.
pub(super) fn parallel(
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
            cut: None,
            out: Vec::new(),
            orders: 0,
            counts: Counts::new(ctx.set),
            worker: 0,
            result: Ok(()),
        };
        free_tx.send(empty).expect("the receiver is here");
    }
    chunked.splitter.cut_at_line_breaks();
    std::thread::scope(|scope| {
        let reader_done = done_tx.clone();
        scope.spawn(move || {
            for seq in 0.. {
                let Ok(mut slot) = free_rx.recv() else { return };
                match chunked
                    .splitter
                    .next_sized(std::mem::take(&mut slot.chunk.bytes), ctx.chunk)
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
            .map(|worker| {
                let (done_tx, job_rx, parser) = (done_tx.clone(), &job_rx, &chunked.parser);
                scope.spawn(move || {
                    let mut work = Work::new(ctx);
                    let mut reader = parser.reader();
                    loop {
                        let job = job_rx.lock().map(|rx| rx.recv());
                        let Ok(Ok(mut slot)) = job else { break };
                        decide(&mut work, &mut reader, &mut slot);
                        slot.worker = worker;
                        if done_tx.send(Ok(slot)).is_err() {
                            break;
                        }
                    }
                    work.tally.outcomes
                })
            })
            .collect();
        drop(done_tx);
        let mut written = InOrder::new(ctx, &chunked.parser, threads, writer, chunked.len);
        let result = written.all(&done_rx, &free_tx);
        drop((done_rx, free_tx));
        let outcomes: Vec<_> = workers
            .into_iter()
            .map(|w| w.join().expect("a worker thread does not panic"))
            .collect();
        result?;
        // Each worker's outcomes with the counts the writer settled for it.
        let mut tallies: Vec<Tally> = outcomes
            .into_iter()
            .zip(written.counts)
            .map(|(outcomes, counts)| Tally { outcomes, counts })
            .collect();
        tallies.push(written.again.into_tally(written.again_counts));
        Ok(tallies)
    })
}

/// A worker's turn with a chunk: its records into `slot.out`, its counts into
/// `slot.counts`, and its bytes back in the slot, in case it has to be read again.
fn decide(work: &mut Work<'_>, reader: &mut ChunkReader, slot: &mut Slot) {
    let chunk = std::mem::take(&mut slot.chunk);
    let (line, read, whole) = (chunk.line, chunk.read, chunk.whole);
    // A chunk that was read again leaves the worker's counts of it in the slot.
    slot.counts.clear();
    std::mem::swap(&mut work.tally.counts, &mut slot.counts);
    let done = read_chunk(work, reader, chunk, &mut slot.out);
    std::mem::swap(&mut work.tally.counts, &mut slot.counts);
    (slot.result, slot.orders, slot.cut) = (done.result, done.orders, done.cut);
    slot.chunk = Chunk {
        bytes: done.bytes,
        line,
        read,
        whole,
    };
}

/// What reading a chunk came to.
struct Done {
    /// Whether it was read to its end.
    result: Result<(), FatalError>,
    orders: u64,
    /// Its bytes, taken back from the reader.
    bytes: Vec<u8>,
    /// Where the record that its end cut in two starts, when one did.
    cut: Option<usize>,
}

/// Every order of `chunk` onto `out`, counted in `work`'s tally: by a worker, or by the
/// writer reading a chunk again.
fn read_chunk(
    work: &mut Work<'_>,
    reader: &mut ChunkReader,
    chunk: Chunk,
    out: &mut Vec<u8>,
) -> Done {
    reader.load(chunk);
    out.clear();
    let before = work.orders;
    let result = work.all(reader, out);
    let tail = reader.cut_short().map(<[u8]>::len);
    let bytes = reader.unload();
    Done {
        result,
        orders: work.orders - before,
        cut: tail.map(|n| bytes.len() - n),
        bytes,
    }
}

/// The start of a record that a chunk's end cut in two, to be read with what follows.
struct Cut {
    bytes: Vec<u8>,
    /// The line it starts on.
    line: u64,
    /// How long it was when last read: it is read again once it is twice as long (or
    /// the input ends), so that a record over many chunks is read a few times, not once
    /// a chunk.
    tried: usize,
}

impl Cut {
    /// The part from `at` on of `bytes`, which start on line `line`.
    fn of(bytes: &[u8], line: u64, at: usize) -> Cut {
        let (before, bytes) = bytes.split_at(at);
        Cut {
            line: line + input::line_breaks(before),
            tried: bytes.len(),
            bytes: bytes.to_vec(),
        }
    }
}

/// The writing thread: takes the chunks as they are done, writes them in order, settles
/// their counts, and reads a chunk again when it did not start where a record starts.
struct InOrder<'a, 's> {
    writer: &'a mut dyn output::Writer,
    progress: Progress,
    limit: Limit,
    /// By worker, the counts of the chunks it read that stand.
    counts: Vec<Counts>,
    /// What reads chunks again, and its counts.
    again: Work<'s>,
    again_counts: Counts,
    reader: ChunkReader,
    out: Vec<u8>,
    /// A record that the last chunk written cut in two; the next chunk is read with it.
    cut: Option<Cut>,
    orders: u64,
}

impl<'a, 's> InOrder<'a, 's> {
    fn new(
        ctx: &'s Ctx<'s>,
        parser: &ChunkParser,
        threads: usize,
        writer: &'a mut dyn output::Writer,
        len: Option<u64>,
    ) -> Self {
        InOrder {
            writer,
            progress: Progress::new(len),
            limit: Limit::new(ctx.max_invalid),
            counts: (0..threads).map(|_| Counts::new(ctx.set)).collect(),
            again: Work::new(ctx),
            again_counts: Counts::new(ctx.set),
            reader: parser.reader(),
            out: Vec::new(),
            cut: None,
            orders: 0,
        }
    }

    /// Every chunk, each as soon as every chunk before it is written.
    fn all(
        &mut self,
        done: &mpsc::Receiver<Result<Slot, FatalError>>,
        free: &mpsc::Sender<Slot>,
    ) -> Result<(), Stop> {
        let mut waiting: BTreeMap<u64, Slot> = BTreeMap::new();
        let mut next = 0;
        for slot in done {
            let slot = slot?;
            waiting.insert(slot.seq, slot);
            while let Some(mut slot) = waiting.remove(&next) {
                self.chunk(&mut slot)?;
                self.progress.update(slot.chunk.read, self.orders);
                next += 1;
                // The reader may have stopped already; the slot is then simply dropped.
                let _ = free.send(slot);
            }
        }
        // A record still waiting to be read with more, or cut where the input happens
        // to end (that chunk is not known to be the last).
        if let Some(cut) = self.cut.take() {
            self.read_again(cut, true)?;
        }
        self.progress.finish();
        Ok(())
    }

    /// The next chunk in order: what its worker made of it, or read again.
    fn chunk(&mut self, slot: &mut Slot) -> Result<(), Stop> {
        let Some(mut cut) = self.cut.take() else {
            // It starts where a record starts: its worker read it right.
            std::mem::replace(&mut slot.result, Ok(()))?;
            self.limit
                .settle(&mut slot.counts, &mut self.counts[slot.worker])?;
            self.writer.write_encoded(&slot.out)?;
            self.orders += slot.orders;
            self.cut = slot
                .cut
                .map(|at| Cut::of(&slot.chunk.bytes, slot.chunk.line, at));
            return Ok(());
        };
        // It starts inside the record that the chunk before cut in two: what its worker
        // made of it is dropped (its counts are cleared when the slot comes round).
        cut.bytes.extend_from_slice(&slot.chunk.bytes);
        // At the input's end, what is still waiting is read after the loop.
        if cut.bytes.len() < 2 * cut.tried {
            self.cut = Some(cut);
            return Ok(());
        }
        self.read_again(cut, slot.chunk.whole)
    }

    /// Reads a record that a chunk's end cut in two, and what follows it, on this
    /// thread; `whole` when the input ends with it.
    fn read_again(&mut self, cut: Cut, whole: bool) -> Result<(), Stop> {
        let line = cut.line;
        let chunk = Chunk {
            bytes: cut.bytes,
            line,
            read: 0,
            whole,
        };
        let done = read_chunk(&mut self.again, &mut self.reader, chunk, &mut self.out);
        done.result?;
        self.orders += done.orders;
        self.limit
            .settle(&mut self.again.tally.counts, &mut self.again_counts)?;
        self.writer.write_encoded(&self.out)?;
        self.cut = done.cut.map(|at| Cut::of(&done.bytes, line, at));
        Ok(())
    }
}
