//! Diagnostics: errors tied to a place in the query text.

use crate::span::Span;
use serde::Serialize;
use std::fmt;

/// Most diagnostics reported for one text; one more diagnostic counts the rest.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Longest offending text a diagnostic quotes, in bytes (longer text is cut, with `…`).
const MAX_FOUND: usize = 120;

/// One error found in a query, with where it is and what was expected.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// What went wrong, in words.
    pub message: String,
    /// Where, in bytes.
    pub span: Span,
    /// One-based line of `span.start`.
    pub line: usize,
    /// One-based column (in characters) of `span.start`.
    pub column: usize,
    /// The offending text (empty at end of input).
    pub found: String,
    /// What the parser or checker would have accepted there (may be empty).
    pub expected: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at `span` of `src`.
    pub fn new(src: &str, span: Span, message: impl Into<String>, expected: Vec<String>) -> Self {
        Self::at(src, span.line_col(src), span, message.into(), expected)
    }

    /// A diagnostic at `span` whose line and column are known.
    fn at(
        src: &str,
        (line, column): (usize, usize),
        span: Span,
        message: String,
        expected: Vec<String>,
    ) -> Self {
        let text = span.text(src);
        let found = if text.len() > MAX_FOUND {
            let mut cut = MAX_FOUND;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}…", &text[..cut])
        } else {
            text.to_string()
        };
        Diagnostic {
            message,
            span,
            line,
            column,
            found,
            expected,
        }
    }
}

/// What a pending diagnostic says, built only for the diagnostics that are reported.
pub(crate) enum Message {
    /// Said in full.
    Text(String),
    /// A fixed text.
    Static(&'static str),
    /// This many unexpected characters in a row (the span covers them), all the one
    /// at the span's start.
    Unexpected(usize),
}

/// An error found by the lexer or the parser, not yet placed on a line.
pub(crate) struct Pending {
    /// Where.
    pub span: Span,
    /// What.
    pub message: Message,
    /// What would have been accepted there.
    pub expected: Vec<&'static str>,
}

impl Pending {
    fn message(self, src: &str) -> String {
        match self.message {
            Message::Text(t) => t,
            Message::Static(t) => t.to_string(),
            Message::Unexpected(n) => {
                let c = span_char(src, self.span);
                if n == 1 {
                    format!("unexpected character `{c}`")
                } else {
                    format!("unexpected character `{c}` ({n} in a row)")
                }
            }
        }
    }
}

/// The character at the start of `span` (empty at the end of `src`).
pub(crate) fn span_char(src: &str, span: Span) -> &str {
    let rest = src.get(span.start..).unwrap_or("");
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

/// Turns pending errors into diagnostics in source order: the first
/// [`MAX_DIAGNOSTICS`], then one that counts the rest, with lines and columns found
/// in one pass over `src`.
pub(crate) fn finish(src: &str, mut pending: Vec<Pending>) -> Vec<Diagnostic> {
    pending.sort_by_key(|p| p.span.start);
    let more = pending.len().saturating_sub(MAX_DIAGNOSTICS);
    pending.truncate(MAX_DIAGNOSTICS + 1);
    if more > 0
        && let Some(last) = pending.last_mut()
    {
        last.message = Message::Text(format!("and {more} more errors"));
        last.expected.clear();
    }
    let mut lines = LineCursor::default();
    pending
        .into_iter()
        .map(|p| {
            let (span, expected) = (p.span, p.expected.iter().map(|s| s.to_string()).collect());
            let at = lines.advance(src, span.start);
            Diagnostic::at(src, at, span, p.message(src), expected)
        })
        .collect()
}

/// Lines and columns of increasing positions, found without rescanning the text.
struct LineCursor {
    pos: usize,
    line: usize,
    column: usize,
}

impl Default for LineCursor {
    fn default() -> Self {
        LineCursor {
            pos: 0,
            line: 1,
            column: 1,
        }
    }
}

impl LineCursor {
    /// The one-based line and column (in characters) of byte `to` of `src`.
    fn advance(&mut self, src: &str, to: usize) -> (usize, usize) {
        let mut to = to.min(src.len());
        while !src.is_char_boundary(to) {
            to -= 1;
        }
        if to < self.pos {
            *self = LineCursor::default();
        }
        for c in src[self.pos..to].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.pos = to;
        (self.line, self.column)
    }
}

impl Diagnostic {
    /// What the diagnostic says after its position: the message, what was expected
    /// and what was found. A tool that names the place otherwise (a file, a line of
    /// its own) prints this after its own prefix.
    pub fn detail(&self) -> String {
        let mut s = self.message.clone();
        if !self.expected.is_empty() {
            s.push_str("; expected ");
            s.push_str(&self.expected.join(" or "));
        }
        if self.found.is_empty() {
            s.push_str(", found end of input");
        } else {
            s.push_str(&format!(", found `{}`", self.found));
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line,
            self.column,
            self.detail()
        )
    }
}

/// Every diagnostic of one query, in source order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
