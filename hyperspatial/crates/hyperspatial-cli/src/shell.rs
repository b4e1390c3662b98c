//! `hyperspatial shell`: a HyperQL REPL (rustyline) against the embedded database
//! or a server. Statements may span lines and run at `;`; `\q` quits.

mod helper;

use super::CliError;
use super::args::{Format, ShellArgs};
use super::backend::Backend;
use super::format::render;
use helper::{ShellHelper, complete_input};
use hyperql::Params;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

const HELP: &str = "\
Statements end with `;` and may span lines.
  \\q                      quit (also Ctrl-D)
  \\format table|json|csv  change the output format
  \\collections            list collections
  \\?                      this help
Tab completes keywords and collection names; Ctrl-C clears the statement.";

fn history_path(args: &ShellArgs) -> Option<PathBuf> {
    args.history.clone().or_else(|| {
        std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".hyperspatial_history"))
    })
}

/// What a `\command` asks for.
enum Meta {
    Quit,
    Done,
}

struct Shell {
    backend: Backend,
    format: Format,
}

impl Shell {
    fn meta(&mut self, line: &str) -> Meta {
        let mut words = line.split_whitespace();
        match (words.next().unwrap_or(""), words.next()) {
            ("\\q" | "\\quit", _) => return Meta::Quit,
            ("\\?" | "\\h" | "\\help", _) => println!("{HELP}"),
            ("\\format", Some(f)) => match f {
                "table" => self.format = Format::Table,
                "json" => self.format = Format::Json,
                "csv" => self.format = Format::Csv,
                other => eprintln!("unknown format `{other}`: table, json or csv"),
            },
            ("\\format", None) => println!("{:?}", self.format),
            ("\\collections" | "\\c", _) => match self.backend.collections() {
                Ok(names) if names.is_empty() => println!("(no collections)"),
                Ok(names) => println!("{}", names.join("\n")),
                Err(e) => eprintln!("error: {e}"),
            },
            (other, _) => eprintln!("unknown command `{other}`; \\? lists them"),
        }
        Meta::Done
    }

    fn statement(&self, text: &str) {
        match self.backend.run(text, &Params::new()) {
            Ok(results) => {
                let mut out = std::io::stdout().lock();
                if let Err(e) = render(&results, self.format, &mut out) {
                    eprintln!("error: cannot print: {e}");
                }
                let _ = out.flush();
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
}

/// Runs the shell until `\q` or end of input.
pub fn run(args: &ShellArgs) -> Result<(), CliError> {
    let tty = std::io::stdin().is_terminal();
    let backend = Backend::open(&args.target.conn, |line| {
        if tty {
            eprintln!("{line}");
        }
    })?;
    let mut shell = Shell {
        backend,
        format: args.target.format,
    };
    let config = Config::builder().auto_add_history(false).build();
    let mut rl: Editor<ShellHelper, DefaultHistory> = Editor::with_config(config)
        .map_err(|e| CliError(format!("cannot start the line editor: {e}")))?;
    rl.set_helper(Some(ShellHelper {
        collections: shell.backend.collections().unwrap_or_default(),
        color: std::io::stdout().is_terminal(),
    }));
    let history = history_path(args);
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    if tty {
        eprintln!("HyperQL shell; statements end with `;`, \\? for help, \\q to quit.");
    }
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { "hql> " } else { "...> " };
        let line = match rl.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(CliError(format!("reading input: {e}"))),
        };
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if !complete_input(&pending) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        let input = input.trim();
        if input.is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(input);
        if input.starts_with('\\') {
            if let Meta::Quit = shell.meta(input) {
                break;
            }
            continue;
        }
        shell.statement(input);
        if let (Some(h), Ok(names)) = (rl.helper_mut(), shell.backend.collections()) {
            h.collections = names;
        }
    }
    if !pending.trim().is_empty() {
        shell.statement(pending.trim());
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    Ok(())
}
