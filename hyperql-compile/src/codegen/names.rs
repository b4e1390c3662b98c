//! Rust names for collections, fields, columns and queries.

use proc_macro2::{Ident, Span};

/// `name` as a Rust identifier (raw when it is a keyword); `None` when it cannot be one.
pub(crate) fn ident(name: &str) -> Option<Ident> {
    if syn::parse_str::<Ident>(name).is_ok() {
        return Some(Ident::new(name, Span::call_site()));
    }
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    let raw_ok = !matches!(name, "self" | "Self" | "super" | "crate" | "_");
    (valid && raw_ok).then(|| Ident::new_raw(name, Span::call_site()))
}

/// `snake_case` words of `name` joined in PascalCase: `get_user` -> `GetUser`.
pub(crate) fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// An identifier made from an output column name: `COUNT(*)` -> `count`,
/// `AVG(px)` -> `avg_px`; unique among `taken`.
pub(crate) fn column_ident(name: &str, index: usize, taken: &mut Vec<String>) -> Ident {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    let mut s = s.trim_matches('_').to_string();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) || !s.is_ascii() {
        s = format!("col{index}");
    }
    if syn::parse_str::<Ident>(&s).is_err() {
        s.push('_');
    }
    let base = s.clone();
    let mut n = 1;
    while taken.contains(&s) {
        n += 1;
        s = format!("{base}_{n}");
    }
    taken.push(s.clone());
    Ident::new(&s, Span::call_site())
}

/// `TRADES`, `TRADES_BY_SYM`: constant names of tables.
pub(crate) fn upper(name: &str) -> Ident {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    Ident::new(&format!("T_{s}"), Span::call_site())
}
