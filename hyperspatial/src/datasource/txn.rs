//! `hyperql::Transaction` over a [`WriteBatch`].

use crate::store::WriteBatch;
use hyperql::{Document, Schema, SourceError, Transaction, Value};
use uuid::Uuid;

pub(crate) struct Tx(pub(crate) WriteBatch);

impl Tx {
    fn id(&self, v: &Value) -> Result<Uuid, SourceError> {
        self.0
            .resolve(v)
            .ok_or_else(|| SourceError::NotFound(format!("entity {v}")))
    }

    /// [`id_in`](Self::id_in) of an entity the statement read: if it is gone, a
    /// concurrent batch deleted it since (a conflict).
    fn seen_id(&self, collection: &str, v: &Value) -> Result<Uuid, SourceError> {
        self.id_in(collection, v).map_err(|_| {
            SourceError::Conflict(format!(
                "entity {v} was deleted by a concurrent write after it was read"
            ))
        })
    }

    /// The entity `v` names, which must live in `collection`.
    fn id_in(&self, collection: &str, v: &Value) -> Result<Uuid, SourceError> {
        let id = self.id(v)?;
        if self.0.collection_of(id).as_deref() != Some(collection) {
            return Err(SourceError::NotFound(format!("{id} in `{collection}`")));
        }
        Ok(id)
    }
}

impl Transaction for Tx {
    fn insert(
        &mut self,
        collection: &str,
        entity: Option<&str>,
        doc: Document,
    ) -> Result<Value, SourceError> {
        let id = self.0.insert(collection, entity, doc)?;
        Ok(Value::str(&id.to_string()))
    }

    fn update(&mut self, collection: &str, id: &Value, doc: Document) -> Result<(), SourceError> {
        let id = self.id_in(collection, id)?;
        Ok(self.0.update(id, doc)?)
    }

    fn update_seen(
        &mut self,
        collection: &str,
        id: &Value,
        seen: &Document,
        doc: Document,
    ) -> Result<(), SourceError> {
        let id = self.seen_id(collection, id)?;
        self.0.check_seen(id, seen)?;
        Ok(self.0.update(id, doc)?)
    }

    fn delete_seen(
        &mut self,
        collection: &str,
        id: &Value,
        seen: &Document,
    ) -> Result<(), SourceError> {
        let id = self.seen_id(collection, id)?;
        self.0.check_seen(id, seen)?;
        Ok(self.0.delete(id)?)
    }

    fn delete(&mut self, collection: &str, id: &Value) -> Result<(), SourceError> {
        let id = self.id_in(collection, id)?;
        Ok(self.0.delete(id)?)
    }

    fn relate(
        &mut self,
        from: &Value,
        to: &Value,
        label: &str,
        mut props: Document,
    ) -> Result<Value, SourceError> {
        let (f, t) = (self.id(from)?, self.id(to)?);
        let weight = match props.shift_remove("weight") {
            None | Some(Value::Null) => 1.0,
            Some(w) => w.as_f64().ok_or_else(|| {
                SourceError::Constraint(format!(
                    "edge weight must be a number, not {}",
                    w.type_name()
                ))
            })? as f32,
        };
        props.shift_remove("active");
        self.0.relate(f, label, t, weight, props)?;
        Ok(Value::str(&format!("{f}-{label}-{t}")))
    }

    fn put_schema(&mut self, schema: Schema) -> Result<(), SourceError> {
        Ok(self.0.put_schema(schema)?)
    }

    fn drop_schema(&mut self, name: &str) -> Result<bool, SourceError> {
        Ok(self.0.drop_schema(name)?)
    }

    fn commit(self: Box<Self>) -> Result<(), SourceError> {
        self.0.commit()?;
        Ok(())
    }
}
