//! Input formats: reading rows as JSON objects, with their row numbers.

use serde_json::{Map, Value as Json};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// A file format of import and export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row. Cells holding integers, floats,
    /// `true`, `false`, or JSON arrays and objects are read as such, empty cells as
    /// missing.
    Csv,
    /// One JSON array of objects (read whole into memory; prefer JSONL for big files).
    Json,
    /// One JSON object per line (blank lines are skipped).
    Jsonl,
}

impl Format {
    /// The format named by a file's extension (`.csv`, `.json`, `.jsonl`, `.ndjson`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::parse(&ext)
    }

    /// Parses `csv`, `json`, `jsonl` or `ndjson`.
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The HTTP content type of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Json => "application/json",
            Format::Jsonl => "application/x-ndjson",
        }
    }
}

/// One input row: its number (the line for CSV and JSONL, the element for JSON,
/// from 1) and its columns, or why it could not be read.
pub(crate) type Row = (u64, Result<Map<String, Json>, String>);

/// Reads rows one at a time. A whole-input failure (a JSON file that is not an
/// array, an unreadable CSV header, an I/O error) is an `Err` of `open` or of the
/// iterator's item with row number 0.
pub(crate) fn rows<'a, R: Read + 'a>(
    format: Format,
    input: R,
) -> Result<Box<dyn Iterator<Item = Row> + 'a>, String> {
    Ok(match format {
        Format::Jsonl => Box::new(jsonl(input)),
        Format::Json => Box::new(json(input)?),
        Format::Csv => Box::new(csv_rows(input)?),
    })
}

fn object(v: Json) -> Result<Map<String, Json>, String> {
    match v {
        Json::Object(m) => Ok(m),
        other => Err(format!("expected an object, got {}", kind(&other))),
    }
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn jsonl<R: Read>(input: R) -> impl Iterator<Item = Row> {
    let mut lines = BufReader::with_capacity(1 << 20, input).lines();
    let mut n = 0u64;
    std::iter::from_fn(move || {
        loop {
            n += 1;
            match lines.next()? {
                Err(e) => return Some((0, Err(format!("reading line {n}: {e}")))),
                Ok(l) if l.trim().is_empty() => continue,
                Ok(l) => {
                    let row = serde_json::from_str::<Json>(&l)
                        .map_err(|e| format!("bad JSON: {e}"))
                        .and_then(object);
                    return Some((n, row));
                }
            }
        }
    })
}

fn json<R: Read>(input: R) -> Result<impl Iterator<Item = Row>, String> {
    let all: Json =
        serde_json::from_reader(BufReader::new(input)).map_err(|e| format!("bad JSON: {e}"))?;
    let Json::Array(items) = all else {
        return Err(format!(
            "a JSON import must be an array of objects, got {}",
            kind(&all)
        ));
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as u64 + 1, object(v))))
}

/// A CSV cell as JSON: integers, floats and booleans as such, empty as null.
fn cell(s: &str) -> Json {
    if s.is_empty() {
        return Json::Null;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Json::from(i);
    }
    if let Ok(x) = s.parse::<f64>()
        && x.is_finite()
        && s.bytes().any(|b| b.is_ascii_digit())
    {
        return Json::from(x);
    }
    if ((s.starts_with('[') && s.ends_with(']')) || (s.starts_with('{') && s.ends_with('}')))
        && let Ok(v) = serde_json::from_str::<Json>(s)
    {
        return v;
    }
    match s {
        "true" => Json::Bool(true),
        "false" => Json::Bool(false),
        _ => Json::String(s.to_string()),
    }
}

fn csv_rows<R: Read>(input: R) -> Result<impl Iterator<Item = Row>, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(BufReader::with_capacity(1 << 20, input));
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| format!("CSV header: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().any(String::is_empty) {
        return Err("CSV header: a column has no name".into());
    }
    let mut records = r.into_records();
    Ok(std::iter::from_fn(move || {
        let rec = records.next()?;
        Some(match rec {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                let mut m = Map::new();
                for (h, v) in headers.iter().zip(rec.iter()) {
                    let v = cell(v);
                    if !v.is_null() {
                        m.insert(h.clone(), v);
                    }
                }
                (line, Ok(m))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                match e.kind() {
                    csv::ErrorKind::Io(_) => (0, Err(format!("reading CSV: {e}"))),
                    _ => (line.max(1), Err(format!("bad CSV row: {e}"))),
                }
            }
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(format: Format, text: &str) -> Vec<Row> {
        rows(format, text.as_bytes())
            .map(Iterator::collect)
            .unwrap_or_default()
    }

    #[test]
    fn jsonl_rows_and_bad_lines() {
        let r = all(
            Format::Jsonl,
            "{\"id\":\"a\"}\n\n[1]\n{bad\n{\"id\":\"b\"}\n",
        );
        let numbers: Vec<u64> = r.iter().map(|x| x.0).collect();
        assert_eq!(numbers, vec![1, 3, 4, 5]);
        assert!(r[0].1.is_ok() && r[3].1.is_ok());
        assert!(r[1].1.as_ref().is_err_and(|e| e.contains("an array")));
        assert!(r[2].1.as_ref().is_err_and(|e| e.contains("bad JSON")));
    }

    #[test]
    fn json_must_be_an_array() {
        assert!(rows(Format::Json, "{\"a\":1}".as_bytes()).is_err());
        assert!(rows(Format::Json, "[1, ".as_bytes()).is_err());
        let r = all(Format::Json, "[{\"a\":1}, 2]");
        assert_eq!(r.len(), 2);
        assert!(r[1].1.is_err());
    }

    #[test]
    fn csv_cells_are_typed() {
        let r = all(
            Format::Csv,
            "id,n,x,ok,name,empty\na,1,2.5,true,Ada,\nb,2\n",
        );
        let first = r[0].1.as_ref().cloned().unwrap_or_default();
        assert_eq!(first.get("n"), Some(&Json::from(1)));
        assert_eq!(first.get("x"), Some(&Json::from(2.5)));
        assert_eq!(first.get("ok"), Some(&Json::Bool(true)));
        assert_eq!(first.get("name"), Some(&Json::from("Ada")));
        assert!(!first.contains_key("empty"));
        assert!(r[1].1.as_ref().is_err_and(|e| e.contains("bad CSV row")));
        assert_eq!(r[1].0, 3);
        assert_eq!(cell("inf"), Json::from("inf"));
        assert_eq!(cell("1e3"), Json::from(1000.0));
        assert_eq!(cell("[1, \"a\"]"), serde_json::json!([1, "a"]));
        assert_eq!(cell("[not json]"), Json::from("[not json]"));
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/b.NDJSON")),
            Some(Format::Jsonl)
        );
        assert_eq!(Format::from_path(Path::new("a.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.txt")), None);
    }
}
