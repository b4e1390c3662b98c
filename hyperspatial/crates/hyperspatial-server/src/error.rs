//! Errors of the HTTP API: every failure becomes a JSON body `{"error": "..."}` with a
//! 4xx status for bad requests (5xx only for storage failures), never a panic.
//!
//! - [`ApiError`] is what handlers return; `From<hyperql::Error>` maps query errors
//!   to statuses (syntax and semantic errors 400 with the diagnostics, unknown
//!   collections and entities 404, constraint violations 409, budgets 422).
//! - [`json_errors`] is the outermost middleware: error responses made by layers and
//!   extractors (body limit 413, timeout 408, unknown route 404, wrong method 405)
//!   carry plain text or nothing; it rewrites them as JSON.

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyperql::{Diagnostics, ExecError, SourceError};
use serde_json::{Value as JsonValue, json};

/// An error answer: a status and a message, sent as `{"error": message, ..}`.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for a person.
    pub message: String,
    /// Extra fields of the JSON body (e.g. `diagnostics`).
    pub extra: Option<serde_json::Map<String, JsonValue>>,
}

impl ApiError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            extra: None,
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500 Internal Server Error.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// Adds a field to the JSON body.
    pub fn with(mut self, key: &str, value: JsonValue) -> Self {
        self.extra
            .get_or_insert_with(serde_json::Map::new)
            .insert(key.to_string(), value);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = self.extra.unwrap_or_default();
        body.insert("error".into(), JsonValue::String(self.message));
        (self.status, Json(JsonValue::Object(body))).into_response()
    }
}

fn diagnostics(d: &Diagnostics) -> JsonValue {
    serde_json::to_value(d).unwrap_or(JsonValue::Null)
}

fn source_status(e: &SourceError) -> StatusCode {
    match e {
        SourceError::UnknownCollection(_) | SourceError::NotFound(_) => StatusCode::NOT_FOUND,
        SourceError::Constraint(_) | SourceError::Conflict(_) | SourceError::Commit(_) => {
            StatusCode::CONFLICT
        }
        SourceError::Unsupported(_) | SourceError::Invalid(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<SourceError> for ApiError {
    fn from(e: SourceError) -> Self {
        ApiError::new(source_status(&e), e.to_string())
    }
}

impl From<hyperspatial::ChangeFilterError> for ApiError {
    fn from(e: hyperspatial::ChangeFilterError) -> Self {
        use hyperspatial::ChangeFilterError as E;
        match e {
            E::Query(q) => ApiError::from(q),
            E::UnknownCollection(_) => ApiError::not_found(e.to_string()),
            E::NotSubscribe => ApiError::bad_request(e.to_string()),
        }
    }
}

impl From<hyperql::Error> for ApiError {
    fn from(e: hyperql::Error) -> Self {
        let message = e.to_string();
        match &e {
            hyperql::Error::Parse(d) => {
                ApiError::bad_request(message).with("diagnostics", diagnostics(d))
            }
            hyperql::Error::Semantic(d) => {
                // The planner reports a missing collection as a semantic error.
                let unknown = !d.0.is_empty()
                    && d.0
                        .iter()
                        .all(|x| x.message.starts_with("unknown collection"));
                let status = if unknown {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::BAD_REQUEST
                };
                ApiError::new(status, message).with("diagnostics", diagnostics(d))
            }
            hyperql::Error::Exec(x) => match x {
                ExecError::Source(s) => ApiError::new(source_status(s), message),
                ExecError::RowBudget { .. } => {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
                }
                ExecError::MemoryBudget { .. } => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{message} (see the server's --max-query-memory)"),
                ),
                ExecError::Timeout | ExecError::Cancelled => ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request timed out (see the server's --timeout)",
                ),
                _ => ApiError::bad_request(message),
            },
            _ => ApiError::bad_request(message),
        }
    }
}

/// Error bodies this large or larger are cut when rewritten.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware: rewrites error responses that are not JSON as `{"error": text}`,
/// keeping their status (the text is the body, or the status's reason phrase when
/// the body is empty).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, MAX_ERROR_BODY)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match (text.is_empty(), status) {
        (_, StatusCode::PAYLOAD_TOO_LARGE) => {
            "request body too large (see the server's --max-body)".to_string()
        }
        (_, StatusCode::REQUEST_TIMEOUT) => {
            "request timed out (see the server's --timeout)".to_string()
        }
        (_, StatusCode::METHOD_NOT_ALLOWED) => {
            format!("method {method} is not allowed on {path}")
        }
        (false, _) => text,
        (true, _) => status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_string(),
    };
    let body = json!({ "error": message }).to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

impl From<hyperspatial::streams::StreamError> for ApiError {
    fn from(e: hyperspatial::streams::StreamError) -> Self {
        use hyperspatial::streams::StreamError as E;
        let status = match &e {
            E::InvalidName { .. } | E::Filter(_) | E::BadInterval | E::Document(_) => {
                StatusCode::BAD_REQUEST
            }
            E::TooManyStreams(_) | E::HopLimit(_) => StatusCode::CONFLICT,
            E::ShutDown => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}
