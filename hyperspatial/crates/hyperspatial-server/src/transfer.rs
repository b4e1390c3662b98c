//! `POST /import/{collection}` and `GET /export/{collection}` (see `crate::transfer`).
//!
//! Import: the body is the data; the query names the format (`format=csv|json|jsonl`,
//! else taken from the `Content-Type`: `text/csv`, `application/json`,
//! `application/x-ndjson`), the mapping (`id_column`, `type`, `type_column`,
//! `edges=COLUMN:LABEL[:in],..`, `vectors=COLUMN,..`, `edges_column`) and options
//! (`keep_going=true`, `batch=N`). The answer is the import summary; a failed import
//! answers 422 with `{"error": .., "summary": {..}}` after taking back its writes.
//! The body is streamed into the import as it arrives (JSON arrays are the
//! exception: the parser reads the whole array, so an array may be at most the
//! server's `--max-query-memory`); it is limited by the server's `--max-import` (413
//! beyond), a JSONL line by `--max-import-line` (the import fails beyond), and there
//! is no time limit. An import whose request is dropped (the client went away) stops
//! at its next read and takes its writes back.
//!
//! Export: `?format=jsonl` (default), `json` or `csv`; the body is the file, streamed
//! as it is written. A failure after the first bytes went out cuts the response off
//! (the client sees an incomplete chunked body, never a short file that looks whole).

use super::error::ApiError;
use super::state::{CancelOnDrop, Shared};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use hyperql::Interrupt;
use hyperspatial::transfer::{Format, ImportOptions, Mapping, export, import};
use serde_json::Value as JsonValue;
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;
use tokio_util::io::{StreamReader, SyncIoBridge};

/// Bytes of export output gathered before they are sent.
const EXPORT_CHUNK: usize = 64 * 1024;

const OPTIONS: [&str; 3] = ["format", "keep_going", "batch"];

fn format_of(q: &[(String, String)], headers: &HeaderMap) -> Result<Format, ApiError> {
    if let Some((_, f)) = q.iter().find(|(k, _)| k == "format") {
        return Format::parse(f).ok_or_else(|| {
            ApiError::bad_request(format!("unknown format `{f}` (csv, json, jsonl)"))
        });
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = ct.split(';').next().unwrap_or_default().trim();
    match essence {
        "text/csv" => Ok(Format::Csv),
        "application/json" => Ok(Format::Json),
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" => {
            Ok(Format::Jsonl)
        }
        _ => Err(ApiError::bad_request(
            "say the format: ?format=csv|json|jsonl or a Content-Type of text/csv, \
             application/json or application/x-ndjson",
        )),
    }
}

fn options(q: &[(String, String)]) -> Result<ImportOptions, ApiError> {
    let mut o = ImportOptions::default();
    for (k, v) in q {
        match k.as_str() {
            "keep_going" => {
                o.keep_going = match v.as_str() {
                    "" | "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "keep_going=`{v}`: use true or false"
                        )));
                    }
                }
            }
            "batch" => {
                o.batch = v.parse::<usize>().ok().filter(|b| *b > 0).ok_or_else(|| {
                    ApiError::bad_request(format!("batch=`{v}`: a positive number of rows"))
                })?;
            }
            _ => {}
        }
    }
    Ok(o)
}

/// `POST /import/{collection}`.
pub(crate) async fn import_handler(
    State(s): State<Shared>,
    Path(collection): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<JsonValue>, ApiError> {
    let format = format_of(&q, &headers)?;
    let opts = options(&q)?;
    let mapping = Mapping::from_query(
        &collection,
        q.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &OPTIONS,
    )
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let db = s.db.clone();
    let too_large = Arc::new(AtomicBool::new(false));
    let flag = too_large.clone();
    let stream = body.into_data_stream().map_err(move |e| {
        if is_length_limit(&e) {
            flag.store(true, Ordering::Relaxed);
        }
        std::io::Error::other(e)
    });
    let interrupt = Interrupt::new();
    let _cancel = CancelOnDrop(interrupt.clone());
    let reader = BoundedBody {
        inner: SyncIoBridge::new(StreamReader::new(stream)),
        interrupt,
        format,
        max_line: s.max_import_line,
        max_whole: s.max_query_memory,
        line: 0,
        total: 0,
    };
    let out = tokio::task::spawn_blocking(move || {
        import(&db, reader, format, &mapping, &opts, &mut |_| {})
    })
    .await
    .map_err(|e| ApiError::internal(format!("the import task failed: {e}")))?;
    if too_large.load(Ordering::Relaxed) {
        let taken_back = out.as_ref().err().map_or(0, |e| e.summary.rolled_back);
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is larger than the server's --max-import; nothing was imported \
                 ({taken_back} rows taken back)"
            ),
        ));
    }
    match out {
        Ok(summary) => Ok(Json(
            serde_json::to_value(summary).unwrap_or(JsonValue::Null),
        )),
        Err(e) => Err(
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message.clone()).with(
                "summary",
                serde_json::to_value(&*e.summary).unwrap_or(JsonValue::Null),
            ),
        ),
    }
}

/// `GET /export/{collection}`.
pub(crate) async fn export_handler(
    State(s): State<Shared>,
    Path(collection): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let mut format = Format::Jsonl;
    for (k, v) in &q {
        match k.as_str() {
            "format" => {
                format = Format::parse(v).ok_or_else(|| {
                    ApiError::bad_request(format!("unknown format `{v}` (csv, json, jsonl)"))
                })?;
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{k}` (known: format)"
                )));
            }
        }
    }
    if s.db.collection_config(&collection).is_none() {
        return Err(ApiError::not_found(format!(
            "unknown collection `{collection}`"
        )));
    }
    let db = s.db.clone();
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkSender {
            tx,
            buf: Vec::with_capacity(EXPORT_CHUNK),
        };
        let done = export(&db, &collection, format, &mut out, &mut |_| {})
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|_| out.flush());
        if let Err(e) = done {
            // Ends the body with an error: the response is cut off, not finished.
            let _ = out.tx.blocking_send(Err(e));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok((
        [(header::CONTENT_TYPE, format.content_type())],
        Body::from_stream(body),
    )
        .into_response())
}

/// The import body as the importer reads it: a read fails once the request is
/// cancelled, a JSONL line grows longer than `max_line`, or a JSON array (parsed
/// whole) grows longer than `max_whole`; the import then fails and takes its
/// writes back.
struct BoundedBody<R> {
    inner: R,
    interrupt: Interrupt,
    format: Format,
    max_line: usize,
    max_whole: u64,
    /// Bytes of the JSONL line read so far.
    line: usize,
    /// Bytes read so far.
    total: u64,
}

impl<R: Read> BoundedBody<R> {
    /// Checks the bytes just read against the limits.
    fn account(&mut self, data: &[u8]) -> std::io::Result<()> {
        let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
        self.total += data.len() as u64;
        match self.format {
            Format::Json if self.total > self.max_whole => Err(invalid(format!(
                "a JSON array is read whole and may be at most the server's \
                 --max-query-memory ({} bytes); send JSONL (one object per line) instead",
                self.max_whole
            ))),
            Format::Jsonl => {
                for part in data.split_inclusive(|b| *b == b'\n') {
                    self.line += part.len();
                    if self.line > self.max_line {
                        return Err(invalid(format!(
                            "a line is longer than the server's --max-import-line ({} bytes)",
                            self.max_line
                        )));
                    }
                    if part.ends_with(b"\n") {
                        self.line = 0;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl<R: Read> Read for BoundedBody<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.interrupt.is_cancelled() {
            return Err(std::io::Error::other("the request was cancelled"));
        }
        let n = self.inner.read(buf)?;
        self.account(buf.get(..n).unwrap_or_default())?;
        Ok(n)
    }
}

/// Whether a body error is the body limit's.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Export output on its way to the response body, in chunks.
struct ChunkSender {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= EXPORT_CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(EXPORT_CHUNK),
        ));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}
