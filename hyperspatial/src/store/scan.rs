//! Collection scans: shard by shard in id order, paged by key (no read transaction is
//! held between pages), reading only what the caller asked for.
//!
//! A page is read in key order from every table it needs, in step: the ids and
//! metadata from `meta`, then the matching range of `docs` and of `pos`. Ranges are
//! walked once (no lookup per entity), and a table the projection does not need is
//! not opened at all:
//! - `docs` only when a stored field is wanted, and then only the wanted top-level
//!   fields are decoded (the others are stepped over);
//! - a vector table only when its field is wanted;
//! - `pos` only when `position` is wanted;
//! - metadata is decoded only for `_key`, `_type` or an entity-type filter.
//!
//! Invariant: with every field wanted, a scanned record equals what
//! [`Database::get_entity`] returns for the same entity (same fields, same order).

use super::codec::{EntityMeta, decode_document_into};
use super::collection::Collection;
use super::columns::{self, ColumnPages};
use super::database::Database;
use super::placement::Placement;
use super::read::set_leaf;
use super::shard::{DOCS, META, POS};
use crate::store::{StoreError, fields};
use hyperql::{Document, Predicate, Record, Value};
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// Entities read per page of a scan.
const PAGE: usize = 256;

/// What a scan returns of each entity.
#[derive(Clone, Debug, Default)]
struct Want {
    /// Top-level field names (few: a linear search beats a tree); `None`: everything.
    fields: Option<Vec<String>>,
}

impl Want {
    fn field(&self, name: &str) -> bool {
        self.field_bytes(name.as_bytes())
    }

    fn field_bytes(&self, name: &[u8]) -> bool {
        self.fields
            .as_ref()
            .is_none_or(|f| f.iter().any(|x| x.as_bytes() == name))
    }

    /// Whether a (possibly dotted) vector field is wanted: its top-level name is.
    fn vector(&self, path: &str) -> bool {
        self.field(path.split('.').next().unwrap_or(path))
    }

    /// Whether any stored (non-reserved) field is wanted.
    fn any_stored(&self) -> bool {
        self.fields
            .as_ref()
            .is_none_or(|f| f.iter().any(|n| !is_reserved(n)))
    }

    fn meta(&self) -> bool {
        self.field(fields::KEY) || self.field(fields::TYPE)
    }
}

fn is_reserved(name: &str) -> bool {
    matches!(
        name,
        fields::ID | fields::KEY | fields::TYPE | fields::POSITION
    )
}

impl Database {
    /// Every entity of a collection (of one entity type when given), shard by shard
    /// in id order. Errors are reported per item. A damaged record (one that does not
    /// decode) is skipped and counted in [`StoreStats::damaged_skipped`], so one bad
    /// record never makes its collection unreadable; reading it by id reports it.
    ///
    /// [`StoreStats::damaged_skipped`]: crate::store::StoreStats
    pub fn scan(&self, collection: &str, entity_type: Option<&str>) -> Result<Scan, StoreError> {
        self.scan_fields(collection, entity_type, None)
    }

    /// As [`Database::scan`], returning of each entity only `id` and the top-level
    /// fields named in `projection` (`None`: every field).
    pub fn scan_fields(
        &self,
        collection: &str,
        entity_type: Option<&str>,
        projection: Option<&[String]>,
    ) -> Result<Scan, StoreError> {
        self.scan_where(collection, entity_type, projection, &[])
    }

    /// As [`Database::scan_fields`], leaving out entities that fail one of `filters`
    /// on their stored fields (checked while decoding, before a record is built).
    /// Filters on reserved or vector fields are not checked here: the caller checks
    /// every filter on what it gets, as before.
    pub fn scan_where(
        &self,
        collection: &str,
        entity_type: Option<&str>,
        projection: Option<&[String]>,
        filters: &[Predicate],
    ) -> Result<Scan, StoreError> {
        self.scan_interruptible(collection, entity_type, projection, filters, None)
    }

    /// As [`Database::scan_where`], stopping with [`StoreError::Interrupted`] once
    /// `interrupt` fires (checked between pages, and while the column cache is built).
    pub fn scan_interruptible(
        &self,
        collection: &str,
        entity_type: Option<&str>,
        projection: Option<&[String]>,
        filters: &[Predicate],
        interrupt: Option<hyperql::Interrupt>,
    ) -> Result<Scan, StoreError> {
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        let vectors: Vec<String> = c.config.read().vectors.keys().cloned().collect();
        let on_stored = |p: &&Predicate| {
            p.path().first().is_some_and(|h| {
                !is_reserved(h)
                    && !vectors
                        .iter()
                        .any(|v| v.split('.').next() == Some(h.as_str()))
            })
        };
        let prefilter: Vec<Predicate> = filters.iter().filter(on_stored).cloned().collect();
        let mut prefilter_heads: Vec<String> =
            prefilter.iter().map(|p| p.path()[0].clone()).collect();
        prefilter_heads.sort();
        prefilter_heads.dedup();
        if let Some(pages) = self.column_pages(
            &c,
            entity_type,
            projection,
            &prefilter,
            &vectors,
            interrupt.as_ref(),
        )? {
            return Ok(Scan {
                buf: VecDeque::new(),
                from: From::Columns(pages),
                inline: 0,
                interrupt,
            });
        }
        let pages = Pages {
            prefilter,
            prefilter_heads,
            collection: c,
            entity_type: entity_type.map(str::to_string),
            want: Want {
                fields: projection.map(|p| {
                    let mut f = p.to_vec();
                    f.sort();
                    f.dedup();
                    f
                }),
            },
            shard: 0,
            after: None,
            done: false,
            damaged: self.inner.damaged.clone(),
        };
        Ok(Scan {
            buf: VecDeque::new(),
            from: From::Here(pages),
            inline: 0,
            interrupt,
        })
    }

    /// The scan answered by the collection's column cache, when it can be: a
    /// projection of stored scalar fields only (no reserved or vector field, no entity
    /// type), the cache on, and columns exact at the collection's current versions
    /// (built now if this is the second such scan at those versions).
    fn column_pages(
        &self,
        c: &Arc<Collection>,
        entity_type: Option<&str>,
        projection: Option<&[String]>,
        prefilter: &[Predicate],
        vectors: &[String],
        interrupt: Option<&hyperql::Interrupt>,
    ) -> Result<Option<ColumnPages>, StoreError> {
        let budget = self.inner.options.column_cache;
        let (None, Some(projection), true) = (entity_type, projection, budget > 0) else {
            return Ok(None);
        };
        let is_vector = |f: &str| vectors.iter().any(|v| v.split('.').next() == Some(f));
        let mut fields: Vec<String> = projection
            .iter()
            .filter(|f| f.as_str() != fields::ID)
            .chain(prefilter.iter().filter_map(|p| p.path().first()))
            .cloned()
            .collect();
        if fields.iter().any(|f| is_reserved(f) || is_vector(f)) {
            return Ok(None);
        }
        fields.sort();
        fields.dedup();
        let now = columns::versions(c)?;
        let Some(cols) = c.columns.get(c, &now, &fields, budget, interrupt)? else {
            return Ok(None);
        };
        Ok(ColumnPages::new(cols, projection, prefilter))
    }
}

/// Pages read ahead by the reading thread of a scan, at most: with [`PAGE`]
/// records each, what a scan holds besides the page being consumed is bounded.
const READ_AHEAD: usize = 4;

/// Records a scan reads on the caller's thread before it hands the rest to a thread
/// of its own: a small collection (or a scan stopped early by a limit) is not worth
/// starting one.
const INLINE: usize = 2 * PAGE;

/// A scan over a collection: see [`Database::scan`].
///
/// The first pages ([`INLINE`] records) are read on the caller's thread. When the
/// collection has more, the rest is read by a thread of its own, at most [`READ_AHEAD`] pages ahead of the
/// consumer, so that reading and decoding overlap with what the caller does with the
/// records (filtering, aggregating). Dropping the scan stops that thread at its next
/// page.
pub struct Scan {
    buf: VecDeque<Record>,
    from: From,
    /// Records read on the caller's thread so far.
    inline: usize,
    /// Checked between pages (see [`Scan::with_interrupt`]).
    interrupt: Option<hyperql::Interrupt>,
}

/// A page of records (`None`: the scan is over); a page may be empty when every
/// entity of it was filtered out.
type Page = Result<Option<Vec<Record>>, StoreError>;

/// Where a scan's next pages come from.
enum From {
    /// Read on the caller's thread.
    Here(Pages),
    /// Read ahead by the scan's thread.
    Ahead(std::sync::mpsc::Receiver<Page>),
    /// Answered by the collection's column cache.
    Columns(ColumnPages),
    /// The reading thread could not be started: the scan ends with this error.
    Failed(Option<std::io::Error>),
    /// Nothing more.
    Done,
}

/// Reads a collection page by page.
struct Pages {
    collection: Arc<Collection>,
    entity_type: Option<String>,
    want: Want,
    /// The scan's filters on stored fields: checked on a document's filtered fields
    /// as it is decoded, so a refused entity is never built. The same filters hold
    /// on the whole record (a predicate reads only its own path), so this only
    /// drops what the caller's own check would drop.
    prefilter: Vec<Predicate>,
    /// The top-level fields the prefilter reads.
    prefilter_heads: Vec<String>,
    shard: usize,
    after: Option<Uuid>,
    done: bool,
    /// The database's count of damaged records skipped.
    damaged: Arc<AtomicU64>,
}

/// One entity of a page being assembled: its record is built in place, reserved
/// fields first (`id`, `_key`, `_type`), then the stored fields in stored order, the
/// vector fields, and `position` last (the order [`finish`] gives).
///
/// [`finish`]: super::read::finish
struct Item {
    id: Uuid,
    doc: Document,
    damaged: bool,
    /// A filter of the scan refused it (see [`Pages::prefilter`]).
    dropped: bool,
}

impl Scan {
    /// Stops the scan, with [`StoreError::Interrupted`], between two pages once
    /// `interrupt` fires: a scan whose filter drops every entity still ends promptly.
    pub fn with_interrupt(mut self, interrupt: hyperql::Interrupt) -> Scan {
        self.interrupt = Some(interrupt);
        self
    }

    /// The next page.
    fn next_page(&mut self) -> Page {
        match &mut self.from {
            From::Here(pages) => {
                let page = pages.next_page()?;
                self.inline += page.as_ref().map_or(0, Vec::len);
                if self.inline >= INLINE && !pages.exhausted() {
                    self.read_ahead();
                }
                Ok(page)
            }
            From::Ahead(rx) => rx.recv().unwrap_or(Ok(None)),
            From::Columns(pages) => Ok(pages.next_page(PAGE)),
            From::Failed(e) => match e.take() {
                Some(e) => Err(StoreError::Io(e)),
                None => Ok(None),
            },
            From::Done => Ok(None),
        }
    }

    /// Moves the reading to a thread of its own.
    fn read_ahead(&mut self) {
        let From::Here(mut pages) = std::mem::replace(&mut self.from, From::Done) else {
            return;
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(READ_AHEAD);
        let spawned = std::thread::Builder::new()
            .name("hyperspatial-scan".into())
            .spawn(move || {
                loop {
                    let page = pages.next_page();
                    let last = !matches!(&page, Ok(Some(_)));
                    // The receiver is gone: the scan was dropped.
                    if tx.send(page).is_err() || last {
                        return;
                    }
                }
            });
        self.from = match spawned {
            Ok(_) => From::Ahead(rx),
            Err(e) => From::Failed(Some(e)),
        };
    }
}

impl Pages {
    /// Whether every shard has been read.
    fn exhausted(&self) -> bool {
        self.done || self.shard >= self.collection.shards.len()
    }

    /// The records of the next page of ids (`None` at the end of the collection).
    fn next_page(&mut self) -> Page {
        let mut out = Vec::new();
        loop {
            let collection = self.collection.clone();
            let Some(shard) = collection.shards.get(self.shard) else {
                self.done = true;
                return Ok(None);
            };
            let mut page = self.page_ids(shard)?;
            let (Some(first), Some(last)) = (page.first(), page.last()) else {
                if self.after.is_none() {
                    // An empty shard (or one with no entity of the type): the next one.
                    continue;
                }
                return Ok(Some(out));
            };
            let (first, last) = (first.id, last.id);
            if self.want.any_stored() {
                let prx = shard.properties.begin_read()?;
                let docs = prx.open_table(DOCS)?;
                let range = docs.range((Bound::Included(&first), Bound::Included(&last)))?;
                let want = &self.want;
                let (prefilter, heads) = (&self.prefilter, &self.prefilter_heads);
                let mut probe = Document::default();
                merge(&mut page, range.raw(), |item, bytes| {
                    if !prefilter.is_empty() {
                        // The filters' own fields first: most rows of a selective
                        // filter end here, before anything else is built.
                        probe.clear();
                        let on = |k: &[u8]| heads.iter().any(|h| h.as_bytes() == k);
                        if decode_document_into(bytes, on, &mut probe).is_err() {
                            item.damaged = true;
                            return;
                        }
                        if !prefilter.iter().all(|p| p.matches(&probe)) {
                            item.dropped = true;
                            return;
                        }
                    }
                    let keep = |k: &[u8]| want.field_bytes(k);
                    if decode_document_into(bytes, keep, &mut item.doc).is_err() {
                        item.damaged = true;
                    }
                })?;
            }
            let vectors = self.collection.config.read().vectors.clone();
            for (field, vf) in vectors.iter().filter(|(f, _)| self.want.vector(f)) {
                let t = shard.vector_table(field, vf.dim)?;
                for item in page.iter_mut().filter(|i| !i.damaged && !i.dropped) {
                    if let Some(v) = t.get(item.id)? {
                        set_leaf(&mut item.doc, field, Value::Vector(Arc::from(v)));
                    }
                }
            }
            if self.want.field(fields::POSITION) {
                let pos_rx = shard.positions.begin_read()?;
                let pos = pos_rx.open_table(POS)?;
                let range = pos.range((Bound::Included(&first), Bound::Included(&last)))?;
                merge(
                    &mut page,
                    range.raw(),
                    |item, bytes| match Placement::decode(bytes) {
                        _ if item.dropped => {}
                        Ok(p) => {
                            if let Some(v) = p.position_value() {
                                item.doc.insert(fields::POSITION.to_string(), v);
                            }
                        }
                        Err(_) => item.damaged = true,
                    },
                )?;
            }
            for item in page {
                if item.damaged {
                    self.skip_damaged();
                } else if !item.dropped {
                    out.push(Arc::new(item.doc));
                }
            }
            return Ok(Some(out));
        }
    }

    /// The next page of ids (with metadata when needed) of the current shard, of the
    /// wanted entity type; moves to the next shard at the end of this one.
    fn page_ids(&mut self, shard: &super::shard::Shard) -> Result<Vec<Item>, StoreError> {
        let rtx = shard.entities.begin_read()?;
        let metas = rtx.open_table(META)?;
        let lower = match &self.after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        let decode = self.want.meta() || self.entity_type.is_some();
        // Room for every field of a projection; a full read grows as it must.
        let capacity = self.want.fields.as_ref().map_or(8, Vec::len);
        let mut page = Vec::with_capacity(PAGE);
        let (mut read, mut last) = (0, None);
        for e in metas.range((lower, Bound::Unbounded))?.raw().take(PAGE) {
            let e = e?;
            read += 1;
            let Ok(key) = <[u8; 16]>::try_from(e.key_bytes()) else {
                self.skip_damaged();
                continue;
            };
            let id = Uuid::from_bytes(key);
            last = Some(id);
            let meta = if decode {
                match EntityMeta::decode(e.value_bytes()) {
                    Ok(m) => m,
                    Err(_) => {
                        self.skip_damaged();
                        continue;
                    }
                }
            } else {
                EntityMeta::default()
            };
            if !hyperql::entity_matches(meta.entity_type.as_deref(), self.entity_type.as_deref()) {
                continue;
            }
            let mut doc = Document::with_capacity_and_hasher(capacity, Default::default());
            let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
            doc.insert(
                fields::ID.to_string(),
                Value::str(id.hyphenated().encode_lower(&mut text)),
            );
            if self.want.field(fields::KEY)
                && let Some(k) = &meta.external_id
            {
                doc.insert(fields::KEY.to_string(), Value::str(k));
            }
            if self.want.field(fields::TYPE)
                && let Some(t) = &meta.entity_type
            {
                doc.insert(fields::TYPE.to_string(), Value::str(t));
            }
            page.push(Item {
                id,
                doc,
                damaged: false,
                dropped: false,
            });
        }
        if read < PAGE {
            self.shard += 1;
            self.after = None;
        } else {
            self.after = last;
        }
        Ok(page)
    }

    fn skip_damaged(&self) {
        self.damaged.fetch_add(1, Ordering::Relaxed);
    }
}

/// Walks `range` (keys in id order) beside `page` (ids in the same order), handing
/// each entry whose key is an id of the page to `f`.
fn merge<'a>(
    page: &mut [Item],
    range: impl Iterator<Item = manifold::Result<manifold::RawEntry<'a>>>,
    mut f: impl FnMut(&mut Item, &[u8]),
) -> Result<(), StoreError> {
    let mut at = 0;
    for e in range {
        let e = e?;
        let key = e.key_bytes();
        while at < page.len() && page[at].id.as_bytes().as_slice() < key {
            at += 1;
        }
        let Some(item) = page.get_mut(at) else {
            break;
        };
        if item.id.as_bytes().as_slice() == key {
            f(item, e.value_bytes());
        }
    }
    Ok(())
}

impl Iterator for Scan {
    type Item = Result<Record, StoreError>;
    fn next(&mut self) -> Option<Self::Item> {
        while self.buf.is_empty() {
            if matches!(self.from, From::Done) {
                return None;
            }
            let page = self.next_page().and_then(|page| {
                if let Some(i) = &self.interrupt {
                    i.check()?;
                }
                Ok(page)
            });
            match page {
                Ok(None) => self.from = From::Done,
                Ok(Some(page)) => self.buf.extend(page),
                Err(e) => {
                    self.from = From::Done;
                    return Some(Err(e));
                }
            }
        }
        self.buf.pop_front().map(Ok)
    }
}
