//! `POST /import` and `GET /export` end to end: import over HTTP while a WebSocket
//! subscriber watches, query what was imported, export it, the CLI through the
//! server, and bad imports.

use super::ws::{connect, next};
use crate::TestServer;
use hyperspatial_server::ServerConfig;
use serde_json::{Value as Json, json};
use std::process::Command;

const PEOPLE: &str = r#"{"id": "ada", "name": "Ada", "age": 36, "boss": "cy", "emb": [1, 0, 0]}
{"id": "bob", "name": "Bob", "age": 41, "boss": "ada", "emb": [0, 1, 0]}
{"id": "cy", "name": "Cy", "age": 52, "emb": [0, 0, 1]}
"#;

pub(crate) async fn post(s: &TestServer, path: &str, body: &str, ct: Option<&str>) -> (u16, Json) {
    let mut req = s.client.post(s.url(path)).body(body.to_string());
    if let Some(ct) = ct {
        req = req.header("content-type", ct);
    }
    crate::answer(req.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_query_subscribe_export() {
    let s = TestServer::start().await;
    // A subscription names an existing collection.
    s.ok("INSERT INTO people (id, name, age) VALUES ('zed', 'Zed', 70)")
        .await;
    let mut ws = connect(&s, "SUBSCRIBE people WHERE age > 40", None).await;
    assert_eq!(next(&mut ws).await["subscribed"], "people");

    let (status, summary) = post(
        &s,
        "/import/people?edges=boss:reports_to&vectors=emb",
        PEOPLE,
        Some("application/x-ndjson"),
    )
    .await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["accepted"], 3, "{summary}");
    assert_eq!(summary["edges"], 2, "{summary}");

    // The subscriber sees the imported rows that match, as they commit.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let ev = next(&mut ws).await;
        if ev["kind"] == "insert" {
            seen.push(ev["record"]["name"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    assert_eq!(seen, vec!["Bob", "Cy"]);

    let r = s
        .ok("SELECT b.name FROM people TRAVERSE (p)-[:reports_to]->(b) WHERE p._key = 'bob'")
        .await;
    assert_eq!(r["rows"], json!([["Ada"]]), "{r}");
    let (status, r) = s
        .query(
            "SELECT name FROM people ORDER BY SIMILARITY(emb, $q, 'cosine') DESC LIMIT 1",
            json!({ "q": [0.1, 0.9, 0.0] }),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["rows"], json!([["Bob"]]), "{r}");

    let res = s
        .client
        .get(s.url("/export/people?format=jsonl"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    let lines: Vec<Json> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let bob = lines.iter().find(|l| l["id"] == "bob").unwrap();
    assert_eq!(bob["_edges"], json!({"reports_to": ["ada"]}));
    assert_eq!(bob["emb"], json!([0.0, 1.0, 0.0]));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_imports_are_4xx_and_write_nothing() {
    let s = TestServer::with(ServerConfig {
        token: Some("t0ken".into()),
        ..ServerConfig::default()
    })
    .await;
    // Without the token.
    let (status, _) = post(&s, "/import/people?format=jsonl", PEOPLE, None).await;
    assert_eq!(status, 401);
    let auth = |path: &str, body: &str| {
        s.client
            .post(s.url(path))
            .bearer_auth("t0ken")
            .header("content-type", "application/octet-stream")
            .body(body.to_string())
    };
    let cases = [
        ("/import/people", PEOPLE, 400, "say the format"),
        ("/import/people?format=xml", PEOPLE, 400, "unknown format"),
        (
            "/import/people?format=jsonl&idcolumn=x",
            PEOPLE,
            400,
            "unknown parameter",
        ),
        (
            "/import/people?format=jsonl&edges=boss",
            PEOPLE,
            400,
            "COLUMN:LABEL",
        ),
        (
            "/import/no%20such?format=jsonl",
            PEOPLE,
            400,
            "invalid name",
        ),
        (
            "/import/people?format=json",
            "{\"an\": \"object\"}",
            422,
            "array",
        ),
        ("/import/people?format=jsonl&batch=0", PEOPLE, 400, "batch"),
        // Row 3 is not JSON: the strict import takes rows 1 and 2 back.
        (
            "/import/people?format=jsonl&batch=1",
            "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{oops\n",
            422,
            "row 3",
        ),
    ];
    for (path, body, want, says) in cases {
        let (status, b) = crate::answer(auth(path, body).send().await.unwrap()).await;
        assert_eq!(status, want, "{path}: {b}");
        let msg = b["error"].as_str().unwrap_or_default();
        assert!(msg.contains(says), "{path}: {b}");
    }
    let (status, b) = crate::answer(
        auth(
            "/import/people?format=jsonl&batch=1",
            "{\"id\":\"a\"}\n{oops\n",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(b["summary"]["rolled_back"], 1, "{b}");
    assert!(s.db.resolve(&hyperql::Value::str("a")).is_none());
    // keep_going keeps the good rows and lists the bad ones.
    let (status, b) = crate::answer(
        auth(
            "/import/people?format=jsonl&keep_going=true",
            "{\"id\":\"a\"}\n{oops\n",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(
        (b["accepted"].as_u64(), b["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(b["rejections"][0]["row"], 2, "{b}");
    let res = s
        .client
        .get(s.url("/export/nothing"))
        .bearer_auth("t0ken")
        .send()
        .await
        .unwrap();
    assert_eq!(crate::answer(res).await.0, 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_imports_and_exports_through_the_server() {
    let s = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(&file, "id,name,boss\nada,Ada,\nbob,Bob,ada\n").unwrap();
    let url = format!("http://{}", s.addr);
    let bin = env!("CARGO_BIN_EXE_hyperspatial");
    let file_arg = file.to_str().unwrap().to_string();
    let url_arg = url.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(bin)
            .args([
                "import",
                &file_arg,
                "-c",
                "people",
                "--edge",
                "boss:reports_to",
                "-q",
            ])
            .args(["--url", &url_arg])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("imported 2 of 2 rows"), "{said}");
    let r = s.ok("SELECT COUNT(*) FROM people").await;
    assert_eq!(r["rows"], json!([[2]]), "{r}");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(bin)
            .args([
                "export", "-c", "people", "--format", "csv", "-q", "--url", &url,
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(csv.starts_with("id,name"), "{csv}");
    assert!(
        csv.contains("bob,Bob,\"{\"\"reports_to\"\":[\"\"ada\"\"]}\""),
        "{csv}"
    );
    s.stop().await;
}

/// `rows` users as JSONL with ids `{prefix}{n}`, about 50 bytes a row.
fn users(prefix: &str, rows: usize) -> String {
    (0..rows)
        .map(|i| format!("{{\"id\": \"{prefix}{i}\", \"name\": \"user {i}\", \"n\": {i}}}\n"))
        .collect()
}

/// Sends `body` to `path` chunked (no length up front) over a raw connection and
/// returns the status line and the rest of the answer.
async fn post_chunked(s: &TestServer, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for part in body.as_bytes().chunks(16 * 1024) {
        let chunk = format!("{:x}\r\n", part.len());
        // The server may answer (and stop reading) before the body ends.
        if tcp.write_all(chunk.as_bytes()).await.is_err()
            || tcp.write_all(part).await.is_err()
            || tcp.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tcp.read_to_end(&mut out),
    )
    .await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_stream_past_max_body_up_to_max_import() {
    let s = TestServer::with(ServerConfig {
        max_body: 1024,
        max_import: 256 * 1024,
        ..Default::default()
    })
    .await;
    // 3,000 rows (~150 KiB): far over max_body, under max_import; with a length
    // and chunked.
    let (status, b) = post(
        &s,
        "/import/users?format=jsonl",
        &users("u", 3000),
        Some("application/x-ndjson"),
    )
    .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["accepted"], 3000, "{b}");
    let answer = post_chunked(&s, "/import/more?format=jsonl", &users("m", 3000)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"accepted\":3000"), "{answer}");

    // Over max_import: 413, and nothing of it stays, though batches of 500 rows
    // were written before the limit was reached.
    let huge = users("h", 6000);
    let (status, b) = post(
        &s,
        "/import/huge?format=jsonl",
        &huge,
        Some("application/x-ndjson"),
    )
    .await;
    assert_eq!(status, 413, "{b}");
    let answer = post_chunked(&s, "/import/huge?format=jsonl&batch=500", &huge).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("--max-import"), "{answer}");
    assert!(!answer.contains("(0 rows taken back)"), "{answer}");
    let n = s.ok("SELECT COUNT(*) AS n FROM huge").await;
    assert_eq!(n["rows"][0][0], 0, "{n}");

    // Export streams the whole collection back.
    let res = s
        .client
        .get(s.url("/export/users?format=jsonl"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    assert_eq!(text.lines().count(), 3000);
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Json>(l).is_ok())
    );
    s.stop().await;
}
