//! Concurrent writers over HTTP against a model: every acknowledged increment is
//! counted, every id is stored once (see hyperspatial's `store::isolation`).

use crate::{TestServer, answer};
use serde_json::json;

const CLIENTS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_increments_over_http_are_all_counted() {
    let s = TestServer::start().await;
    s.ok("INSERT INTO c (id, n) VALUES ('x', 0)").await;
    let url = s.url("/query");
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (url, client) = (url.clone(), reqwest::Client::new());
        tasks.push(tokio::spawn(async move {
            let mut acked = 0u64;
            for _ in 0..25 {
                let body = json!({ "query": "UPDATE c SET n = n + 1 WHERE id = 'x'" });
                let (status, v) = answer(client.post(&url).json(&body).send().await.unwrap()).await;
                match status {
                    200 => {
                        assert_eq!(v["affected"], json!(1), "{v}");
                        acked += 1;
                    }
                    409 => assert!(v["error"].as_str().unwrap().contains("conflict"), "{v}"),
                    _ => panic!("{status}: {v}"),
                }
            }
            acked
        }));
    }
    let mut acked = 0;
    for t in tasks {
        acked += t.await.unwrap();
    }
    assert!(acked > 0);
    println!(
        "concurrency: {acked} of {} concurrent increments acknowledged (the rest 409 after 64 attempts)",
        CLIENTS * 25
    );
    let v = s.ok("SELECT n FROM c WHERE id = 'x'").await;
    assert_eq!(v["rows"], json!([[acked]]), "acknowledged {acked}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_inserts_of_one_id_over_http_store_it_once() {
    const ROUNDS: usize = 20;
    let s = TestServer::start().await;
    let url = s.url("/query");
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (url, client) = (url.clone(), reqwest::Client::new());
        tasks.push(tokio::spawn(async move {
            let mut won = Vec::new();
            for round in 0..ROUNDS {
                let body = json!({
                    "query": "INSERT INTO u (id, writer) VALUES ($id, $c)",
                    "params": { "id": format!("k{round}"), "c": c },
                });
                let (status, v) = answer(client.post(&url).json(&body).send().await.unwrap()).await;
                match status {
                    200 => won.push(round),
                    409 => assert!(
                        v["error"].as_str().unwrap().contains("already exists"),
                        "{v}"
                    ),
                    _ => panic!("{status}: {v}"),
                }
            }
            won
        }));
    }
    let mut wins = vec![0; ROUNDS];
    for t in tasks {
        for round in t.await.unwrap() {
            wins[round] += 1;
        }
    }
    assert_eq!(wins, vec![1; ROUNDS]);
    let v = s.ok("SELECT COUNT(*) FROM u").await;
    assert_eq!(v["rows"], json!([[ROUNDS]]));
    s.stop().await;
}
