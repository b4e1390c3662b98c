//! `GET /subscribe`: change events over a WebSocket.

use crate::TestServer;
use futures_util::{SinkExt, StreamExt};
use hyperspatial_server::ServerConfig;
use serde_json::Value as Json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub(crate) type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(s: &TestServer, subscription: &str, token: Option<&str>) -> Ws {
    let mut url = reqwest::Url::parse(&format!("ws://{}/subscribe", s.addr)).unwrap();
    url.query_pairs_mut().append_pair("query", subscription);
    let mut req = url.as_str().into_client_request().unwrap();
    if let Some(t) = token {
        req.headers_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws
}

/// The next text message as JSON (fails after 10 s).
pub(crate) async fn next(ws: &mut Ws) -> Json {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("the stream is open")
            .unwrap();
        match msg {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected message {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriber_receives_matching_http_writes() {
    let s = TestServer::start().await;
    s.ok("INSERT INTO users (id, name, age) VALUES ('seed', 'Seed', 1)")
        .await;
    s.ok("INSERT INTO other (name, age) VALUES ('x', 99)").await;

    let mut ws = connect(
        &s,
        "SUBSCRIBE users WHERE age > 30 AND name LIKE 'A%'",
        None,
    )
    .await;
    let hello = next(&mut ws).await;
    assert_eq!(hello["subscribed"], "users", "{hello}");

    // One matching insert, two that do not match, one in another collection.
    s.ok("INSERT INTO users (id, name, age) VALUES ('young', 'Al', 10), ('ada', 'Ada', 36), ('bob', 'Bob', 50)")
        .await;
    s.ok("INSERT INTO other (name, age) VALUES ('Ann', 40)")
        .await;
    let ev = next(&mut ws).await;
    assert_eq!(ev["kind"], "insert", "{ev}");
    assert_eq!(ev["collection"], "users", "{ev}");
    assert_eq!(ev["record"]["name"], "Ada", "{ev}");
    assert_eq!(ev["record"]["_key"], "ada", "{ev}");
    assert!(ev["seq"].as_u64().unwrap() > 0);
    let ada_id = ev["id"].as_str().unwrap().to_string();

    // An update that makes an entity match; then a delete (always delivered).
    s.ok("UPDATE users SET age = 40 WHERE id = 'young'").await;
    let ev = next(&mut ws).await;
    assert_eq!(
        (ev["kind"].as_str(), ev["record"]["name"].as_str()),
        (Some("update"), Some("Al")),
        "{ev}"
    );
    s.ok("DELETE FROM users WHERE id = 'ada'").await;
    let ev = next(&mut ws).await;
    assert_eq!(ev["kind"], "delete", "{ev}");
    assert_eq!(ev["id"], ada_id.as_str(), "{ev}");
    assert!(ev["record"].is_null());

    let (_, m) = s.get("/metrics").await;
    assert_eq!(m["subscriptions"]["open"], 1, "{m}");
    assert!(
        m["subscriptions"]["events_sent"].as_u64().unwrap() >= 3,
        "{m}"
    );

    // The server closes the stream when it shuts down.
    ws.send(Message::Ping(Vec::new().into())).await.unwrap();
    s.stop().await;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(m) = ws.next().await {
            if let Ok(Message::Close(frame)) = m {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .unwrap();
    assert_eq!(closed, Some(1001));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_subscription_and_token() {
    let s = TestServer::with(ServerConfig {
        token: Some("t0k".into()),
        ..Default::default()
    })
    .await;
    s.db.create_collection("people").unwrap();
    let mut ws = connect(&s, "SUBSCRIBE people.Robot", Some("t0k")).await;
    next(&mut ws).await;
    let mut batch = s.db.batch();
    let doc = |name: &str| {
        let mut d = hyperql::Document::default();
        d.insert("name".into(), hyperql::Value::str(name));
        d
    };
    batch.insert("people", Some("Person"), doc("Pat")).unwrap();
    batch.insert("people", Some("Robot"), doc("R2")).unwrap();
    batch.commit().unwrap();
    let ev = next(&mut ws).await;
    assert_eq!(ev["record"]["name"], "R2", "{ev}");
    assert_eq!(ev["record"]["_type"], "Robot", "{ev}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_subscriber_is_told_it_lagged() {
    let s = TestServer::with(ServerConfig {
        feed_capacity: 4,
        ..Default::default()
    })
    .await;
    s.db.create_collection("burst").unwrap();
    let mut ws = connect(&s, "SUBSCRIBE burst", None).await;
    next(&mut ws).await;
    // One commit publishes 2000 events in a burst, far faster than the stream
    // drains a 4-event buffer: the rest are dropped for this subscriber.
    let mut batch = s.db.batch();
    for i in 0..2000 {
        let mut d = hyperql::Document::default();
        d.insert("i".into(), hyperql::Value::Int(i));
        batch.insert("burst", None, d).unwrap();
    }
    batch.commit().unwrap();
    let mut events = 0;
    let mut lagged = 0;
    while events + lagged < 2000 {
        let m = next(&mut ws).await;
        if let Some(n) = m["lagged"].as_u64() {
            lagged += n;
            assert_eq!(m["total"].as_u64().unwrap(), lagged, "{m}");
        } else {
            assert_eq!(m["kind"], "insert", "{m}");
            events += 1;
        }
    }
    assert!(lagged > 0, "nothing was dropped ({events} events)");
    assert_eq!(events + lagged, 2000);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_beyond_the_cap_are_refused_and_queries_still_run() {
    let s = TestServer::with(ServerConfig {
        max_subscriptions: 2,
        ..Default::default()
    })
    .await;
    s.ok("INSERT INTO users (id, age) VALUES ('a', 1)").await;
    let mut first = connect(&s, "SUBSCRIBE users", None).await;
    assert_eq!(next(&mut first).await["subscribed"], "users");
    let mut second = connect(&s, "SUBSCRIBE users", None).await;
    assert_eq!(next(&mut second).await["subscribed"], "users");
    // The third is refused before the upgrade, with a message that says why.
    let url = format!("ws://{}/subscribe?query=SUBSCRIBE%20users", s.addr);
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 503);
            let body =
                String::from_utf8_lossy(res.body().as_deref().unwrap_or_default()).to_string();
            assert!(body.contains("max-subscriptions"), "{body}");
        }
        other => panic!("expected 503, got {other:?}"),
    }
    // Stream subscriptions count against the same cap.
    let url = format!("ws://{}/streams/events/subscribe", s.addr);
    assert!(
        tokio_tungstenite::connect_async(url.as_str())
            .await
            .is_err()
    );
    // Queries run meanwhile.
    assert_eq!(
        s.ok("SELECT COUNT(*) FROM users").await["rows"],
        serde_json::json!([[1]])
    );
    // Closing one frees its slot.
    first.close(None).await.unwrap();
    drop(first);
    let mut again = None;
    for _ in 0..100 {
        let (_, m) = s.get("/metrics").await;
        if m["subscriptions"]["open"] == 1 {
            again = Some(connect(&s, "SUBSCRIBE users", None).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut again = again.expect("the closed subscription's slot is freed");
    assert_eq!(next(&mut again).await["subscribed"], "users");
    s.stop().await;
}
