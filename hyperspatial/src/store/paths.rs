//! Dotted paths into nested documents (`profile.bio`): flattening to leaves (for
//! placement and path queries), rebuilding from leaves, getting and setting.
//!
//! A leaf is any value that is not a non-empty object: scalars, arrays, vectors and
//! empty objects (kept so that `{}` survives a round trip). Field names may not be
//! empty or contain `.` (the path separator). Path patterns use `*` for exactly one
//! segment and `**` for any number of segments (zero included).

use hyperql::{Document, Value};
use std::sync::Arc;

/// Why a field name was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("invalid field name `{name}` at `{at}`: {reason}")]
pub struct PathError {
    /// The offending name.
    pub name: String,
    /// The path of its parent (empty at the top).
    pub at: String,
    /// What is wrong.
    pub reason: &'static str,
}

/// Nesting deeper than this is refused on write: levels of objects and arrays
/// together, counted through arrays too (`{"a": [[{"b": 1}]]}` is 4 deep).
pub const MAX_DEPTH: usize = 64;

/// The leaves of `doc` as `(dotted path, value)`, in document order.
pub fn flatten(doc: &Document) -> Result<Vec<(String, Value)>, PathError> {
    let mut out = Vec::new();
    visit(doc, &mut |path, v| out.push((path.to_string(), v.clone())))?;
    Ok(out)
}

/// Checks every field name of `doc` (see the module docs) and its nesting (at most
/// [`MAX_DEPTH`] levels, arrays and the objects inside them included, so that what is
/// accepted can always be decoded again).
pub fn check(doc: &Document) -> Result<(), PathError> {
    let mut too_deep: Option<String> = None;
    visit(doc, &mut |path, v| {
        if too_deep.is_none() {
            let depth = path.split('.').count() + nesting(v, MAX_DEPTH + 1);
            if depth > MAX_DEPTH {
                too_deep = Some(path.to_string());
            }
        }
    })?;
    match too_deep {
        None => Ok(()),
        Some(path) => {
            let (at, name) = path.rsplit_once('.').unwrap_or(("", &path));
            Err(PathError {
                name: name.to_string(),
                at: at.to_string(),
                reason: "nested too deep (more than 64 levels of objects and arrays)",
            })
        }
    }
}

/// Levels of arrays and objects in `v` (0 for a scalar), counting at most `budget`
/// (so the walk is bounded whatever the input).
fn nesting(v: &Value, budget: usize) -> usize {
    if budget == 0 {
        return 0;
    }
    let inner = |items: &mut dyn Iterator<Item = &Value>| {
        items.map(|x| nesting(x, budget - 1)).max().unwrap_or(0)
    };
    match v {
        Value::Array(items) => 1 + inner(&mut items.iter()),
        Value::Object(d) => 1 + inner(&mut d.values()),
        _ => 0,
    }
}

/// Calls `f` with the dotted path and value of every leaf of `doc`, in document
/// order, after checking the names on the way.
pub fn visit(doc: &Document, f: &mut dyn FnMut(&str, &Value)) -> Result<(), PathError> {
    walk(doc, &mut String::new(), 0, f)
}

fn walk(
    doc: &Document,
    prefix: &mut String,
    depth: usize,
    f: &mut dyn FnMut(&str, &Value),
) -> Result<(), PathError> {
    for (k, v) in doc {
        let bad = |reason| PathError {
            name: k.clone(),
            at: prefix.clone(),
            reason,
        };
        if k.is_empty() {
            return Err(bad("empty"));
        }
        if k.contains('.') {
            return Err(bad("contains `.`, the path separator"));
        }
        if depth >= MAX_DEPTH {
            return Err(bad("nested too deep"));
        }
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(k);
        match v {
            Value::Object(inner) if !inner.is_empty() => walk(inner, prefix, depth + 1, f)?,
            _ => f(prefix, v),
        }
        prefix.truncate(len);
    }
    Ok(())
}

/// Rebuilds a nested document from `(dotted path, value)` leaves.
pub fn unflatten<I, S>(leaves: I) -> Document
where
    I: IntoIterator<Item = (S, Value)>,
    S: AsRef<str>,
{
    let mut root = Document::default();
    for (path, v) in leaves {
        let segs: Vec<&str> = path.as_ref().split('.').collect();
        set_segs(&mut root, &segs, v, false);
    }
    root
}

/// Whether `segments` match `pattern` (`*` one segment, `**` any number).
pub fn matches(pattern: &[&str], segments: &[&str]) -> bool {
    match pattern.split_first() {
        None => segments.is_empty(),
        Some((&"**", rest)) => (0..=segments.len()).any(|i| matches(rest, &segments[i..])),
        Some((p, rest)) => segments
            .split_first()
            .is_some_and(|(s, tail)| (*p == "*" || p == s) && matches(rest, tail)),
    }
}

/// The literal prefix of a pattern's path part (segments before the first wildcard),
/// used to narrow a range scan.
pub fn literal_prefix<'p>(pattern: &[&'p str]) -> Vec<&'p str> {
    pattern
        .iter()
        .take_while(|s| **s != "*" && **s != "**")
        .copied()
        .collect()
}

/// Sets a dotted path (creating objects on the way); NULL removes the leaf.
pub(crate) fn set_path(doc: &mut Document, path: &str, v: Value) {
    let segs: Vec<&str> = path.split('.').collect();
    set_segs(doc, &segs, v, true);
}

/// Sets the leaf at `segs`, replacing non-objects on the way by objects; with
/// `null_removes`, a NULL removes the leaf instead of storing it.
fn set_segs(doc: &mut Document, segs: &[&str], v: Value, null_removes: bool) {
    let Some((head, rest)) = segs.split_first() else {
        return;
    };
    if rest.is_empty() {
        if null_removes && v.is_null() {
            doc.shift_remove(*head);
        } else {
            doc.insert((*head).to_string(), v);
        }
        return;
    }
    let slot = doc
        .entry((*head).to_string())
        .or_insert_with(|| Value::Object(Arc::new(Document::default())));
    if !matches!(slot, Value::Object(_)) {
        *slot = Value::Object(Arc::new(Document::default()));
    }
    if let Value::Object(inner) = slot {
        set_segs(Arc::make_mut(inner), rest, v, null_removes);
    }
}

/// Removes the value at a dotted path, if there is one (objects on the way stay).
pub(crate) fn remove_path(doc: &mut Document, path: &str) {
    match path.split_once('.') {
        None => {
            doc.shift_remove(path);
        }
        Some((head, rest)) => {
            if let Some(Value::Object(inner)) = doc.get_mut(head) {
                remove_path(Arc::make_mut(inner), rest);
            }
        }
    }
}

/// The value at a dotted path, if any.
pub(crate) fn get_path<'d>(doc: &'d Document, path: &str) -> Option<&'d Value> {
    let mut segs = path.split('.');
    let mut cur = doc.get(segs.next()?)?;
    for s in segs {
        match cur {
            Value::Object(d) => cur = d.get(s)?,
            _ => return None,
        }
    }
    Some(cur)
}
