//! A request stops working when it is answered 408, and what it holds stays within
//! the server's memory budget.

use super::transfer::post;
use crate::TestServer;
use hyperspatial_server::ServerConfig;
use serde_json::{Value as Json, json};
use std::time::Duration;

/// `rows` rows in collection `t`, imported (imports have no time limit).
async fn fill(s: &TestServer, rows: usize) {
    let lines: String = (0..rows).map(|i| format!("{{\"n\": {i}}}\n")).collect();
    let (status, body) = post(s, "/import/t", &lines, Some("application/x-ndjson")).await;
    assert_eq!(status, 200, "{body}");
}

async fn queries(s: &TestServer) -> Json {
    s.get("/metrics").await.1["queries"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_query_stops_working() {
    let s = TestServer::with(ServerConfig {
        timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    fill(&s, 300).await;
    // 27 million rows: many seconds of work.
    let (status, body) = s
        .query("SELECT COUNT(*) FROM t a, t b, t c", json!({}))
        .await;
    assert_eq!(status, 408, "{body}");
    // The statement ends soon after the answer (polled, generously)...
    let mut running = 1;
    for _ in 0..100 {
        running = queries(&s).await["running"].as_u64().unwrap();
        if running == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = queries(&s).await["rows_processed"].as_u64().unwrap();
    assert_eq!(
        running, 0,
        "still running after the 408 ({before} rows so far)"
    );
    // ... and no more rows are processed after it ended.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = queries(&s).await["rows_processed"].as_u64().unwrap();
    assert_eq!(before, after);
    assert!(before < 27_000_000, "{before} rows processed");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_is_held_to_the_request_memory_budget() {
    let s = TestServer::with(ServerConfig {
        max_query_memory: 1 << 20,
        ..Default::default()
    })
    .await;
    fill(&s, 1000).await;
    s.ok("SELECT * FROM t").await;
    let script = "SELECT * FROM t;".repeat(200);
    let (status, body) = s.query(&script, json!({})).await;
    assert_eq!(status, 422, "{} bytes answered", body.to_string().len());
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("memory budget"), "{body}");
    assert!(message.contains("--max-query-memory"), "{body}");
    assert!(body["statement"].as_u64().unwrap() > 1, "{body}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_lines_and_json_arrays_are_bounded() {
    let s = TestServer::with(ServerConfig {
        max_import_line: 1 << 20,
        max_query_memory: 1 << 20,
        ..Default::default()
    })
    .await;
    let long = format!(
        "{{\"id\": \"a\"}}\n{{\"id\": \"b\", \"text\": \"{}\"}}\n",
        "x".repeat(2 << 20)
    );
    let (status, body) = post(&s, "/import/docs", &long, Some("application/x-ndjson")).await;
    assert_eq!(status, 422, "{}", body["error"]);
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("--max-import-line"), "{message}");
    // Nothing stays of an import that failed.
    assert_eq!(s.get("/collections/docs").await.0, 404);

    let rows: Vec<String> = (0..200_000).map(|i| format!("{{\"n\": {i}}}")).collect();
    let array = format!("[{}]", rows.join(","));
    let (status, body) = post(&s, "/import/docs", &array, Some("application/json")).await;
    assert_eq!(status, 422, "{}", body["error"]);
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("--max-query-memory"), "{message}");
    // Short lines and small arrays still import.
    let (status, body) = post(&s, "/import/docs", "[{\"n\": 1}]", Some("application/json")).await;
    assert_eq!(status, 200, "{body}");
    s.stop().await;
}
