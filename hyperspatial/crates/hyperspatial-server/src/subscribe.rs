//! `GET /subscribe?query=SUBSCRIBE%20users%20WHERE%20..`: a WebSocket that streams
//! the change events matching the subscription as JSON text messages.
//!
//! Messages, server to client:
//! - first `{"subscribed": "users", "query": "..."}` once the subscription is live
//!   (changes committed after it are delivered);
//! - per matching change `{"seq": n, "collection": "users", "id": "..", "kind":
//!   "insert"|"update"|"delete", "record": {..}|null}`;
//! - `{"lagged": n, "total": m}` when the subscriber fell behind: `n` events of the
//!   database's feed (any collection, matching or not) were dropped since the last
//!   such message, `m` since the subscription began;
//! - `{"error": ".."}` when the WHERE failed on one record (the stream goes on).
//!
//! Slow-consumer policy (the feed's): the database never waits for a subscriber.
//! Each subscription has a buffer of `--feed-capacity` events; while the client
//! reads too slowly (its socket and a 64-message queue full) newer events are
//! dropped for it alone and reported as `lagged`, so the client knows to re-read
//! what it needs. Each subscription holds a thread of its own (not one of the
//! blocking pool that runs queries), and at most `max_subscriptions` are open at
//! once: one more is refused with 503 before the upgrade.
//! The server closes streams with code 1001 when it shuts down.

use super::error::ApiError;
use super::metrics::OpenSubscription;
use super::state::Shared;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hyperspatial::{ChangeFilter, Subscription};
use serde_json::{Value as JsonValue, json};
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};

/// Messages queued between the feed thread and the socket.
const QUEUE: usize = 64;
/// How often a feed thread looks whether the socket went away.
pub(crate) const POLL: Duration = Duration::from_millis(200);

/// `GET /subscribe`.
pub(crate) async fn handle(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    ws: Result<WebSocketUpgrade, rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let text = q.get("query").ok_or_else(|| {
        ApiError::bad_request(
            "missing query parameter `query` (e.g. /subscribe?query=SUBSCRIBE%20users)",
        )
    })?;
    let filter = ChangeFilter::new(&s.db, text)?;
    let ws = upgrade(ws, "GET /subscribe")?;
    let slot = reserve(&s)?;
    Ok(ws.on_upgrade(move |socket| {
        let sub = s.db.subscribe(s.feed_capacity);
        let hello = json!({ "subscribed": filter.collection(), "query": filter.text() });
        serve_socket(s, slot, socket, hello, move |s, tx| {
            forward(s, &sub, &filter, tx)
        })
    }))
}

/// The upgrade of a WebSocket endpoint, or 426 naming `endpoint`.
pub(crate) fn upgrade(
    ws: Result<WebSocketUpgrade, rejection::WebSocketUpgradeRejection>,
    endpoint: &str,
) -> Result<WebSocketUpgrade, ApiError> {
    ws.map_err(|e| {
        ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            format!("{endpoint} needs a WebSocket upgrade: {e}"),
        )
    })
}

/// Takes one of the `max_subscriptions` slots, or answers 503.
pub(crate) fn reserve(s: &Shared) -> Result<OwnedSemaphorePermit, ApiError> {
    s.subscription_slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "too many open subscriptions (the server allows {}, see --max-subscriptions); \
                 close one and try again",
                    s.max_subscriptions
                ),
            )
        })
}

/// Serves one subscription socket: sends `hello`, then runs `forward` on a thread of
/// its own, which queues messages that [`relay`] sends, until either side goes away.
/// Holds its slot and is counted as an open subscription meanwhile.
pub(crate) async fn serve_socket<F>(
    s: Shared,
    slot: OwnedSemaphorePermit,
    mut socket: WebSocket,
    hello: JsonValue,
    forward: F,
) where
    F: FnOnce(&Shared, &mpsc::Sender<JsonValue>) + Send + 'static,
{
    // Dropped in reverse order: the slot is free before the gauge says so.
    let _open = OpenSubscription::new(&s);
    let _slot = slot;
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let (tx, rx) = mpsc::channel::<JsonValue>(QUEUE);
    let (done, finished) = oneshot::channel::<()>();
    let state = s.clone();
    let feed = std::thread::Builder::new()
        .name("hs-subscription".into())
        .spawn(move || {
            forward(&state, &tx);
            let _ = done.send(());
        });
    if let Err(e) = feed {
        let msg = json!({ "error": format!("cannot start the subscription: {e}") });
        let _ = socket.send(Message::Text(msg.to_string().into())).await;
        return;
    }
    relay(&s, &mut socket, rx).await;
    // The thread sees the receiver gone within one poll and ends.
    let _ = finished.await;
}

/// Sends the queued messages to the socket until the client or the queue goes
/// away or the server shuts down (then closes with code 1001). Dropping the
/// receiver on return tells the producing thread to stop.
async fn relay(s: &Shared, socket: &mut WebSocket, mut rx: mpsc::Receiver<JsonValue>) {
    let mut shutdown = s.shutdown.clone();
    let mut closing = *shutdown.borrow();
    while !closing {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => {
                    if socket.send(Message::Text(m.to_string().into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
            changed = shutdown.changed() => closing = changed.is_err() || *shutdown.borrow(),
        }
    }
    if closing {
        let frame = CloseFrame {
            code: 1001,
            reason: "server shutting down".into(),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
}

/// Runs on the subscription's own thread: takes events from the feed, filters them and queues
/// them for the socket, until the socket side goes away.
fn forward(s: &Shared, sub: &Subscription, filter: &ChangeFilter, tx: &mpsc::Sender<JsonValue>) {
    let mut reported = 0;
    while !tx.is_closed() {
        let ev = sub.recv_timeout(POLL);
        if !report_lag(s, sub.lagged(), &mut reported, tx) {
            return;
        }
        let Some(ev) = ev else { continue };
        let msg = match filter.matches(&ev) {
            Ok(true) => hyperspatial::streams::change_json(&ev),
            Ok(false) => continue,
            Err(e) => json!({ "error": format!("change {}: {e}", ev.seq), "seq": ev.seq }),
        };
        if !send_counted(s, tx, msg) {
            return;
        }
    }
}

/// Queues `{"lagged": n, "total": lagged}` (and counts `n`) when the subscriber lost
/// `n` more messages since `reported`; `false` when the socket side is gone.
pub(crate) fn report_lag(
    s: &Shared,
    lagged: u64,
    reported: &mut u64,
    tx: &mpsc::Sender<JsonValue>,
) -> bool {
    if lagged <= *reported {
        return true;
    }
    let n = lagged - *reported;
    *reported = lagged;
    s.metrics.events_lagged.fetch_add(n, Relaxed);
    tx.blocking_send(json!({ "lagged": n, "total": lagged }))
        .is_ok()
}

/// Counts and queues one message for the socket (counted first, so a client that
/// received it sees it counted); `false` when the socket side is gone.
pub(crate) fn send_counted(s: &Shared, tx: &mpsc::Sender<JsonValue>, msg: JsonValue) -> bool {
    s.metrics.events_sent.fetch_add(1, Relaxed);
    tx.blocking_send(msg).is_ok()
}
