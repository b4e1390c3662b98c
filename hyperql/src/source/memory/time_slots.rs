//! The one-point-per-instant rule of a collection declared `WITH TIME SERIES`: at
//! most one document per (series value, time) — the rule manifold-timeseries keeps
//! for compiled code, so that both refuse the same writes. A transaction's writes are
//! checked in order at commit, against what is stored and what its earlier writes
//! did, before any of them is applied.

use super::{Op, State};
use crate::source::SourceError;
use crate::value::{Document, Value};
use std::collections::HashMap;

/// (series value, time): `Null` series for a collection without a series field.
type Key = (Value, Value);

/// The instants a time-series collection's documents hold.
#[derive(Default)]
pub(super) struct TimeSlots {
    time: String,
    series: Option<String>,
    by_key: HashMap<Key, Value>,
}

fn taken(collection: &str, (series, time): &Key) -> SourceError {
    SourceError::Constraint(format!(
        "a document of {collection} is already at time {time} of series `{}`",
        match series {
            Value::String(s) => s.to_string(),
            Value::Null => String::new(),
            v => v.to_string(),
        }
    ))
}

impl TimeSlots {
    /// The slots of `rows` (id, document) under `time` and `series`; a second
    /// document at one instant of one series is [`SourceError::Constraint`].
    pub(super) fn build<'a>(
        collection: &str,
        time: &str,
        series: Option<&str>,
        rows: impl Iterator<Item = (&'a Value, &'a Document)>,
    ) -> Result<TimeSlots, SourceError> {
        let mut slots = TimeSlots {
            time: time.to_string(),
            series: series.map(str::to_string),
            by_key: HashMap::new(),
        };
        for (id, doc) in rows {
            if let Some(key) = slots.key(doc) {
                if slots.by_key.contains_key(&key) {
                    return Err(taken(collection, &key));
                }
                slots.by_key.insert(key, id.clone());
            }
        }
        Ok(slots)
    }

    /// The instant of `doc` (none without a time).
    fn key(&self, doc: &Document) -> Option<Key> {
        let t = doc.get(&self.time).filter(|v| !v.is_null())?;
        let s = match &self.series {
            Some(f) => doc.get(f).cloned().unwrap_or(Value::Null),
            None => Value::Null,
        };
        Some((s, t.clone()))
    }

    /// Records that document `id` moved from `old` to `new` (already checked).
    pub(super) fn moved(&mut self, id: &Value, old: Option<&Document>, new: Option<&Document>) {
        if let Some(k) = old.and_then(|d| self.key(d))
            && self.by_key.get(&k) == Some(id)
        {
            self.by_key.remove(&k);
        }
        if let Some(k) = new.and_then(|d| self.key(d)) {
            self.by_key.insert(k, id.clone());
        }
    }
}

/// The stored document `id` of `collection`.
fn stored<'s>(st: &'s State, collection: &str, id: &Value) -> Option<&'s Document> {
    let c = st.collections.get(collection)?;
    let i = *c.by_id.get(id)?;
    c.rows[i].as_ref().map(|(_, d)| &**d)
}

/// Checks `ops`, in order, against the one-point-per-instant rule of every
/// time-series collection they write.
pub(super) fn check(st: &State, ops: &[Op]) -> Result<(), SourceError> {
    // What the transaction's earlier writes did: the instant each written document
    // now holds, and the occupant of each instant they touched.
    let mut at: HashMap<(&str, Value), Option<Key>> = HashMap::new();
    let mut held: HashMap<(&str, Key), Option<Value>> = HashMap::new();
    for op in ops {
        let (c, id, new) = match op {
            Op::Insert(c, _, d) => (c, d.get("id").cloned().unwrap_or(Value::Null), Some(d)),
            Op::Update(c, id, d) => (c, id.clone(), Some(d)),
            Op::Delete(c, id) => (c, id.clone(), None),
            _ => continue,
        };
        let Some(slots) = st.collections.get(c).and_then(|x| x.slots.as_ref()) else {
            continue;
        };
        let old = match at.get(&(c.as_str(), id.clone())) {
            Some(k) => k.clone(),
            None => stored(st, c, &id).and_then(|d| slots.key(d)),
        };
        let new = new.and_then(|d| slots.key(d));
        if let Some(k) = old {
            held.insert((c.as_str(), k), None);
        }
        if let Some(k) = &new {
            let occupant = match held.get(&(c.as_str(), k.clone())) {
                Some(o) => o.clone(),
                None => slots.by_key.get(k).cloned(),
            };
            if occupant.is_some_and(|o| o != id) {
                return Err(taken(c, k));
            }
            held.insert((c.as_str(), k.clone()), Some(id.clone()));
        }
        at.insert((c.as_str(), id), new);
    }
    Ok(())
}
