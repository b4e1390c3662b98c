//! The stream hub: routing with filters, processors, writers, loop-back through the
//! database with the hop limit, the slow-consumer policies, ticks, shutdown, bad
//! input. Real threads and a real database; waits are bounded only to never hang.

use hyperql::{Document, Engine, Params, Value};
use hyperspatial::Database;
use hyperspatial::streams::{
    HubConfig, Message, Output, ProcessError, Source, StreamError, StreamHub, StreamSubscription,
};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(10);

fn recv(sub: &StreamSubscription) -> Arc<Message> {
    sub.recv_timeout(PATIENCE).expect("a message within 10 s")
}

/// Waits until the hub's consumers make `cond` true (see [`StreamHub::wait_for`]).
fn wait_until(hub: &StreamHub, what: &str, cond: impl FnMut() -> bool) {
    assert!(hub.wait_for(PATIENCE, cond), "timed out waiting for {what}");
}

fn rows(db: &Database, q: &str) -> Vec<Vec<Value>> {
    Engine::new(db.clone())
        .query(q, &Params::new())
        .map(|r| r.rows)
        .unwrap_or_default()
}

fn doc(j: serde_json::Value) -> Document {
    match Value::from_json(&j) {
        Value::Object(d) => (*d).clone(),
        _ => panic!("not an object"),
    }
}

#[test]
fn routes_forward_what_their_filter_passes() {
    let hub = StreamHub::new(HubConfig::default());
    hub.route(
        "readings",
        "alerts",
        Some("level >= 3 AND site.region = 'eu'"),
    )
    .unwrap();
    let all = hub.subscribe("readings", None).unwrap();
    let alerts = hub.subscribe("alerts", None).unwrap();
    for (level, region) in [(1, "eu"), (5, "eu"), (9, "us"), (3, "eu")] {
        hub.publish(
            "readings",
            json!({"level": level, "site": {"region": region}}),
        )
        .unwrap();
    }
    let seqs: Vec<u64> = (0..4).map(|_| recv(&all).seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    let a = recv(&alerts);
    assert_eq!(
        (a.seq, a.hops, &a.source),
        (1, 1, &Source::Route("readings".into()))
    );
    assert_eq!(a.payload["level"], 5);
    assert_eq!(recv(&alerts).payload["level"], 3);
    assert!(alerts.try_recv().is_none());

    let info = hub.stream_info("readings").unwrap();
    assert_eq!(info.published, 4);
    // 4 to the subscriber, 2 through the route.
    assert_eq!((info.delivered, info.dropped, info.errors), (6, 0, 0));
    let route = info.consumers.iter().find(|c| c.kind == "route").unwrap();
    assert_eq!((route.name.as_str(), route.delivered), ("alerts", 2));
    assert_eq!(hub.stream_info("alerts").unwrap().published, 2);
    assert_eq!(
        hub.streams()
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["alerts", "readings"]
    );
}

#[test]
fn processors_map_messages_and_survive_failures() {
    let hub = StreamHub::new(HubConfig::default());
    let out = hub.subscribe("doubled", None).unwrap();
    hub.process(
        "doubler",
        "numbers",
        Some("n IS NOT NULL"),
        |m: &Message, out: &mut Output| -> Result<(), ProcessError> {
            let n = m.payload["n"].as_i64().ok_or("n is not an integer")?;
            if n == 13 {
                panic!("unlucky");
            }
            // Zero or more messages per input.
            for _ in 0..n.min(2) {
                out.publish("doubled", json!({ "n": n * 2 }));
            }
            Ok(())
        },
    )
    .unwrap();
    for p in [
        json!({"n": 1}),
        json!({"n": "x"}),
        json!({"n": 13}),
        json!({"other": 1}),
        json!({"n": 0}),
        json!({"n": 4}),
    ] {
        hub.publish("numbers", p).unwrap();
    }
    let got: Vec<_> = (0..3).map(|_| recv(&out)).collect();
    assert_eq!(
        got.iter()
            .map(|m| m.payload["n"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 8, 8]
    );
    assert_eq!(got[0].source, Source::Processor("doubler".into()));
    assert_eq!(got[0].hops, 1);
    // The string and the panic are errors; the message without `n` was filtered.
    wait_until(&hub, "two processor errors", || {
        hub.stream_info("numbers").unwrap().consumers[0].errors == 2
    });
    let c = &hub.stream_info("numbers").unwrap().consumers[0];
    assert_eq!((c.kind, c.delivered), ("processor", 5));
}

#[test]
fn writers_insert_messages_as_documents() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let hub = StreamHub::with_database(db.clone(), HubConfig::default());
    hub.write_to("sensor", Some("temp > 20"), "hot").unwrap();
    for t in [10, 25, 30] {
        hub.publish("sensor", json!({"sensor": format!("s{t}"), "temp": t}))
            .unwrap();
    }
    // Not an object: written as `{"value": 99}`, but filtered out here.
    hub.publish("sensor", json!(99)).unwrap();
    wait_until(&hub, "two documents in `hot`", || {
        rows(&db, "SELECT sensor FROM hot").len() == 2
    });
    let names: Vec<_> = rows(&db, "SELECT sensor FROM hot ORDER BY temp")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(names, vec![Value::str("s25"), Value::str("s30")]);
    assert!(matches!(
        StreamHub::new(HubConfig::default()).write_to("a", None, "b"),
        Err(StreamError::NoDatabase(_))
    ));
    assert!(hub.write_to("a", None, "bad name").is_err());
}

#[test]
fn changes_loop_back_through_a_processor_into_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let hub = StreamHub::with_database(db.clone(), HubConfig::default());
    hub.process(
        "audit",
        "changes",
        Some("collection = 'orders' AND kind = 'insert' AND record.total > 100"),
        |m: &Message, out: &mut Output| -> Result<(), ProcessError> {
            out.insert(
                "audit",
                json!({"order": m.payload["id"], "total": m.payload["record"]["total"]}),
            );
            Ok(())
        },
    )
    .unwrap();
    let audit_changes = hub
        .subscribe("changes", Some("collection = 'audit'"))
        .unwrap();

    let mut b = db.batch();
    let big = b
        .insert("orders", None, doc(json!({"total": 250})))
        .unwrap();
    b.insert("orders", None, doc(json!({"total": 5}))).unwrap();
    b.commit().unwrap();

    // The processor's insert shows up on the change feed one hop further.
    let m = recv(&audit_changes);
    assert_eq!((m.payload["kind"].as_str(), m.hops), (Some("insert"), 1));
    assert_eq!(m.payload["record"]["order"], big.to_string());
    assert_eq!(
        rows(&db, "SELECT total FROM audit"),
        vec![vec![Value::Int(250)]]
    );
    assert_eq!(hub.loop_dropped(), 0);
}

#[test]
fn the_hop_limit_ends_a_write_back_loop() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let hub = StreamHub::with_database(
        db.clone(),
        HubConfig {
            max_hops: 3,
            ..HubConfig::default()
        },
    );
    // Every insert into `echo` inserts another: a loop without the limit.
    hub.process(
        "echo",
        "changes",
        Some("collection = 'echo' AND kind = 'insert'"),
        |m: &Message, out: &mut Output| -> Result<(), ProcessError> {
            out.insert("echo", json!({"gen": m.hops + 1}));
            Ok(())
        },
    )
    .unwrap();
    let mut b = db.batch();
    b.insert("echo", None, doc(json!({"gen": 0}))).unwrap();
    b.commit().unwrap();
    // The drop is counted, then the processor's error.
    let errors = || hub.stream_info("changes").unwrap().consumers[0].errors;
    wait_until(&hub, "the loop to hit the hop limit", || {
        hub.loop_dropped() == 1 && errors() == 1
    });
    let mut gens: Vec<_> = rows(&db, "SELECT gen FROM echo")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    gens.sort_by_key(|v| v.to_string());
    assert_eq!(
        gens,
        vec![Value::Int(0), Value::Int(1), Value::Int(2), Value::Int(3)]
    );
    // The refused write is the processor's error.
    assert_eq!(hub.stream_info("changes").unwrap().consumers[0].errors, 1);
}

#[test]
fn routing_cycles_end_at_the_hop_limit() {
    let hub = StreamHub::new(HubConfig {
        max_hops: 4,
        ..HubConfig::default()
    });
    hub.route("ping", "pong", None).unwrap();
    hub.route("pong", "ping", None).unwrap();
    let pings = hub.subscribe("ping", None).unwrap();
    hub.publish("ping", json!("ball")).unwrap();
    let hops: Vec<u32> = std::iter::from_fn(|| pings.try_recv())
        .map(|m| m.hops)
        .collect();
    assert_eq!(hops, vec![0, 2, 4]);
    assert_eq!(hub.loop_dropped(), 1);
}

#[test]
fn slow_subscribers_lose_the_newest_messages_and_see_lagged() {
    let hub = StreamHub::new(HubConfig::default());
    let slow = hub.subscribe_with_capacity("s", None, 2).unwrap();
    let fast = hub.subscribe("s", None).unwrap();
    for i in 1..=5 {
        // Never waits: the slow subscriber does not read at all.
        hub.publish("s", json!(i)).unwrap();
    }
    assert_eq!(slow.lagged(), 3);
    assert_eq!(recv(&slow).payload, json!(1));
    assert_eq!(recv(&slow).payload, json!(2));
    assert!(slow.try_recv().is_none());
    assert_eq!(fast.lagged(), 0);
    assert_eq!(std::iter::from_fn(|| fast.try_recv()).count(), 5);
    let info = hub.stream_info("s").unwrap();
    assert_eq!((info.published, info.delivered, info.dropped), (5, 7, 3));
    // A dropped subscription is detached.
    drop(slow);
    assert_eq!(hub.stream_info("s").unwrap().consumers.len(), 1);
}

#[test]
fn a_subscriber_that_does_not_read_holds_at_most_its_bytes() {
    let hub = StreamHub::new(HubConfig {
        queue_bytes: 1 << 20,
        ..HubConfig::default()
    });
    let idle = hub.subscribe("big", None).unwrap();
    let big = "x".repeat(256 << 10);
    for _ in 0..20 {
        hub.publish("big", json!({ "blob": big })).unwrap();
    }
    // About four 256 KiB messages fit in 1 MiB; the rest are dropped (lagged).
    let kept = std::iter::from_fn(|| idle.try_recv()).count();
    assert!((1..=4).contains(&kept), "{kept}");
    assert_eq!(idle.lagged(), 20 - kept as u64);
    // One message over the bound still reaches an empty queue.
    let huge = "y".repeat(2 << 20);
    hub.publish("big", json!(huge)).unwrap();
    assert_eq!(recv(&idle).payload, json!(huge));
}

/// A processor that takes one message, then waits for a permit per message.
fn gated(hub: &StreamHub, stream: &str) -> (mpsc::Sender<()>, mpsc::Receiver<i64>) {
    let (permit_tx, permit_rx) = mpsc::channel::<()>();
    let (seen_tx, seen_rx) = mpsc::channel::<i64>();
    let permits = Mutex::new(permit_rx);
    hub.process(
        "gated",
        stream,
        None,
        move |m: &Message, _: &mut Output| -> Result<(), ProcessError> {
            seen_tx.send(m.payload.as_i64().unwrap_or(-1))?;
            permits.lock().unwrap().recv_timeout(PATIENCE)?;
            Ok(())
        },
    )
    .unwrap();
    (permit_tx, seen_rx)
}

#[test]
fn a_full_processor_queue_holds_publishers_back_until_there_is_room() {
    let hub = StreamHub::new(HubConfig {
        processor_capacity: 1,
        max_wait: PATIENCE,
        ..HubConfig::default()
    });
    let (permit, seen) = gated(&hub, "work");
    let publisher = {
        let hub = hub.clone();
        std::thread::spawn(move || {
            for i in 1..=4 {
                hub.publish("work", json!(i)).unwrap();
            }
        })
    };
    // Each message gets through once the processor makes room: none is dropped.
    let mut got = Vec::new();
    for _ in 0..4 {
        got.push(seen.recv_timeout(PATIENCE).unwrap());
        permit.send(()).unwrap();
    }
    publisher.join().unwrap();
    assert_eq!(got, vec![1, 2, 3, 4]);
    let info = hub.stream_info("work").unwrap();
    assert_eq!((info.delivered, info.dropped), (4, 0));
}

#[test]
fn a_processor_that_stays_full_loses_messages_after_the_bounded_wait() {
    let hub = StreamHub::new(HubConfig {
        processor_capacity: 1,
        max_wait: Duration::from_millis(1),
        ..HubConfig::default()
    });
    let (permit, seen) = gated(&hub, "work");
    hub.publish("work", json!(1)).unwrap();
    assert_eq!(seen.recv_timeout(PATIENCE).unwrap(), 1); // in hand
    hub.publish("work", json!(2)).unwrap(); // queued
    hub.publish("work", json!(3)).unwrap(); // dropped after the wait
    hub.publish("work", json!(4)).unwrap(); // dropped after the wait
    let info = hub.stream_info("work").unwrap();
    assert_eq!((info.delivered, info.dropped), (2, 2));
    assert_eq!(info.consumers[0].dropped, 2);
    permit.send(()).unwrap();
    assert_eq!(seen.recv_timeout(PATIENCE).unwrap(), 2);
    permit.send(()).unwrap();
    // 3 and 4 were dropped and 2 was the last queued: nothing more can come.
    assert!(seen.try_recv().is_err());
}

#[test]
fn ticks_arrive_in_order_from_one() {
    let hub = StreamHub::new(HubConfig::default());
    let sub = hub.subscribe("clock", Some("tick <= 3")).unwrap();
    hub.tick("clock", Duration::from_millis(2)).unwrap();
    let ticks: Vec<_> = (0..3).map(|_| recv(&sub)).collect();
    assert_eq!(
        ticks
            .iter()
            .map(|m| m.payload["tick"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(
        ticks
            .iter()
            .all(|m| m.source == Source::Tick && m.hops == 0)
    );
    assert_eq!(ticks[0].payload["every_ms"], 2);
    assert!(matches!(
        hub.tick("clock", Duration::ZERO),
        Err(StreamError::BadInterval)
    ));
}

#[test]
fn shutdown_stops_threads_and_refuses_publishes() {
    struct Flag(Arc<AtomicBool>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let hub = StreamHub::with_database(db.clone(), HubConfig::default());
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = Flag(dropped.clone());
    hub.process(
        "p",
        "changes",
        None,
        move |_: &Message, _: &mut Output| -> Result<(), ProcessError> {
            let _keep = &flag;
            Ok(())
        },
    )
    .unwrap();
    hub.tick("clock", Duration::from_millis(1)).unwrap();
    let sub = hub.subscribe("x", None).unwrap();
    hub.publish("x", json!("last")).unwrap();
    let clone = hub.clone();
    drop(hub);
    assert!(
        !dropped.load(Ordering::SeqCst),
        "a clone keeps the hub alive"
    );
    // Dropping the last handle shuts down and joins the processor's thread.
    drop(clone);
    assert!(dropped.load(Ordering::SeqCst));
    // What was queued is still handed out, then the subscription reports closed.
    assert_eq!(recv(&sub).payload, json!("last"));
    assert!(sub.recv_timeout(PATIENCE).is_none());
    assert!(sub.is_closed());
    // The database lives on, with no subscriber left behind.
    let mut b = db.batch();
    b.insert("after", None, doc(json!({"a": 1}))).unwrap();
    b.commit().unwrap();

    let hub = StreamHub::new(HubConfig::default());
    hub.shutdown();
    hub.shutdown();
    assert!(matches!(
        hub.publish("x", json!(1)),
        Err(StreamError::ShutDown)
    ));
    assert!(matches!(
        hub.subscribe("x", None),
        Err(StreamError::ShutDown)
    ));
}

#[test]
fn bad_input_is_a_clear_error() {
    let hub = StreamHub::new(HubConfig {
        max_streams: 2,
        ..HubConfig::default()
    });
    assert!(matches!(
        hub.publish("no spaces", json!(1)),
        Err(StreamError::InvalidName { .. })
    ));
    assert!(matches!(
        hub.subscribe("a", Some("level >")),
        Err(StreamError::Filter(_))
    ));
    assert!(matches!(
        hub.route("a", "b", Some("1 = 1 LIMIT 1")),
        Err(StreamError::Filter(_))
    ));
    hub.publish("a", json!(1)).unwrap();
    hub.publish("b", json!(1)).unwrap();
    assert!(matches!(
        hub.publish("c", json!(1)),
        Err(StreamError::TooManyStreams(2))
    ));
    // A filter that fails on one message counts an error; the stream goes on.
    let sub = hub.subscribe("a", Some("n + 1 > 1")).unwrap();
    hub.publish("a", json!({"n": "text"})).unwrap();
    hub.publish("a", json!({"n": 5})).unwrap();
    assert_eq!(recv(&sub).payload["n"], 5);
    assert_eq!(sub.filter_errors(), 1);
}
