//! Producers run by the hub itself: scheduled ticks and the bridge from the
//! database change feed into the `changes` stream.

use super::hub::Core;
use super::message::Source;
use crate::{ChangeEvent, Subscription};
use serde_json::{Value as JsonValue, json};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

/// How long the bridge waits for a change before looking whether the hub stops.
const POLL: Duration = Duration::from_millis(100);

/// A change event as JSON: `{"seq", "collection", "id", "kind", "record"}` (`record`
/// is the entity after the change, `null` for deletes).
pub fn change_json(ev: &ChangeEvent) -> JsonValue {
    json!({
        "seq": ev.seq,
        "collection": ev.collection,
        "id": ev.id.to_string(),
        "kind": ev.kind,
        "record": ev.record.as_deref(),
    })
}

/// Publishes `{"tick": n}` (n from 1) to `stream` every `every` until the hub stops.
/// A tick that cannot be published (hub stopping) ends the producer.
pub(crate) fn run_ticks(core: &Core, stream: &str, every: Duration) {
    let mut n: u64 = 0;
    while core.sleep(every) {
        n += 1;
        let payload = json!({ "tick": n, "every_ms": every.as_millis() });
        if core.publish(stream, payload, Source::Tick, 0).is_err() && core.is_stopping() {
            return;
        }
    }
}

/// Moves change events into the `changes` stream until the hub stops. Events the
/// database dropped for this subscription are counted as `dropped` of the stream.
pub(crate) fn run_changes(core: &Arc<Core>, sub: &Subscription) {
    let mut reported = 0;
    while !core.is_stopping() {
        let ev = sub.recv_timeout(POLL);
        let lagged = sub.lagged();
        if lagged > reported {
            if let Ok(s) = core.stream(super::CHANGES) {
                s.dropped.fetch_add(lagged - reported, Relaxed);
            }
            reported = lagged;
        }
        let Some(ev) = ev else { continue };
        let hops = core.take_hops(ev.id);
        // A refused message (hop limit) is counted by the hub; the bridge goes on.
        let _ = core.publish(super::CHANGES, change_json(&ev), Source::Changes, hops);
    }
}
