//! `hyperql-compile`: compiles a folder of `.hql` files into a Rust crate, and keeps
//! the schema history (`--versions`, `--record-version`).

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Compiles HyperQL schema and query files into a typed Rust crate over manifold.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// `.hql` files or folders (schemas and queries).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The folder of the crate to write (without it, only check, and record with
    /// `--record-version`).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// The crate's name.
    #[arg(long, default_value = "queries")]
    name: String,
    /// A path to the hyperql-compile-runtime crate (else the registry version).
    #[arg(long)]
    runtime_path: Option<PathBuf>,
    /// The path generated code names the runtime by.
    #[arg(long, default_value = "::hyperql_compile_runtime")]
    crate_path: String,
    /// The schema history folder (`v1.json`, `v2.json`, ...): the generated code
    /// knows every version and migrates stored data.
    #[arg(long)]
    versions: Option<PathBuf>,
    /// Record the schema as a new version in `--versions` when it differs from the
    /// newest one (renames come from `-- renamed: collection.old -> new` comments).
    #[arg(long, requires = "versions")]
    record_version: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let versions = args.versions.as_ref().map(|dir| hyperql_compile::Versions {
        dir: dir.clone(),
        up_to: None,
        record: args.record_version,
    });
    let out = match hyperql_compile::compile_versioned(
        &args.inputs,
        &args.crate_path,
        versions.as_ref(),
        &args.name,
    ) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &out.recorded {
        println!("recorded {}", path.display());
    }
    let Some(dir) = &args.out else {
        println!(
            "checked {} collections ({} versions)",
            out.model.collections.len(),
            out.history.len()
        );
        return ExitCode::SUCCESS;
    };
    if let Err(e) =
        hyperql_compile::write_crate(dir, &args.name, args.runtime_path.as_deref(), &out)
    {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    println!(
        "wrote crate `{}` at {} ({} collections)",
        args.name,
        dir.display(),
        out.model.collections.len()
    );
    ExitCode::SUCCESS
}
