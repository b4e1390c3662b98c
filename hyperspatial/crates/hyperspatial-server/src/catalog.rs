//! Read-only description endpoints: `GET /health`, `GET /collections`,
//! `GET /collections/{name}` and `GET /schemas/{name}`.

use super::error::ApiError;
use super::state::Shared;
use axum::Json;
use axum::extract::{Path, State};
use hyperql::DataSource;
use serde_json::{Value as JsonValue, json};

/// `GET /health`: `{"status": "ok"}` (needs no token).
pub(crate) async fn health(State(s): State<Shared>) -> Json<JsonValue> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_secs": s.started.elapsed().as_secs(),
    }))
}

/// Runs `f` on the blocking pool (reading the database may wait for the disk).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the catalog task failed: {e}")))?
}

/// `GET /collections`: every collection with its entity count (kept in memory, so
/// this reads no entity).
pub(crate) async fn list(State(s): State<Shared>) -> Result<Json<JsonValue>, ApiError> {
    blocking(move || {
        let items: Vec<JsonValue> =
            s.db.collections()
                .into_iter()
                .map(|name| {
                    let count = s.db.count(Some(&name));
                    json!({ "name": name, "count": count })
                })
                .collect();
        Ok(Json(json!({ "collections": items })))
    })
    .await
}

fn unknown(name: &str) -> ApiError {
    ApiError::not_found(format!("unknown collection `{name}`"))
}

/// `GET /collections/{name}`: configuration, entity count and declared schema.
pub(crate) async fn describe(
    State(s): State<Shared>,
    Path(name): Path<String>,
) -> Result<Json<JsonValue>, ApiError> {
    blocking(move || {
        let config =
            s.db.collection_config(&name)
                .ok_or_else(|| unknown(&name))?;
        let schema = DataSource::schema(&s.db, &name).filter(|x| x.declared);
        Ok(Json(json!({
            "name": name,
            "count": s.db.count(Some(&name)),
            "config": config,
            "schema": schema,
        })))
    })
    .await
}

/// `GET /schemas/{name}`: the collection's schema (`"declared": false` when none was
/// declared).
pub(crate) async fn schema(
    State(s): State<Shared>,
    Path(name): Path<String>,
) -> Result<Json<JsonValue>, ApiError> {
    blocking(move || {
        // An undeclared schema is observed from stored records.
        let schema = DataSource::schema(&s.db, &name).ok_or_else(|| unknown(&name))?;
        serde_json::to_value(schema)
            .map(Json)
            .map_err(|e| ApiError::internal(format!("could not encode the schema: {e}")))
    })
    .await
}
