//! What a web page the user visits cannot do with a server on the workstation:
//! cross-site writes with a form or `text/plain` body, requests from foreign
//! origins, WebSockets opened by them, and DNS rebinding (a foreign `Host`).

use crate::{TestServer, answer};
use hyperspatial_server::ServerConfig;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WRITE: &str = r#"{"query": "INSERT INTO notes (id, text) VALUES ('n1', 'x')"}"#;

async fn post(s: &TestServer, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut req = s.client.post(s.url(path)).body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// How many notes the database holds (0 when the collection does not exist).
fn notes(s: &TestServer) -> usize {
    s.db.collection_config("notes")
        .map_or(0, |_| s.db.stats().entities)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_need_a_json_or_file_content_type() {
    let s = TestServer::start().await;
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let headers: Vec<(&str, &str)> = ct.map(|c| ("content-type", c)).into_iter().collect();
        let (status, body) = post(&s, "/query", &headers, WRITE).await;
        assert_eq!(status, 415, "{ct:?}: {body}");
        assert!(body.contains("application/json"), "{body}");
        let (status, body) = post(&s, "/streams/s", &headers, "{}").await;
        assert_eq!(status, 415, "{ct:?}: {body}");
        let (status, body) = post(&s, "/import/notes?format=jsonl", &headers, "{\"id\": 1}").await;
        assert_eq!(status, 415, "{ct:?}: {body}");
    }
    assert_eq!(notes(&s), 0);
    let json = [("content-type", "application/json")];
    assert_eq!(post(&s, "/query", &json, WRITE).await.0, 200);
    assert_eq!(notes(&s), 1);
    let ndjson = [("content-type", "application/x-ndjson")];
    let (status, body) = post(&s, "/import/notes", &ndjson, "{\"id\": \"n2\"}\n").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(notes(&s), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_origins_cannot_write_or_subscribe() {
    let s = TestServer::start().await;
    s.ok("INSERT INTO notes (id, text) VALUES ('n0', 'x')")
        .await;
    let evil = [
        ("content-type", "application/json"),
        ("origin", "https://evil.example"),
    ];
    let (status, body) = post(&s, "/query", &evil, WRITE).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("evil.example"), "{body}");
    assert_eq!(notes(&s), 1);

    // A WebSocket handshake from that origin is refused too.
    let url = format!("ws://{}/subscribe?query=SUBSCRIBE%20notes", s.addr);
    let mut req = url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 403)
        }
        other => panic!("expected a 403 handshake, got {other:?}"),
    }

    // The server's own origin passes.
    let own = format!("http://{}", s.addr);
    let same = [
        ("content-type", "application/json"),
        ("origin", own.as_str()),
    ];
    assert_eq!(post(&s, "/query", &same, WRITE).await.0, 200);
    assert_eq!(notes(&s), 2);
    s.stop().await;

    // A listed origin passes.
    let s = TestServer::with(ServerConfig {
        allowed_origins: vec!["https://console.example".into()],
        ..Default::default()
    })
    .await;
    let listed = [
        ("content-type", "application/json"),
        ("origin", "https://console.example"),
    ];
    let (status, body) = post(&s, "/query", &listed, WRITE).await;
    assert_eq!(status, 200, "{body}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_server_without_token_refuses_foreign_host_names() {
    let s = TestServer::start().await;
    let res = s
        .client
        .get(s.url("/collections"))
        .header("host", "rebound.example:7878")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(status, 403, "{body}");
    let port = s.addr.port();
    let res = s
        .client
        .get(s.url("/collections"))
        .header("host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(res).await.0, 200);
    s.stop().await;

    // With a token the Host is not checked (the token is what protects it).
    let s = TestServer::with(ServerConfig {
        token: Some("s3cret".into()),
        ..Default::default()
    })
    .await;
    let res = s
        .client
        .get(s.url("/collections"))
        .bearer_auth("s3cret")
        .header("host", "rebound.example")
        .send()
        .await
        .unwrap();
    assert_eq!(answer(res).await.0, 200);
    s.stop().await;
}
