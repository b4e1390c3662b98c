//! Secondary indexes on fields a schema declares `INDEXED`.
//!
//! Table `index` of the `properties` family: key (field, sortable value, id), no
//! value. The sortable encoding orders values of one kind the way comparisons do:
//! numbers (integers and floats together, as f64), strings, booleans, timestamps.
//! Other values (arrays, objects, vectors) and NULL are not indexed. Entries are
//! maintained in the same transaction as the entity, and a lookup is always followed
//! by the full filter on the record, so an index can narrow a scan but never change
//! its answer. A field that becomes indexed is filled by [`backfill`] from the stored
//! documents, a chunk of entities per transaction, before the schema declaring it is
//! published (the commit lock keeps writers out meanwhile).

use super::codec::decode_document;
use super::shard::{DOCS, Shard};
use crate::store::StoreError;
use hyperql::{CmpOp, Predicate, Schema, Type, Value};
use manifold::TableDefinition;
use std::ops::Bound;
use uuid::Uuid;

pub(crate) const INDEX: TableDefinition<(String, Vec<u8>, Uuid), ()> =
    TableDefinition::new("index");

const NUM: u8 = 1;
const STR: u8 = 2;
const BOOL: u8 = 3;
const TIME: u8 = 4;

fn f64_key(x: f64) -> [u8; 8] {
    let b = x.to_bits();
    let b = if b >> 63 == 1 { !b } else { b | 1 << 63 };
    b.to_be_bytes()
}

/// Entities whose index entries one backfill transaction writes.
const BACKFILL_CHUNK: usize = 20_000;

/// Fills the index of `fields` in `shard` from the stored documents: first drops
/// whatever entries of theirs are there (left by an earlier index on the field, or by
/// a backfill whose schema was never published), then adds one per entity and field,
/// [`BACKFILL_CHUNK`] entities per transaction, so collections of any size fit the
/// log.
pub(crate) fn backfill(shard: &Shard, fields: &[String]) -> Result<(), StoreError> {
    let tx = shard.properties.begin_write()?;
    {
        let mut t = tx.open_table(INDEX)?;
        for f in fields {
            t.remove_prefix(f.as_str())?;
        }
    }
    tx.commit()?;
    let mut after: Option<Uuid> = None;
    loop {
        let mut entries = Vec::new();
        let mut seen = 0;
        {
            let rtx = shard.properties.begin_read()?;
            let docs = rtx.open_table(DOCS)?;
            let lo = after.map_or(Bound::Unbounded, Bound::Excluded);
            for e in docs.range((lo.as_ref(), Bound::Unbounded))? {
                let (id, bytes) = e?;
                let doc = decode_document(&bytes)?;
                for f in fields {
                    if let Some(k) = doc.get(f).and_then(sort_key) {
                        entries.push((f.clone(), k, id));
                    }
                }
                after = Some(id);
                seen += 1;
                if seen == BACKFILL_CHUNK {
                    break;
                }
            }
        }
        if !entries.is_empty() {
            let tx = shard.properties.begin_write()?;
            {
                let mut t = tx.open_table(INDEX)?;
                for k in &entries {
                    t.insert(k, &())?;
                }
            }
            tx.commit()?;
        }
        if seen < BACKFILL_CHUNK {
            return Ok(());
        }
    }
}

/// The sortable encoding of a value, `None` for what is not indexed.
pub(crate) fn sort_key(v: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(9);
    match v {
        Value::Int(n) => {
            out.push(NUM);
            out.extend_from_slice(&f64_key(*n as f64));
        }
        Value::Float(x) if !x.is_nan() => {
            out.push(NUM);
            out.extend_from_slice(&f64_key(if *x == 0.0 { 0.0 } else { *x }));
        }
        Value::String(s) => {
            out.push(STR);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bool(b) => {
            out.push(BOOL);
            out.push(u8::from(*b));
        }
        Value::Timestamp(t) => {
            out.push(TIME);
            out.extend_from_slice(&((*t as u64) ^ (1 << 63)).to_be_bytes());
        }
        _ => return None,
    }
    Some(out)
}

/// The top-level fields of `schema` that are indexed.
pub(crate) fn indexed_fields(schema: Option<&Schema>) -> Vec<String> {
    schema.map_or_else(Vec::new, |s| {
        s.fields
            .iter()
            .filter(|f| f.indexed && !matches!(f.ty, Type::Vector(_)))
            .map(|f| f.name.clone())
            .collect()
    })
}

type Key = (String, Vec<u8>, Uuid);

/// Ids of one shard whose `field` may satisfy `pred` (a superset is fine), or `None`
/// when the predicate cannot use the index.
pub(crate) fn lookup(
    shard: &Shard,
    field: &str,
    pred: &Predicate,
) -> Result<Option<Vec<Uuid>>, StoreError> {
    let ranges: Vec<(Bound<Key>, Bound<Key>)> = match pred {
        Predicate::Compare { op, value, .. } => {
            let Some(k) = sort_key(value) else {
                return Ok(None);
            };
            let tag = k[0];
            let at = |id| (field.to_string(), k.clone(), id);
            let class_lo = Bound::Included((field.to_string(), vec![tag], Uuid::nil()));
            let class_hi = Bound::Excluded((field.to_string(), vec![tag + 1], Uuid::nil()));
            vec![match op {
                CmpOp::Eq => (
                    Bound::Included(at(Uuid::nil())),
                    Bound::Included(at(Uuid::max())),
                ),
                CmpOp::Lt => (class_lo, Bound::Excluded(at(Uuid::nil()))),
                CmpOp::LtEq => (class_lo, Bound::Included(at(Uuid::max()))),
                CmpOp::Gt => (Bound::Excluded(at(Uuid::max())), class_hi),
                CmpOp::GtEq => (Bound::Included(at(Uuid::nil())), class_hi),
                CmpOp::NotEq => return Ok(None),
            }]
        }
        Predicate::In { values, .. } => {
            let mut r = Vec::new();
            for v in values {
                let Some(k) = sort_key(v) else {
                    return Ok(None);
                };
                r.push((
                    Bound::Included((field.to_string(), k.clone(), Uuid::nil())),
                    Bound::Included((field.to_string(), k, Uuid::max())),
                ));
            }
            r
        }
        Predicate::IsNull { .. } => return Ok(None),
    };
    let rtx = shard.properties.begin_read()?;
    let t = rtx.open_table(INDEX)?;
    let mut out = Vec::new();
    for (lo, hi) in ranges {
        let lo = bound_ref(&lo);
        let hi = bound_ref(&hi);
        for e in t.range((lo, hi))? {
            let ((_, _, id), ()) = e?;
            out.push(id);
        }
    }
    Ok(Some(out))
}

fn bound_ref(b: &Bound<Key>) -> Bound<&Key> {
    match b {
        Bound::Included(k) => Bound::Included(k),
        Bound::Excluded(k) => Bound::Excluded(k),
        Bound::Unbounded => Bound::Unbounded,
    }
}

impl super::Database {
    /// Ids that may satisfy the first of `filters` an index of `collection` can
    /// answer (a superset of the matches, in no particular order), or `None` when no
    /// filter can use an index. Equality tests are tried before `IN` lists and those
    /// before ranges: a range often spans most of a collection and narrows little.
    pub(crate) fn index_candidates(
        &self,
        collection: &str,
        filters: &[Predicate],
    ) -> Result<Option<Vec<Uuid>>, StoreError> {
        let Some(c) = self.collection(collection) else {
            return Ok(None);
        };
        let fields = indexed_fields(c.schema.read().as_ref());
        if fields.is_empty() {
            return Ok(None);
        }
        let mut by_selectivity: Vec<&Predicate> = filters.iter().collect();
        by_selectivity.sort_by_key(|p| match p {
            Predicate::Compare { op: CmpOp::Eq, .. } => 0,
            Predicate::In { .. } => 1,
            _ => 2,
        });
        for p in by_selectivity {
            let path = p.path();
            if path.len() != 1 || !fields.contains(&path[0]) {
                continue;
            }
            let mut all = Vec::new();
            for shard in &c.shards {
                match lookup(shard, &path[0], p)? {
                    Some(ids) => all.extend(ids),
                    None => break,
                }
            }
            if matches!(p, Predicate::IsNull { .. })
                || matches!(
                    p,
                    Predicate::Compare {
                        op: CmpOp::NotEq,
                        ..
                    }
                )
            {
                continue;
            }
            all.sort_unstable();
            all.dedup();
            return Ok(Some(all));
        }
        Ok(None)
    }
}
