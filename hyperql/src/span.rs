//! Byte spans into the source text and their line/column positions.

use serde::Serialize;

/// A half-open byte range `start..end` into the query text.
///
/// Spans compare equal to every other span, so that two syntax trees that differ only
/// in where their nodes came from are equal (round-trip tests rely on it). Compare
/// `start` and `end` directly when the position matters.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The text this span covers, or "" when out of range.
    pub fn text(self, src: &str) -> &str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// One-based line and column (in characters) of `start`.
    pub fn line_col(self, src: &str) -> (usize, usize) {
        let upto = src.get(..self.start.min(src.len())).unwrap_or(src);
        let line = upto.matches('\n').count() + 1;
        let col = match upto.rfind('\n') {
            Some(nl) => upto[nl + 1..].chars().count() + 1,
            None => upto.chars().count() + 1,
        };
        (line, col)
    }
}

impl Eq for Span {}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Span {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}
