//! Endpoints: every leaf of a document, addressed by a path
//! `collection.entity.field...` (`users.u-123.profile.bio`), and the patterns that
//! select them (`*` one segment, `**` any number of segments, zero included).
//!
//! A leaf is any value that is not a non-empty object: scalars, arrays, vectors and
//! empty objects. The first segment of a pattern names a collection; the second
//! matches the entity's key (a source's external id or stored id), the rest the field
//! path. [`scan_endpoints`] answers [`DataSource::endpoints`](super::DataSource::endpoints)
//! for any source from a scan.

use super::{DataSource, ScanRequest, SourceError};
use crate::request::Interrupt;
use crate::value::{Document, Value};
use std::collections::VecDeque;

/// Most segments a pattern may have.
pub const MAX_PATTERN_SEGMENTS: usize = 64;

/// Why a path pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("bad path pattern `{pattern}`: {reason}")]
pub struct PatternError {
    /// The pattern as given.
    pub pattern: String,
    /// What is wrong.
    pub reason: &'static str,
}

/// A parsed path pattern: a collection, then segments matched against the entity's
/// key followed by the field path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EndpointPattern {
    /// The collection (a literal name).
    pub collection: String,
    /// The segments after the collection: literals, `*` and `**` (runs of `**`
    /// collapsed to one).
    pub segments: Vec<String>,
}

impl EndpointPattern {
    /// Parses `collection.segment...`; refuses empty segments, a wildcard in place
    /// of the collection, a pattern with nothing after the collection, a `*` inside a
    /// segment (`em*il`) and more than [`MAX_PATTERN_SEGMENTS`] segments.
    pub fn parse(text: &str) -> Result<EndpointPattern, PatternError> {
        let bad = |reason| PatternError {
            pattern: text.to_string(),
            reason,
        };
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() > MAX_PATTERN_SEGMENTS {
            return Err(bad("more than 64 segments"));
        }
        if parts.iter().any(|s| s.is_empty()) {
            return Err(bad("empty segment (two dots in a row, or a dot at an end)"));
        }
        if parts
            .iter()
            .any(|s| s.contains('*') && *s != "*" && *s != "**")
        {
            return Err(bad("`*` and `**` stand only for whole segments"));
        }
        let (collection, rest) = parts.split_first().ok_or_else(|| bad("empty"))?;
        if collection.contains('*') {
            return Err(bad(
                "the first segment names a collection and may not be a wildcard",
            ));
        }
        if rest.is_empty() {
            return Err(bad(
                "no segment after the collection (write `collection.*.field`, or `collection.**` for every endpoint)",
            ));
        }
        let mut segments: Vec<String> = Vec::with_capacity(rest.len());
        for s in rest {
            if *s == "**" && segments.last().is_some_and(|l| l == "**") {
                continue;
            }
            segments.push((*s).to_string());
        }
        Ok(EndpointPattern {
            collection: (*collection).to_string(),
            segments,
        })
    }

    /// The pattern as text.
    pub fn text(&self) -> String {
        let mut s = self.collection.clone();
        for seg in &self.segments {
            s.push('.');
            s.push_str(seg);
        }
        s
    }

    /// The segments after the collection, joined by `.`.
    pub fn rest(&self) -> String {
        self.segments.join(".")
    }

    /// The entity key the pattern names, when its entity segment is a literal.
    pub fn entity(&self) -> Option<&str> {
        self.segments
            .first()
            .map(String::as_str)
            .filter(|s| *s != "*" && *s != "**")
    }

    /// Whether the endpoint of entity `key` at field path `path` matches.
    pub fn matches(&self, key: &str, path: &[&str]) -> bool {
        let mut full = Vec::with_capacity(path.len() + 1);
        full.push(key);
        full.extend_from_slice(path);
        let pat: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        segments_match(&pat, &full)
    }
}

/// Whether `segments` match `pattern` (`*` one segment, `**` any number), in time
/// proportional to the product of their lengths.
pub fn segments_match(pattern: &[&str], segments: &[&str]) -> bool {
    // reach[j]: the pattern read so far can end right before segment j.
    let mut reach = vec![false; segments.len() + 1];
    reach[0] = true;
    for p in pattern {
        let mut next = vec![false; segments.len() + 1];
        if *p == "**" {
            let mut any = false;
            for j in 0..=segments.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 0..segments.len() {
                if reach[j] && (*p == "*" || *p == segments[j]) {
                    next[j + 1] = true;
                }
            }
        }
        reach = next;
    }
    reach[segments.len()]
}

/// `endpoints`: the leaves matching a pattern.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EndpointsRequest {
    /// The pattern.
    pub pattern: EndpointPattern,
    /// The request's cancellation handle (checked while reading).
    #[serde(skip)]
    pub interrupt: Interrupt,
}

/// One endpoint: an entity's key, a field path and the leaf's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// The entity's key (what `collection[key]` takes).
    pub entity: Value,
    /// The field path, dotted.
    pub path: String,
    /// The value.
    pub value: Value,
}

/// A stream of endpoints; each item may fail.
pub type EndpointStream<'a> = Box<dyn Iterator<Item = Result<Endpoint, SourceError>> + 'a>;

/// The text of a key in a path: a string as it is, anything else as printed.
pub fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        v => v.to_string(),
    }
}

/// Calls `f` with the field path and value of every leaf of `doc`, in document
/// order, leaving out the top-level fields in `skip`.
pub fn leaves(doc: &Document, skip: &[&str], f: &mut dyn FnMut(&[&str], &Value)) {
    fn walk<'d>(doc: &'d Document, path: &mut Vec<&'d str>, f: &mut dyn FnMut(&[&str], &Value)) {
        for (k, v) in doc {
            path.push(k);
            match v {
                Value::Object(inner) if !inner.is_empty() => walk(inner, path, f),
                _ => f(path.as_slice(), v),
            }
            path.pop();
        }
    }
    let mut path = Vec::new();
    for (k, v) in doc {
        if skip.contains(&k.as_str()) {
            continue;
        }
        path.push(k.as_str());
        match v {
            Value::Object(inner) if !inner.is_empty() => walk(inner, &mut path, f),
            _ => f(&path, v),
        }
        path.pop();
    }
}

/// The endpoints of `req` read from a scan of its collection: every record's leaves
/// but the source's system fields, the record's `id` as the entity key.
pub fn scan_endpoints<'a, S: DataSource + ?Sized>(
    source: &'a S,
    req: &EndpointsRequest,
) -> Result<EndpointStream<'a>, SourceError> {
    if source.schema(&req.pattern.collection).is_none() {
        return Err(SourceError::UnknownCollection(
            req.pattern.collection.clone(),
        ));
    }
    let scan = ScanRequest {
        collection: req.pattern.collection.clone(),
        entity: None,
        filters: Vec::new(),
        projection: None,
        limit: None,
        interrupt: req.interrupt.clone(),
    };
    let records = source.scan(&scan)?.records;
    let skip: Vec<&'a str> = source.system_fields().to_vec();
    let pattern = req.pattern.clone();
    let mut pending: VecDeque<Endpoint> = VecDeque::new();
    let mut records = records.fuse();
    Ok(Box::new(std::iter::from_fn(move || {
        loop {
            if let Some(e) = pending.pop_front() {
                return Some(Ok(e));
            }
            let rec = match records.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            let id = rec.get("id").cloned().unwrap_or(Value::Null);
            let key = key_text(&id);
            if pattern.entity().is_some_and(|e| e != key) {
                continue;
            }
            leaves(&rec, &skip, &mut |path, v| {
                if pattern.matches(&key, path) {
                    pending.push_back(Endpoint {
                        entity: id.clone(),
                        path: path.join("."),
                        value: v.clone(),
                    });
                }
            });
        }
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        let p: Vec<&str> = p.split('.').collect();
        let s: Vec<&str> = s.split('.').collect();
        segments_match(&p, &s)
    }

    #[test]
    fn wildcards() {
        assert!(m("*.email", "u1.email"));
        assert!(!m("*.email", "u1.contact.email"));
        assert!(m("**.email", "u1.contact.email"));
        assert!(m("u1.**", "u1.a.b.c"));
        assert!(m("u1.**.c", "u1.c"));
        assert!(!m("u2.**", "u1.a"));
        assert!(m("*.**.*", "a.b"));
        assert!(!m("*.*.*", "a.b"));
    }

    #[test]
    fn many_double_stars_are_fast() {
        let p = ["**", "x"].repeat(30);
        let s = vec!["y"; 60];
        assert!(!segments_match(&p, &s));
    }

    #[test]
    fn bad_patterns() {
        for p in [
            "",
            "users",
            "*.a",
            "users..a",
            "users.a.",
            "users.em*il",
            ".a",
        ] {
            assert!(EndpointPattern::parse(p).is_err(), "{p}");
        }
        let p = EndpointPattern::parse("users.**.**.email");
        assert_eq!(
            p.as_ref().map(|p| p.segments.clone()).ok(),
            Some(vec!["**".to_string(), "email".to_string()])
        );
        assert_eq!(p.map(|p| p.text()).ok().as_deref(), Some("users.**.email"));
    }
}
