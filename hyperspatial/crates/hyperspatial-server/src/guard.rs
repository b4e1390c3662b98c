//! Safe defaults for a server on a workstation: what a web page the user happens to
//! visit must not be able to do with it.
//!
//! - **Content types.** A browser sends a cross-site `POST` without asking first
//!   only with `text/plain`, `multipart/form-data` or a form encoding; every body a
//!   handler reads must declare what it is: `application/json` for `POST /query`
//!   and `POST /streams/{name}`, a file format's type for `POST /import/{c}`
//!   (`text/csv`, `application/json`, `application/x-ndjson` and its aliases, or
//!   `application/octet-stream`). Anything else is 415.
//! - **Origins.** A request that carries an `Origin` (browsers add it to every
//!   cross-site request and every WebSocket handshake) and changes state or opens a
//!   WebSocket is refused with 403 unless the origin is the server's own (its
//!   `scheme://host:port` names the `Host` the request was sent to) or is listed
//!   in [`ServerConfig::allowed_origins`](crate::ServerConfig). Clients that are not
//!   browsers send no `Origin` and pass.
//! - **Hosts.** A server listening on a loopback address without a token answers
//!   only requests whose `Host` is a loopback name (`localhost`, `*.localhost`,
//!   `127.0.0.0/8`, `[::1]`) or is listed in
//!   [`ServerConfig::allowed_hosts`](crate::ServerConfig): a page on a name that was
//!   rebound to 127.0.0.1 (DNS rebinding) gets 403. `*` in either list allows any.

use crate::config::ServerConfig;
use crate::error::ApiError;
use crate::state::Shared;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;

/// Content types `POST /import/{c}` accepts (the import formats' own).
const IMPORT_TYPES: &[&str] = &[
    "text/csv",
    "application/csv",
    "application/json",
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/json-lines",
    "application/x-jsonl",
    "application/jsonlines",
    "application/octet-stream",
];

/// The checks, decided once from the configuration.
#[derive(Clone, Debug)]
pub(crate) struct Guard {
    /// Only loopback `Host` names (plus `hosts`) are answered.
    loopback_hosts_only: bool,
    hosts: Vec<String>,
    origins: Vec<String>,
}

impl Guard {
    pub(crate) fn new(config: &ServerConfig) -> Guard {
        let open = config.token.as_deref().is_none_or(str::is_empty);
        Guard {
            loopback_hosts_only: open && config.addr.ip().is_loopback(),
            hosts: config
                .allowed_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            origins: config
                .allowed_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    /// Why `method path` with `headers` is refused, if it is.
    pub(crate) fn check(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Option<ApiError> {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        if let Some(e) = self.check_host(host) {
            return Some(e);
        }
        let upgrade = headers
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if (writes || upgrade)
            && let Some(e) = self.check_origin(headers.get(header::ORIGIN), host)
        {
            return Some(e);
        }
        if *method == Method::POST {
            return check_content_type(path, headers);
        }
        None
    }

    fn check_host(&self, host: Option<&str>) -> Option<ApiError> {
        if !self.loopback_hosts_only {
            return None;
        }
        // HTTP/1.0 requests may lack a Host; browsers always send one.
        let host = host?;
        let name = host_name(host).to_ascii_lowercase();
        if is_loopback_name(&name) || self.hosts.iter().any(|h| h == "*" || *h == name) {
            return None;
        }
        Some(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "host `{host}` is not allowed: a server on a loopback address without a \
                 token answers loopback names only (allow more with --allow-host)"
            ),
        ))
    }

    fn check_origin(
        &self,
        origin: Option<&axum::http::HeaderValue>,
        host: Option<&str>,
    ) -> Option<ApiError> {
        let origin = origin?;
        let text = origin
            .to_str()
            .unwrap_or("")
            .trim_end_matches('/')
            .to_ascii_lowercase();
        if self.origins.iter().any(|o| o == "*" || *o == text) {
            return None;
        }
        let same = host.is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            text.strip_prefix("http://")
                .or_else(|| text.strip_prefix("https://"))
                .is_some_and(|authority| authority == h)
        });
        if same {
            return None;
        }
        Some(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "origin `{}` may not send writes or open streams here (allow it with \
                 --allow-origin)",
                origin.to_str().unwrap_or("?")
            ),
        ))
    }
}

/// The content type a `POST` to `path` must carry, checked.
fn check_content_type(path: &str, headers: &HeaderMap) -> Option<ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let (ok, wanted): (bool, &str) = if path.starts_with("/import/") {
        (
            given.as_deref().is_some_and(|g| IMPORT_TYPES.contains(&g)),
            "text/csv, application/json or application/x-ndjson",
        )
    } else {
        (
            given.as_deref() == Some("application/json"),
            "application/json",
        )
    };
    if ok {
        return None;
    }
    let given = given.map_or("none".to_string(), |g| format!("`{g}`"));
    Some(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("content type {given} is not accepted here: send Content-Type: {wanted}"),
    ))
}

/// The name part of a `Host` value (`[::1]:7878` -> `::1`, `a:1` -> `a`).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

fn is_loopback_name(name: &str) -> bool {
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Middleware: refuses what [`Guard::check`] refuses.
pub(crate) async fn protect(State(s): State<Shared>, req: Request, next: Next) -> Response {
    match s.guard.check(req.method(), req.uri().path(), req.headers()) {
        None => next.run(req).await,
        Some(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn guard(token: Option<&str>, addr: &str) -> Guard {
        Guard::new(&ServerConfig {
            addr: addr
                .parse()
                .unwrap_or_else(|_| ServerConfig::default().addr),
            token: token.map(String::from),
            ..ServerConfig::default()
        })
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn status(g: &Guard, m: Method, path: &str, h: &[(&'static str, &str)]) -> u16 {
        g.check(&m, path, &headers(h))
            .map_or(200, |e| e.status.as_u16())
    }

    #[test]
    fn writes_need_their_content_type() {
        let g = guard(None, "127.0.0.1:7878");
        let host = ("host", "127.0.0.1:7878");
        assert_eq!(status(&g, Method::POST, "/query", &[host]), 415);
        assert_eq!(
            status(
                &g,
                Method::POST,
                "/query",
                &[host, ("content-type", "text/plain")]
            ),
            415
        );
        let json = ("content-type", "application/json; charset=utf-8");
        assert_eq!(status(&g, Method::POST, "/query", &[host, json]), 200);
        assert_eq!(
            status(
                &g,
                Method::POST,
                "/import/c",
                &[host, ("content-type", "text/csv")]
            ),
            200
        );
        assert_eq!(
            status(
                &g,
                Method::POST,
                "/import/c",
                &[host, ("content-type", "application/x-www-form-urlencoded")]
            ),
            415
        );
        assert_eq!(status(&g, Method::GET, "/collections", &[host]), 200);
    }

    #[test]
    fn foreign_origins_may_not_write_or_subscribe() {
        let g = guard(None, "127.0.0.1:7878");
        let host = ("host", "127.0.0.1:7878");
        let json = ("content-type", "application/json");
        let evil = ("origin", "https://evil.example");
        assert_eq!(status(&g, Method::POST, "/query", &[host, json, evil]), 403);
        let ws = ("upgrade", "websocket");
        assert_eq!(
            status(&g, Method::GET, "/subscribe", &[host, ws, evil]),
            403
        );
        assert_eq!(status(&g, Method::GET, "/collections", &[host, evil]), 200);
        let own = ("origin", "http://127.0.0.1:7878");
        assert_eq!(status(&g, Method::POST, "/query", &[host, json, own]), 200);
        let listed = Guard::new(&ServerConfig {
            allowed_origins: vec!["https://app.example/".into()],
            ..ServerConfig::default()
        });
        let app = ("origin", "https://app.example");
        assert_eq!(
            status(&listed, Method::POST, "/query", &[host, json, app]),
            200
        );
    }

    #[test]
    fn loopback_without_token_answers_loopback_names_only() {
        let g = guard(None, "127.0.0.1:7878");
        for ok in [
            "127.0.0.1:7878",
            "localhost:7878",
            "[::1]:7878",
            "api.localhost",
            "127.1.2.3",
        ] {
            assert_eq!(
                status(&g, Method::GET, "/health", &[("host", ok)]),
                200,
                "{ok}"
            );
        }
        assert_eq!(
            status(
                &g,
                Method::GET,
                "/health",
                &[("host", "rebound.example:7878")]
            ),
            403
        );
        // With a token, or listening elsewhere, any Host is answered.
        let t = guard(Some("t"), "127.0.0.1:7878");
        assert_eq!(
            status(&t, Method::GET, "/health", &[("host", "rebound.example")]),
            200
        );
        let wide = guard(None, "0.0.0.0:7878");
        assert_eq!(
            status(&wide, Method::GET, "/health", &[("host", "db.lan")]),
            200
        );
        let listed = Guard::new(&ServerConfig {
            allowed_hosts: vec!["DB.lan".into()],
            ..ServerConfig::default()
        });
        assert_eq!(
            status(&listed, Method::GET, "/health", &[("host", "db.lan:7878")]),
            200
        );
    }
}
