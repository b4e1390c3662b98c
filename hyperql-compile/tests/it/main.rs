//! Tests of the compiler: diagnostics (tests as data: input files, expected
//! message), snapshots of generated code, the build-script helper and the CLI.

mod cli;
mod diagnostics;
mod endpoints;
mod snapshots;
mod versions;

use std::path::PathBuf;

/// Writes `files` (name, text) into a fresh folder.
pub fn folder(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    let path = dir.path().to_path_buf();
    (dir, path)
}

/// Compiles `files`; the error text, with the folder's path removed.
pub fn compile_err(files: &[(&str, &str)]) -> String {
    let (_d, path) = folder(files);
    match hyperql_compile::compile_paths(std::slice::from_ref(&path), "::hyperql_compile_runtime") {
        Ok(_) => "compiled".into(),
        Err(e) => e.to_string().replace(&format!("{}/", path.display()), ""),
    }
}

/// The schema most tests share.
pub const SCHEMA: &str =
    "CREATE SCHEMA users (name String REQUIRED INDEXED, age Int, score Float REQUIRED);\n";
