//! A statement over one record: how change subscriptions (`SUBSCRIBE .. WHERE`) and
//! stream filters decide whether a record matches, with HyperQL's own executor so a
//! WHERE means exactly what it means in a query (paths, functions, NULL handling).
//!
//! The record is the only one in an in-memory source; a subquery therefore sees
//! only that record. With a database the source offers the database's functions
//! (`COMBINED_DISTANCE`, `EMBED`); `HYPERBOLIC_DISTANCE` is always there.

use super::functions::{CombinedDistance, Embed, HyperbolicDistance};
use crate::store::Database;
use hyperql::{Document, Engine, MemorySource, Params};
use std::sync::Arc;

/// Whether `text` (a statement reading `collection`) returns a row when
/// `collection` holds only `record` (of entity type `entity`).
pub(crate) fn matches_one(
    db: Option<&Database>,
    text: &str,
    collection: &str,
    entity: Option<&str>,
    record: Document,
) -> Result<bool, hyperql::Error> {
    let mut source = MemorySource::new().with_geometry(Arc::new(HyperbolicDistance));
    if let Some(db) = db {
        source = source
            .with_function(Arc::new(CombinedDistance(db.clone())))
            .with_function(Arc::new(Embed {
                db: db.clone(),
                with_model: false,
            }))
            .with_function(Arc::new(Embed {
                db: db.clone(),
                with_model: true,
            }));
    }
    source.insert_many(collection, entity, [record]);
    let r = Engine::new(source).query(text, &Params::new())?;
    Ok(!r.rows.is_empty())
}
