//! Tests as data: every `tests/cases/*.hql` file holds queries and their expected
//! output. Run with `UPDATE_SNAPSHOTS=1` to rewrite the expectations.
//!
//! Format: a line `query: <text>` (continued by lines starting with two spaces), then
//! the expected output up to the next blank line: the column names joined by ` | `,
//! then one line per row, or `error: <message>`. Lines `param <name> = <json>` before
//! a query set parameters for it. Timestamps near the clock print as `<ts>`, others as
//! they are.

use super::fixture;
use hyperql::{Params, Value};

fn render(r: &Result<hyperql::QueryResult, hyperql::Error>) -> String {
    match r {
        Ok(r) => {
            let mut out = r.columns.join(" | ");
            if let Some(n) = r.affected {
                out = format!("affected {n}");
            }
            for row in &r.rows {
                out.push('\n');
                out.push_str(&row.iter().map(cell).collect::<Vec<_>>().join(" | "));
            }
            out
        }
        Err(e) => format!("error: {}", e.to_string().replace('\n', " / ")),
    }
}

/// Replaces `YYYY-MM-DDTHH:MM:SS.ffffffZ` timestamps (clock-dependent) by `<ts>`.
fn redact(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let is_ts = b.len() >= i + 27
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 10] == b'T'
            && b[i + 26] == b'Z';
        if is_ts {
            out.push_str("<ts>");
            i += 27;
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Whether `t` is within 400 days of the clock: the fixture's time series are placed
/// relative to it, so such timestamps (and calendar units of them) are `<ts>`; fixed
/// ones print.
fn recent(t: i64) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    (t - now).abs() < 400 * 86_400_000_000
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(_) => redact(&v.to_string()),
        Value::Float(x) => format!("{:.4}", x),
        Value::Timestamp(t) if recent(*t) => "<ts>".to_string(),
        Value::Object(d) => d.get("id").map_or(v.to_string(), |id| format!("#{id}")),
        v => v.to_string(),
    }
}

struct Case {
    params: Vec<(String, String)>,
    query: String,
    expected: String,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut lines = text.lines().peekable();
    let mut params = Vec::new();
    while let Some(line) = lines.next() {
        if let Some(p) = line.strip_prefix("param ") {
            if let Some((k, v)) = p.split_once(" = ") {
                params.push((k.trim().to_string(), v.trim().to_string()));
            }
            continue;
        }
        let Some(q) = line.strip_prefix("query: ") else {
            continue;
        };
        let mut query = q.to_string();
        while let Some(l) = lines.peek().filter(|l| l.starts_with("  ")) {
            query.push('\n');
            query.push_str(l);
            lines.next();
        }
        let mut expected = Vec::new();
        while let Some(l) = lines.peek().filter(|l| !l.trim().is_empty()) {
            expected.push(l.to_string());
            lines.next();
        }
        cases.push(Case {
            params: std::mem::take(&mut params),
            query,
            expected: expected.join("\n"),
        });
    }
    cases
}

#[test]
fn hql_cases() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("cases dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "hql"))
    {
        let text = std::fs::read_to_string(path).expect("read case");
        let engine = fixture::engine();
        let plain = hyperql::Engine::new(fixture::source()).with_optimizer(false);
        let mut rewritten = String::new();
        for case in parse_cases(&text) {
            total += 1;
            let mut params = Params::new();
            for (k, v) in &case.params {
                let j: serde_json::Value = serde_json::from_str(v).expect("param json");
                params.insert(k.clone(), Value::from_json(&j));
                rewritten.push_str(&format!("param {k} = {v}\n"));
            }
            let got = render(&engine.query(&case.query, &params));
            // The optimizer must not change answers: compare with the unoptimized plan.
            if !case.query.starts_with("EXPLAIN") {
                let oracle = render(&plain.query(&case.query, &params));
                if oracle != got {
                    failures.push(format!(
                        "{}: {}\n--- unoptimized\n{oracle}\n--- optimized\n{got}",
                        path.display(),
                        case.query
                    ));
                }
            }
            if got != case.expected {
                failures.push(format!(
                    "{}: {}\n--- expected\n{}\n--- got\n{}",
                    path.display(),
                    case.query,
                    case.expected,
                    got
                ));
            }
            rewritten.push_str(&format!("query: {}\n{}\n\n", case.query, got));
        }
        if update {
            std::fs::write(path, rewritten).expect("write snapshot");
        }
    }
    assert!(total >= 10, "only {total} cases");
    if !update {
        assert!(
            failures.is_empty(),
            "{} of {total} cases differ:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}
