//! `/streams`: publish over HTTP, receive over WebSocket, the change feed as a
//! stream, a change -> processor -> write loop-back seen through `/query`, ticks.

use super::ws::{Ws, next};
use crate::{TestServer, answer};
use hyperspatial::streams::{Message, Output, ProcessError};
use hyperspatial_server::ServerConfig;
use serde_json::json;
use std::time::Duration;

async fn connect(s: &TestServer, stream: &str, filter: Option<&str>) -> Ws {
    let mut url =
        reqwest::Url::parse(&format!("ws://{}/streams/{stream}/subscribe", s.addr)).unwrap();
    if let Some(f) = filter {
        url.query_pairs_mut().append_pair("where", f);
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let hello = next(&mut ws).await;
    assert_eq!(hello["subscribed"], stream, "{hello}");
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_messages_reach_websocket_subscribers() {
    let s = TestServer::start().await;
    let mut ws = connect(&s, "events", Some("level >= 3")).await;
    let mut all = connect(&s, "events", None).await;
    for level in [1, 5] {
        let (status, body) = s
            .post_json("/streams/events", &json!({"level": level, "msg": "disk"}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["stream"], "events");
    }
    let m = next(&mut ws).await;
    assert_eq!(m["payload"], json!({"level": 5, "msg": "disk"}), "{m}");
    assert_eq!(
        (m["seq"].as_u64(), m["source"].as_str()),
        (Some(2), Some("api"))
    );
    assert_eq!(m["hops"], 0);
    assert!(m["ts"].as_i64().unwrap() > 0);
    assert_eq!(next(&mut all).await["seq"], 1);
    assert_eq!(next(&mut all).await["seq"], 2);

    let (status, list) = s.get("/streams").await;
    assert_eq!(status, 200, "{list}");
    let events = &list["streams"][0];
    assert_eq!(events["name"], "events", "{list}");
    assert_eq!(
        (
            &events["published"],
            &events["delivered"],
            &events["dropped"]
        ),
        (&json!(2), &json!(3), &json!(0)),
        "{list}"
    );
    assert_eq!(events["consumers"][0]["where"], "level >= 3", "{list}");
    let (_, m) = s.get("/metrics").await;
    assert_eq!(m["streams"]["published"], 2, "{m}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_stream_requests_are_4xx_json() {
    let s = TestServer::start().await;
    let (status, body) = s.post_json("/streams/bad%20name", &json!(1)).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("stream name"),
        "{body}"
    );
    let res = s
        .client
        .post(s.url("/streams/ok"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("malformed JSON"),
        "{body}"
    );
    // A bad filter is refused before the upgrade; a plain GET is not a WebSocket.
    let (status, body) = s.get("/streams/ok/subscribe?where=level%20%3E").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("filter"), "{body}");
    let (status, body) = s.get("/streams/ok/subscribe").await;
    assert_eq!(status, 426, "{body}");
    let (status, _) = s.get("/streams/ok").await;
    assert_eq!(status, 405);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_loop_back_through_a_processor_into_queries() {
    let s = TestServer::with_streams(ServerConfig::default(), |hub| {
        hub.process(
            "audit",
            "changes",
            Some("collection = 'orders' AND kind = 'insert'"),
            |m: &Message, out: &mut Output| -> Result<(), ProcessError> {
                let total = m.payload["record"]["total"].clone();
                out.insert("audit", json!({"order": m.payload["id"], "total": total}));
                out.publish("audited", json!({"order": m.payload["id"]}));
                Ok(())
            },
        )
        .unwrap();
    })
    .await;
    let mut changes = connect(&s, "changes", Some("collection = 'orders'")).await;
    let mut audited = connect(&s, "audited", None).await;
    s.ok("INSERT INTO orders (id, total) VALUES ('o1', 120)")
        .await;

    let c = next(&mut changes).await;
    assert_eq!(
        (c["payload"]["kind"].as_str(), c["source"].as_str()),
        (Some("insert"), Some("changes")),
        "{c}"
    );
    assert_eq!(c["payload"]["record"]["_key"], "o1", "{c}");
    let a = next(&mut audited).await;
    assert_eq!(a["payload"]["order"], c["payload"]["id"], "{a}");
    assert_eq!(
        (a["source"].as_str(), a["hops"].as_u64()),
        (Some("processor:audit"), Some(1))
    );
    // Published after the write committed: the audit row is there.
    let r = s.ok("SELECT total FROM audit").await;
    assert_eq!(r["rows"], json!([[120]]), "{r}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_ticks_stream_to_subscribers() {
    let s = TestServer::with(ServerConfig {
        ticks: vec![("clock".into(), Duration::from_millis(5))],
        ..Default::default()
    })
    .await;
    let mut ws = connect(&s, "clock", None).await;
    let a = next(&mut ws).await;
    let b = next(&mut ws).await;
    assert_eq!(a["source"], "tick", "{a}");
    assert!(
        b["payload"]["tick"].as_u64() > a["payload"]["tick"].as_u64(),
        "{a} {b}"
    );
    s.stop().await;
}
