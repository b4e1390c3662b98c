//! Request counters and `GET /metrics`: the store's counters (entities, cache hit
//! rates, commits) with the server's (requests by status class, queries, WebSocket
//! subscriptions, events sent and dropped, stream messages).

use super::state::Shared;
use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value as JsonValue, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The server's counters (all since start).
#[derive(Default)]
pub(crate) struct Metrics {
    pub(crate) requests: AtomicU64,
    pub(crate) in_flight: AtomicU64,
    pub(crate) status_2xx: AtomicU64,
    pub(crate) status_4xx: AtomicU64,
    pub(crate) status_5xx: AtomicU64,
    pub(crate) statements: AtomicU64,
    pub(crate) query_errors: AtomicU64,
    /// Statements running now (on the blocking pool).
    pub(crate) running: AtomicU64,
    /// Rows the executor processed, counted as it goes.
    pub(crate) rows_processed: Arc<AtomicU64>,
    pub(crate) subscriptions_open: AtomicU64,
    pub(crate) subscriptions_total: AtomicU64,
    pub(crate) events_sent: AtomicU64,
    pub(crate) events_lagged: AtomicU64,
}

/// Decrements a counter when dropped (requests cancelled mid-way included).
pub(crate) struct Gauge<'a>(&'a AtomicU64);

impl<'a> Gauge<'a> {
    /// Increments `c` until the gauge is dropped.
    pub(crate) fn up(c: &'a AtomicU64) -> Self {
        c.fetch_add(1, Relaxed);
        Gauge(c)
    }
}

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

/// Middleware: counts requests and their status classes.
pub(crate) async fn count(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let m = &s.metrics;
    m.requests.fetch_add(1, Relaxed);
    let _g = Gauge::up(&m.in_flight);
    let res = next.run(req).await;
    match res.status().as_u16() {
        // 101: a WebSocket upgrade that succeeded.
        100..=399 => m.status_2xx.fetch_add(1, Relaxed),
        400..=499 => m.status_4xx.fetch_add(1, Relaxed),
        _ => m.status_5xx.fetch_add(1, Relaxed),
    };
    res
}

/// Counts an open WebSocket subscription for as long as it lives.
pub(crate) struct OpenSubscription(Shared);

impl OpenSubscription {
    pub(crate) fn new(s: &Shared) -> Self {
        s.metrics.subscriptions_open.fetch_add(1, Relaxed);
        s.metrics.subscriptions_total.fetch_add(1, Relaxed);
        OpenSubscription(s.clone())
    }
}

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        self.0.metrics.subscriptions_open.fetch_sub(1, Relaxed);
    }
}

/// `GET /metrics`.
pub(crate) async fn handle(State(s): State<Shared>) -> Json<JsonValue> {
    let st = s.db.stats();
    let m = &s.metrics;
    let get = |c: &AtomicU64| c.load(Relaxed);
    let streams = s.streams.streams();
    let sum = |f: fn(&hyperspatial::streams::StreamInfo) -> u64| streams.iter().map(f).sum::<u64>();
    Json(json!({
        "uptime_secs": s.started.elapsed().as_secs(),
        "store": {
            "collections": st.collections,
            "entities": st.entities,
            "commits": st.commits,
            "damaged_skipped": st.damaged_skipped,
            "entity_cache": st.entity_cache,
            "entity_cache_hit_rate": st.entity_cache.hit_rate(),
            "property_cache": st.property_cache,
            "property_cache_hit_rate": st.property_cache.hit_rate(),
        },
        "requests": {
            "total": get(&m.requests),
            "in_flight": get(&m.in_flight),
            "2xx": get(&m.status_2xx),
            "4xx": get(&m.status_4xx),
            "5xx": get(&m.status_5xx),
        },
        "queries": {
            "statements": get(&m.statements),
            "errors": get(&m.query_errors),
            "running": get(&m.running),
            "rows_processed": get(&m.rows_processed),
        },
        "subscriptions": {
            "open": get(&m.subscriptions_open),
            "total": get(&m.subscriptions_total),
            "events_sent": get(&m.events_sent),
            "events_lagged": get(&m.events_lagged),
        },
        "streams": {
            "count": streams.len(),
            "published": sum(|i| i.published),
            "delivered": sum(|i| i.delivered),
            "dropped": sum(|i| i.dropped),
            "loop_dropped": s.streams.loop_dropped(),
        },
    }))
}
