//! The shell's line-editor helper: statements span lines until `;`, completion of
//! HyperQL keywords and collection names, and keyword highlighting.

use rustyline::Context;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use std::borrow::Cow;

/// Whether `input` is ready to run: a `\command`, or text ending with `;`
/// (blank input too, so that Enter on an empty line does nothing).
pub fn complete_input(input: &str) -> bool {
    let t = input.trim();
    t.is_empty() || t.starts_with('\\') || t.ends_with(';')
}

/// The helper; `collections` is refreshed by the shell after each statement.
#[derive(Default)]
pub struct ShellHelper {
    /// Collection names offered by completion.
    pub collections: Vec<String>,
    /// Whether to colour keywords.
    pub color: bool,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl ShellHelper {
    /// Candidates for the word `prefix`: keywords (in capitals), then collections.
    pub fn candidates(&self, prefix: &str) -> Vec<String> {
        if prefix.is_empty() {
            return Vec::new();
        }
        let up = prefix.to_ascii_uppercase();
        let mut out: Vec<String> = hyperql::RESERVED
            .iter()
            .filter(|k| k.starts_with(&up))
            .map(|k| k.to_string())
            .collect();
        out.extend(
            self.collections
                .iter()
                .filter(|c| c.starts_with(prefix))
                .cloned(),
        );
        out.sort();
        out.dedup();
        out
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = line.get(..pos).unwrap_or(line);
        let start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(pos, |(i, _)| i);
        let pairs = self
            .candidates(&head[start..])
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if complete_input(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

/// `line` with keywords in bold blue and quoted text in green (same width).
pub fn highlight_keywords(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' || c == '"' {
            let mut end = line.len();
            for (j, d) in chars.by_ref() {
                if d == c {
                    end = j + d.len_utf8();
                    break;
                }
            }
            out.push_str("\x1b[32m");
            out.push_str(&line[i..end]);
            out.push_str("\x1b[0m");
        } else if is_word(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_word(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let word = &line[i..end];
            if hyperql::is_reserved(word) {
                out.push_str("\x1b[1;34m");
                out.push_str(word);
                out.push_str("\x1b[0m");
            } else {
                out.push_str(word);
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight_keywords(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

impl rustyline::Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_end_with_semicolons() {
        assert!(!complete_input("SELECT *\nFROM users"));
        assert!(complete_input("SELECT * FROM users;  "));
        assert!(complete_input("\\q"));
        assert!(complete_input("   "));
    }

    #[test]
    fn completes_keywords_and_collections() {
        let h = ShellHelper {
            collections: vec!["users".into(), "sel_items".into()],
            color: false,
        };
        let c = h.candidates("sel");
        assert!(c.contains(&"SELECT".to_string()), "{c:?}");
        assert!(c.contains(&"sel_items".to_string()), "{c:?}");
        assert_eq!(h.candidates("us"), vec!["users".to_string()]);
    }

    #[test]
    fn highlighting_keeps_the_text() {
        let line = "select name from users where name = 'from x'";
        let h = highlight_keywords(line);
        let plain: String = strip_ansi(&h);
        assert_eq!(plain, line);
        assert!(h.contains("\x1b[1;34mselect\x1b[0m"));
        assert!(h.contains("\x1b[32m'from x'\x1b[0m"));
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }
}
