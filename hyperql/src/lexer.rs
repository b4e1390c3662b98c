//! The lexer: query text to tokens with spans, written with `winnow` over a
//! [`LocatingSlice`] so every token knows its byte range.
//!
//! Lexing never stops at the first error: an unknown character or an unterminated
//! string is reported and skipped, and lexing goes on.

use crate::diagnostic::{Diagnostic, Message, Pending, finish, span_char};
use crate::span::Span;
use std::fmt;
use winnow::Parser;
use winnow::error::{ContextError, ErrMode, ModalResult};
use winnow::stream::{LocatingSlice, Location, Stream};
use winnow::token::{any, take_while};

/// One token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: Tok,
    /// Where it is.
    pub span: Span,
}

/// Token kinds. Keywords are [`Tok::Word`]s; the parser matches them case-insensitively.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A bare word: keyword or identifier.
    Word(String),
    /// A double-quoted text: a quoted identifier, or a string inside `{..}`/`[..]` literals.
    DQuoted(String),
    /// A single-quoted string, escapes resolved.
    Str(String),
    /// An unsigned integer literal.
    Int(u64),
    /// An unsigned float literal.
    Float(f64),
    /// `$name` or `@name`.
    Param(String),
    /// Punctuation and operators.
    Punct(&'static str),
    /// End of input (always the last token).
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) => write!(f, "{w}"),
            Tok::DQuoted(s) => write!(f, "\"{s}\""),
            Tok::Str(s) => write!(f, "'{s}'"),
            Tok::Int(n) => write!(f, "{n}"),
            Tok::Float(x) => write!(f, "{x:?}"),
            Tok::Param(p) => write!(f, "${p}"),
            Tok::Punct(p) => write!(f, "{p}"),
            Tok::Eof => write!(f, "end of input"),
        }
    }
}

/// Punctuation, longest first so that `<=` wins over `<`.
const PUNCT: &[&str] = &[
    "<>", "!=", "<=", ">=", "||", "->", "..", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":",
    "*", "+", "-", "/", "%", "=", "<", ">", "?",
];

type Input<'s> = LocatingSlice<&'s str>;

/// Splits `src` into tokens (ending with [`Tok::Eof`]) and the lexical errors found
/// (at most [`crate::MAX_DIAGNOSTICS`] and one that counts the rest; a run of the
/// same unexpected character is one error).
pub fn lex(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let (tokens, errors) = lex_pending(src);
    (tokens, finish(src, errors))
}

/// [`lex`] with its errors not yet made diagnostics.
pub(crate) fn lex_pending(src: &str) -> (Vec<Token>, Vec<Pending>) {
    let mut input = LocatingSlice::new(src);
    let mut tokens = Vec::new();
    let mut errors: Vec<Pending> = Vec::new();
    loop {
        if let Err(e) = trivia(&mut input) {
            let start = input.current_token_start();
            errors.push(error(Span::new(start, src.len()), Message::Static(e)));
            break;
        }
        let start = input.current_token_start();
        if input.eof_offset() == 0 {
            tokens.push(Token {
                kind: Tok::Eof,
                span: Span::new(start, start),
            });
            break;
        }
        match token(&mut input) {
            Ok(kind) => {
                let end = input.current_token_start();
                tokens.push(Token {
                    kind,
                    span: Span::new(start, end),
                });
            }
            Err(_) => {
                // The failing rule may have consumed part of the token; report from its
                // start to where it stopped (at least one character) and go on.
                let mut end = input.current_token_start();
                if end == start {
                    let _ = any::<_, ErrMode<ContextError>>.parse_next(&mut input);
                    end = input.current_token_start();
                }
                let span = Span::new(start, end);
                let text = span.text(src);
                let message = if text.starts_with('\'') || text.starts_with('"') {
                    Message::Static("unterminated or invalid string")
                } else if text.starts_with(|c: char| c.is_ascii_digit()) {
                    Message::Static("invalid number")
                } else {
                    // The same character right after the last one: one longer error.
                    if let Some(last) = errors.last_mut()
                        && let Message::Unexpected(n) = &mut last.message
                        && last.span.end == start
                        && span_char(src, last.span) == text
                    {
                        *n += 1;
                        last.span.end = end;
                        continue;
                    }
                    Message::Unexpected(1)
                };
                errors.push(error(span, message));
            }
        }
    }
    (tokens, errors)
}

fn error(span: Span, message: Message) -> Pending {
    Pending {
        span,
        message,
        expected: Vec::new(),
    }
}

/// Whitespace and comments (`-- to end of line`, `/* block */`).
fn trivia(i: &mut Input<'_>) -> Result<(), &'static str> {
    loop {
        let s: &str = i.as_ref();
        if s.starts_with(|c: char| c.is_whitespace()) {
            let _ =
                take_while::<_, _, ErrMode<ContextError>>(1.., char::is_whitespace).parse_next(i);
        } else if s.starts_with("--") {
            let n = s.find('\n').unwrap_or(s.len());
            let _ = i.next_slice(n);
        } else if let Some(body) = s.strip_prefix("/*") {
            match body.find("*/") {
                Some(n) => {
                    let _ = i.next_slice(n + 4);
                }
                None => return Err("unterminated block comment"),
            }
        } else {
            return Ok(());
        }
    }
}

fn token(i: &mut Input<'_>) -> ModalResult<Tok> {
    let s: &str = i.as_ref();
    let c = s.chars().next().unwrap_or('\0');
    if c.is_alphabetic() || c == '_' {
        return word.map(|w: &str| Tok::Word(w.to_string())).parse_next(i);
    }
    if c.is_ascii_digit() {
        return number(i);
    }
    match c {
        '\'' => quoted('\'').map(Tok::Str).parse_next(i),
        '"' => quoted('"').map(Tok::DQuoted).parse_next(i),
        // `$name`, or `@name` as the public docs write it: the same parameter.
        '$' | '@' => {
            let _ = any.parse_next(i)?;
            word.map(|w: &str| Tok::Param(w.to_string())).parse_next(i)
        }
        _ => {
            for p in PUNCT {
                if s.starts_with(p) {
                    let _ = i.next_slice(p.len());
                    return Ok(Tok::Punct(p));
                }
            }
            Err(ErrMode::Backtrack(ContextError::new()))
        }
    }
}

fn word<'s>(i: &mut Input<'s>) -> ModalResult<&'s str> {
    take_while(1.., |c: char| c.is_alphanumeric() || c == '_').parse_next(i)
}

/// `123`, `1.5`, `1e9`, `2.5E-3`. A dot must be followed by a digit, so `1..3` lexes
/// as `1`, `..`, `3`.
fn number(i: &mut Input<'_>) -> ModalResult<Tok> {
    let s: &str = i.as_ref();
    let b = s.as_bytes();
    let mut n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut float = false;
    if b.get(n) == Some(&b'.') && b.get(n + 1).is_some_and(u8::is_ascii_digit) {
        float = true;
        n += 1;
        n += b[n..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    if matches!(b.get(n), Some(b'e' | b'E')) {
        let mut m = n + 1;
        if matches!(b.get(m), Some(b'+' | b'-')) {
            m += 1;
        }
        let digits = b
            .get(m..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        if digits > 0 {
            float = true;
            n = m + digits;
        }
    }
    let text = &s[..n];
    let tok = if float {
        text.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Tok::Float)
    } else {
        text.parse::<u64>().ok().map(Tok::Int)
    };
    let _ = i.next_slice(n);
    tok.ok_or(ErrMode::Cut(ContextError::new()))
}

/// A string quoted with `q`. Inside: `qq` is one `q`; backslash escapes `\n \t \r \0 \\
/// \' \" \u{hex}`.
fn quoted(q: char) -> impl FnMut(&mut Input<'_>) -> ModalResult<String> {
    move |i: &mut Input<'_>| {
        let _ = any.parse_next(i)?;
        let mut out = String::new();
        loop {
            let Some(c) = i.next_token() else {
                return Err(ErrMode::Cut(ContextError::new()));
            };
            if c == q {
                let s: &str = i.as_ref();
                if s.starts_with(q) {
                    let _ = i.next_token();
                    out.push(q);
                    continue;
                }
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = i.next_token() else {
                return Err(ErrMode::Cut(ContextError::new()));
            };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                '\\' | '\'' | '"' => out.push(e),
                'u' => {
                    let s: &str = i.as_ref();
                    let close = s.find('}').filter(|_| s.starts_with('{'));
                    let ch = close
                        .and_then(|n| u32::from_str_radix(&s[1..n], 16).ok())
                        .and_then(char::from_u32);
                    match (ch, close) {
                        (Some(ch), Some(n)) => {
                            let _ = i.next_slice(n + 1);
                            out.push(ch);
                        }
                        _ => return Err(ErrMode::Cut(ContextError::new())),
                    }
                }
                _ => return Err(ErrMode::Cut(ContextError::new())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        let (t, e) = lex(src);
        assert!(e.is_empty(), "{e:?}");
        t.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn quantifier_range_is_not_a_float() {
        assert_eq!(
            kinds("*1..2"),
            vec![
                Tok::Punct("*"),
                Tok::Int(1),
                Tok::Punct(".."),
                Tok::Int(2),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn strings_and_comments() {
        assert_eq!(
            kinds("'it''s' -- c\n /* b */ 'a\\nb' 1.5e2"),
            vec![
                Tok::Str("it's".into()),
                Tok::Str("a\nb".into()),
                Tok::Float(150.0),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn errors_are_reported_and_skipped() {
        let (t, e) = lex("a # b 'open");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].column, 3);
        assert_eq!(t.len(), 3);
    }
}
