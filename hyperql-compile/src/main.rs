//! `hyperql-compile`: compiles a folder of `.hql` files into a Rust crate.

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
    /// The folder of the crate to write.
    #[arg(long, short)]
    out: PathBuf,
    /// The crate's name.
    #[arg(long, default_value = "queries")]
    name: String,
    /// A path to the hyperql-compile-runtime crate (else the registry version).
    #[arg(long)]
    runtime_path: Option<PathBuf>,
    /// The path generated code names the runtime by.
    #[arg(long, default_value = "::hyperql_compile_runtime")]
    crate_path: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let out = match hyperql_compile::compile_paths(&args.inputs, &args.crate_path) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) =
        hyperql_compile::write_crate(&args.out, &args.name, args.runtime_path.as_deref(), &out)
    {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    println!(
        "wrote crate `{}` at {} ({} collections)",
        args.name,
        args.out.display(),
        out.model.collections.len()
    );
    ExitCode::SUCCESS
}
