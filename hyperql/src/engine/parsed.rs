//! Parsed scripts kept by text, so that a query sent again and again (with other
//! parameter values) is parsed once. Parsing depends on the text alone, so a kept
//! script is always the one `parse` would give; plans are not kept (they depend on
//! the schema and on the parameters' values).
//!
//! Bounded: at most [`ENTRIES`] scripts of at most [`MAX_TEXT`] bytes each; the
//! oldest is dropped first.

use crate::ast::Script;
use crate::diagnostic::Diagnostics;
use crate::parser::parse;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Scripts kept.
const ENTRIES: usize = 256;
/// Longer texts are parsed every time (rarely repeated, costly to keep).
const MAX_TEXT: usize = 4096;

/// See the module's doc.
#[derive(Default)]
pub(crate) struct Parsed {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    by_text: HashMap<Arc<str>, Arc<Script>>,
    /// Texts in the order they were kept.
    order: VecDeque<Arc<str>>,
}

impl Parsed {
    /// The script of `text`, parsed now or earlier. Errors are not kept.
    pub(crate) fn get(&self, text: &str) -> Result<Arc<Script>, Diagnostics> {
        if text.len() > MAX_TEXT {
            return parse(text).map(Arc::new);
        }
        if let Some(s) = self.lock().by_text.get(text) {
            return Ok(s.clone());
        }
        let script = Arc::new(parse(text)?);
        let mut kept = self.lock();
        let key: Arc<str> = Arc::from(text);
        if kept.by_text.insert(key.clone(), script.clone()).is_none() {
            kept.order.push_back(key);
            while kept.order.len() > ENTRIES {
                if let Some(old) = kept.order.pop_front() {
                    kept.by_text.remove(&old);
                }
            }
        }
        Ok(script)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic while holding the lock leaves a consistent map (every change is one
        // insert or remove): the poison is ignored.
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_script_is_what_parse_gives_and_the_cache_stays_bounded() {
        let p = Parsed::default();
        for i in 0..(ENTRIES + 10) {
            let text = format!("SELECT a FROM t WHERE b = {i}");
            let first = p.get(&text).unwrap();
            let again = p.get(&text).unwrap();
            assert!(Arc::ptr_eq(&first, &again));
            assert_eq!(*first, parse(&text).unwrap());
        }
        assert_eq!(p.lock().by_text.len(), ENTRIES);
        assert_eq!(p.lock().order.len(), ENTRIES);
        assert!(p.get("SELECT FROM").is_err());
        assert!(p.get("SELECT FROM").is_err(), "errors are not kept");
    }
}
