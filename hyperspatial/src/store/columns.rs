//! The column cache of a collection: chosen top-level stored fields of every entity,
//! kept in memory one column per field, so that a scan that reads only those fields
//! (a filter, an aggregate, an ORDER BY on a few scalar fields) walks arrays instead
//! of B-trees and encoded documents.
//!
//! Invariants:
//! - Columns are built from one read snapshot per family (`entities` and `properties`)
//!   of every shard, and carry those snapshots' versions (the log sequence number each
//!   family last committed, see `manifold::ReadTransaction::version`). They are used
//!   only while every shard's families still show the same versions, so a scan served
//!   from them returns exactly what a scan of the stored records returns: any commit
//!   to the collection makes them stale, and they are rebuilt, never patched.
//! - A scan at versions not seen before reads the stored records; a second scan at
//!   the same versions builds the columns (a collection that is written between its
//!   scans never pays for a build it cannot reuse).
//! - A build holds at most [`Options::column_cache`] bytes (estimated); past it the
//!   build stops, the scan reads the stored records, and no build is tried again until
//!   the collection changes. A damaged record stops the build too (the stored scan
//!   skips it and counts it). Stale columns are dropped by the next scan of the
//!   collection.
//!
//! [`Options::column_cache`]: crate::store::Options::column_cache

use super::codec::decode_document_into;
use super::collection::Collection;
use super::shard::{DOCS, META};
use crate::store::StoreError;
use hyperql::{Document, Interrupt, Predicate, Record, Value};
use parking_lot::Mutex;
use std::sync::Arc;
use uuid::Uuid;

/// The versions of every shard's `entities` and `properties` families.
pub(crate) type Versions = Vec<(Option<u64>, Option<u64>)>;

/// Rows built between two checks of the request's interrupt.
const CHECK_EVERY: usize = 1024;

/// A collection's column cache (see the module's doc).
#[derive(Default)]
pub(crate) struct ColumnSlot {
    state: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    columns: Option<Arc<Columns>>,
    /// The versions and fields of the last scan that columns could have answered.
    seen: Option<(Versions, Vec<String>)>,
    /// Versions at which a build went past the budget.
    too_big: Option<Versions>,
}

/// Columns of some fields of every entity of a collection, in scan order (shard by
/// shard, in id order).
pub(crate) struct Columns {
    versions: Versions,
    /// Sorted field names, one column each.
    fields: Vec<String>,
    /// Each entity's `id` field.
    ids: Vec<Value>,
    /// `cols[f][row]`: field `fields[f]` of entity `row` (`None`: absent).
    cols: Vec<Vec<Option<Value>>>,
    bytes: usize,
}

impl Columns {
    /// Estimated bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

/// The current versions of every shard of `c`.
pub(crate) fn versions(c: &Collection) -> Result<Versions, StoreError> {
    c.shards
        .iter()
        .map(|s| {
            Ok((
                s.entities.begin_read()?.version()?,
                s.properties.begin_read()?.version()?,
            ))
        })
        .collect()
}

impl ColumnSlot {
    /// Columns holding `fields` (sorted) exact at `now`, building them when this is
    /// the second scan at `now` (`None`: the caller scans the stored records).
    pub(crate) fn get(
        &self,
        c: &Collection,
        now: &Versions,
        fields: &[String],
        budget: usize,
        interrupt: Option<&Interrupt>,
    ) -> Result<Option<Arc<Columns>>, StoreError> {
        let want = {
            let mut st = self.state.lock();
            if let Some(cols) = &st.columns
                && cols.versions == *now
                && fields.iter().all(|f| cols.fields.binary_search(f).is_ok())
            {
                return Ok(Some(cols.clone()));
            }
            if st.columns.as_ref().is_some_and(|c| c.versions != *now) {
                // Stale for good (versions only grow): not worth its memory.
                st.columns = None;
            }
            if st.too_big.as_ref() == Some(now) {
                return Ok(None);
            }
            match &st.seen {
                Some((v, seen)) if v == now => {
                    // Build for both scans' fields: they may alternate.
                    let mut all: Vec<String> = seen.iter().chain(fields).cloned().collect();
                    all.sort();
                    all.dedup();
                    all
                }
                _ => {
                    st.seen = Some((now.clone(), fields.to_vec()));
                    return Ok(None);
                }
            }
        };
        // Built without the lock: scans of other fields are not held up, and two
        // builders at once only do the same work twice.
        let built = build(c, now, want, budget, interrupt)?;
        let mut st = self.state.lock();
        match built {
            Built::Done(cols) => {
                let cols = Arc::new(cols);
                st.columns = Some(cols.clone());
                st.too_big = None;
                Ok(Some(cols))
            }
            Built::TooBig => {
                st.columns = None;
                st.too_big = Some(now.clone());
                Ok(None)
            }
            Built::Changed | Built::Damaged => Ok(None),
        }
    }

    /// Bytes held by the current columns (stale ones included until replaced).
    pub(crate) fn bytes(&self) -> usize {
        self.state.lock().columns.as_ref().map_or(0, |c| c.bytes())
    }
}

enum Built {
    Done(Columns),
    /// Past the budget.
    TooBig,
    /// A commit landed between the caller's versions and the build's snapshots.
    Changed,
    /// A record did not decode.
    Damaged,
}

fn build(
    c: &Collection,
    now: &Versions,
    fields: Vec<String>,
    budget: usize,
    interrupt: Option<&Interrupt>,
) -> Result<Built, StoreError> {
    let mut cols = Columns {
        versions: now.clone(),
        cols: vec![Vec::new(); fields.len()],
        fields,
        ids: Vec::new(),
        bytes: 0,
    };
    let mut doc = Document::default();
    for (shard, seen) in c.shards.iter().zip(now) {
        let erx = shard.entities.begin_read()?;
        let prx = shard.properties.begin_read()?;
        if (erx.version()?, prx.version()?) != *seen {
            return Ok(Built::Changed);
        }
        let metas = erx.open_table(META)?;
        let docs = prx.open_table(DOCS)?;
        let mut stored = docs.iter()?.raw().peekable();
        for e in metas.iter()?.raw() {
            let e = e?;
            let Ok(key) = <[u8; 16]>::try_from(e.key_bytes()) else {
                return Ok(Built::Damaged);
            };
            if cols.ids.len().is_multiple_of(CHECK_EVERY)
                && let Some(i) = interrupt
            {
                i.check()?;
            }
            let id = Uuid::from_bytes(key);
            // Documents of ids before this one have no entity: stepped over.
            doc.clear();
            while let Some(d) = stored.peek() {
                let d = match d {
                    Ok(d) => d,
                    Err(_) => return Ok(Built::Damaged),
                };
                match d.key_bytes().cmp(&key[..]) {
                    std::cmp::Ordering::Less => {
                        stored.next();
                    }
                    std::cmp::Ordering::Equal => {
                        let wanted = |k: &[u8]| {
                            cols.fields
                                .binary_search_by(|f| f.as_bytes().cmp(k))
                                .is_ok()
                        };
                        if decode_document_into(d.value_bytes(), wanted, &mut doc).is_err() {
                            return Ok(Built::Damaged);
                        }
                        stored.next();
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
            cols.ids
                .push(Value::str(id.hyphenated().encode_lower(&mut text)));
            cols.bytes += ID_BYTES;
            for (f, col) in cols.fields.iter().zip(cols.cols.iter_mut()) {
                let v = doc.swap_remove(f.as_str());
                cols.bytes += v
                    .as_ref()
                    .map_or(SLOT_BYTES, |v| SLOT_BYTES + heap_bytes(v));
                col.push(v);
            }
            if cols.bytes > budget {
                return Ok(Built::TooBig);
            }
        }
    }
    Ok(Built::Done(cols))
}

/// Bytes of one cell of a column.
const SLOT_BYTES: usize = std::mem::size_of::<Option<Value>>();
/// Bytes of one entity's id (its value and its text).
const ID_BYTES: usize = std::mem::size_of::<Value>() + 16 + uuid::fmt::Hyphenated::LENGTH;

/// Estimated heap bytes a value holds beyond its own slot.
fn heap_bytes(v: &Value) -> usize {
    match v {
        Value::String(s) => 16 + s.len(),
        Value::Vector(x) => 16 + 4 * x.len(),
        Value::Array(a) => {
            32 + a
                .iter()
                .map(|v| std::mem::size_of::<Value>() + heap_bytes(v))
                .sum::<usize>()
        }
        Value::Object(d) => {
            64 + d
                .iter()
                .map(|(k, v)| 24 + k.len() + std::mem::size_of::<Value>() + heap_bytes(v))
                .sum::<usize>()
        }
        _ => 0,
    }
}

/// Records of a scan answered by columns: `id` and the wanted fields of every entity
/// that passes the filters, page by page.
pub(crate) struct ColumnPages {
    cols: Arc<Columns>,
    at: usize,
    /// Filters with the column of the field each reads.
    filters: Vec<(usize, Predicate)>,
    /// Columns returned, by name.
    project: Vec<(usize, String)>,
}

impl ColumnPages {
    /// Pages of `cols` for the `project`ed fields, keeping entities that pass every
    /// one of `filters` (each on a field that `cols` holds).
    pub(crate) fn new(
        cols: Arc<Columns>,
        project: &[String],
        filters: &[Predicate],
    ) -> Option<ColumnPages> {
        let col = |name: &str| cols.fields.binary_search_by(|f| f.as_str().cmp(name)).ok();
        let filters = filters
            .iter()
            .map(|p| Some((col(p.path().first()?)?, p.clone())))
            .collect::<Option<Vec<_>>>()?;
        let project = project
            .iter()
            .filter(|f| f.as_str() != crate::store::fields::ID)
            .map(|f| Some((col(f)?, f.clone())))
            .collect::<Option<Vec<_>>>()?;
        Some(ColumnPages {
            cols,
            at: 0,
            filters,
            project,
        })
    }

    /// Up to `n` records (`None` at the end).
    pub(crate) fn next_page(&mut self, n: usize) -> Option<Vec<Record>> {
        let rows = self.cols.ids.len();
        if self.at >= rows {
            return None;
        }
        let mut out = Vec::new();
        // Rows looked at per page: a filter that drops most rows still returns to the
        // caller (and its interrupt check) often.
        let end = rows.min(self.at + 16 * n);
        while self.at < end && out.len() < n {
            let row = self.at;
            self.at += 1;
            let pass = self
                .filters
                .iter()
                .all(|(c, p)| p.matches_head(self.cols.cols[*c][row].as_ref()));
            if !pass {
                continue;
            }
            let mut doc =
                Document::with_capacity_and_hasher(1 + self.project.len(), Default::default());
            doc.insert(
                crate::store::fields::ID.to_string(),
                self.cols.ids[row].clone(),
            );
            for (c, name) in &self.project {
                if let Some(v) = &self.cols.cols[*c][row] {
                    doc.insert(name.clone(), v.clone());
                }
            }
            out.push(Arc::new(doc));
        }
        Some(out)
    }
}
