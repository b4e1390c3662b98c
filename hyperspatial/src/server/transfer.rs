//! `POST /import/{collection}` and `GET /export/{collection}` (see `crate::import`).
//!
//! Import: the body is the data; the query names the format (`format=csv|json|jsonl`,
//! else taken from the `Content-Type`: `text/csv`, `application/json`,
//! `application/x-ndjson`), the mapping (`id_column`, `type`, `type_column`,
//! `edges=COLUMN:LABEL[:in],..`, `vectors=COLUMN,..`, `edges_column`) and options
//! (`keep_going=true`, `batch=N`). The answer is the import summary; a failed import
//! answers 422 with `{"error": .., "summary": {..}}` after taking back its writes.
//! Bodies are limited by the server's `--max-body` and the time by `--timeout`.
//!
//! Export: `?format=jsonl` (default), `json` or `csv`; the body is the file.

use super::error::ApiError;
use super::state::Shared;
use crate::import::{Format, ImportOptions, Mapping, export, import};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value as JsonValue;

const OPTIONS: [&str; 3] = ["format", "keep_going", "batch"];

fn format_of(q: &[(String, String)], headers: &HeaderMap) -> Result<Format, ApiError> {
    if let Some((_, f)) = q.iter().find(|(k, _)| k == "format") {
        return Format::parse(f).ok_or_else(|| {
            ApiError::bad_request(format!("unknown format `{f}` (csv, json, jsonl)"))
        });
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = ct.split(';').next().unwrap_or_default().trim();
    match essence {
        "text/csv" => Ok(Format::Csv),
        "application/json" => Ok(Format::Json),
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" => {
            Ok(Format::Jsonl)
        }
        _ => Err(ApiError::bad_request(
            "say the format: ?format=csv|json|jsonl or a Content-Type of text/csv, \
             application/json or application/x-ndjson",
        )),
    }
}

fn options(q: &[(String, String)]) -> Result<ImportOptions, ApiError> {
    let mut o = ImportOptions::default();
    for (k, v) in q {
        match k.as_str() {
            "keep_going" => {
                o.keep_going = match v.as_str() {
                    "" | "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "keep_going=`{v}`: use true or false"
                        )));
                    }
                }
            }
            "batch" => {
                o.batch = v.parse::<usize>().ok().filter(|b| *b > 0).ok_or_else(|| {
                    ApiError::bad_request(format!("batch=`{v}`: a positive number of rows"))
                })?;
            }
            _ => {}
        }
    }
    Ok(o)
}

/// `POST /import/{collection}`.
pub(crate) async fn import_handler(
    State(s): State<Shared>,
    Path(collection): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<JsonValue>, ApiError> {
    let format = format_of(&q, &headers)?;
    let opts = options(&q)?;
    let mapping = Mapping::from_query(
        &collection,
        q.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &OPTIONS,
    )
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let db = s.db.clone();
    let out = tokio::task::spawn_blocking(move || {
        import(&db, body.as_ref(), format, &mapping, &opts, &mut |_| {})
    })
    .await
    .map_err(|e| ApiError::internal(format!("the import task failed: {e}")))?;
    match out {
        Ok(summary) => Ok(Json(
            serde_json::to_value(summary).unwrap_or(JsonValue::Null),
        )),
        Err(e) => Err(
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message.clone()).with(
                "summary",
                serde_json::to_value(&*e.summary).unwrap_or(JsonValue::Null),
            ),
        ),
    }
}

/// `GET /export/{collection}`.
pub(crate) async fn export_handler(
    State(s): State<Shared>,
    Path(collection): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let mut format = Format::Jsonl;
    for (k, v) in &q {
        match k.as_str() {
            "format" => {
                format = Format::parse(v).ok_or_else(|| {
                    ApiError::bad_request(format!("unknown format `{v}` (csv, json, jsonl)"))
                })?;
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{k}` (known: format)"
                )));
            }
        }
    }
    if s.db.collection_config(&collection).is_none() {
        return Err(ApiError::not_found(format!(
            "unknown collection `{collection}`"
        )));
    }
    let db = s.db.clone();
    let out = tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        export(&db, &collection, format, &mut buf, &mut |_| {}).map(|_| buf)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the export task failed: {e}")))?
    .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, format.content_type())], out).into_response())
}
