//! `GET /paths/{pattern}`: endpoints over HTTP, and `ENDPOINTS` / `SET` through
//! `POST /query`.

use crate::TestServer;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_over_http() {
    let s = TestServer::start().await;
    s.ok(r#"INSERT INTO users {"id": "u1", "name": "Ada", "contact": {"email": "ada@x.io", "phone": "1"}},
                          {"id": "u2", "name": "Bob", "contact": {"email": "bob@x.io"}}"#)
        .await;

    let (status, body) = s.get("/paths/users.*.contact.email").await;
    assert_eq!(status, 200, "{body}");
    let mut rows = body.as_array().expect("an array").clone();
    rows.sort_by_key(|r| r["path"].as_str().unwrap_or_default().to_string());
    assert_eq!(
        rows,
        vec![
            json!({"path": "users.u1.contact.email", "entity": "u1", "value": "ada@x.io"}),
            json!({"path": "users.u2.contact.email", "entity": "u2", "value": "bob@x.io"}),
        ]
    );

    // `**` at any depth; one entity by its key; a limit.
    let (_, body) = s.get("/paths/users.u1.**").await;
    assert_eq!(body.as_array().map(Vec::len), Some(3), "{body}");
    let (_, body) = s.get("/paths/users.**?limit=2").await;
    assert_eq!(body.as_array().map(Vec::len), Some(2), "{body}");
    let (_, body) = s.get("/paths/users.*.nothing").await;
    assert_eq!(body, json!([]));

    // Bad patterns and unknown collections are clear errors.
    let (status, body) = s.get("/paths/users..x").await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("empty segment"),
        "{body}"
    );
    let (status, _) = s.get("/paths/*.x").await;
    assert_eq!(status, 400);
    let (status, _) = s.get("/paths/nope.*.x").await;
    assert_eq!(status, 404);
    let (status, _) = s.get("/paths/users.*?limit=x").await;
    assert_eq!(status, 400);

    // The same through the language: SET then ENDPOINTS and a single endpoint.
    let body = s
        .ok("SET users['u3'].contact.email = 'cy@x.io', users['u1'].contact.phone = '2'")
        .await;
    assert_eq!(body["affected"], 2, "{body}");
    let body = s
        .ok("SELECT entity, value FROM ENDPOINTS('users.*.contact.phone') ORDER BY entity")
        .await;
    assert_eq!(body["rows"], json!([["u1", "2"]]), "{body}");
    let body = s
        .ok("SELECT users['u3'].contact.email AS e, {name, mail: contact.email} AS o FROM users WHERE id = 'u2'")
        .await;
    assert_eq!(
        body["rows"],
        json!([["cy@x.io", {"name": "Bob", "mail": "bob@x.io"}]]),
        "{body}"
    );
    let (_, body) = s.get("/paths/users.u3.**").await;
    assert_eq!(
        body,
        json!([{"path": "users.u3.contact.email", "entity": "u3", "value": "cy@x.io"}])
    );
    s.stop().await;
}
