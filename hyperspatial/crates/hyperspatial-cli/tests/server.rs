//! The server and the command line over real loopback HTTP: the server runs
//! in-process on port 0 over a temporary database; the binary is run for the CLI.

// Test helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod server {
    mod browser;
    mod cli;
    mod concurrency;
    mod errors;
    mod http;
    mod limits;
    mod load;
    mod paths;
    mod positions;
    mod relayout;
    mod soak;
    mod streams;
    mod transfer;
    mod ws;
}

use hyperspatial::Database;
use hyperspatial::streams::StreamHub;
use hyperspatial_server::{ServeError, Server, ServerConfig};
use serde_json::{Value as Json, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server over a temporary database.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    pub(crate) client: reqwest::Client,
    pub(crate) db: Database,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServeError>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub(crate) async fn start() -> TestServer {
        Self::with(ServerConfig::default()).await
    }

    pub(crate) async fn with(config: ServerConfig) -> TestServer {
        Self::with_streams(config, |_| {}).await
    }

    /// A server whose stream hub `setup` prepares (processors, routes) before it runs.
    pub(crate) async fn with_streams(
        config: ServerConfig,
        setup: impl FnOnce(&StreamHub),
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path()).unwrap();
        db.register_embedder(Arc::new(tessera_bridge::HashingEmbedder::default()));
        let config = ServerConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            ..config
        };
        let server = Server::bind(db.clone(), config).await.unwrap();
        let addr = server.local_addr().unwrap();
        setup(server.streams());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            client: reqwest::Client::new(),
            db,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `POST /query`; the status and the JSON answer.
    pub(crate) async fn query(&self, query: &str, params: Json) -> (u16, Json) {
        self.post_json("/query", &json!({ "query": query, "params": params }))
            .await
    }

    /// Runs `query` and insists on success.
    pub(crate) async fn ok(&self, query: &str) -> Json {
        let (status, body) = self.query(query, json!({})).await;
        assert_eq!(status, 200, "{query}: {body}");
        body
    }

    pub(crate) async fn post_json(&self, path: &str, body: &Json) -> (u16, Json) {
        let res = self
            .client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Json) {
        answer(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// Stops the server (graceful shutdown with checkpoint) and waits for it.
    pub(crate) async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
    }
}

/// The status and body of a response, which must be JSON.
pub(crate) async fn answer(res: reqwest::Response) -> (u16, Json) {
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = res.text().await.unwrap();
    assert!(
        ct.starts_with("application/json"),
        "status {status}: content-type `{ct}`, body {text}"
    );
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, body)
}
