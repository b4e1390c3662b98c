//! Point queries over HTTP against the hyperspatial server, and the same client
//! against a trivial axum handler: the HTTP stack's own limit on this machine.
//!
//! Both servers run on one tokio runtime (multi-threaded, 2 worker threads) and listen
//! on loopback ports at the same time; the clients (`CLIENTS` threads, each one
//! `reqwest` blocking client, so one keep-alive connection per server) send
//! `POST /query` with `SELECT * FROM users WHERE id = $id` and parse the JSON answer.
//! The trivial handler reads the request body and answers a fixed copy of one real
//! answer (same size, same parsing on the client). The servers alternate by halves:
//! hyperspatial, trivial, hyperspatial, trivial.

use super::{SYSTEM, ctx};
use crate::report::{Report, percentile};
use axum::http::header::CONTENT_TYPE;
use hyperspatial::Database;
use hyperspatial_server::{Server, ServerConfig};
use std::net::SocketAddr;
use std::time::Instant;

/// Client threads, one keep-alive connection each.
const CLIENTS: usize = 4;
/// Worker threads of the servers' runtime.
const WORKERS: usize = 2;
/// System name of the trivial handler.
const TRIVIAL: &str = "axum-trivial";

/// Runs the part: `queries` point queries on each server, over users `u0..u<n>`.
pub fn run(report: &mut Report, db: Database, n: usize, queries: usize) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .map_err(ctx("runtime"))?;
    let config = ServerConfig {
        addr: "127.0.0.1:0".parse().map_err(ctx("address"))?,
        ..ServerConfig::default()
    };
    let server = rt.block_on(Server::bind(db, config)).map_err(ctx("bind"))?;
    let real_addr = server.local_addr().map_err(ctx("address"))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let real = rt.spawn(server.run(async {
        let _ = stopped.await;
    }));
    let url = format!("http://{real_addr}/query");
    let answer = sample_answer(&url)?;
    let answer_len = answer.len();

    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(ctx("bind trivial"))?;
    let trivial_addr: SocketAddr = listener.local_addr().map_err(ctx("address"))?;
    let (stop_trivial, trivial_stopped) = tokio::sync::oneshot::channel::<()>();
    let trivial = rt.spawn(async move {
        let fixed = axum::body::Bytes::from(answer);
        let app = axum::Router::new().route(
            "/query",
            axum::routing::post(move |_body: axum::body::Bytes| {
                let fixed = fixed.clone();
                async move { ([(CONTENT_TYPE, "application/json")], fixed) }
            }),
        );
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = trivial_stopped.await;
            })
            .await
    });
    let trivial_url = format!("http://{trivial_addr}/query");

    let measured = measure(&url, &trivial_url, n, queries);
    let _ = stop.send(());
    let _ = stop_trivial.send(());
    rt.block_on(real)
        .map_err(ctx("server task"))?
        .map_err(ctx("server"))?;
    rt.block_on(trivial)
        .map_err(ctx("trivial server task"))?
        .map_err(ctx("trivial server"))?;
    let [(mut ours, ours_s), (mut peer, peer_s)] = measured?;

    for (system, lat, wall) in [(SYSTEM, &mut ours, ours_s), (TRIVIAL, &mut peer, peer_s)] {
        report.add(
            system,
            "http_point_query_per_s",
            lat.len() as f64 / wall,
            "queries/s",
        );
        report.add(
            system,
            "http_point_query_p50_us",
            percentile(lat, 0.5),
            "us",
        );
    }
    report.ratio("http_point_query_per_s", SYSTEM, TRIVIAL);
    let rate = |s: &str| report.get(s, "http_point_query_per_s").unwrap_or(0.0);
    let x = rate(SYSTEM) / rate(TRIVIAL).max(1e-9);
    report.note(format!(
        "goal: HTTP point queries >= 0.5x the requests/s of a trivial axum handler (same \
         client, same runtime): {} ({x:.2}x: {:.0} against {:.0} queries/s)",
        if x >= 0.5 { "met" } else { "NOT met" },
        rate(SYSTEM),
        rate(TRIVIAL)
    ));
    report.note(format!(
        "HTTP: {CLIENTS} client threads (reqwest {} blocking client each, one keep-alive \
         connection per server), `POST /query` with `SELECT * FROM users WHERE id = $id` \
         and a random id, answers parsed as JSON and checked; servers on one tokio {} \
         runtime, multi-threaded with {WORKERS} worker threads, loopback, same machine: \
         the hyperspatial server (`hyperspatial-server`, default configuration) and \
         `{TRIVIAL}`, an axum {} route that reads the body and answers a fixed copy of \
         one real answer ({} bytes); {queries} queries each, in alternating halves",
        crate::versions::version("reqwest"),
        crate::versions::version("tokio"),
        crate::versions::version("axum"),
        answer_len
    ));
    Ok(())
}

/// One real answer's body, to serve as the trivial handler's fixed answer.
fn sample_answer(url: &str) -> Result<Vec<u8>, String> {
    let client = reqwest::blocking::Client::new();
    let res = client
        .post(url)
        .json(&body(0))
        .send()
        .map_err(ctx("sample request"))?;
    if !res.status().is_success() {
        return Err(format!("import suite: query answered {}", res.status()));
    }
    Ok(res.bytes().map_err(ctx("sample answer"))?.to_vec())
}

fn body(i: usize) -> serde_json::Value {
    serde_json::json!({
        "query": "SELECT * FROM users WHERE id = $id",
        "params": {"id": format!("u{i}")}
    })
}

/// Latencies (us) and wall seconds of `queries` requests on each url, from `CLIENTS`
/// threads, the urls alternating by halves.
fn measure(
    ours: &str,
    peer: &str,
    n: usize,
    queries: usize,
) -> Result<[(Vec<f64>, f64); 2], String> {
    let mut out: [(Vec<f64>, f64); 2] = Default::default();
    for half in 0..2 {
        for (s, url) in [ours, peer].into_iter().enumerate() {
            let t = Instant::now();
            let lat = clients(url, n, queries / 2, half)?;
            out[s].1 += t.elapsed().as_secs_f64();
            out[s].0.extend(lat);
        }
    }
    Ok(out)
}

/// `total` point queries on `url` from `CLIENTS` threads; the per-request latencies.
fn clients(url: &str, n: usize, total: usize, seed: usize) -> Result<Vec<f64>, String> {
    let per = total / CLIENTS;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| s.spawn(move || client(url, n, per, (seed * CLIENTS + c) * per)))
            .collect();
        let mut all = Vec::with_capacity(total);
        for h in handles {
            all.extend(
                h.join()
                    .unwrap_or_else(|_| Err("a client thread panicked".into()))?,
            );
        }
        Ok(all)
    })
}

/// One client thread: `per` requests on one keep-alive connection.
fn client(url: &str, n: usize, per: usize, first: usize) -> Result<Vec<f64>, String> {
    let client = reqwest::blocking::Client::new();
    let mut lat = Vec::with_capacity(per);
    for q in 0..per {
        let i = crate::rng::splitmix64((first + q) as u64 ^ 0xABCD) as usize % n;
        let t = Instant::now();
        let res = client
            .post(url)
            .json(&body(i))
            .send()
            .map_err(ctx("request"))?;
        if !res.status().is_success() {
            return Err(format!("import suite: query answered {}", res.status()));
        }
        let v: serde_json::Value = res.json().map_err(ctx("answer"))?;
        if v["rows"].as_array().map_or(0, Vec::len) != 1 {
            return Err(format!("import suite: a point query found no row: {v}"));
        }
        lat.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok(lat)
}
