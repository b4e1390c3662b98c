//! A view of the storage with the derived values computed so far laid over it.

use super::error::CascadeError;
use super::view::{CascadeView, EdgeDirection};
use hyperql::Value;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The storage's view, plus derived values computed during one propagation and the
/// entities deleted by it (which no longer exist and are nobody's neighbour).
pub(crate) struct Overlay<'a, V> {
    base: &'a V,
    values: HashMap<Uuid, HashMap<String, (Value, i64)>>,
    deleted: HashSet<Uuid>,
}

impl<'a, V: CascadeView> Overlay<'a, V> {
    pub(crate) fn new(base: &'a V) -> Self {
        Overlay {
            base,
            values: HashMap::new(),
            deleted: HashSet::new(),
        }
    }

    /// Hides an entity deleted by the transaction.
    pub(crate) fn delete(&mut self, id: Uuid) {
        self.deleted.insert(id);
        self.values.remove(&id);
    }

    /// Whether the entity was deleted by the transaction.
    pub(crate) fn is_deleted(&self, id: Uuid) -> bool {
        self.deleted.contains(&id)
    }

    /// Records `value` as the new value of `id.field`, written at `now_us`, unless it
    /// equals the current one (then the current value keeps its time). Returns whether
    /// it changed.
    pub(crate) fn settle(
        &mut self,
        id: Uuid,
        field: &str,
        value: Value,
        now_us: i64,
    ) -> Result<bool, CascadeError> {
        let current = self.field(id, field)?.map_or(Value::Null, |(v, _)| v);
        if same_value(&current, &value) {
            return Ok(false);
        }
        self.values
            .entry(id)
            .or_default()
            .insert(field.to_string(), (value, now_us));
        Ok(true)
    }

    /// The value recorded by [`Overlay::settle`], if any.
    pub(crate) fn settled(&self, id: Uuid, field: &str) -> Option<&Value> {
        self.values.get(&id)?.get(field).map(|(v, _)| v)
    }
}

impl<V: CascadeView> CascadeView for Overlay<'_, V> {
    fn neighbours(
        &self,
        id: Uuid,
        label: &str,
        dir: EdgeDirection,
    ) -> Result<Vec<Uuid>, CascadeError> {
        let mut out = self.base.neighbours(id, label, dir)?;
        if !self.deleted.is_empty() {
            out.retain(|x| !self.deleted.contains(x));
        }
        Ok(out)
    }

    fn collection_of(&self, id: Uuid) -> Result<Option<String>, CascadeError> {
        if self.is_deleted(id) {
            return Ok(None);
        }
        self.base.collection_of(id)
    }

    fn field(&self, id: Uuid, field: &str) -> Result<Option<(Value, i64)>, CascadeError> {
        if self.is_deleted(id) {
            return Ok(None);
        }
        if let Some(v) = self.values.get(&id).and_then(|m| m.get(field)) {
            return Ok(Some(v.clone()));
        }
        self.base.field(id, field)
    }
}

/// Strict equality: same type and same value (floats bit for bit), so that `1` and
/// `1.0` differ and NaN equals itself.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b) && a == b,
    }
}
