//! Queries, scripts and the description endpoints.

use crate::TestServer;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_then_query_over_http() {
    let s = TestServer::start().await;
    let body = s
        .ok("INSERT INTO users (id, name, age) VALUES ('u1', 'Ada', 36), ('u2', 'Bob', 17)")
        .await;
    assert_eq!(body["affected"], 2, "{body}");
    assert!(body["stats"].is_object(), "{body}");

    let (status, body) = s
        .query(
            "SELECT name, age FROM users WHERE age >= $min ORDER BY name",
            json!({ "min": 18 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["columns"], json!(["name", "age"]));
    assert_eq!(body["rows"], json!([["Ada", 36]]));

    // A point read by external id.
    let body = s.ok("SELECT name FROM users WHERE id = 'u2'").await;
    assert_eq!(body["rows"], json!([["Bob"]]));

    // A script answers a list, one result per statement.
    let body = s
        .ok("INSERT INTO users (id, name, age) VALUES ('u3', 'Cy', 52); SELECT COUNT(*) AS n FROM users")
        .await;
    let items = body.as_array().expect("a list");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["affected"], 1);
    assert_eq!(items[1]["rows"], json!([[3]]));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collections_schemas_health_metrics() {
    let s = TestServer::start().await;
    s.ok("CREATE SCHEMA people (name String REQUIRED, age Int)")
        .await;
    s.ok("INSERT INTO people (name, age) VALUES ('Pat', 30)")
        .await;
    s.ok("INSERT INTO notes (text) VALUES ('hi')").await;

    let (status, body) = s.get("/collections").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["collections"],
        json!([{"name": "notes", "count": 1}, {"name": "people", "count": 1}])
    );

    let (status, body) = s.get("/collections/people").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "people");
    assert_eq!(body["count"], 1);
    assert!(body["config"]["shards"].as_u64().unwrap() >= 1, "{body}");
    assert_eq!(body["schema"]["declared"], true, "{body}");
    let (_, notes) = s.get("/collections/notes").await;
    assert!(notes["schema"].is_null(), "{notes}");

    let (status, body) = s.get("/schemas/people").await;
    assert_eq!(status, 200);
    let fields = body["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["name"] == "name" && f["required"] == true),
        "{body}"
    );
    let (_, body) = s.get("/schemas/notes").await;
    assert_eq!(body["declared"], false);

    let (status, body) = s.get("/health").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));

    let (status, body) = s.get("/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(body["store"]["entities"], 2, "{body}");
    assert!(body["store"]["commits"].as_u64().unwrap() >= 2, "{body}");
    assert_eq!(body["store"]["damaged_skipped"], 0, "{body}");
    assert!(body["store"]["entity_cache_hit_rate"].is_number(), "{body}");
    assert!(body["requests"]["total"].as_u64().unwrap() >= 8, "{body}");
    assert!(body["requests"]["2xx"].as_u64().unwrap() >= 8, "{body}");
    assert!(
        body["queries"]["statements"].as_u64().unwrap() >= 3,
        "{body}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_checkpoints_and_data_survives() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = hyperspatial::Database::open(dir.path()).unwrap();
        let server = hyperspatial_server::Server::bind(
            db,
            hyperspatial_server::ServerConfig {
                addr: "127.0.0.1:0".parse().unwrap(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let url = format!("http://{}/query", server.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let res = reqwest::Client::new()
            .post(&url)
            .json(&json!({"query": "INSERT INTO kept (id, v) VALUES ('k', 7)"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        stop.send(()).unwrap();
        task.await.unwrap().unwrap();
        // The listener is closed.
        assert!(reqwest::Client::new().post(&url).send().await.is_err());
    }
    let db = hyperspatial::Database::open(dir.path()).unwrap();
    assert_eq!(db.count(Some("kept")), 1);
}
