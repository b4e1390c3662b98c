//! A bounded soak test of the real server binary: concurrent hot-key increments,
//! inserts (unique and contested ids), imports, reads and subscriptions for a fixed
//! count of requests, then invariants against what was acknowledged, checked before
//! and after a restart, and the server's resident memory under a bound.

use super::cli::serve;
use futures_util::StreamExt;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const TOKEN: &str = "soak";
const HOT: [&str; 2] = ["h0", "h1"];
/// Resident memory the server may reach (the data set is a few thousand rows).
const RSS_BOUND_KIB: u64 = 1 << 20;

struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    async fn query(&self, query: &str, params: Json) -> (u16, Json) {
        let res = self
            .client
            .post(format!("{}/query", self.base))
            .bearer_auth(TOKEN)
            .json(&json!({ "query": query, "params": params }))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    async fn ok(&self, query: &str) -> Json {
        let (status, v) = self.query(query, json!({})).await;
        assert_eq!(status, 200, "{query}: {v}");
        v
    }

    async fn count(&self, query: &str) -> u64 {
        self.ok(query).await["rows"][0][0].as_u64().unwrap()
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What the clients were told succeeded.
#[derive(Default)]
struct Acked {
    increments: BTreeMap<String, u64>,
    inserted: Vec<String>,
    contested: BTreeMap<String, u64>,
    imported: u64,
}

async fn check(api: &Api, acked: &Acked) {
    for (k, n) in &acked.increments {
        let v = api
            .query("SELECT n FROM hot WHERE id = $k", json!({ "k": k }))
            .await
            .1;
        assert_eq!(v["rows"], json!([[n]]), "hot key {k}");
    }
    assert_eq!(
        api.count("SELECT COUNT(*) FROM w").await,
        acked.inserted.len() as u64
    );
    for (id, wins) in &acked.contested {
        assert_eq!(*wins, 1, "one insert of {id} succeeds");
    }
    assert_eq!(
        api.count("SELECT COUNT(*) FROM c").await,
        acked.contested.len() as u64
    );
    assert_eq!(
        api.count("SELECT COUNT(*) FROM imported").await,
        acked.imported
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_concurrent_load_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("db");
    let data = data.to_str().unwrap().to_string();
    let (child, addr, _log) = serve(&data, TOKEN);
    let pid = child.0.id();
    let api = std::sync::Arc::new(Api {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    });
    for k in HOT {
        api.ok(&format!("INSERT INTO hot (id, n) VALUES ('{k}', 0)"))
            .await;
    }
    // Subscribers: one that reads, one that never does (its queue must stay bounded).
    let ws = |q: &str| {
        let mut req = format!("ws://{addr}/subscribe?query={}", q.replace(' ', "%20"))
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    let (reader, _) = ws("SUBSCRIBE hot").await.unwrap();
    let (_idle, _) = ws("SUBSCRIBE hot").await.unwrap();
    let events = tokio::spawn(async move {
        let mut n = 0u64;
        let (_, mut rx) = reader.split();
        while let Ok(Some(Ok(_))) =
            tokio::time::timeout(std::time::Duration::from_secs(5), rx.next()).await
        {
            n += 1;
        }
        n
    });

    let mut tasks = Vec::new();
    for c in 0..4u64 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut a = Acked::default();
            for i in 0..30u64 {
                let k = HOT[((c + i) % 2) as usize];
                let (status, v) = api
                    .query("UPDATE hot SET n = n + 1 WHERE id = $k", json!({ "k": k }))
                    .await;
                match status {
                    200 => *a.increments.entry(k.to_string()).or_default() += 1,
                    409 => {}
                    _ => panic!("{status}: {v}"),
                }
                let id = format!("w{c}-{i}");
                let (status, v) = api
                    .query(
                        "INSERT INTO w (id, c) VALUES ($id, $c)",
                        json!({ "id": id, "c": c }),
                    )
                    .await;
                assert_eq!(status, 200, "{v}");
                a.inserted.push(id);
                let contested = format!("c{}", i % 10);
                let (status, v) = api
                    .query(
                        "INSERT INTO c (id) VALUES ($id)",
                        json!({ "id": contested }),
                    )
                    .await;
                match status {
                    200 => *a.contested.entry(contested).or_default() += 1,
                    409 => {
                        a.contested.entry(contested).or_default();
                    }
                    _ => panic!("{status}: {v}"),
                }
                let (status, _) = api.query("SELECT COUNT(*) FROM w", json!({})).await;
                assert_eq!(status, 200);
            }
            a
        }));
    }
    {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut a = Acked::default();
            for j in 0..3 {
                let body: String = (0..200)
                    .map(|i| format!("{{\"id\": \"imp{j}-{i}\", \"n\": {i}}}\n"))
                    .collect();
                let res = api
                    .client
                    .post(format!("{}/import/imported?format=jsonl", api.base))
                    .bearer_auth(TOKEN)
                    .header("content-type", "application/x-ndjson")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
                a.imported += 200;
                let res = api
                    .client
                    .get(format!("{}/collections", api.base))
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
            }
            a
        }));
    }
    let mut acked = Acked::default();
    for t in tasks {
        let a = t.await.unwrap();
        for (k, n) in a.increments {
            *acked.increments.entry(k).or_default() += n;
        }
        acked.inserted.extend(a.inserted);
        for (k, n) in a.contested {
            *acked.contested.entry(k).or_default() += n;
        }
        acked.imported += a.imported;
    }
    assert!(
        events.await.unwrap() > 0,
        "the reading subscriber saw changes"
    );
    check(&api, &acked).await;
    let rss = rss_kib(pid);
    assert!(rss < RSS_BOUND_KIB, "server RSS {rss} KiB");
    println!(
        "soak: {} increments, {} inserts, {} imported rows; server RSS {} MiB",
        acked.increments.values().sum::<u64>(),
        acked.inserted.len(),
        acked.imported,
        rss / 1024
    );
    // Everything acknowledged is still there after a restart.
    drop(child);
    let (_child, addr, _log) = serve(&data, TOKEN);
    let api = Api {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    };
    check(&api, &acked).await;
}
