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
//! the WHERE (the client may ignore ids it does not know).

use crate::server::error::ApiError;
use crate::{ChangeEvent, ChangeKind, Database};
use hyperql::{Engine, Params, StatementKind, Value};

/// A checked subscription.
pub(crate) struct Filter {
    db: Database,
    text: String,
    collection: String,
    entity: Option<String>,
    has_where: bool,
}

impl Filter {
    /// Checks `text`: a single `SUBSCRIBE` on an existing collection that plans
    /// (400 for a bad statement, 404 for an unknown collection).
    pub(crate) fn new(db: &Database, text: &str) -> Result<Filter, ApiError> {
        let st =
            hyperql::parse_statement(text).map_err(|d| ApiError::from(hyperql::Error::Parse(d)))?;
        let StatementKind::Subscribe(sub) = st.kind else {
            return Err(ApiError::bad_request(
                "expected `SUBSCRIBE collection[.Type] [WHERE condition]`",
            ));
        };
        let collection = sub.target.collection.name.clone();
        if db.collection_config(&collection).is_none() {
            return Err(ApiError::not_found(format!(
                "unknown collection `{collection}`"
            )));
        }
        // Plans against the real database without running: semantic errors now.
        Engine::new(db.clone())
            .explain(text, &Params::new())
            .map_err(ApiError::from)?;
        Ok(Filter {
            db: db.clone(),
            text: text.to_string(),
            collection,
            entity: sub.target.entity.map(|e| e.name),
            has_where: sub.selection.is_some(),
        })
    }

    /// The watched collection.
    pub(crate) fn collection(&self) -> &str {
        &self.collection
    }

    /// The statement as given.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Whether `ev` is wanted; an error when the WHERE fails on this record.
    pub(crate) fn matches(&self, ev: &ChangeEvent) -> Result<bool, hyperql::Error> {
        if ev.collection != self.collection {
            return Ok(false);
        }
        let Some(record) = &ev.record else {
            return Ok(ev.kind == ChangeKind::Delete);
        };
        let ty = match record.get(crate::fields::TYPE) {
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
