//! The `hyperspatial` binary: `serve`, `query` and `shell` (see `hyperspatial::cli`).

fn main() -> std::process::ExitCode {
    hyperspatial::cli::main()
}
