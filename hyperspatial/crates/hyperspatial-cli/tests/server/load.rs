//! A small bounded load test: concurrent clients doing point queries over loopback
//! for a fixed number of requests. Prints requests per second; asserts only that
//! every answer is right.

use crate::TestServer;
use serde_json::json;
use std::time::Instant;

const CLIENTS: usize = 8;
const REQUESTS_PER_CLIENT: usize = 250;
const USERS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_point_queries() {
    let s = TestServer::start().await;
    let values: Vec<String> = (0..USERS)
        .map(|i| format!("('u{i}', 'name {i}', {})", i % 90))
        .collect();
    s.ok(&format!(
        "INSERT INTO users (id, name, age) VALUES {}",
        values.join(", ")
    ))
    .await;

    let url = s.url("/query");
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let url = url.clone();
        // One keep-alive connection per client.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        tasks.push(tokio::spawn(async move {
            for r in 0..REQUESTS_PER_CLIENT {
                let i = (c * 31 + r * 7) % USERS;
                let body = json!({
                    "query": "SELECT name FROM users WHERE id = $id",
                    "params": { "id": format!("u{i}") },
                });
                let res = client.post(&url).json(&body).send().await.unwrap();
                assert_eq!(res.status(), 200);
                let v: serde_json::Value = res.json().await.unwrap();
                assert_eq!(v["rows"], json!([[format!("name {i}")]]), "{v}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let total = CLIENTS * REQUESTS_PER_CLIENT;
    println!(
        "load: {total} point queries from {CLIENTS} concurrent clients in {secs:.2} s = {:.0} requests/s",
        total as f64 / secs
    );
    let (_, m) = s.get("/metrics").await;
    assert!(
        m["requests"]["2xx"].as_u64().unwrap() >= total as u64,
        "{m}"
    );
    s.stop().await;
}
