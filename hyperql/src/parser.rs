//! The parser: tokens to [`Script`], with `winnow` over a [`TokenSlice`]. One function
//! per grammar rule, named after the rule (see `docs/hyperql.md`).
//!
//! Parsing never stops at the first error: a statement that fails is reported (line,
//! column, offending text, what was expected) and skipped up to the next `;`, and
//! parsing resumes there.

mod compound;
mod endpoint;
mod expr;
mod insert;
mod query;
mod spatial;
mod stmt;
mod window;

use crate::ast::{Ident, Script, Statement};
use crate::diagnostic::{Diagnostic, Diagnostics, Message, Pending, finish};
use crate::lexer::{Tok, Token, lex_pending};
use crate::span::Span;
use winnow::error::{AddContext, ErrMode, ParserError};
use winnow::stream::{Stream, TokenSlice};

/// Parses a script; every error of every statement, or the script.
pub fn parse(src: &str) -> Result<Script, Diagnostics> {
    let (script, diags) = parse_with_diagnostics(src);
    if diags.is_empty() {
        Ok(script)
    } else {
        Err(Diagnostics(diags))
    }
}

/// Parses one statement (a trailing `;` is allowed).
pub fn parse_statement(src: &str) -> Result<Statement, Diagnostics> {
    let mut script = parse(src)?;
    if script.statements.len() == 1
        && let Some(s) = script.statements.pop()
    {
        return Ok(s);
    }
    let span = Span::new(0, src.len());
    let msg = format!("expected one statement, found {}", script.statements.len());
    Err(Diagnostics(vec![Diagnostic::new(src, span, msg, vec![])]))
}

/// Parses a script, recovering at `;`: the statements that parsed, and the errors.
pub fn parse_with_diagnostics(src: &str) -> (Script, Vec<Diagnostic>) {
    let (tokens, mut diags) = lex_pending(src);
    let lex_errors: Vec<usize> = diags.iter().map(|d| d.span.start).collect();
    let mut input = In::new(&tokens);
    let mut script = Script::default();
    loop {
        while eat_punct(&mut input, ";").is_some() {}
        if matches!(peek(&input).kind, Tok::Eof) {
            break;
        }
        let stmt_start = peek(&input).span.start;
        let result = statement(&mut input).and_then(|s| {
            if at_punct(&input, ";") || matches!(peek(&input).kind, Tok::Eof) {
                Ok(s)
            } else {
                Err(cut(&input, "`;` or end of input"))
            }
        });
        match result {
            Ok(s) => script.statements.push(s),
            Err(e) => {
                let e = match e {
                    ErrMode::Backtrack(e) | ErrMode::Cut(e) => e,
                    ErrMode::Incomplete(_) => SyntaxError::at(peek(&input).span),
                };
                // An error caused by a lexical error already reported is not repeated.
                let first = lex_errors.partition_point(|&p| p < stmt_start);
                let caused = lex_errors.get(first).is_some_and(|&p| p <= e.span.start);
                if !caused {
                    diags.push(e.into_pending());
                }
                while !at_punct(&input, ";") && !matches!(peek(&input).kind, Tok::Eof) {
                    let _ = input.next_token();
                }
            }
        }
    }
    (script, finish(src, diags))
}

/// Keywords that cannot be used as bare identifiers (quote them: `"order"`).
pub const RESERVED: &[&str] = &[
    "ALTER",
    "AND",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CASE",
    "CREATE",
    "CROSS",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DISTINCT",
    "DROP",
    "ELSE",
    "END",
    "EXCEPT",
    "EXPLAIN",
    "FALSE",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "JOIN",
    "LEFT",
    "LIKE",
    "LIMIT",
    "NEAR",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "RELATE",
    "RIGHT",
    "SELECT",
    "SET",
    "SIMILAR",
    "SUBSCRIBE",
    "THEN",
    "THRESHOLD",
    "TRAVERSE",
    "TRUE",
    "UNION",
    "UPDATE",
    "VALUES",
    "WHEN",
    "WHERE",
    "WITHIN",
];

/// Whether `word` is a reserved keyword (case-insensitive).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

pub(crate) type In<'t> = TokenSlice<'t, Token>;
pub(crate) type PResult<T> = Result<T, ErrMode<SyntaxError>>;

/// The parser's error: where, and what would have been accepted there.
#[derive(Clone, Debug)]
pub(crate) struct SyntaxError {
    span: Span,
    expected: Vec<&'static str>,
    message: Option<String>,
}

impl SyntaxError {
    fn at(span: Span) -> Self {
        SyntaxError {
            span,
            expected: Vec::new(),
            message: None,
        }
    }

    fn into_pending(mut self) -> Pending {
        self.expected.dedup();
        Pending {
            span: self.span,
            message: self
                .message
                .map_or(Message::Static("syntax error"), Message::Text),
            expected: self.expected,
        }
    }
}

impl<'t> ParserError<In<'t>> for SyntaxError {
    type Inner = Self;

    fn from_input(input: &In<'t>) -> Self {
        SyntaxError::at(peek(input).span)
    }

    fn or(mut self, other: Self) -> Self {
        if other.span.start > self.span.start {
            other
        } else if other.span.start < self.span.start {
            self
        } else {
            for e in other.expected {
                if !self.expected.contains(&e) {
                    self.expected.push(e);
                }
            }
            self
        }
    }

    fn into_inner(self) -> Result<Self, Self> {
        Ok(self)
    }
}

impl<'t> AddContext<In<'t>, &'static str> for SyntaxError {
    fn add_context(
        mut self,
        _: &In<'t>,
        _: &<In<'t> as Stream>::Checkpoint,
        c: &'static str,
    ) -> Self {
        if !self.expected.contains(&c) {
            self.expected.push(c);
        }
        self
    }
}

static EOF: Token = Token {
    kind: Tok::Eof,
    span: Span { start: 0, end: 0 },
};

/// The next token (the lexer always ends with `Eof`).
pub(crate) fn peek<'t>(i: &In<'t>) -> &'t Token {
    i.peek_token().unwrap_or(&EOF)
}

/// The token after the next one.
pub(crate) fn peek2<'t>(i: &In<'t>) -> &'t Token {
    let mut c = i.clone();
    let _ = c.next_token();
    peek(&c)
}

/// Consumes and returns the next token.
pub(crate) fn bump<'t>(i: &mut In<'t>) -> &'t Token {
    i.next_token().unwrap_or(&EOF)
}

/// A committed error at the next token: `expected`.
pub(crate) fn cut(i: &In<'_>, expected: &'static str) -> ErrMode<SyntaxError> {
    let mut e = SyntaxError::at(peek(i).span);
    e.expected.push(expected);
    ErrMode::Cut(e)
}

/// A committed error with a message at `span`.
pub(crate) fn cut_msg(span: Span, message: String) -> ErrMode<SyntaxError> {
    let mut e = SyntaxError::at(span);
    e.message = Some(message);
    ErrMode::Cut(e)
}

/// A recoverable error at the next token: `expected`.
pub(crate) fn backtrack(i: &In<'_>, expected: &'static str) -> ErrMode<SyntaxError> {
    let mut e = SyntaxError::at(peek(i).span);
    e.expected.push(expected);
    ErrMode::Backtrack(e)
}

/// Whether the next token is keyword `kw` (case-insensitive).
pub(crate) fn at_kw(i: &In<'_>, kw: &str) -> bool {
    matches!(&peek(i).kind, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

/// Whether the next token is punctuation `p`.
pub(crate) fn at_punct(i: &In<'_>, p: &str) -> bool {
    matches!(&peek(i).kind, Tok::Punct(q) if *q == p)
}

/// Consumes keyword `kw` if next.
pub(crate) fn eat_kw(i: &mut In<'_>, kw: &str) -> Option<Span> {
    at_kw(i, kw).then(|| bump(i).span)
}

/// Consumes punctuation `p` if next.
pub(crate) fn eat_punct(i: &mut In<'_>, p: &str) -> Option<Span> {
    at_punct(i, p).then(|| bump(i).span)
}

/// Keyword `kw`, or a committed error.
pub(crate) fn expect_kw(i: &mut In<'_>, kw: &'static str) -> PResult<Span> {
    eat_kw(i, kw).ok_or_else(|| cut(i, kw))
}

/// Punctuation `p`, or a committed error.
pub(crate) fn expect_punct(i: &mut In<'_>, p: &'static str) -> PResult<Span> {
    eat_punct(i, p).ok_or_else(|| cut(i, p))
}

/// How deep an expression tree may grow: nesting plus chained operators. Later
/// stages recurse over the tree, so this bounds their stack use too.
pub const MAX_DEPTH: usize = 256;

/// How deeply parentheses, `NOT`, unary `-` and `EXPLAIN` may nest (each level is
/// several frames of recursive descent).
pub const MAX_NESTING: usize = 32;

thread_local! {
    /// (tree depth, nesting) of the expression being parsed on this thread.
    static DEPTH: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// Holds levels of the depth budget until dropped.
pub(crate) struct Depth(usize, usize);

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| {
            let (a, b) = d.get();
            d.set((a.saturating_sub(self.0), b.saturating_sub(self.1)));
        });
    }
}

fn take_depth(i: &In<'_>, nest: usize) -> PResult<Depth> {
    DEPTH.with(|d| {
        let (depth, nesting) = d.get();
        if depth >= MAX_DEPTH || nesting + nest > MAX_NESTING {
            Err(cut_msg(
                peek(i).span,
                format!("expression nested too deeply (more than {MAX_NESTING} levels of nesting or {MAX_DEPTH} of operators)"),
            ))
        } else {
            d.set((depth + 1, nesting + nest));
            Ok(Depth(1, nest))
        }
    })
}

/// One more level of nesting (recursion), or a committed error.
pub(crate) fn deeper(i: &In<'_>) -> PResult<Depth> {
    take_depth(i, 1)
}

/// One more chained operator (no recursion, but a deeper tree), or a committed error.
pub(crate) fn longer(i: &In<'_>) -> PResult<Depth> {
    take_depth(i, 0)
}

/// `ident = WORD (not reserved) | "quoted"`.
pub(crate) fn ident(i: &mut In<'_>) -> PResult<Ident> {
    let t = peek(i);
    match &t.kind {
        Tok::Word(w) if !is_reserved(w) => {
            bump(i);
            Ok(Ident {
                name: w.clone(),
                span: t.span,
            })
        }
        Tok::DQuoted(w) => {
            bump(i);
            Ok(Ident {
                name: w.clone(),
                span: t.span,
            })
        }
        _ => Err(cut(i, "identifier")),
    }
}

/// Like [`ident`] but any word, reserved or not (after a `.` or as an object key).
pub(crate) fn any_ident(i: &mut In<'_>) -> PResult<Ident> {
    let t = peek(i);
    match &t.kind {
        Tok::Word(w) | Tok::DQuoted(w) => {
            bump(i);
            Ok(Ident {
                name: w.clone(),
                span: t.span,
            })
        }
        _ => Err(cut(i, "identifier")),
    }
}

/// Span from `start` to the end of the last consumed token.
pub(crate) fn span_from(i: &In<'_>, start: Span) -> Span {
    let end = i.previous_tokens().next().map_or(start.end, |t| t.span.end);
    Span::new(start.start, end.max(start.start))
}

/// `statement = select | explain | insert | update | delete | relate | create_schema
/// | alter_schema | drop_schema | describe_schema | subscribe`.
pub(crate) fn statement(i: &mut In<'_>) -> PResult<Statement> {
    stmt::statement(i)
}
