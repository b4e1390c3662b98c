//! `hyperspatial demo`: loads the bundled demo data set into the embedded database
//! (unless it is there) and runs the showcase queries, printing each with its result.

use super::CliError;
use super::args::{DemoArgs, Format};
use super::backend::Backend;
use super::format::render;
use super::open::open_database;
use hyperql::{Engine, Params};
use hyperspatial::Database;
use hyperspatial::demo::{SHOWCASE, load};
use std::io::Write;

/// Loads the demo set into `db` (progress on stderr), or says it is there already.
pub fn load_demo(db: &Database) -> Result<(), CliError> {
    let report = load(db, &mut |line| eprintln!("{line}")).map_err(|e| CliError(e.to_string()))?;
    eprintln!("{report}");
    Ok(())
}

/// Runs the command: every showcase query must succeed. With `--format json` or
/// `csv` the query titles go to stderr.
pub fn run(args: &DemoArgs) -> Result<(), CliError> {
    let (db, embedder) = open_database(&args.data)?;
    eprintln!("database: {}; {embedder}", args.data.data.display());
    load_demo(&db)?;
    let backend = Backend::Embedded(Engine::new(db));
    let mut out = std::io::stdout().lock();
    let write_err = |e: std::io::Error| CliError(format!("writing the results: {e}"));
    let mut failed = Vec::new();
    for (i, s) in SHOWCASE.iter().enumerate() {
        let header = format!("\n-- {}. {}\n{};", i + 1, s.title, s.query);
        // JSON and CSV stay machine-readable on stdout: the headers go to stderr.
        if args.format == Format::Table {
            writeln!(out, "{header}").map_err(write_err)?;
        } else {
            eprintln!("{header}");
        }
        match backend.run(s.query, &Params::new()) {
            Ok(results) => render(&results, args.format, &mut out).map_err(write_err)?,
            Err(e) => {
                writeln!(out, "error: {e}").map_err(write_err)?;
                failed.push(i + 1);
            }
        }
    }
    out.flush().map_err(write_err)?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError(format!("showcase queries failed: {failed:?}")))
    }
}
