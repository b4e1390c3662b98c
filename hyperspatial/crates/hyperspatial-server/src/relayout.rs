//! `POST /collections/{name}/relayout`: lays out a collection's positions again
//! ([`hyperspatial::Database::relayout_collection`]), online: queries keep answering
//! on the old positions until the new ones are published in one commit.
//!
//! The body is an optional JSON object of options (`{"construction": "sarkar",
//! "refine_epochs": 20, "evaluate": true}`; the names of HyperQL's `RELAYOUT .. WITH
//! (..)`); the answer is the report (`{"collection": .., "entities": .., "edges": ..,
//! "millis": .., "layout_millis": .., "radius": .., "map": .., "mean_rank": ..}`). It
//! has no request time limit: a large collection takes a while.

use super::error::ApiError;
use super::state::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use hyperql::Value;
use serde_json::Value as JsonValue;

/// The handler.
pub(crate) async fn handle(
    State(s): State<Shared>,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<JsonValue>, ApiError> {
    let pairs = options(&body)?;
    let opts =
        hyperspatial::relayout_options(&pairs).map_err(|e| ApiError::bad_request(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let report =
            s.db.relayout_collection(&name, &opts, &mut |_| {})
                .map_err(|e| ApiError::from(hyperql::SourceError::from(e)))?;
        serde_json::to_value(report)
            .map(Json)
            .map_err(|e| ApiError::internal(format!("cannot encode the report: {e}")))
    })
    .await
    .map_err(|e| ApiError::internal(format!("the relayout task failed: {e}")))?
}

/// The options of the body: nothing, or a JSON object.
fn options(body: &[u8]) -> Result<Vec<(String, Value)>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let json: JsonValue = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "malformed JSON body: {e} (expected an object of relayout options)"
        ))
    })?;
    let JsonValue::Object(map) = json else {
        return Err(ApiError::bad_request(
            "the body must be a JSON object of relayout options",
        ));
    };
    Ok(map
        .iter()
        .map(|(k, v)| (k.clone(), Value::from_json(v)))
        .collect())
}
