//! `hyperspatial import` and `hyperspatial export`, embedded or through a server.

use super::CliError;
use super::args::{ConnArgs, ExportArgs, ImportArgs};
use super::open::open_database;
use hyperspatial::transfer::{
    EdgeMapping, Format, ImportOptions, ImportSummary, Mapping, Progress, export as export_to,
    import as import_from,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

pub(super) fn bar(quiet: bool, len: Option<u64>, what: &str) -> ProgressBar {
    let pb = match len {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => ProgressBar::new_spinner(),
    };
    if quiet {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_message(what.to_string());
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

fn mapping(a: &ImportArgs) -> Result<Mapping, CliError> {
    let mut m = Mapping::new(&a.collection);
    m.id_column = a.id_column.clone();
    m.entity_type = a.entity_type.clone();
    m.type_column = a.type_column.clone();
    m.edges_column = a.edges_column.clone();
    m.vectors = a.vectors.clone();
    for spec in &a.edges {
        m.edges
            .push(EdgeMapping::parse(spec).map_err(|e| CliError(e.to_string()))?);
    }
    m.check().map_err(|e| CliError(e.to_string()))?;
    Ok(m)
}

fn open_input(file: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>), CliError> {
    if file == Path::new("-") {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let f =
        File::open(file).map_err(|e| CliError(format!("cannot open {}: {e}", file.display())))?;
    let len = f.metadata().ok().map(|m| m.len());
    Ok((Box::new(f), len))
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Prints what an import did.
fn report(s: &ImportSummary) {
    let rate = if s.seconds > 0.0 {
        s.accepted as f64 / s.seconds
    } else {
        0.0
    };
    println!(
        "imported {} of {} rows into `{}` in {:.2} s ({} rows/s); {} edges",
        thousands(s.accepted),
        thousands(s.rows),
        s.collection,
        s.seconds,
        thousands(rate as u64),
        thousands(s.edges)
    );
    if s.rejected + s.edges_rejected > 0 {
        println!(
            "refused: {} rows, {} edges{}",
            thousands(s.rejected),
            thousands(s.edges_rejected),
            if (s.rejections.len() as u64) < s.rejected + s.edges_rejected {
                format!(" (the first {} are listed)", s.rejections.len())
            } else {
                String::new()
            }
        );
        for r in &s.rejections {
            println!("  row {}: {}", r.row, r.reason);
        }
    }
    if s.rolled_back > 0 {
        println!("taken back: {} entities", thousands(s.rolled_back));
    }
}

/// `hyperspatial import`.
pub(super) fn import(a: &ImportArgs) -> Result<(), CliError> {
    let format = a
        .format
        .map(Format::from)
        .or_else(|| Format::from_path(&a.file))
        .ok_or_else(|| {
            CliError(format!(
                "cannot tell the format of {} from its extension: use --format csv|json|jsonl",
                a.file.display()
            ))
        })?;
    let m = mapping(a)?;
    let opts = ImportOptions {
        batch: usize::try_from(a.batch).unwrap_or(usize::MAX),
        keep_going: a.keep_going,
        ..ImportOptions::default()
    };
    let (input, len) = open_input(&a.file)?;
    let pb = bar(a.quiet, len, "importing");
    let out = match &a.conn.url {
        Some(url) => remote_import(url, &a.conn, input, len, format, &m, &opts, &pb),
        None => {
            let (db, _) = open_database(&a.conn.data)?;
            let out = import_from(&db, input, format, &m, &opts, &mut |p| match p {
                Progress::Rows { bytes, .. } => pb.set_position(bytes),
                Progress::Edges { done, total } => {
                    pb.set_message(format!("edges of {done}/{total} rows"));
                }
            });
            out.map_err(|e| (e.message, Some(e.summary)))
        }
    };
    pb.finish_and_clear();
    match out {
        Ok(s) => {
            report(&s);
            Ok(())
        }
        Err((message, summary)) => {
            if let Some(s) = summary {
                report(&s);
            }
            Err(CliError(message))
        }
    }
}

pub(super) fn client(conn: &ConnArgs) -> Result<reqwest::blocking::Client, CliError> {
    let mut b = reqwest::blocking::Client::builder().timeout(None::<Duration>);
    if let Some(t) = conn.token.as_deref().filter(|t| !t.is_empty()) {
        let mut h = reqwest::header::HeaderMap::new();
        let v = reqwest::header::HeaderValue::from_str(&format!("Bearer {t}"))
            .map_err(|_| CliError("the token holds characters a header cannot".into()))?;
        h.insert(reqwest::header::AUTHORIZATION, v);
        b = b.default_headers(h);
    }
    b.build()
        .map_err(|e| CliError(format!("cannot make an HTTP client: {e}")))
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Jsonl => "jsonl",
    }
}

type Outcome = Result<ImportSummary, (String, Option<Box<ImportSummary>>)>;

#[allow(clippy::too_many_arguments)]
fn remote_import(
    url: &str,
    conn: &ConnArgs,
    input: Box<dyn Read + Send>,
    len: Option<u64>,
    format: Format,
    m: &Mapping,
    opts: &ImportOptions,
    pb: &ProgressBar,
) -> Outcome {
    let url = url.trim_end_matches('/');
    let mut query: Vec<(&str, String)> = m.to_query();
    query.push(("format", format_name(format).into()));
    query.push(("batch", opts.batch.to_string()));
    if opts.keep_going {
        query.push(("keep_going", "true".into()));
    }
    let reader = pb.wrap_read(input);
    let body = match len {
        Some(n) => reqwest::blocking::Body::sized(reader, n),
        None => reqwest::blocking::Body::new(reader),
    };
    let endpoint =
        reqwest::Url::parse_with_params(&format!("{url}/import/{}", m.collection), &query)
            .map_err(|e| (format!("bad server URL {url}: {e}"), None))?;
    let res = client(conn)
        .map_err(|e| (e.0, None))?
        .post(endpoint)
        .header(reqwest::header::CONTENT_TYPE, format.content_type())
        .body(body)
        .send()
        .map_err(|e| (format!("cannot reach {url}: {e}"), None))?;
    let status = res.status();
    let json: serde_json::Value = res
        .json()
        .map_err(|e| (format!("{url} answered {status} without JSON: {e}"), None))?;
    if status.is_success() {
        return serde_json::from_value(json).map_err(|e| (format!("unexpected answer: {e}"), None));
    }
    let message = json["error"]
        .as_str()
        .unwrap_or("import failed")
        .to_string();
    let summary = serde_json::from_value(json["summary"].clone()).ok();
    Err((format!("{} {message}", status.as_u16()), summary))
}

/// `hyperspatial export`.
pub(super) fn export(a: &ExportArgs) -> Result<(), CliError> {
    let format = a
        .format
        .map(Format::from)
        .or_else(|| a.out.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Jsonl);
    let mut out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(
            File::create(p).map_err(|e| CliError(format!("cannot create {}: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let pb = bar(a.quiet, None, "exporting");
    let n = match &a.conn.url {
        Some(url) => {
            let url = url.trim_end_matches('/');
            let endpoint = reqwest::Url::parse_with_params(
                &format!("{url}/export/{}", a.collection),
                [("format", format_name(format))],
            )
            .map_err(|e| CliError(format!("bad server URL {url}: {e}")))?;
            let mut res = client(&a.conn)?
                .get(endpoint)
                .send()
                .map_err(|e| CliError(format!("cannot reach {url}: {e}")))?;
            if !res.status().is_success() {
                let status = res.status();
                let json: serde_json::Value = res.json().unwrap_or_default();
                let msg = json["error"].as_str().unwrap_or("export failed");
                return Err(CliError(format!("{} {msg}", status.as_u16())));
            }
            res.copy_to(&mut pb.wrap_write(&mut out))
                .map_err(|e| CliError(format!("reading the export: {e}")))?
        }
        None => {
            let (db, _) = open_database(&a.conn.data)?;
            if db.collection_config(&a.collection).is_none() {
                return Err(CliError(format!("unknown collection `{}`", a.collection)));
            }
            export_to(&db, &a.collection, format, &mut out, &mut |n| {
                pb.set_message(format!("exported {n} entities"));
            })
            .map_err(|e| CliError(e.to_string()))?
        }
    };
    out.flush().map_err(|e| CliError(format!("writing: {e}")))?;
    pb.finish_and_clear();
    if !a.quiet && a.out.is_some() {
        eprintln!(
            "exported `{}` ({n} {})",
            a.collection,
            if a.conn.url.is_some() {
                "bytes"
            } else {
                "entities"
            }
        );
    }
    Ok(())
}

/// The JSON answer of a server request: its body, or the server's `error` message
/// (`fallback` when it has none) with the status.
pub(super) fn answer_json(
    res: reqwest::Result<reqwest::blocking::Response>,
    url: &str,
    fallback: &str,
) -> Result<serde_json::Value, CliError> {
    let res = res.map_err(|e| CliError(format!("cannot reach {url}: {e}")))?;
    let status = res.status();
    let json: serde_json::Value = res
        .json()
        .map_err(|e| CliError(format!("reading the answer: {e}")))?;
    if !status.is_success() {
        let msg = json["error"].as_str().unwrap_or(fallback);
        return Err(CliError(format!("{} {msg}", status.as_u16())));
    }
    Ok(json)
}
