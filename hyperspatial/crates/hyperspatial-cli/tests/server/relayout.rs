//! RELAYOUT through the three interfaces: `POST /collections/{name}/relayout`, the
//! HyperQL statement over `POST /query`, and `hyperspatial relayout --url`, on a
//! hierarchy imported as JSONL with a parents column, children before parents.

use super::transfer::post;
use crate::TestServer;
use serde_json::{Value as Json, json};
use std::process::Command;

/// A tree of 85 nodes (4 children each, 3 levels below the root) as JSONL rows,
/// deepest level first, each naming its parent.
fn tree_jsonl() -> String {
    let mut rows = Vec::new();
    let sizes = [1usize, 4, 16, 64];
    for l in (0..4).rev() {
        for i in (0..sizes[l]).rev() {
            let parents = if l == 0 {
                json!([])
            } else {
                json!([format!("n{}-{}", l - 1, i / 4)])
            };
            rows.push(json!({"id": format!("n{l}-{i}"), "parents": parents}).to_string());
        }
    }
    rows.join("\n") + "\n"
}

/// `hyperspatial relayout mammals -q ARGS --url SERVER`.
async fn cli(s: &TestServer, args: &[&str]) -> std::process::Output {
    let mut all: Vec<String> = ["relayout", "mammals", "-q"].map(String::from).to_vec();
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(["--url".to_string(), s.url("")]);
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_hyperspatial"))
            .args(&all)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relayout_over_http_hyperql_and_the_command_line() {
    let s = TestServer::start().await;
    let (status, summary) = post(
        &s,
        "/import/mammals?edges=parents:hyponym:in",
        &tree_jsonl(),
        Some("application/x-ndjson"),
    )
    .await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["edges"], 84, "{summary}");

    let (status, report) = post(
        &s,
        "/collections/mammals/relayout",
        r#"{"evaluate": true, "max_radius": 10}"#,
        Some("application/json"),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["entities"], 85, "{report}");
    assert_eq!(report["edges"], 84, "{report}");
    let map = report["map"].as_f64().unwrap();
    assert!(map > 0.95, "{report}");

    // An empty body: the defaults.
    let (status, report) = post(
        &s,
        "/collections/mammals/relayout",
        "",
        Some("application/json"),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["map"], Json::Null, "{report}");

    for (path, body, code, want) in [
        (
            "/collections/mammals/relayout",
            r#"{"speed": 1}"#,
            400,
            "unknown relayout option",
        ),
        ("/collections/mammals/relayout", "[1]", 400, "JSON object"),
        ("/collections/mammals/relayout", "{", 400, "malformed JSON"),
        (
            "/collections/nowhere/relayout",
            "{}",
            404,
            "unknown collection",
        ),
    ] {
        let (status, e) = post(&s, path, body, Some("application/json")).await;
        assert_eq!(status, code, "{body}: {e}");
        assert!(e["error"].as_str().unwrap().contains(want), "{body}: {e}");
    }

    let r = s
        .ok("RELAYOUT mammals WITH (construction = 'sarkar', refine_epochs = 5, evaluate = true)")
        .await;
    assert_eq!(r["columns"], json!(["measure", "value"]), "{r}");
    let rows = r["rows"].as_array().unwrap();
    let map = rows.iter().find(|row| row[0] == "map").unwrap()[1].as_f64();
    assert!(map.is_some_and(|m| m > 0.0), "{r}");

    let out = cli(&s, &["--evaluate", "-o", "max_radius=10"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["map"].as_f64().unwrap() > 0.95, "{report}");
    let out = cli(&s, &["-o", "construction=spiral"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("'cones' or 'sarkar'"));
}
