//! Bearer-token authentication: when the server has a token, every route but
//! `GET /health` needs `Authorization: Bearer <token>`; anything else is 401.

use super::error::ApiError;
use super::state::Shared;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 digest of a token. Tokens are compared by digest, in constant time:
/// the time a comparison takes tells nothing of the token, not even its length.
pub(crate) fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Middleware: checks the bearer token when one is configured.
pub(crate) async fn require_token(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let Some(token) = s.token.as_ref() else {
        return next.run(req).await;
    };
    if req.uri().path() == "/health" {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let message = match given {
        Some(t) if bool::from(digest(t).ct_eq(token)) => return next.run(req).await,
        Some(_) => "invalid bearer token",
        None => "missing bearer token: send `Authorization: Bearer <token>`",
    };
    let mut res = ApiError::new(StatusCode::UNAUTHORIZED, message).into_response();
    res.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    res
}
