//! `GET` and `PUT /collections/{name}/positions`: a collection's position settings
//! ([`hyperspatial::PositionSettings`]: the mix, the component weights and the
//! fields the property fingerprint leaves out).
//!
//! `GET` answers the settings in effect (`{"mix": "graph_first", "weights": {"graph":
//! .., "embedding": .., "property": ..}, "ignore": ["id", ..]}`). `PUT` takes the same
//! object, every key optional (an absent one takes the default; an unknown one is
//! refused), stores it and places every entity of the collection again in one commit;
//! it answers `{"collection": .., "placed": n, "settings": {..in effect..}}`. Like a
//! relayout it has no request time limit.

use super::error::ApiError;
use super::state::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use hyperspatial::{PositionSettings, StoreError};
use serde_json::{Value as JsonValue, json};

fn store_error(e: StoreError) -> ApiError {
    ApiError::from(hyperql::SourceError::from(e))
}

/// `GET`: the settings in effect.
pub(crate) async fn get(
    State(s): State<Shared>,
    Path(name): Path<String>,
) -> Result<Json<JsonValue>, ApiError> {
    let settings = s.db.position_settings(&name).map_err(store_error)?;
    Ok(Json(json!(settings)))
}

/// `PUT`: new settings, every entity placed again.
pub(crate) async fn put(
    State(s): State<Shared>,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<JsonValue>, ApiError> {
    let settings: PositionSettings = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "bad position settings: {e} (expected an object with `mix`, `weights` and `ignore`, each optional)"
        ))
    })?;
    tokio::task::spawn_blocking(move || {
        let placed =
            s.db.set_position_settings(&name, settings)
                .map_err(store_error)?;
        let now = s.db.position_settings(&name).map_err(store_error)?;
        Ok(Json(
            json!({"collection": name, "placed": placed, "settings": now}),
        ))
    })
    .await
    .map_err(|e| ApiError::internal(format!("the placement task failed: {e}")))?
}
