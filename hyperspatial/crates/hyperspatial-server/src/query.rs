//! `POST /query`: runs HyperQL.
//!
//! The body is `{"query": "...", "params": {"name": json, ..}}`. One statement
//! answers `{"columns": [..], "rows": [[..]], "affected": n, "stats": {..}}`; a script
//! of several statements answers a list of those. Statements run one after another,
//! each in its own transaction; when one fails the error says which
//! (`"statement": k`, 1-based) and how many before it committed (`"completed"`).
//! `SUBSCRIBE` is refused here: it streams over `GET /subscribe`.
//!
//! The statements of one request run with one [`RequestCtx`]: they stop at the
//! server's `--timeout` and as soon as the request is dropped (the client went away,
//! or the timeout layer answered 408), and what they hold, results included, counts
//! against the server's `--max-query-memory` together.

use super::error::ApiError;
use super::metrics::Gauge;
use super::state::{AppState, CancelOnDrop, Shared};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hyperql::{Interrupt, Params, QueryResult, RequestCtx, StatementKind, Value};
use serde_json::Value as JsonValue;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// The body of `POST /query`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryRequest {
    query: String,
    #[serde(default)]
    params: Option<serde_json::Map<String, JsonValue>>,
}

/// Converts JSON parameters to HyperQL values.
pub(crate) fn to_params(p: Option<&serde_json::Map<String, JsonValue>>) -> Params {
    p.into_iter()
        .flatten()
        .map(|(k, v)| (k.trim_start_matches('$').to_string(), Value::from_json(v)))
        .collect()
}

/// `POST /query`.
pub(crate) async fn handle(State(s): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let req: QueryRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "malformed JSON body: {e} (expected {{\"query\": \"...\", \"params\": {{..}}}})"
        ))
    })?;
    let params = to_params(req.params.as_ref());
    let state = s.clone();
    let interrupt = Interrupt::new().with_deadline(Instant::now() + s.timeout);
    let _cancel = CancelOnDrop(interrupt.clone());
    let out = tokio::task::spawn_blocking(move || {
        let _running = Gauge::up(&state.metrics.running);
        let ctx = RequestCtx::new(interrupt, state.max_query_memory)
            .with_progress(state.metrics.rows_processed.clone());
        run(&state, &req.query, &params, &ctx)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the query task failed: {e}")))?;
    if out.is_err() {
        s.metrics.query_errors.fetch_add(1, Relaxed);
    }
    // The results are encoded straight to bytes (no JSON tree besides them).
    out.map(|body| ([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

fn run(s: &AppState, text: &str, params: &Params, ctx: &RequestCtx) -> Result<Vec<u8>, ApiError> {
    // Parsed once per distinct text (the engine keeps recent scripts).
    let script = s.engine.parse(text).map_err(ApiError::from)?;
    if script.statements.is_empty() {
        return Err(ApiError::bad_request("the query holds no statement"));
    }
    if script
        .statements
        .iter()
        .any(|st| matches!(st.kind, StatementKind::Subscribe(_)))
    {
        return Err(ApiError::bad_request(
            "SUBSCRIBE streams changes over a WebSocket: GET /subscribe?query=SUBSCRIBE%20..",
        ));
    }
    let many = script.statements.len() > 1;
    let mut results: Vec<QueryResult> = Vec::with_capacity(script.statements.len());
    for (i, st) in script.statements.iter().enumerate() {
        s.metrics.statements.fetch_add(1, Relaxed);
        // The statement as parsed above (not parsed again); its diagnostics point into
        // the whole script.
        match s.engine.query_statement_with(text, st, params, ctx) {
            Ok(r) => results.push(r),
            Err(e) => {
                let mut err = ApiError::from(e);
                if many {
                    err = err
                        .with("statement", JsonValue::from(i + 1))
                        .with("completed", JsonValue::from(i));
                }
                return Err(err);
            }
        }
    }
    let json = if many {
        serde_json::to_vec(&results)
    } else {
        serde_json::to_vec(&results.first())
    };
    json.map_err(|e| ApiError::internal(format!("could not encode the result: {e}")))
}
