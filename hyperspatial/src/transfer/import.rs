//! The import itself: a reader thread parses and maps rows, the calling thread
//! writes them in batches (with the edges whose other end is known by then), then
//! creates the remaining edges; on failure it takes back what it wrote (see the
//! module docs of `transfer`).

use super::convert::{EdgeRef, Prepared, prepare};
use super::format::{Format, rows};
use super::mapping::{Mapping, MappingError};
use crate::store::{Database, FastMap, StoreError};
use hyperql::{Document, Value};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;
use uuid::Uuid;

/// Input bytes after which a batch is written even if it has fewer rows than
/// [`ImportOptions::batch`]: one batch is one log record, and large rows would
/// otherwise make it too large.
const MAX_BATCH_BYTES: u64 = 8 << 20;

/// How an import runs.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Rows per write batch (each batch is one durable commit); a batch also ends
    /// after 8 MiB of input.
    pub batch: usize,
    /// Skip and report rejected rows instead of failing the import.
    pub keep_going: bool,
    /// At most this many rejections are listed in the summary (all are counted).
    pub max_reported: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch: 10_000,
            keep_going: false,
            max_reported: 100,
        }
    }
}

/// A rejected row (or a rejected edge of an accepted row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// The row number (line for CSV and JSONL, element for JSON, from 1).
    pub row: u64,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// The collection written to.
    pub collection: String,
    /// Rows read.
    pub rows: u64,
    /// Rows written as entities (or time-series rows).
    pub accepted: u64,
    /// Rows refused.
    pub rejected: u64,
    /// Edges created.
    pub edges: u64,
    /// Edges refused (an unknown id at the other end, a refused write).
    pub edges_rejected: u64,
    /// The first refused rows and edges, with reasons.
    pub rejections: Vec<Rejection>,
    /// Entities deleted again because the import failed.
    pub rolled_back: u64,
    /// Bytes of input read.
    pub bytes: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Where an import is, for progress bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Entities: bytes of input read, rows read so far.
    Rows {
        /// Bytes read.
        bytes: u64,
        /// Rows read.
        rows: u64,
    },
    /// Edges: created so far, out of the rows that ask for edges.
    Edges {
        /// Rows whose edges are done.
        done: u64,
        /// Rows with edges.
        total: u64,
    },
}

/// A failed import: why, and what it did (after taking its writes back).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ImportError {
    /// Why the import failed.
    pub message: String,
    /// What it did, `rolled_back` included.
    pub summary: Box<ImportSummary>,
    /// The database failure that stopped it, if one did (not a refused row, not
    /// bad input).
    #[source]
    pub cause: Option<Box<StoreError>>,
}

impl From<MappingError> for ImportError {
    fn from(e: MappingError) -> Self {
        ImportError {
            message: e.to_string(),
            summary: Box::default(),
            cause: None,
        }
    }
}

/// Why writing stopped.
enum Stop {
    /// A row was refused and `keep_going` is off.
    Refused(Rejection),
    /// The input could not be read.
    Input(String),
    /// The database failed.
    Store(StoreError),
}

/// Errors that belong to a row (as opposed to the database or the disk).
fn row_error(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Constraint(_)
            | StoreError::Invalid(_)
            | StoreError::InvalidName { .. }
            | StoreError::NotFound(_)
            | StoreError::Path(_)
            | StoreError::Schema(_)
            | StoreError::SchemaExisting { .. }
            | StoreError::Cascade(_)
            | StoreError::NoEmbedder
            | StoreError::Embedding(_)
            | StoreError::Positioning(_)
            | StoreError::Vector(_)
    )
}

struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Relaxed);
        Ok(n)
    }
}

type Chunk = Result<Vec<(u64, Result<Prepared, String>)>, String>;

struct Run<'a> {
    db: &'a Database,
    mapping: &'a Mapping,
    opts: &'a ImportOptions,
    summary: ImportSummary,
    /// Entities inserted (taken back on failure).
    inserted: Vec<Uuid>,
    /// External ids of this import's rows.
    keys: FastMap<String, Uuid>,
    /// Rows that ask for edges.
    edges: Vec<(u64, Uuid, Vec<EdgeRef>)>,
    /// The import's journal (all or nothing, also across a crash), unless it keeps
    /// going past refused rows.
    journal: Option<u64>,
}

/// Imports rows of `format` from `input` into the database by `mapping`.
/// `progress` is called after every batch.
pub fn import<R: Read + Send>(
    db: &Database,
    input: R,
    format: Format,
    mapping: &Mapping,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    mapping.check()?;
    let start = Instant::now();
    let bytes = Arc::new(AtomicU64::new(0));
    let mut run = Run {
        db,
        mapping,
        opts,
        summary: ImportSummary {
            collection: mapping.collection.clone(),
            ..ImportSummary::default()
        },
        inserted: Vec::new(),
        keys: FastMap::default(),
        edges: Vec::new(),
        journal: None,
    };
    if !opts.keep_going {
        run.journal = Some(db.import_begin().map_err(|e| ImportError {
            message: format!("cannot start the import's journal: {e}"),
            summary: Box::new(run.summary.clone()),
            cause: Some(Box::new(e)),
        })?);
    }
    let batch = opts.batch.max(1);
    let outcome = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(2);
        let counter = bytes.clone();
        let reader_bytes = bytes.clone();
        s.spawn(move || {
            let input = Counting {
                inner: input,
                count: counter,
            };
            let it = match rows(format, input) {
                Ok(it) => it,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            let mut chunk = Vec::with_capacity(batch);
            let mut chunk_start = 0;
            for (n, row) in it {
                if n == 0 {
                    let _ = tx.send(Err(row.err().unwrap_or_default()));
                    return;
                }
                chunk.push((n, row.and_then(|r| prepare(mapping, r))));
                let read = reader_bytes.load(Relaxed);
                let full = chunk.len() >= batch || read - chunk_start >= MAX_BATCH_BYTES;
                if full {
                    chunk_start = read;
                    if tx.send(Ok(std::mem::take(&mut chunk))).is_err() {
                        return;
                    }
                }
            }
            let _ = tx.send(Ok(chunk));
        });
        for chunk in rx {
            run.rows(chunk.map_err(Stop::Input)?)?;
            progress(Progress::Rows {
                bytes: bytes.load(Relaxed),
                rows: run.summary.rows,
            });
        }
        run.link(progress)
    });
    run.summary.bytes = bytes.load(Relaxed);
    let outcome = outcome.and_then(|()| match run.journal {
        Some(n) => db.import_end(n).map_err(Stop::Store),
        None => Ok(()),
    });
    match outcome {
        Ok(()) => {
            run.summary.seconds = start.elapsed().as_secs_f64();
            Ok(run.summary)
        }
        Err(stop) => {
            let (message, cause) = match stop {
                Stop::Refused(r) => (
                    format!(
                        "row {}: {} (nothing imported; keep going with --keep-going or keep_going=true to skip refused rows)",
                        r.row, r.reason
                    ),
                    None,
                ),
                Stop::Input(m) => (m, None),
                Stop::Store(e) => (e.to_string(), Some(Box::new(e))),
            };
            let undone = run.roll_back().and_then(|()| match run.journal {
                Some(n) => db.import_end(n),
                None => Ok(()),
            });
            let message = match undone {
                Ok(()) => message,
                Err(e) => format!(
                    "{message}; taking back the rows written failed too ({e}): they are taken back when the database is next opened"
                ),
            };
            run.summary.seconds = start.elapsed().as_secs_f64();
            Err(ImportError {
                message,
                summary: Box::new(run.summary),
                cause,
            })
        }
    }
}

impl Run<'_> {
    fn refuse(&mut self, row: u64, reason: String, edge: bool) -> Result<(), Stop> {
        if edge {
            self.summary.edges_rejected += 1;
        } else {
            self.summary.rejected += 1;
        }
        let r = Rejection { row, reason };
        if !self.opts.keep_going {
            self.summary.rejections.push(r.clone());
            return Err(Stop::Refused(r));
        }
        if self.summary.rejections.len() < self.opts.max_reported {
            self.summary.rejections.push(r);
        }
        Ok(())
    }

    /// Writes one chunk of rows.
    fn rows(&mut self, chunk: Vec<(u64, Result<Prepared, String>)>) -> Result<(), Stop> {
        let mut good = Vec::with_capacity(chunk.len());
        for (n, row) in chunk {
            self.summary.rows += 1;
            match row {
                Ok(p) => good.push((n, p)),
                Err(reason) => self.refuse(n, reason, false)?,
            }
        }
        self.write_rows(&good)
    }

    /// Commits `rows` as one batch; when the database refuses the batch for a reason
    /// of its rows, each half is tried alone, down to single rows.
    fn write_rows(&mut self, rows: &[(u64, Prepared)]) -> Result<(), Stop> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut b = self.db.batch();
        b.reserve(rows.len());
        let mut written = Vec::with_capacity(rows.len());
        for (n, p) in rows {
            match b.insert(
                &self.mapping.collection,
                p.entity_type.as_deref(),
                p.doc.clone(),
            ) {
                Ok(id) => written.push((*n, id, p)),
                Err(e) if row_error(&e) => self.refuse(*n, e.to_string(), false)?,
                Err(e) => return Err(Stop::Store(e)),
            }
        }
        // Edges whose other end is known already (stored, or in this batch) go into
        // the same batch; the rest wait for the edge phase.
        let mut linked = 0u64;
        let mut later: Vec<(u64, Uuid, Vec<EdgeRef>)> = Vec::new();
        for (n, id, p) in &written {
            if id.is_nil() || p.edges.is_empty() {
                continue;
            }
            let mut rest = Vec::new();
            for e in &p.edges {
                let other = self
                    .keys
                    .get(&e.other)
                    .copied()
                    .or_else(|| b.resolve(&Value::str(&e.other)));
                let (from, to) = match other {
                    Some(o) if e.incoming => (o, *id),
                    Some(o) => (*id, o),
                    None => {
                        rest.push(e.clone());
                        continue;
                    }
                };
                match b.relate(from, &e.label, to, 1.0, Document::default()) {
                    Ok(()) => linked += 1,
                    Err(_) => rest.push(e.clone()),
                }
            }
            if !rest.is_empty() {
                later.push((*n, *id, rest));
            }
        }
        if let Some(n) = self.journal {
            let ids: Vec<Uuid> = written
                .iter()
                .map(|w| w.1)
                .filter(|u| !u.is_nil())
                .collect();
            self.db.import_note(n, &ids).map_err(Stop::Store)?;
        }
        let committed = b.commit();
        if committed.is_ok() {
            crate::store::fault::point("import-batch-committed");
        }
        match committed {
            Ok(_) => {
                for (_, id, p) in written {
                    self.summary.accepted += 1;
                    if id.is_nil() {
                        continue;
                    }
                    self.inserted.push(id);
                    if let Some(Value::String(k)) = p.doc.get("id") {
                        self.keys.insert(k.to_string(), id);
                    }
                }
                self.summary.edges += linked;
                self.edges.extend(later);
                Ok(())
            }
            Err(e) if row_error(&e) => {
                if written.len() == 1 {
                    return self.refuse(written[0].0, e.to_string(), false);
                }
                let kept: Vec<(u64, Prepared)> = written
                    .into_iter()
                    .map(|(n, _, p)| (n, p.clone()))
                    .collect();
                let (a, b) = kept.split_at(kept.len() / 2);
                self.write_rows(a)?;
                self.write_rows(b)
            }
            Err(e) => Err(Stop::Store(e)),
        }
    }

    /// Creates the edges rows asked for, in batches.
    fn link(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<(), Stop> {
        let all = std::mem::take(&mut self.edges);
        let total = all.len() as u64;
        let mut done = 0u64;
        let mut batch: Vec<(u64, Uuid, String, Uuid)> = Vec::new();
        for (n, id, edges) in all {
            for e in edges {
                let other = self
                    .keys
                    .get(&e.other)
                    .copied()
                    .or_else(|| self.db.resolve(&Value::str(&e.other)));
                let Some(other) = other else {
                    let why = format!("edge `{}`: no entity with id `{}`", e.label, e.other);
                    self.refuse(n, why, true)?;
                    continue;
                };
                let (from, to) = if e.incoming { (other, id) } else { (id, other) };
                batch.push((n, from, e.label, to));
            }
            done += 1;
            if batch.len() >= self.opts.batch.max(1) {
                self.write_edges(&std::mem::take(&mut batch))?;
                progress(Progress::Edges { done, total });
            }
        }
        self.write_edges(&batch)?;
        if total > 0 {
            progress(Progress::Edges { done, total });
        }
        Ok(())
    }

    fn write_edges(&mut self, edges: &[(u64, Uuid, String, Uuid)]) -> Result<(), Stop> {
        if edges.is_empty() {
            return Ok(());
        }
        let mut b = self.db.batch();
        let mut written = Vec::with_capacity(edges.len());
        for e in edges {
            match b.relate(e.1, &e.2, e.3, 1.0, Document::default()) {
                Ok(()) => written.push(e.clone()),
                Err(x) if row_error(&x) => {
                    self.refuse(e.0, format!("edge `{}`: {x}", e.2), true)?
                }
                Err(x) => return Err(Stop::Store(x)),
            }
        }
        match b.commit() {
            Ok(_) => {
                self.summary.edges += written.len() as u64;
                Ok(())
            }
            Err(x) if row_error(&x) => {
                if written.len() == 1 {
                    let e = &written[0];
                    return self.refuse(e.0, format!("edge `{}`: {x}", e.2), true);
                }
                let (a, b) = written.split_at(written.len() / 2);
                self.write_edges(a)?;
                self.write_edges(b)
            }
            Err(x) => Err(Stop::Store(x)),
        }
    }

    /// Deletes every entity this import inserted (with their edges).
    fn roll_back(&mut self) -> Result<(), StoreError> {
        let ids = std::mem::take(&mut self.inserted);
        for chunk in ids.chunks(self.opts.batch.max(1)) {
            let mut b = self.db.batch();
            for id in chunk {
                b.delete(*id)?;
            }
            b.commit()?;
            self.summary.rolled_back += chunk.len() as u64;
        }
        Ok(())
    }
}
