//! `/streams`: the server's [`StreamHub`](hyperspatial::streams::StreamHub) over HTTP and
//! WebSocket.
//!
//! - `GET /streams`: `{"streams": [{"name", "published", "delivered", "dropped",
//!   "errors", "consumers": [..]}], "loop_dropped": n}`.
//! - `POST /streams/{name}` with any JSON body: publishes it to the stream (created
//!   if new); answers `{"stream": name, "seq": n}`. 400 for a bad name or a body
//!   that is not JSON.
//! - `GET /streams/{name}/subscribe[?where=expr]`: a WebSocket. First
//!   `{"subscribed": name, "where": expr|null}`, then each message that passes the
//!   filter as `{"stream", "seq", "ts", "source", "hops", "payload"}`, and
//!   `{"lagged": n, "total": m}` when the subscriber fell behind (`n` messages
//!   dropped for it since the last such report, `m` in all). The stream `changes`
//!   carries the database's change feed.
//!
//! Slow-consumer policy (the hub's, for subscribers): publishers never wait for a
//! WebSocket client; each subscription queues up to `--feed-capacity` messages and
//! drops newer ones while full, reporting them as `lagged`.

use super::error::ApiError;
use super::state::Shared;
use super::subscribe::{POLL, report_lag, reserve, send_counted, serve_socket, upgrade};
use axum::Json;
use axum::body::Bytes;
use axum::extract::ws::{WebSocketUpgrade, rejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hyperspatial::streams::StreamSubscription;
use serde_json::{Value as JsonValue, json};
use std::collections::HashMap;
use tokio::sync::mpsc;

/// `GET /streams`.
pub(crate) async fn list(State(s): State<Shared>) -> Json<JsonValue> {
    Json(json!({
        "streams": s.streams.streams(),
        "loop_dropped": s.streams.loop_dropped(),
    }))
}

/// `POST /streams/{name}`.
pub(crate) async fn publish(
    State(s): State<Shared>,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<JsonValue>, ApiError> {
    hyperspatial::streams::check_stream_name(&name)?;
    let payload: JsonValue = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
    let hub = s.streams.clone();
    let stream = name.clone();
    // Publishing may wait (bounded) for slow processors: off the async workers.
    let seq = tokio::task::spawn_blocking(move || hub.publish(&stream, payload))
        .await
        .map_err(|e| ApiError::internal(format!("the publish task failed: {e}")))??;
    Ok(Json(json!({ "stream": name, "seq": seq })))
}

/// `GET /streams/{name}/subscribe`.
pub(crate) async fn subscribe(
    State(s): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    ws: Result<WebSocketUpgrade, rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let filter = q
        .get("where")
        .map(String::as_str)
        .filter(|w| !w.trim().is_empty());
    // Subscribed before the upgrade: a bad name or filter is a 400, and messages
    // published once the client sees the upgrade are delivered.
    let sub = s
        .streams
        .subscribe_with_capacity(&name, filter, s.feed_capacity)?;
    let ws = upgrade(ws, "GET /streams/{name}/subscribe")?;
    let slot = reserve(&s)?;
    Ok(ws.on_upgrade(move |socket| {
        let hello = json!({ "subscribed": sub.stream(), "where": sub.filter() });
        serve_socket(s, slot, socket, hello, move |s, tx| forward(s, &sub, tx))
    }))
}

/// Runs on the subscription's own thread: moves messages from the subscription to the socket
/// side until either goes away.
fn forward(s: &Shared, sub: &StreamSubscription, tx: &mpsc::Sender<JsonValue>) {
    let mut reported = 0;
    while !tx.is_closed() {
        let msg = sub.recv_timeout(POLL);
        if !report_lag(s, sub.lagged(), &mut reported, tx) {
            return;
        }
        let Some(msg) = msg else {
            if sub.is_closed() {
                return;
            }
            continue;
        };
        if !send_counted(s, tx, msg.to_json()) {
            return;
        }
    }
}
