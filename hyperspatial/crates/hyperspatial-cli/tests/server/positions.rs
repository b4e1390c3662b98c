//! Position settings over `GET` / `PUT /collections/{name}/positions` and
//! `hyperspatial positions --url`.

use crate::{TestServer, answer};
use serde_json::{Value as Json, json};
use std::process::Command;

async fn put(s: &TestServer, path: &str, body: &str) -> (u16, Json) {
    let req = s
        .client
        .put(s.url(path))
        .header("content-type", "application/json")
        .body(body.to_string());
    answer(req.send().await.unwrap()).await
}

/// `hyperspatial positions parts ARGS --url SERVER`: its status and standard output.
async fn cli(s: &TestServer, args: &[&str]) -> (bool, String, String) {
    let mut all: Vec<String> = ["positions", "parts"].map(String::from).to_vec();
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(["--url".to_string(), s.url("")]);
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_hyperspatial"))
            .args(&all)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn position_settings_over_http_and_the_command_line() {
    let s = TestServer::start().await;
    s.ok("INSERT INTO parts (id, name, parent_id) VALUES ('a', 'bolt', 'p1'), ('b', 'bolt', 'p2')")
        .await;
    let (status, now) = s.get("/collections/parts/positions").await;
    assert_eq!(status, 200, "{now}");
    assert_eq!(now["mix"], "graph_first");
    assert!(
        now["ignore"].as_array().unwrap().contains(&json!("*_id")),
        "{now}"
    );
    let pos = |s: &TestServer, key: &str| {
        let id = s.db.resolve(&hyperql::Value::str(key)).unwrap();
        s.db.placement(id).unwrap().unwrap().combined
    };
    assert_eq!(pos(&s, "a"), pos(&s, "b"));

    for (body, want) in [
        (r#"{"ignor": []}"#, 400),
        (
            r#"{"weights": {"graph": 0, "embedding": 0, "property": 0}}"#,
            400,
        ),
        (r#"{"ignore": ["a*b"]}"#, 400),
        ("not json", 400),
    ] {
        let (status, err) = put(&s, "/collections/parts/positions", body).await;
        assert_eq!(status, want, "{body}: {err}");
        assert!(err["error"].is_string(), "{err}");
    }
    let (status, err) = put(&s, "/collections/nothing/positions", "{}").await;
    assert_eq!(status, 404, "{err}");

    let (status, done) = put(&s, "/collections/parts/positions", r#"{"ignore": []}"#).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["placed"], 2);
    assert_eq!(done["settings"]["ignore"], json!([]));
    assert_ne!(pos(&s, "a"), pos(&s, "b"));

    let (ok, out, err) = cli(&s, &["--set", r#"{"mix": "weighted"}"#]).await;
    assert!(ok, "{err}");
    let answer: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["placed"], 2, "{out}");
    assert_eq!(answer["settings"]["mix"], "weighted");
    // Every key absent again: the defaults.
    assert!(
        answer["settings"]["ignore"]
            .as_array()
            .unwrap()
            .contains(&json!("id"))
    );
    let (ok, out, err) = cli(&s, &[]).await;
    assert!(ok, "{err}");
    let shown: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["mix"], "weighted");
    let (ok, _, err) = cli(&s, &["--set", "{\"mix\": \"loud\"}"]).await;
    assert!(!ok && err.contains("--set"), "{err}");
    s.stop().await;
}
