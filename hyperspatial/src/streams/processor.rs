//! Processors: consumers that map a message to publishes and database writes.
//!
//! A processor runs on its own thread behind a bounded queue (see the module docs
//! of `streams` for the back-pressure policy). For each message it fills an
//! [`Output`]; the hub then commits the output's writes as one batch (all or
//! nothing) and, once they committed, publishes the output's messages. Everything
//! the output produces carries the message's hop count plus one; so do the change
//! messages of the entities it wrote (see the loop-back rules in `streams`).
//!
//! A processor that returns an error or panics, or whose writes fail, counts an
//! error on its consumer; it keeps running for the next message.

use super::hub::Core;
use super::message::{Message, Source};
use super::queue::{Pop, Queue};
use super::stream::Consumer;
use super::{StreamError, check_stream_name};
use crate::fields;
use hyperql::{Document, Value};
use serde_json::Value as JsonValue;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;
use uuid::Uuid;

/// What a processor may fail with.
pub type ProcessError = Box<dyn std::error::Error + Send + Sync>;

/// Maps a message to zero or more publishes and database writes.
///
/// Closures `FnMut(&Message, &mut Output) -> Result<(), ProcessError>` are
/// processors. A processor publishes through its [`Output`]; it should not hold a
/// [`StreamHub`](super::StreamHub) clone, which would keep the hub from shutting
/// down when its other handles are dropped.
pub trait Processor: Send + 'static {
    /// Handles one message, adding what it produces to `out`.
    fn process(&mut self, msg: &Message, out: &mut Output) -> Result<(), ProcessError>;
}

impl<F> Processor for F
where
    F: FnMut(&Message, &mut Output) -> Result<(), ProcessError> + Send + 'static,
{
    fn process(&mut self, msg: &Message, out: &mut Output) -> Result<(), ProcessError> {
        self(msg, out)
    }
}

#[derive(Debug)]
enum Write {
    Insert {
        collection: String,
        doc: JsonValue,
    },
    Update {
        id: String,
        doc: JsonValue,
    },
    Set {
        id: String,
        path: String,
        value: JsonValue,
    },
    Delete {
        id: String,
    },
}

/// What a processor produces for one message.
#[derive(Debug, Default)]
pub struct Output {
    publishes: Vec<(String, JsonValue)>,
    writes: Vec<Write>,
}

impl Output {
    /// Publishes `payload` to `stream` (after the writes committed).
    pub fn publish(&mut self, stream: impl Into<String>, payload: JsonValue) {
        self.publishes.push((stream.into(), payload));
    }

    /// Inserts the JSON object `doc` into `collection` (created if new); `id` or
    /// `_key` may give an external id, as for any insert.
    pub fn insert(&mut self, collection: impl Into<String>, doc: JsonValue) {
        self.writes.push(Write::Insert {
            collection: collection.into(),
            doc,
        });
    }

    /// Replaces the user fields of entity `id` (a UUID or an external id).
    pub fn update(&mut self, id: impl Into<String>, doc: JsonValue) {
        self.writes.push(Write::Update { id: id.into(), doc });
    }

    /// Sets the dotted `path` of entity `id` to `value` (`null` removes it).
    pub fn set(&mut self, id: impl Into<String>, path: impl Into<String>, value: JsonValue) {
        self.writes.push(Write::Set {
            id: id.into(),
            path: path.into(),
            value,
        });
    }

    /// Deletes entity `id`.
    pub fn delete(&mut self, id: impl Into<String>) {
        self.writes.push(Write::Delete { id: id.into() });
    }

    /// Whether nothing was produced.
    pub fn is_empty(&self) -> bool {
        self.publishes.is_empty() && self.writes.is_empty()
    }
}

/// A database writer: every payload becomes a document of `collection` (a
/// payload that is not an object becomes `{"value": payload}`).
pub(crate) fn collection_writer(collection: String) -> impl Processor {
    move |msg: &Message, out: &mut Output| {
        let doc = match &msg.payload {
            JsonValue::Object(_) => msg.payload.clone(),
            other => serde_json::json!({ "value": other }),
        };
        out.insert(collection.clone(), doc);
        Ok(())
    }
}

/// How long a worker waits for a message before looking whether the hub stops.
const POLL: Duration = Duration::from_millis(100);

/// The loop of a processor's thread.
pub(crate) fn run(
    core: &Core,
    consumer: &Consumer,
    queue: &Queue<Arc<Message>>,
    name: &Arc<str>,
    mut processor: Box<dyn Processor>,
) {
    loop {
        let msg = match queue.pop(POLL) {
            Pop::Item(m) => m,
            Pop::Empty => {
                if core.is_stopping() {
                    return;
                }
                continue;
            }
            Pop::Closed => return,
        };
        if core.is_stopping() {
            return;
        }
        let mut out = Output::default();
        let ok = match catch_unwind(AssertUnwindSafe(|| processor.process(&msg, &mut out))) {
            Ok(Ok(())) => apply(core, name, msg.hops.saturating_add(1), out).is_ok(),
            Ok(Err(_)) | Err(_) => false,
        };
        if !ok {
            consumer.errors.fetch_add(1, Relaxed);
        }
        core.note_finished();
    }
}

/// Commits the writes of `out`, then publishes its messages, at hop `hops`.
pub(crate) fn apply(
    core: &Core,
    name: &Arc<str>,
    hops: u32,
    out: Output,
) -> Result<(), StreamError> {
    if hops > core.config.max_hops {
        core.count_loop_drop();
        return Err(StreamError::HopLimit(core.config.max_hops));
    }
    for (stream, _) in &out.publishes {
        check_stream_name(stream)?;
    }
    if !out.writes.is_empty() {
        let db = core
            .db
            .as_ref()
            .ok_or(StreamError::NoDatabase("a processor wrote"))?;
        let mut batch = db.batch();
        let mut touched = Vec::with_capacity(out.writes.len());
        for w in out.writes {
            match w {
                Write::Insert { collection, doc } => {
                    let (id, doc) = with_entity_id(to_document(&doc)?);
                    batch.insert(&collection, None, doc)?;
                    touched.push(id);
                }
                Write::Update { id, doc } => {
                    let id = resolve(&batch, &id)?;
                    batch.update(id, to_document(&doc)?)?;
                    touched.push(id);
                }
                Write::Set { id, path, value } => {
                    let id = resolve(&batch, &id)?;
                    batch.set(id, &path, Value::from_json(&value))?;
                    touched.push(id);
                }
                Write::Delete { id } => {
                    let id = resolve(&batch, &id)?;
                    batch.delete(id)?;
                    touched.push(id);
                }
            }
        }
        // Remembered before the commit: its change events may reach the bridge
        // before `commit` returns.
        core.note_writes(&touched, hops);
        if let Err(e) = batch.commit() {
            core.forget_writes(&touched);
            return Err(e.into());
        }
    }
    let source = Source::Processor(name.clone());
    let mut first_err = None;
    for (stream, payload) in out.publishes {
        if let Err(e) = core.publish(&stream, payload, source.clone(), hops) {
            first_err.get_or_insert(e);
        }
    }
    first_err.map_or(Ok(()), Err)
}

fn resolve(batch: &crate::WriteBatch, id: &str) -> Result<Uuid, StreamError> {
    batch
        .resolve(&Value::str(id))
        .ok_or_else(|| StreamError::Store(crate::StoreError::NotFound(id.to_string())))
}

fn to_document(j: &JsonValue) -> Result<Document, StreamError> {
    match Value::from_json(j) {
        Value::Object(d) => Ok((*d).clone()),
        other => Err(StreamError::Document(format!(
            "expected a JSON object, not {}",
            other.type_name()
        ))),
    }
}

/// Fixes the entity id of a document to insert, so the change it causes can be
/// recognised: a UUID `id` is kept; another `id` becomes the external id (`_key`)
/// as an insert would make it; a fresh UUID otherwise.
fn with_entity_id(mut doc: Document) -> (Uuid, Document) {
    let given = doc.get(fields::ID).cloned();
    let id = match given {
        Some(Value::String(s)) => match Uuid::parse_str(&s) {
            Ok(u) => u,
            Err(_) => {
                doc.entry(fields::KEY.to_string())
                    .or_insert(Value::String(s.clone()));
                crate::store::new_entity_id()
            }
        },
        Some(Value::Int(n)) => {
            doc.entry(fields::KEY.to_string())
                .or_insert_with(|| Value::str(&n.to_string()));
            crate::store::new_entity_id()
        }
        _ => crate::store::new_entity_id(),
    };
    doc.insert(fields::ID.to_string(), Value::str(&id.to_string()));
    (id, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entity_ids_are_fixed_before_insert() {
        let u = crate::store::new_entity_id();
        let (id, d) = with_entity_id(to_document(&json!({"id": u.to_string(), "a": 1})).unwrap());
        assert_eq!(id, u);
        assert_eq!(d.get("_key"), None);
        let (id, d) = with_entity_id(to_document(&json!({"id": "ada"})).unwrap());
        assert_eq!(d.get("_key"), Some(&Value::str("ada")));
        assert_eq!(d.get("id"), Some(&Value::str(&id.to_string())));
        let (_, d) = with_entity_id(to_document(&json!({"id": 7})).unwrap());
        assert_eq!(d.get("_key"), Some(&Value::str("7")));
        assert!(to_document(&json!([1])).is_err());
    }
}
