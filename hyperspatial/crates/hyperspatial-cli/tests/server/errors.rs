//! Bad input gets a 4xx JSON error with a message, never a crash.

use crate::{TestServer, answer};
use hyperspatial_server::ServerConfig;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn message(body: &serde_json::Value) -> &str {
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_4xx_json() {
    let s = TestServer::start().await;
    s.ok("INSERT INTO users (name) VALUES ('Ada')").await;

    // Malformed JSON body.
    let res = s
        .client
        .post(s.url("/query"))
        .header("content-type", "application/json")
        .body("{\"query\": \"SELECT 1\"")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("malformed JSON"), "{body}");

    // A body that is JSON but not a query.
    let (status, body) = s.post_json("/query", &json!({"q": "SELECT 1"})).await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("query"), "{body}");

    // Bad HyperQL: 400 with the diagnostics text and positions.
    let (status, body) = s.query("SELEC name FROM users", json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("line 1, column 1"), "{body}");
    assert_eq!(body["diagnostics"][0]["line"], 1, "{body}");
    let (status, body) = s.query("SELECT name FROM users WHERE", json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("syntax"), "{body}");

    // Semantic errors in the second statement of a script point into the script.
    let (status, body) = s
        .query(
            "SELECT name FROM users;\nSELECT nosuchfn(name) FROM users",
            json!({}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["statement"], 2, "{body}");
    assert_eq!(body["completed"], 1, "{body}");
    assert_eq!(body["diagnostics"][0]["line"], 2, "{body}");

    // A missing parameter.
    let (status, body) = s
        .query("SELECT name FROM users WHERE name = $who", json!({}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("$who"), "{body}");

    // Unknown collection: 404, in queries and in the description endpoints.
    let (status, body) = s.query("SELECT * FROM nowhere", json!({})).await;
    assert_eq!(status, 404, "{body}");
    assert!(message(&body).contains("nowhere"), "{body}");
    assert_eq!(s.get("/collections/nowhere").await.0, 404);
    assert_eq!(s.get("/schemas/nowhere").await.0, 404);

    // Unknown route and wrong method.
    let (status, body) = s.get("/nope").await;
    assert_eq!(status, 404);
    assert!(message(&body).contains("/nope"), "{body}");
    let (status, body) = s.get("/query").await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(message(&body), "method GET is not allowed on /query");

    // SUBSCRIBE belongs to the WebSocket endpoint.
    let (status, body) = s.query("SUBSCRIBE users", json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("/subscribe"), "{body}");

    // An empty query.
    let (status, _) = s.query("  ", json!({})).await;
    assert_eq!(status, 400);

    // A constraint violation: 409.
    s.ok("INSERT INTO users (id, name) VALUES ('dup', 'one')")
        .await;
    let (status, body) = s
        .query(
            "INSERT INTO users (id, name) VALUES ('dup', 'two')",
            json!({}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    message(&body);

    // A document that is wrong whatever is stored: 400, not 409.
    let (status, body) = s
        .query("INSERT INTO users (_key, name) VALUES (5, 'x')", json!({}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("_key"), "{body}");
    // Nesting is counted inside arrays too: refused with 400, and the collection
    // stays readable.
    let deep = format!("{}1{}", "[{\"k\": ".repeat(40), "}]".repeat(40));
    let (status, body) = s
        .query(
            "INSERT INTO users (id, deep) VALUES ('deep', $d)",
            json!({ "d": serde_json::from_str::<serde_json::Value>(&deep).unwrap() }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("nested too deep"), "{body}");
    s.ok("SELECT COUNT(*) FROM users").await;

    // /subscribe without a WebSocket upgrade, with a bad or missing query.
    let (status, body) = s.get("/subscribe?query=SUBSCRIBE%20users").await;
    assert_eq!(status, 426, "{body}");
    let (status, _) = s.get("/subscribe?query=SUBSCRIBE%20nowhere").await;
    assert_eq!(status, 404);
    let (status, _) = s.get("/subscribe?query=SELECT%20*%20FROM%20users").await;
    assert_eq!(status, 400);
    let (status, _) = s.get("/subscribe").await;
    assert_eq!(status, 400);

    // The server is still fine, and counted the errors.
    let (_, m) = s.get("/metrics").await;
    assert!(m["requests"]["4xx"].as_u64().unwrap() >= 15, "{m}");
    s.ok("SELECT COUNT(*) FROM users").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_payloads_are_413() {
    let s = TestServer::with(ServerConfig {
        max_body: 1024,
        ..Default::default()
    })
    .await;
    let big = format!("SELECT '{}'", "x".repeat(4096));
    let (status, body) = s.query(&big, json!({})).await;
    assert_eq!(status, 413, "{body}");
    assert!(message(&body).contains("too large"), "{body}");

    // Without a length up front (chunked), the limit applies while reading.
    let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let chunk = "y".repeat(2000);
    let req = format!(
        "POST /query HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n\
         {:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    assert!(out.contains("{\"error\":"), "{out}");

    // Small bodies still pass.
    s.ok("SELECT 1").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token() {
    let s = TestServer::with(ServerConfig {
        token: Some("s3cret".into()),
        ..Default::default()
    })
    .await;
    let q = json!({"query": "SELECT 1"});
    let (status, body) = s.post_json("/query", &q).await;
    assert_eq!(status, 401);
    assert!(message(&body).contains("missing"), "{body}");
    let res = s
        .client
        .post(s.url("/query"))
        .bearer_auth("wrong")
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (status, body) = answer(res).await;
    assert_eq!(status, 401);
    assert!(message(&body).contains("invalid"), "{body}");
    let res = s
        .client
        .post(s.url("/query"))
        .bearer_auth("s3cret")
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(answer(res).await.0, 200);
    // Everything but /health needs it, unknown routes and WebSockets included.
    assert_eq!(s.get("/metrics").await.0, 401);
    assert_eq!(s.get("/collections").await.0, 401);
    assert_eq!(s.get("/nope").await.0, 401);
    assert_eq!(s.get("/subscribe?query=SUBSCRIBE%20x").await.0, 401);
    assert_eq!(s.get("/health").await.0, 200);
    s.stop().await;
}

/// An embedder that holds every call until the test opens its gate: a request
/// that embeds cannot finish before the test says so, whatever the machine's speed.
struct GatedEmbedder {
    info: tessera_bridge::ModelInfo,
    inner: tessera_bridge::HashingEmbedder,
    gate: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl tessera_bridge::Embedder for GatedEmbedder {
    fn info(&self) -> &tessera_bridge::ModelInfo {
        &self.info
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, tessera_bridge::EmbedError> {
        let _ = self.gate.lock().unwrap().recv();
        self.inner.embed(texts)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_time_out_with_408() {
    let s = TestServer::with(ServerConfig {
        timeout: Duration::from_millis(20),
        ..Default::default()
    })
    .await;
    let inner = tessera_bridge::HashingEmbedder::default();
    let mut info = tessera_bridge::Embedder::info(&inner).clone();
    info.name = "gated".into();
    let (open, gate) = std::sync::mpsc::channel();
    s.db.register_embedder(std::sync::Arc::new(GatedEmbedder {
        info,
        inner,
        gate: std::sync::Mutex::new(gate),
    }));
    // The statement waits in the embedder until the gate opens, after the answer.
    let (status, body) = s.query("SELECT EMBED('x', 'gated')", json!({})).await;
    open.send(()).unwrap();
    assert_eq!(status, 408, "{body}");
    assert!(message(&body).contains("timed out"), "{body}");
    s.stop().await;
}
