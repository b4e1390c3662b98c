//! `GET /paths/{pattern}[?limit=N]`: the endpoints (document leaves) matching a path
//! pattern (`users.*.email`, `users.u-1.**`; see HyperQL's `ENDPOINTS`), as a JSON
//! array of `{"path": "users.u-1.email", "entity": "u-1", "value": ..}`.
//!
//! The array is streamed as it is read, in chunks. The reading stops at the server's
//! `--timeout` and at the row budget of a query, and as soon as the client goes away;
//! a failure after the first bytes went out cuts the response off (an incomplete
//! chunked body, never a short array that looks whole). A bad pattern answers 400
//! and an unknown collection 404 before anything is read.

use super::error::ApiError;
use super::state::{CancelOnDrop, Shared};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hyperql::{Budget, DataSource, EndpointPattern, EndpointsRequest, Interrupt, key_text};
use std::time::Instant;
use tokio::sync::mpsc;

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 64 * 1024;

/// `GET /paths/{pattern}`.
pub(crate) async fn handle(
    State(s): State<Shared>,
    Path(text): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let mut limit = u64::MAX;
    for (k, v) in &q {
        match k.as_str() {
            "limit" => {
                limit = v.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "`limit` must be a non-negative integer, not `{v}`"
                    ))
                })?;
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{k}` (known: limit)"
                )));
            }
        }
    }
    let pattern =
        EndpointPattern::parse(&text).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if s.db.collection_config(&pattern.collection).is_none() {
        return Err(ApiError::not_found(format!(
            "unknown collection `{}`",
            pattern.collection
        )));
    }
    let interrupt = Interrupt::new().with_deadline(Instant::now() + s.timeout);
    let cancel = CancelOnDrop(interrupt.clone());
    let budget = Budget::default().max_rows;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let state = s.clone();
    tokio::task::spawn_blocking(move || {
        let req = EndpointsRequest { pattern, interrupt };
        if let Err(e) = write_all(&state, &req, limit, budget, &tx) {
            // Ends the body with an error: the response is cut off, not finished.
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    // The body holds the cancel guard: dropping it (the client went away) stops the
    // reading.
    let body = futures_util::stream::unfold((rx, cancel), |(mut rx, cancel)| async move {
        rx.recv().await.map(|item| (item, (rx, cancel)))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response())
}

/// Reads the endpoints and sends them as one JSON array, in chunks.
fn write_all(
    s: &Shared,
    req: &EndpointsRequest,
    limit: u64,
    budget: u64,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), String> {
    let send = |buf: &mut Vec<u8>| -> Result<(), String> {
        let chunk = Bytes::from(std::mem::take(buf));
        tx.blocking_send(Ok(chunk))
            .map_err(|_| "the client went away".to_string())
    };
    let prefix = format!("{}.", req.pattern.collection);
    let mut buf = Vec::with_capacity(CHUNK);
    buf.push(b'[');
    for (n, e) in s.db.endpoints(req).map_err(|e| e.to_string())?.enumerate() {
        let n = n as u64;
        if n >= limit {
            break;
        }
        if n >= budget {
            return Err(format!(
                "row budget exceeded: more than {budget} endpoints match"
            ));
        }
        let e = e.map_err(|e| e.to_string())?;
        if n > 0 {
            buf.push(b',');
        }
        let path = format!("{prefix}{}.{}", key_text(&e.entity), e.path);
        let item = serde_json::json!({
            "path": path,
            "entity": e.entity,
            "value": e.value,
        });
        serde_json::to_writer(&mut buf, &item).map_err(|e| e.to_string())?;
        if buf.len() >= CHUNK {
            send(&mut buf)?;
        }
    }
    buf.extend_from_slice(b"]\n");
    send(&mut buf)
}
