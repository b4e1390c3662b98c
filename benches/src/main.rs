//! The benchmark harness: `cargo run --release -p benches -- <suite> [--quick]`.
//!
//! Each suite runs our code and its peers on the same data in one process, alternating
//! between systems, and reports medians and ratios (see `report`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ann;
mod compile;
mod embed;
mod graph;
mod hyperql;
mod hyperspatial;
mod import;
mod report;
mod rng;
mod storage;
mod timeseries;
mod vectors;
mod versions;
mod wordnet;
mod wordnet_import;

use clap::Parser;

/// The allocator of the `hyperspatial` binary (the server and CLI), so that what is
/// measured here is what users run. Peers written in C (SQLite, LMDB, usearch) keep
/// their own allocation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every suite the harness knows, by name. Add a suite here and in [`run_suite`].
const SUITES: &[&str] = &[
    "storage",
    "ann",
    "embed",
    "hyperql",
    "timeseries",
    "vectors",
    "graph",
    "hyperspatial",
    "wordnet",
    "import",
    "compile",
];

#[derive(Parser)]
#[command(about = "Measure the workspace against its peers")]
struct Args {
    /// Suite to run (or `all`).
    suite: String,
    /// Small data sets, finishes in under two minutes per suite (what CI runs).
    #[arg(long)]
    quick: bool,
}

fn run_suite(name: &str, quick: bool) -> Result<report::Report, String> {
    match name {
        "storage" => storage::run(quick),
        "ann" => ann::run(quick),
        "embed" => embed::run(quick),
        "hyperql" => hyperql::run(quick),
        "timeseries" => timeseries::run(quick),
        "vectors" => vectors::run(quick),
        "graph" => graph::run(quick),
        "hyperspatial" => hyperspatial::run(quick),
        "wordnet" => wordnet::run(quick),
        "import" => import::run(quick),
        "compile" => compile::run(quick),
        _ => Err(format!("unknown suite `{name}`; known: {SUITES:?}")),
    }
}

fn main() {
    if storage::wal_writer_child() {
        return;
    }
    let args = Args::parse();
    let names: Vec<&str> = if args.suite == "all" {
        SUITES.to_vec()
    } else {
        vec![args.suite.as_str()]
    };
    for name in names {
        match run_suite(name, args.quick) {
            Ok(report) => {
                if let Err(e) = report.finish() {
                    eprintln!("error: writing results of `{name}`: {e}");
                    std::process::exit(1);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
    }
}
