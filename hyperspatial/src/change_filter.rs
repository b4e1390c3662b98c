//! Which change events a `SUBSCRIBE collection[.Type] [WHERE ..]` wants.
//!
//! The statement is checked once against the database (parse, collection, plan).
//! Each event is then matched by running the same statement with HyperQL's own
//! executor over an in-memory source that holds only the changed record
//! (`datasource::matches_one`, shared with stream filters), so the WHERE
//! means exactly what it means in a query (paths, functions, NULL handling). A
//! subquery in the WHERE therefore sees only that record.
//!
//! Deletes carry no record: every delete of the collection is delivered, whatever
//! the WHERE (the subscriber may ignore ids it does not know).

use crate::store::{ChangeEvent, ChangeKind, Database, fields};
use hyperql::{Engine, Params, StatementKind, Value};

/// Why a subscription statement was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeFilterError {
    /// The text is not one `SUBSCRIBE` statement.
    #[error("expected `SUBSCRIBE collection[.Type] [WHERE condition]`")]
    NotSubscribe,
    /// The statement does not parse or does not plan against the database.
    #[error(transparent)]
    Query(#[from] hyperql::Error),
    /// The watched collection does not exist.
    #[error("unknown collection `{0}`")]
    UnknownCollection(String),
}

/// A checked subscription statement that decides which change events it wants.
pub struct ChangeFilter {
    db: Database,
    text: String,
    collection: String,
    entity: Option<String>,
    has_where: bool,
}

impl ChangeFilter {
    /// Checks `text`: a single `SUBSCRIBE` on an existing collection that plans.
    pub fn new(db: &Database, text: &str) -> Result<ChangeFilter, ChangeFilterError> {
        let st = hyperql::parse_statement(text).map_err(hyperql::Error::Parse)?;
        let StatementKind::Subscribe(sub) = st.kind else {
            return Err(ChangeFilterError::NotSubscribe);
        };
        let collection = sub.target.collection.name.clone();
        if db.collection_config(&collection).is_none() {
            return Err(ChangeFilterError::UnknownCollection(collection));
        }
        // Plans against the real database without running: semantic errors now.
        Engine::new(db.clone()).explain(text, &Params::new())?;
        Ok(ChangeFilter {
            db: db.clone(),
            text: text.to_string(),
            collection,
            entity: sub.target.entity.map(|e| e.name),
            has_where: sub.selection.is_some(),
        })
    }

    /// The watched collection.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    /// The statement as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether `ev` is wanted; an error when the WHERE fails on this record.
    pub fn matches(&self, ev: &ChangeEvent) -> Result<bool, hyperql::Error> {
        if ev.collection != self.collection {
            return Ok(false);
        }
        let Some(record) = &ev.record else {
            return Ok(ev.kind == ChangeKind::Delete);
        };
        let ty = match record.get(fields::TYPE) {
            Some(Value::String(t)) => Some(t.to_string()),
            _ => None,
        };
        if self.entity.is_some() && self.entity != ty {
            return Ok(false);
        }
        if !self.has_where {
            return Ok(true);
        }
        crate::datasource::matches_one(
            Some(&self.db),
            &self.text,
            &self.collection,
            ty.as_deref(),
            (**record).clone(),
        )
    }
}
